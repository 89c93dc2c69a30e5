"""The client moves their booking from its manage link (DESIGN.md 5, reschedule and change policy).

The pages work without JavaScript: the same month calendar as booking, a confirmation step, then
a POST. The URL is the credential; a GET never changes anything.
"""

import re
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.businesses.models import BusinessBookingSettings, BusinessProfile
from bookingsite.notifications.models import EmailKind, OutboxEmail
from bookingsite.lib.locale_formats import format_date

from .test_booking_manage import TOKYO, book, london_today, manage_url, offered_starts, text

pytestmark = pytest.mark.django_db


def reschedule_url(booking) -> str:
    return manage_url(booking) + "reschedule/"


def utc_iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def snapshot(booking) -> tuple:
    booking = Booking.objects.get(pk=booking.pk)
    return (booking.start_time_utc, booking.status, booking.sequence, BookingStatusChange.objects.count(),
            OutboxEmail.objects.count(), sorted(Session.objects.values_list("start_time_utc", flat=True)))


@pytest.fixture
def booking(open_page, service):
    return book(open_page, service)


@pytest.fixture
def target(open_page, service, booking):
    """Another offered time, two days later."""
    return offered_starts(open_page, service, london_today() + timedelta(days=5))[2]


def test_the_manage_page_offers_the_move(client, booking):
    response = client.get(manage_url(booking))
    assert f'href="{reschedule_url(booking)}"' in response.content.decode()
    assert "Move to another time" in text(response)
    assert "You can move or cancel online until the start." in text(response)


def test_the_picker_shows_the_current_time_and_links_times_to_the_confirmation(client, booking, target):
    start = booking.start_time_utc.astimezone(TOKYO)
    response = client.get(reschedule_url(booking), {"date": target.astimezone(TOKYO).date().isoformat()})

    assert response.status_code == 200
    shown = text(response)
    assert "Move your booking" in shown and "Your current time" in shown
    assert format_date(start, "weekday_date_year") in shown
    assert "(Tokyo time)" in shown  # the zone it was booked in
    body = response.content.decode()
    assert f'href="{reschedule_url(booking)}?start={utc_iso(target)}&amp;tz=Asia%2FTokyo"' in body
    assert "/book/alices-aqua/1/book/" not in body  # no link to the booking form
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_the_zone_search_on_the_move_page_stays_on_the_move_page(client, booking):
    listed = client.get(reschedule_url(booking), {"tz": "Asia/Tokyo", "zone": "pst"})
    assert listed.status_code == 200 and listed.context["client_timezone"] == "Asia/Tokyo"
    assert 'href="?tz=America%2FLos_Angeles&amp;month=' in listed.content.decode()  # relative: this page

    found = client.get(reschedule_url(booking), {"tz": "Asia/Tokyo", "zone": "new york"})
    assert found.status_code == 302 and found["Location"] == f"{reschedule_url(booking)}?tz=America%2FNew_York"
    assert "Times shown in New York time" in text(client.get(found["Location"]))


def test_the_picker_does_not_offer_the_time_it_already_has(client, open_page, service, booking):
    day = booking.start_time_utc.astimezone(TOKYO).date()
    response = client.get(reschedule_url(booking), {"date": day.isoformat()})
    assert f"?start={utc_iso(booking.start_time_utc)}" not in response.content.decode()


