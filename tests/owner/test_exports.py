"""The bookings list's Upcoming / Past tabs and the CSV downloads of bookings and clients."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking
from tests.factories import BookingFactory, ClientFactory

from . import test_isolation, test_pending

pytestmark = pytest.mark.django_db

Status = Booking.Status
LONDON = ZoneInfo("Europe/London")
owner, carol_rows = test_pending.owner, test_isolation.carol_rows


@pytest.fixture
def timeline(business, page, service):
    """Two bookings behind `now` and two ahead, made out of order; Zoë's name looks like a formula."""
    now = timezone.now().replace(second=0, microsecond=0)

    def make(name, hours, **fields):
        person = ClientFactory(business_profile=business, name=name, email=f"{name.split()[0].lower()}@example.com")
        return BookingFactory(business_profile=business, session_category=service, client=person,
                              start_time_utc=now + timedelta(hours=hours), **fields)

    return {
        "later": make("Lou Later", 48),
        "old": make("Olga Old", -48, status=Status.COMPLETED),
        "soon": make("=HYPERLINK(\"http://evil\") Zoë", 2, status=Status.PENDING_APPROVAL),
        "recent": make("Rita Recent", -2, status=Status.NO_SHOW),
    }


def names(response) -> list[str]:
    return [booking.client_name for booking in response.context["page_obj"]]


def read_csv(response) -> list[list[str]]:
    assert response.streaming is True
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_upcoming_is_soonest_first_and_past_most_recent_first(owner, timeline):
    assert names(owner.get("/app/bookings/")) == ['=HYPERLINK("http://evil") Zoë', "Lou Later"]
    assert names(owner.get("/app/bookings/", {"when": "past"})) == ["Rita Recent", "Olga Old"]


def test_the_tabs_keep_the_filters(owner, timeline):
    response = owner.get("/app/bookings/", {"q": "o", "status": "completed", "when": "past"})

    assert names(response) == ["Olga Old"]
    body = response.content.decode()
    assert 'href="/app/bookings/?q=o&amp;status=completed&amp;when=upcoming"' in body
    assert 'aria-current="page">Past</a>' in body
    assert 'href="/app/bookings/export.csv?q=o&amp;status=completed&amp;when=past"' in body


def test_a_past_days_filter_opens_on_what_it_holds(owner, timeline):
    day = timeline["old"].start_time_utc.astimezone(LONDON).date().isoformat()  # over by now: it ends within 24 h of Olga's start
    response = owner.get("/app/bookings/", {"date_from": day, "date_to": day})
    assert names(response) == ["Olga Old"]
    assert 'aria-current="page">Past</a>' in response.content.decode()


@pytest.mark.parametrize(("query", "field"), [
    ({"when": "later"}, "Show: Choose Upcoming or Past."), ({"status": "lost"}, "Status"), ({"date_from": "2026-02-30"}, "From"),
])
def test_a_bad_filter_is_a_400_and_nothing_is_exported(owner, timeline, query, field):
    response = owner.get("/app/bookings/export.csv", query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert text.startswith("Nothing exported.") and field in text
    assert "Lou Later" not in text
    assert owner.get("/app/bookings/", query).status_code == 400


def test_bookings_export_has_a_header_the_filters_and_times_with_their_offset(owner, business, page, service, timeline):
    response = owner.get("/app/bookings/export.csv", {"when": "past", "status": "no_show"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.now().astimezone(LONDON).date()  # the business's day
    assert response["Content-Disposition"] == f'attachment; filename="alices-aqua-bookings-past-{today.isoformat()}.csv"'
    rows = read_csv(response)
    assert rows[0] == ["Start", "End", "Service", "Status", "Client", "Email", "Phone", "Notes from the client", "Booked at"]
    assert [row[4] for row in rows[1:]] == ["Rita Recent"]
    start = datetime.fromisoformat(rows[1][0])
    assert start.utcoffset() is not None and start == timeline["recent"].start_time_utc
    assert rows[1][3] == "No-show"


def test_a_formula_looking_name_is_neutralised(owner, timeline):
    rows = read_csv(owner.get("/app/bookings/export.csv"))
    assert rows[1][4] == "'=HYPERLINK(\"http://evil\") Zoë"  # accents survive, the formula does not run
    clients = read_csv(owner.get("/app/clients/export.csv"))
    assert "'=HYPERLINK(\"http://evil\") Zoë" in [row[0] for row in clients]
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in clients)


def test_clients_export_applies_the_search(owner, timeline):
    response = owner.get("/app/clients/export.csv", {"q": "later"})

    assert response["Content-Disposition"].startswith('attachment; filename="alices-aqua-clients-')
    rows = read_csv(response)
    assert rows[0] == ["Name", "Email", "Phone", "Bookings", "Client since"]
    assert [row[:4] for row in rows[1:]] == [["Lou Later", "lou@example.com", "", "1"]]


def test_a_too_long_client_search_is_a_400_and_nothing_is_exported(owner, timeline):
    response = owner.get("/app/clients/export.csv", {"q": "x" * 101})
    assert response.status_code == 400 and "Nothing exported." in response.content.decode()


def test_another_owner_exports_none_of_yours(client, timeline, carol_rows):
    client.force_login(carol_rows["service"].business_profile.owner)
    bookings = read_csv(client.get("/app/bookings/export.csv"))
    clients = read_csv(client.get("/app/clients/export.csv"))
    ours = {booking.client_name for booking in timeline.values()}
    assert not ours & {row[4] for row in bookings[1:]}
    assert not ours & {row[0] for row in clients[1:]}
    assert len(clients) == 2  # the header and Carol's one client
