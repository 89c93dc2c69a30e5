"""`celery beat`'s scheduler for the tests: the project's CELERY_BEAT_SCHEDULE as it is, but every
entry due the moment beat starts (then every period, as configured).

Real beat sends an entry one period after it starts; a test of "beat sends reminders every
minute" would wait that minute on a timer. Kept in memory: no schedule file is written.
Use it as `celery -A config beat --scheduler tests.beat_at_start:DueAtStartScheduler`
(tests/processes.py: celery_beat).
"""

from datetime import timedelta

from celery.beat import Scheduler


class DueAtStartScheduler(Scheduler):
    def setup_schedule(self) -> None:
        super().setup_schedule()
        for entry in self.schedule.values():
            # As if each had last run a day ago: due now, whatever its period (up to a day).
            entry.last_run_at = entry.default_now() - timedelta(days=1)
