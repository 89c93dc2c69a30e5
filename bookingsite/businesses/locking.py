"""The one lock every availability-changing write of a business takes (DESIGN.md 5).

Bookings, sessions, working hours, exception dates, services and the link's settings all change
what a business can offer. Each such write runs in one transaction that first calls
`lock_business_for_write`: writers of one business queue on its settings row, so the re-check
that follows sees every committed change and nothing slips in before the save. The same step
bumps `availability_version`, the key of every cached answer (bookings.selectors.availability.offered_days),
so no write can forget to invalidate the cache.
"""

from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import BusinessBookingSettings

LOCK_TIMEOUT_SECONDS = 3
# PostgreSQL's SQLSTATEs for lock_not_available (lock_timeout ran out) and query_canceled
# (statement_timeout, settings.DB_STATEMENT_TIMEOUT_SECONDS, ran out).
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"

# Only tests switch this off (tests/bookings/test_races.py), to prove the race tests can fail.
_enabled = True


class BusyError(Exception):
    """The business's lock was not granted in time: nothing was changed; try again shortly."""

    message = _("Nothing was saved: too many changes reached this business at once. Please send it again in a few seconds.")
    retry_after_seconds = LOCK_TIMEOUT_SECONDS

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


TOO_SLOW = _("This took too long to answer, so nothing was changed. Please try again in a few seconds.")


def as_busy_error(exception: BaseException) -> BusyError | None:
    """The BusyError an exception amounts to, else None; the pages (core.middleware.busy_answer) and
    the JSON (api.errors.exception_handler) answer it 503 with Retry-After.

    SQLite's write lock is the whole database's, taken at BEGIN IMMEDIATE: its busy timeout running
    out ("database is locked") is the same "busy" as PostgreSQL's lock_timeout. A PostgreSQL
    statement that ran out of statement_timeout (a read stuck behind a migration's lock, say) is
    busy too: its transaction was rolled back.
    """
    if isinstance(exception, BusyError):
        return exception
    if not isinstance(exception, OperationalError):
        return None
    if connection.vendor == "sqlite" and "database is locked" in str(exception):
        return BusyError()
    if getattr(exception.__cause__, "sqlstate", None) == QUERY_CANCELED:
        return BusyError(TOO_SLOW)
    return None


def lock_business_for_write(business_profile_id: int) -> BusinessBookingSettings:
    """Lock the business for an availability-changing write, bump its availability version, and
    return its settings with the business (`page.business_profile`) read under the lock.

    Call it first inside the service's transaction (RuntimeError outside one). On PostgreSQL the
    bump is an UPDATE of the settings row, which takes the row lock until the transaction ends,
    waiting at most LOCK_TIMEOUT_SECONDS before raising BusyError. On SQLite the IMMEDIATE
    transaction already holds the database's write lock. If a second lock is ever needed, take
    this one first.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_business_for_write needs the write's transaction")
    if not _enabled:
        # The control test: no lock; the version is still bumped, but only after commit.
        transaction.on_commit(lambda: _bump(business_profile_id))
        return _read(business_profile_id)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
    try:
        bumped = _bump(business_profile_id)
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise BusyError() from exc
        raise
    if not bumped:
        raise BusinessBookingSettings.DoesNotExist(f"No booking settings for business {business_profile_id}")
    return _read(business_profile_id)


def _bump(business_profile_id: int) -> int:
    return BusinessBookingSettings.objects.filter(pk=business_profile_id).update(
        availability_version=F("availability_version") + 1
    )


def _read(business_profile_id: int) -> BusinessBookingSettings:
    return BusinessBookingSettings.objects.select_related("business_profile").get(pk=business_profile_id)
