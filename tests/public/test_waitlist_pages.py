"""The client's waitlist pages (DESIGN.md 11): the slot list's "Join the waitlist", the join form,
the entry's page with the place in line, claim and leave; and every bad input of the issue, each
with a clear message and nothing changed. The pages work without JavaScript: plain links and forms.
"""

import re
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.bookings.services import booking_cancel_by_client
from bookingsite.notifications.models import EmailKind, OutboxEmail
from tests.factories import ServiceFactory

from .test_booking_manage import book, london_today, manage_url, offered_starts, text

pytestmark = pytest.mark.django_db

Entry = WaitlistEntry.Status


def utc_iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def lessons(open_page, service):
    """The private lesson (one place) takes a waitlist."""
    service.waitlist_enabled = True
    service.save()
    return service


@pytest.fixture
def taken(open_page, lessons):
    """A booked lesson three days ahead: its slot is full."""
    return book(open_page, lessons)


def join_url(service, slug="alices-aqua") -> str:
    return f"/book/{slug}/{service.pk}/waitlist/"


def entry_url(entry, slug="alices-aqua") -> str:
    return f"/book/{slug}/waitlist/{entry.token}/"


def form_token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def join(client, service, start, *, name="Nina Wait", email="nina@example.com", phone="+447911123457"):
    """Open the join form for `start` and send it, as a browser without JavaScript does."""
    form = client.get(join_url(service), {"start": utc_iso(start), "tz": "Asia/Tokyo"})
    assert form.status_code == 200, text(form)
    return client.post(join_url(service), {
        "token": form_token(form), "client_name": name, "client_email": email, "client_phone": phone, "notes": "",
        "website": "",
    })


def counts() -> tuple:
    return WaitlistEntry.objects.count(), Booking.objects.count(), OutboxEmail.objects.count()


# --- The slot list -------------------------------------------------------------------------------


def test_a_full_slot_links_to_its_waitlist_and_free_ones_to_the_form(client, lessons, taken):
    day = taken.start_time_utc.astimezone(UTC).date()
    page = client.get(f"/book/alices-aqua/{lessons.pk}/", {"date": day.isoformat(), "tz": "Europe/London"})
    html = page.content.decode()
    waitlist_link = f'href="{join_url(lessons)}?start={utc_iso(taken.start_time_utc)}&amp;tz=Europe%2FLondon"'
    assert waitlist_link in html
    assert "Full · Join the waitlist" in text(page)
    assert html.count("Join the waitlist") == 1
    assert f"/book/alices-aqua/{lessons.pk}/book/?start=" in html  # the free times still book


def test_a_service_without_a_waitlist_shows_no_full_slots(client, open_page, service):
    booking = book(open_page, service)
    day = booking.start_time_utc.astimezone(UTC).date()
    page = client.get(f"/book/alices-aqua/{service.pk}/", {"date": day.isoformat()})
    assert "Join the waitlist" not in page.content.decode()
    assert utc_iso(booking.start_time_utc) not in page.content.decode()


def test_a_day_with_only_full_slots_is_a_link_that_says_so(client, open_page, business):
    class_ = ServiceFactory(business_profile=business, name="Morning class", duration_minutes=480, capacity=1,
                            waitlist_enabled=True)
    day = london_today() + timedelta(days=3)
    booking = book(open_page, class_, start=offered_starts(open_page, class_, day)[0])  # 09:00-17:00: the day's only slot
    day = booking.start_time_utc.astimezone(UTC).date()
    page = client.get(f"/book/alices-aqua/{class_.pk}/", {"month": day.strftime("%Y-%m"), "tz": "Europe/London"})
    assert re.search(rf'aria-label="[^"]*{day.day} [A-Z][a-z]+, full, waitlist open"', page.content.decode())


def test_moving_a_booking_offers_no_waitlist(client, open_page, lessons, taken):
    other = book(open_page, lessons, days_ahead=4)
    day = taken.start_time_utc.date()
    page = client.get(manage_url(other) + "reschedule/", {"date": day.isoformat()})
    assert page.status_code == 200
    assert "Join the waitlist" not in page.content.decode()


# --- Joining -------------------------------------------------------------------------------------


def test_joining_shows_the_place_in_line_and_emails_it(client, lessons, taken):
    response = join(client, lessons, taken.start_time_utc)
    entry = WaitlistEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry_url(entry)
    assert (entry.status, entry.client_timezone, entry.start_time_utc) == (Entry.WAITING, "Asia/Tokyo", taken.start_time_utc)

    page = client.get(entry_url(entry))
    assert "You’re number 1 in line" in text(page)
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"
    assert f'action="{entry_url(entry)}leave/"' in page.content.decode()
    email = OutboxEmail.objects.get(kind=EmailKind.WAITLIST_JOINED)
    assert email.to_email == "nina@example.com" and "number 1 in line" in email.body_text


