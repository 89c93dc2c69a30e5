"""The rows of the owner's CSV downloads: bookings and clients, times in the business's zone."""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bookingsite.bookings.models import Booking, Client

# In the owner's language, like the statuses in the rows.
BOOKING_HEADER = [
    _("Start"), _("End"), _("Service"), _("Status"), _("Client"), _("Email"), _("Phone"), _("Notes from the client"),
    _("Booked at"),
]
CLIENT_HEADER = [_("Name"), _("Email"), _("Phone"), _("Bookings"), _("Client since")]


def local_iso(moment: datetime | None, zone: ZoneInfo) -> str:
    """ISO 8601 in the business's zone with its UTC offset, e.g. 2026-03-29T10:00:00+02:00."""
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


def header(names: list) -> list[str]:
    return [str(name) for name in names]


def in_request_language(rows: Iterator[list[object]]) -> Iterator[list[object]]:
    """`rows` read in the language of the request that asked for them: a download streams after the
    request is done, when no language is active any more (statuses are translated as they are read)."""
    language = translation.get_language()

    def read() -> Iterator[list[object]]:
        with translation.override(language):
            yield from rows

    return read()


def booking_rows(bookings, zone: ZoneInfo) -> Iterator[list[object]]:
    booking: Booking
    for booking in bookings.iterator(chunk_size=500):
        yield [
            local_iso(booking.start_time_utc, zone), local_iso(booking.end_time_utc, zone), booking.session_category.name,
            booking.get_status_display(), booking.client_name, booking.client_email, booking.client_phone,
            booking.notes_from_client, local_iso(booking.created_at, zone),
        ]


def client_rows(clients, zone: ZoneInfo) -> Iterator[list[object]]:
    """`clients` carry `booking_count` (bookings.selectors.clients.client_search)."""
    client: Client
    for client in clients.iterator(chunk_size=500):
        yield [client.name, client.email, client.phone, client.booking_count, local_iso(client.created_at, zone)]


def export_filename(slug: str, what: str, zone: ZoneInfo, now: datetime) -> str:
    return f"{slug}-{what}-{now.astimezone(zone).date().isoformat()}.csv"
