from django.core.management.base import BaseCommand
from django.utils import timezone

from bookingsite.businesses.busy_import import busy_calendar_import
from bookingsite.businesses.models import BusyCalendar


class Command(BaseCommand):
    help = "Fetch every owner's busy calendar once, now, and store its busy time (beat does it every ten minutes)."

    def handle(self, *args, **options):
        failed = 0
        calendars = BusyCalendar.objects.order_by("pk")
        for calendar in calendars:
            result = busy_calendar_import(calendar=calendar, now=timezone.now())
            if result.ok:
                self.stdout.write(
                    f"calendar {calendar.pk} (business {calendar.business_profile_id}): "
                    f"{len(result.read.intervals)} busy intervals, {result.read.skipped_events} broken events skipped"
                )
            else:
                failed += 1
                self.stdout.write(f"calendar {calendar.pk} (business {calendar.business_profile_id}): failed: {result.error}")
        self.stdout.write(f"{calendars.count()} calendars fetched, {failed} failed.")