def test_a_second_client_is_second_in_line(client, lessons, taken):
    join(client, lessons, taken.start_time_utc)
    join(client, lessons, taken.start_time_utc, name="Omar Next", email="omar@example.com")
    second = WaitlistEntry.objects.get(client_email="omar@example.com")
    assert "You’re number 2 in line" in text(client.get(entry_url(second)))


def test_joining_twice_with_the_same_email_emails_the_link_again_and_never_shows_it(client, lessons, taken):
    first = join(client, lessons, taken.start_time_utc)
    entries, bookings, _emails = counts()
    again = join(client, lessons, taken.start_time_utc, name="Someone Else", email="NINA@example.com")
    assert again.status_code == 200
    assert "You’re already on this waitlist" in text(again)
    assert "emailed the link to your place in line to NINA@example.com again" in text(again)
    assert first["Location"] not in again.content.decode()  # anyone may know an email: the link goes to the mailbox
    assert counts()[:2] == (entries, bookings)
    resent = OutboxEmail.objects.filter(kind=EmailKind.WAITLIST_JOINED).order_by("pk").last()
    assert resent.to_email == "nina@example.com" and first["Location"] in resent.body_text


def test_joining_a_slot_with_a_free_place_says_book_it_instead(client, open_page, lessons):
    start = offered_starts(open_page, lessons, london_today() + timedelta(days=3))[1]
    response = client.get(join_url(lessons), {"start": utc_iso(start), "tz": "Europe/London"})
    assert response.status_code == 409
    assert "book it instead" in text(response)
    assert f'href="/book/alices-aqua/{lessons.pk}/book/?start={utc_iso(start)}&amp;tz=Europe/London"' in response.content.decode()
    assert WaitlistEntry.objects.count() == 0


def test_a_place_freed_after_the_form_was_opened_is_booked_instead(client, lessons, taken):
    form = client.get(join_url(lessons), {"start": utc_iso(taken.start_time_utc)})
    booking_cancel_by_client(booking=taken)
    before = counts()
    response = client.post(join_url(lessons), {
        "token": form_token(form), "client_name": "Nina", "client_email": "nina@example.com",
        "client_phone": "+447911123457",
    })
    assert response.status_code == 409 and "book it instead" in text(response)
    assert counts() == before
    # "Book this time" carries what was typed to the booking form of that time, filled in: nothing booked yet.
    page = response.content.decode()
    assert f'<form id="book-instead" method="post" action="/book/alices-aqua/{lessons.pk}/book/?tz=Europe%2FLondon">' in page
    assert '<input type="hidden" name="client_name" value="Nina">' in page
    assert f'name="start" value="{utc_iso(taken.start_time_utc)}"' in page
    booking_form = client.post(f"/book/alices-aqua/{lessons.pk}/book/?tz=Europe%2FLondon", {
        "start": utc_iso(taken.start_time_utc), "client_name": "Nina", "client_email": "nina@example.com",
        "client_phone": "+447911123457", "notes": "",
    })
    assert booking_form.status_code == 200 and "Your details" in text(booking_form)
    assert 'value="Nina"' in booking_form.content.decode() and 'value="nina@example.com"' in booking_form.content.decode()
    assert 'name="token"' in booking_form.content.decode()
    assert counts() == before


@pytest.mark.parametrize("minutes_off", [17, None])
def test_joining_a_slot_that_does_not_exist_changes_nothing(client, lessons, taken, minutes_off):
    start = utc_iso(taken.start_time_utc + timedelta(minutes=minutes_off)) if minutes_off else "not-a-time"
    response = client.get(join_url(lessons), {"start": start})
    if minutes_off is None:
        assert response.status_code == 302  # back to the service's times
    else:
        assert response.status_code == 400
        assert "not offered" in text(response)
    assert WaitlistEntry.objects.count() == 0


def test_a_service_without_a_waitlist_refuses_to_take_one(client, open_page, service):
    booking = book(open_page, service)
    response = client.get(join_url(service), {"start": utc_iso(booking.start_time_utc)})
    assert response.status_code == 400
    assert "has no waitlist" in text(response)
    assert WaitlistEntry.objects.count() == 0


def test_a_tampered_form_token_changes_nothing(client, lessons, taken):
    form = client.get(join_url(lessons), {"start": utc_iso(taken.start_time_utc)})
    response = client.post(join_url(lessons), {
        "token": form_token(form)[:-3] + "abc", "client_name": "Nina", "client_email": "nina@example.com",
        "client_phone": "+447911123457",
    })
    assert response.status_code == 400
    assert "could not be verified" in text(response)
    assert WaitlistEntry.objects.count() == 0


def test_bad_details_are_shown_with_the_form_kept(client, lessons, taken):
    form = client.get(join_url(lessons), {"start": utc_iso(taken.start_time_utc)})
    response = client.post(join_url(lessons), {
        "token": form_token(form), "client_name": "Nina", "client_email": "nina.example.com", "client_phone": "+447911123457",
    })
    assert response.status_code == 400
    assert "Enter a valid email address." in text(response)
    assert 'value="Nina"' in response.content.decode()
    assert WaitlistEntry.objects.count() == 0