def test_the_picker_swaps_by_htmx_with_links_that_stay_on_the_move(client, booking, target):
    response = client.get(reschedule_url(booking), {"date": target.astimezone(TOKYO).date().isoformat()},
                          headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith("<section id=\"picker\"")
    assert f'hx-get="{reschedule_url(booking)}?' in body


def test_a_get_with_a_time_asks_to_confirm_and_changes_nothing(client, booking, target):
    before = snapshot(booking)
    response = client.get(reschedule_url(booking), {"start": utc_iso(target)})

    assert response.status_code == 200
    shown = text(response)
    assert "Move your booking to this time?" in shown and "New time" in shown
    new = target.astimezone(TOKYO)
    assert f"{new:%H:%M}" in shown
    assert re.search(r'<form method="post" action="[^"]+/reschedule/"', response.content.decode())
    assert snapshot(booking) == before


def test_confirming_moves_it_and_the_manage_page_says_so(client, booking, target):
    response = client.post(reschedule_url(booking), {"start": utc_iso(target)})

    assert response.status_code == 302
    assert response["Location"] == manage_url(booking) + "?moved=1"
    booking.refresh_from_db()
    assert booking.start_time_utc == target and booking.sequence == 1
    page = client.get(response["Location"])
    assert "Your booking has moved to the new time below." in text(page)
    new = target.astimezone(TOKYO)
    assert format_date(new, "weekday_date_year") in text(page)
    # The .ics the page offers is the moved event: same UID, higher SEQUENCE.
    ics = Calendar.from_ical(client.get(manage_url(booking) + "calendar.ics").content)
    event = next(iter(ics.walk("VEVENT")))
    assert str(event["UID"]) == f"booking-{booking.pk}@flowkey-booking-links"
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == target
    kinds = set(OutboxEmail.objects.filter(booking=booking).values_list("kind", flat=True))
    assert {EmailKind.MOVED, EmailKind.BOOKING_MOVED} <= kinds


def test_a_time_taken_meanwhile_answers_409_with_other_times(client, open_page, service, booking, target):
    book(open_page, service, start=target)  # someone else takes it
    before = snapshot(booking)

    shown_get = client.get(reschedule_url(booking), {"start": utc_iso(target)})
    response = client.post(reschedule_url(booking), {"start": utc_iso(target)})

    assert shown_get.status_code == 409 and response.status_code == 409
    assert "Sorry, this time was just taken." in text(response)
    assert "Still free on" in text(response)
    assert f'href="{reschedule_url(booking)}?start=' in response.content.decode()
    assert snapshot(booking) == before


@pytest.mark.parametrize("start", ["", "soon", "2020-01-01T10:00:00Z"])
def test_a_bad_or_past_time_is_refused(client, booking, start):
    before = snapshot(booking)
    response = client.post(reschedule_url(booking), {"start": start})
    assert response.status_code in (400, 409)
    assert snapshot(booking) == before


def test_a_time_not_offered_is_refused(client, booking, target):
    before = snapshot(booking)
    response = client.post(reschedule_url(booking), {"start": utc_iso(target + timedelta(minutes=7))})
    assert response.status_code == 400
    assert "This time is not offered" in text(response)
    assert snapshot(booking) == before


def test_inside_the_cutoff_the_page_shows_the_policy_and_the_post_is_refused(client, open_page, booking, target):
    hours_left = (booking.start_time_utc - timezone.now()) / timedelta(hours=1)
    BusinessBookingSettings.objects.filter(pk=open_page.pk).update(client_change_cutoff_hours=int(hours_left) + 1)
    before = snapshot(booking)

    manage = client.get(manage_url(booking))
    page = client.get(reschedule_url(booking))
    response = client.post(reschedule_url(booking), {"start": utc_iso(target)})
    cancel = client.post(manage_url(booking) + "cancel/")

    assert "Move to another time" not in text(manage) and "Cancel booking" not in text(manage)
    assert "This booking can no longer be changed online." in text(manage)
    assert "alice@example.com" in text(manage)
    assert "This booking can’t be moved online" in text(page)
    assert response.status_code == 400 and cancel.status_code == 400
    assert "It is too close to the start to change this booking online." in text(cancel)
    assert snapshot(booking) == before


def test_before_the_cutoff_the_deadline_is_shown_in_the_clients_zone(client, open_page, booking):
    BusinessBookingSettings.objects.filter(pk=open_page.pk).update(client_change_cutoff_hours=1)
    deadline = (booking.start_time_utc - timedelta(hours=1)).astimezone(TOKYO)
    shown = text(client.get(manage_url(booking)))
    assert f"You can move or cancel online until 1 hour before the start (until {deadline:%A} {deadline.day} {deadline:%B}, " \
           f"{deadline:%H:%M} Tokyo time)" in shown


def test_the_policy_is_shown_before_booking(client, open_page, service):
    BusinessBookingSettings.objects.filter(pk=open_page.pk).update(client_change_cutoff_hours=24)
    start = offered_starts(open_page, service, london_today() + timedelta(days=3))[0]
    response = client.get(f"/book/alices-aqua/{service.pk}/book/", {"start": utc_iso(start)})
    assert "You can move or cancel online until 24 hours before the start; after that, please contact" in text(response)


def test_a_cancelled_booking_cannot_be_moved(client, booking, target):
    client.post(manage_url(booking) + "cancel/")
    before = snapshot(booking)
    page = client.get(reschedule_url(booking))
    response = client.post(reschedule_url(booking), {"start": utc_iso(target)})
    assert "This booking can’t be moved online" in text(page)
    assert "Only a booking that is still coming up can be moved." in text(page)
    assert response.status_code == 400
    assert snapshot(booking) == before


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
def test_an_unknown_token_is_404(client, open_page, token):
    assert client.get(f"/book/alices-aqua/booking/{token}/reschedule/").status_code == 404
    assert client.post(f"/book/alices-aqua/booking/{token}/reschedule/", {"start": "2031-01-01T10:00:00Z"}).status_code == 404


def test_another_businesss_link_does_not_open_the_booking(client, booking, other_business):
    assert client.get(f"/book/bobs-boxing/booking/{booking.manage_token}/reschedule/").status_code == 404


def test_a_paused_page_offers_no_move(client, open_page, booking):
    BusinessBookingSettings.objects.filter(pk=open_page.pk).update(is_booking_page_active=False)
    assert "Move to another time" not in text(client.get(manage_url(booking)))
    assert client.get(reschedule_url(booking)).status_code == 404


def test_the_ics_before_and_after_a_move_is_one_event_moved(client, open_page, booking, target):
    """Parsed with icalendar: same UID, a higher SEQUENCE, the new DTSTART, and the place."""
    BusinessProfile.objects.filter(pk=open_page.pk).update(address="1 Harbour Road\nBristol")

    def event():
        calendar = Calendar.from_ical(client.get(manage_url(booking) + "calendar.ics").content)
        return next(iter(calendar.walk("VEVENT")))

    before = event()
    client.post(reschedule_url(booking), {"start": utc_iso(target)})
    after = event()

    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert before.decoded("DTSTART") == booking.start_time_utc and after.decoded("DTSTART") == target
    assert str(before["LOCATION"]) == str(after["LOCATION"]) == "1 Harbour Road, Bristol"
