"""Who hears of a booking change, inside the change's transaction.

The booking service calls `booking_changed` after it has saved a booking and its history row.
Each consumer (the notifications app's outbox today; webhooks later) records what it owes in
the same transaction, so what it owes exists if and only if the change does. Bookings never
imports its consumers: they register themselves from their AppConfig.ready(), so the layers
point one way (DESIGN.md, STYLE.md "Layers").
"""

from collections.abc import Callable
from datetime import datetime

from .models import Booking, WaitlistEntry

# consumer(booking=..., from_status=..., moved_from=..., from_waitlist=..., made_by_owner=...,
# email_client=...): from_status is "" for a booking just made; moved_from is the start it had
# before a move (its status then is unchanged), else None; from_waitlist is True for a booking
# made by claiming a waitlist offer; made_by_owner is True for a booking the owner made (a phone
# booking), and email_client False when the owner chose not to email the client about it.
BookingChangeConsumer = Callable[..., object]
_consumers: list[BookingChangeConsumer] = []
# consumer(entry=..., from_status=...): a waitlist entry just went from from_status ("" when it
# just joined) to its current status.
WaitlistChangeConsumer = Callable[..., object]
_waitlist_consumers: list[WaitlistChangeConsumer] = []


def booking_change_consumer_add(consumer: BookingChangeConsumer) -> None:
    """Register a consumer once (AppConfig.ready may run more than once in tests)."""
    if consumer not in _consumers:
        _consumers.append(consumer)


def booking_changed(
    *, booking: Booking, from_status: str, moved_from: datetime | None = None, from_waitlist: bool = False,
    made_by_owner: bool = False, email_client: bool = True,
) -> None:
    """Tell every consumer that `booking` just went from `from_status` to its current status, or,
    with `moved_from`, from that start to its current one."""
    for consumer in _consumers:
        consumer(booking=booking, from_status=from_status, moved_from=moved_from, from_waitlist=from_waitlist,
                 made_by_owner=made_by_owner, email_client=email_client)


def waitlist_change_consumer_add(consumer: WaitlistChangeConsumer) -> None:
    if consumer not in _waitlist_consumers:
        _waitlist_consumers.append(consumer)


def waitlist_changed(*, entry: WaitlistEntry, from_status: str) -> None:
    """Tell every consumer that `entry` just went from `from_status` to its current status."""
    for consumer in _waitlist_consumers:
        consumer(entry=entry, from_status=from_status)