# --- The entry's link: claim and leave ---------------------------------------------------------


@pytest.fixture
def offered(client, lessons, taken):
    """Nina waits; the booked client cancels, so the place is offered to her."""
    join(client, lessons, taken.start_time_utc)
    booking_cancel_by_client(booking=taken)
    entry = WaitlistEntry.objects.get()
    assert entry.status == Entry.OFFERED
    return entry


def test_opening_the_claim_link_does_not_claim(client, offered):
    page = client.get(entry_url(offered) + "claim/")
    assert page.status_code == 200
    assert "A place is free for you" in text(page)
    assert f'action="{entry_url(offered)}claim/"' in page.content.decode()
    offered.refresh_from_db()
    assert offered.status == Entry.OFFERED and offered.booking is None


def test_claiming_books_and_a_second_claim_answers_the_same_booking(client, offered):
    response = client.post(entry_url(offered) + "claim/")
    booking = Booking.objects.get(client_email="nina@example.com")
    assert response.status_code == 302 and response["Location"] == manage_url(booking)
    assert booking.status == Booking.Status.CONFIRMED

    before = counts()
    again = client.post(entry_url(offered) + "claim/")
    assert again["Location"] == manage_url(booking)
    assert counts() == before


def test_a_claim_after_the_deadline_is_refused_with_nothing_changed(client, offered, open_page):
    WaitlistEntry.objects.filter(pk=offered.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    before = counts()
    response = client.post(entry_url(offered) + "claim/")
    assert response.status_code == 409
    assert "the time to claim this place has passed" in text(response)
    assert counts() == before
    assert WaitlistEntry.objects.get().status == Entry.OFFERED  # beat's sweep passes it on


def test_a_claim_while_still_waiting_is_refused(client, lessons, taken):
    join(client, lessons, taken.start_time_utc)
    entry = WaitlistEntry.objects.get()
    response = client.post(entry_url(entry) + "claim/")
    assert response.status_code == 400
    assert "No place has come free for you yet" in text(response)
    assert Booking.objects.count() == 1


def test_another_business_or_a_made_up_token_is_a_404(client, offered, other_business):
    assert client.get(entry_url(offered, slug="bobs-boxing") + "claim/").status_code == 404
    assert client.post(entry_url(offered, slug="bobs-boxing") + "claim/").status_code == 404
    assert client.post(f"/book/alices-aqua/waitlist/{offered.token[:-2]}xx/claim/").status_code == 404
    offered.refresh_from_db()
    assert offered.status == Entry.OFFERED


def test_turning_the_place_down_passes_it_to_the_next(client, lessons, taken):
    join(client, lessons, taken.start_time_utc)
    join(client, lessons, taken.start_time_utc, name="Omar Next", email="omar@example.com")
    booking_cancel_by_client(booking=taken)
    nina, omar = WaitlistEntry.objects.order_by("created_at", "pk")
    assert (nina.status, omar.status) == (Entry.OFFERED, Entry.WAITING)

    response = client.post(entry_url(nina) + "leave/")
    assert response["Location"] == entry_url(nina)
    nina.refresh_from_db(), omar.refresh_from_db()
    assert (nina.status, omar.status) == (Entry.DECLINED, Entry.OFFERED)
    assert "You turned this place down" in text(client.get(entry_url(nina)))
    assert "A place is free for you" in text(client.get(entry_url(omar)))


def test_leaving_twice_changes_nothing_more(client, lessons, taken):
    join(client, lessons, taken.start_time_utc)
    entry = WaitlistEntry.objects.get()
    client.post(entry_url(entry) + "leave/")
    before = counts()
    client.post(entry_url(entry) + "leave/")
    assert counts() == before
    assert WaitlistEntry.objects.get().status == Entry.LEFT


def test_an_offer_past_its_deadline_reads_as_lapsed_before_the_sweep(client, offered):
    WaitlistEntry.objects.filter(pk=offered.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(entry_url(offered))
    assert "the time to claim this place has passed" in text(page)
    assert "Claim my place" not in text(page)


def test_a_paused_page_takes_no_one_on_its_waitlists(client, open_page, lessons, taken):
    open_page.is_booking_page_active = False
    open_page.save()
    response = client.get(join_url(lessons), {"start": utc_iso(taken.start_time_utc)})
    assert response.status_code == 404
    assert WaitlistEntry.objects.count() == 0



def test_the_booking_form_of_a_full_slot_with_a_waitlist_is_refused_not_offered(client, lessons, taken):
    response = client.get(f"/book/alices-aqua/{lessons.pk}/book/", {"start": utc_iso(taken.start_time_utc)})
    assert response.status_code == 409
    assert "this time was just taken" in text(response)
    assert 'name="token"' not in response.content.decode()
