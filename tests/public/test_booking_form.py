"""The client's HTML booking flow: service page (month + slots), the form page and its POST.

DESIGN.md 5, 6 and 8: the slots show in the client's zone, the POST needs no cookie (a signed
form token, a honeypot and a rate limit stand in for CSRF), a repeat never books twice, and
every bad input answers a clear message and writes nothing.
"""

import html
import re
import time as time_module
from urllib.parse import unquote
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from bookingsite.public.form_tokens import make_form_token, read_form_token
from tests.factories import BookingFactory, ExceptionDateFactory, ServiceFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
TAKEN = "this time was just taken"
UNVERIFIED = "This form could not be verified. Please pick your time again."


@pytest.fixture
def frozen_rate_clock(monkeypatch):
    """Pin django-ratelimit's clock so a window boundary cannot fall between the requests."""
    import django_ratelimit.core

    moment = time_module.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: moment))


def london_today() -> date:
    return timezone.now().astimezone(LONDON).date()


def offered(page, service, day: date, tz: str = "Europe/London"):
    """The slots the selector offers on the client's date `day`, as the pages should show them."""
    days = availability.availability_days(
        page=page, service=service, client_timezone=tz, start_date=day, end_date=day, now=timezone.now()
    )
    return days[0].slots


def a_slot(page, service, days_ahead: int = 3, index: int = 1):
    day = london_today() + timedelta(days=days_ahead)
    return offered(page, service, day)[index]


def at_london(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def service_url(service, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/book/alices-aqua/{service.pk}/" + (f"?{query}" if query else "")


def form_url(service) -> str:
    return f"/book/alices-aqua/{service.pk}/book/"


def text(response) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def template_names(response) -> list[str]:
    return [t.name for t in response.templates]


def picker_slots(response) -> dict[str, str]:
    """The slot grid's links: start (UTC, as linked) -> the label shown, e.g. "09:00 – 10:00"."""
    found = re.findall(r'\?start=([0-9T:\-]+Z)&amp;tz=[^"]*"[^>]*>\s*<span>([^<]+)</span>', response.content.decode())
    return dict(found)


def fresh_slots(response) -> dict[str, str]:
    """The "still free" times offered after a miss, as links or as the buttons that carry the typed
    details: start (UTC) -> the local time shown."""
    page = response.content.decode()
    links = re.findall(r'\?start=([0-9T:\-]+Z)&amp;tz=[^"]*">(\d\d:\d\d)</a>', page)
    buttons = re.findall(r'<button type="submit" name="start" value="([0-9T:\-]+Z)"[^>]*>(\d\d:\d\d)</button>', page)
    return dict(links + buttons)


def carried_details(response) -> dict[str, str]:
    """The hidden fields of the "still free" form: what the client typed, carried to the next time."""
    form = re.search(r'<form id="fresh-slots" method="post" action="([^"]+)">(.*?)</form>', response.content.decode(), re.S)
    assert form, "no form of times carrying the details"
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2))
    return {"action": html.unescape(form.group(1))} | {name: html.unescape(value) for name, value in fields}


def token_in(response) -> str:
    match = re.search(r'<input type="hidden" name="token" value="([^"]+)"', response.content.decode())
    assert match, "the form page carries no hidden token"
    return match.group(1)


def details(token: str, **changes) -> dict[str, str]:
    data = {
        "token": token,
        "client_name": "Dana Diver",
        "client_email": "dana@example.com",
        "client_phone": "07911 123456",
        "notes": "First lesson, a bit nervous.",
        "website": "",
    }
    return data | changes


def counts() -> tuple[int, int, int, int]:
    return (Booking.objects.count(), Client.objects.count(), Session.objects.count(), BookingStatusChange.objects.count())


def fresh_token(client, service, slot, tz: str = "Europe/London") -> str:
    response = client.get(form_url(service), {"start": z(slot.start_utc), "tz": tz})
    assert response.status_code == 200
    return token_in(response)


# ---------------------------------------------------------------------------------------------
# The service page: month calendar and the chosen day's slots


class TestServicePage:
    def test_lists_the_chosen_days_slots(self, client, open_page, service):
        day = london_today() + timedelta(days=3)
        response = client.get(service_url(service, date=day.isoformat(), tz="Europe/London"))

        assert response.status_code == 200
        assert "public/service.html" in template_names(response)
        expected = {z(s.start_utc): f"{s.start_local:%H:%M} – {s.end_local:%H:%M}" for s in offered(open_page, service, day)}
        assert len(expected) == 8  # 09:00 .. 16:00, an hour each
        assert picker_slots(response) == expected
        assert picker_slots(response)[z(at_london(day, 9))] == "09:00 – 10:00"

    def test_shows_local_times_in_the_zone_asked(self, client, open_page, service):
        day = london_today() + timedelta(days=3)
        start = at_london(day, 9)  # 09:00 in London is the evening of the same date in Tokyo

        london = picker_slots(client.get(service_url(service, date=day.isoformat(), tz="Europe/London")))
        tokyo = picker_slots(client.get(service_url(service, date=day.isoformat(), tz="Asia/Tokyo")))

        assert london[z(start)] == f"{start.astimezone(LONDON):%H:%M} – {start.astimezone(LONDON) + timedelta(hours=1):%H:%M}"
        assert tokyo[z(start)] == f"{start.astimezone(TOKYO):%H:%M} – {start.astimezone(TOKYO) + timedelta(hours=1):%H:%M}"
        gap = start.astimezone(TOKYO).utcoffset() - start.astimezone(LONDON).utcoffset()
        assert gap in (timedelta(hours=8), timedelta(hours=9))  # 9 h in winter, 8 h in British summer
        shown_london = datetime.strptime(london[z(start)][:5], "%H:%M")
        shown_tokyo = datetime.strptime(tokyo[z(start)][:5], "%H:%M")
        assert (shown_tokyo - shown_london) % timedelta(days=1) == gap

    def test_month_query_shows_that_month(self, client, open_page, service):
        this_month = london_today().replace(day=1)
        next_month = (this_month + timedelta(days=32)).replace(day=1)

        response = client.get(service_url(service, month=f"{next_month:%Y-%m}", tz="Europe/London"))

        assert response.status_code == 200
        heading = (
            'id="month-heading" tabindex="-1" class="text-base font-semibold focus:outline-none" '
            f'aria-live="polite">{next_month:%B %Y}<'
        )
        assert heading in response.content.decode()
        assert f"Previous month, {this_month:%B %Y}" in response.content.decode()
        starts = [datetime.fromisoformat(s) for s in picker_slots(response)]
        assert starts and all(s.astimezone(LONDON).date().replace(day=1) == next_month for s in starts)

    def test_a_past_month_clamps_to_the_current_one(self, client, open_page, service):
        this_month = london_today().replace(day=1)

        response = client.get(service_url(service, month="2020-01", tz="Europe/London"))

        assert response.status_code == 200
        assert response.context["month"] == this_month
        assert f">{this_month:%B %Y}<" in response.content.decode()
        assert "Previous month" not in response.content.decode()

    def test_a_month_past_the_horizon_clamps_to_the_last_bookable_one(self, client, open_page, service):
        last = (london_today() + timedelta(days=open_page.booking_horizon_days)).replace(day=1)

        response = client.get(service_url(service, month="2999-12", tz="Europe/London"))

        assert response.context["month"] == last
        assert "Next month" not in response.content.decode()

    def test_unknown_time_zone_falls_back_to_the_business_zone(self, client, open_page, service):
        day = london_today() + timedelta(days=3)
        response = client.get(service_url(service, date=day.isoformat(), tz="Mars/Olympus_Mons"))

        assert response.status_code == 200
        assert "We couldn’t find that time zone, so times are shown in London time." in text(response)
        assert response.context["client_timezone"] == "Europe/London"
        assert picker_slots(response)[z(at_london(day, 9))] == "09:00 – 10:00"

    @pytest.mark.parametrize("zone", ["localtime", "Factory"])
    def test_a_zone_that_names_no_place_is_unknown(self, client, open_page, service, zone):
        response = client.get(service_url(service, tz=zone))

        assert "We couldn’t find that time zone, so times are shown in London time." in text(response)
        assert response.context["client_timezone"] == "Europe/London"

    @pytest.mark.parametrize("asked", ["tokyo", "asia/tokyo", "Asia/Tokyo", " TOKYO "])
    def test_a_zone_in_the_address_may_be_named_as_a_person_would(self, client, open_page, service, asked):
        response = client.get(service_url(service, tz=asked))

        assert response.context["client_timezone"] == "Asia/Tokyo"
        assert "We couldn’t find" not in text(response)
        assert "Times shown in Tokyo time" in text(response)

    def test_a_zone_search_naming_one_zone_redirects_to_its_clean_address(self, client, open_page, service):
        day = london_today() + timedelta(days=3)
        response = client.get(service_url(service, tz="Europe/London", month=f"{day:%Y-%m}", date=day.isoformat(), zone="tokyo"))

        assert response.status_code == 302
        assert unquote(response["Location"]) == service_url(service, tz="Asia/Tokyo", month=f"{day:%Y-%m}", date=day.isoformat())

    def test_an_htmx_zone_search_naming_one_zone_swaps_and_pushes_its_clean_address(self, client, open_page, service):
        response = client.get(service_url(service, tz="Europe/London", zone="Japan"), headers={"HX-Request": "true"})

        assert response.status_code == 200
        assert response.context["client_timezone"] == "Asia/Tokyo"
        assert unquote(response["HX-Push-Url"]) == service_url(service, tz="Asia/Tokyo")

    def test_a_zone_search_naming_several_lists_them_and_keeps_the_zone(self, client, open_page, service):
        response = client.get(service_url(service, tz="Asia/Tokyo", month="2999-01", zone="PST"))

        assert response.status_code == 200
        assert response.context["client_timezone"] == "Asia/Tokyo"
        matches = [choice.name for choice in response.context["zone_matches"].choices]
        assert "America/Los_Angeles" in matches and "America/Vancouver" in matches
        page = response.content.decode()
        month = response.context["month"]
        assert f'href="?tz=America%2FLos_Angeles&amp;month={month:%Y-%m}' in page
        assert "match “PST”" in text(response)

    def test_a_zone_search_naming_none_says_so_and_keeps_the_zone(self, client, open_page, service):
        response = client.get(service_url(service, tz="Asia/Tokyo", zone="Atlantis"))

        assert response.context["client_timezone"] == "Asia/Tokyo"
        assert "No time zone matches “Atlantis”." in text(response)

    def test_the_zone_search_while_typing_answers_the_matches_alone(self, client, open_page, service):
        response = client.get(f"/book/{open_page.public_booking_slug}/zones/?zone=tok&month=2026-12&date=2026-12-09",
                              headers={"HX-Request": "true"})

        assert response.status_code == 200
        assert "<html" not in response.content.decode()
        assert 'href="?tz=Asia%2FTokyo&amp;month=2026-12&amp;date=2026-12-09"' in response.content.decode()
        assert re.search(r"Tokyo — Japan Time, UTC\+9, now \d\d:\d\d", text(response))

    def test_htmx_request_renders_only_the_picker(self, client, open_page, service):
        response = client.get(service_url(service, tz="Asia/Tokyo"), headers={"HX-Request": "true"})

        assert response.status_code == 200
        assert template_names(response)[0] == "public/partials/_picker.html"
        assert "public/service.html" not in template_names(response)
        assert response.content.decode().lstrip().startswith("<section id=\"picker\"")
        assert "HX-Request" in [v.strip() for v in response["Vary"].split(",")]

    def test_a_swapped_picker_shows_a_new_booking_at_once(self, client, open_page, service):
        slot = a_slot(open_page, service)
        url = service_url(service, date=(london_today() + timedelta(days=3)).isoformat(), tz="Europe/London")
        assert z(slot.start_utc) in picker_slots(client.get(url, headers={"HX-Request": "true"}))
        booking_create(service=service, start_time_utc=slot.start_utc, client_name="Jo", client_email="jo@example.com",
                       client_timezone="Europe/London")
        assert z(slot.start_utc) not in picker_slots(client.get(url, headers={"HX-Request": "true"}))

    def test_the_same_swap_within_the_minute_is_served_from_the_cache(self, client, open_page, service, monkeypatch):
        moment = timezone.now().replace(second=0)
        monkeypatch.setattr(timezone, "now", lambda: moment)  # no minute boundary between the requests
        url = service_url(service, tz="Asia/Tokyo")
        first = client.get(url, headers={"HX-Request": "true"})
        again = client.get(url, headers={"HX-Request": "true"})
        assert template_names(first) and not template_names(again)
        assert again.content == first.content
        elsewhere = client.get(service_url(service, tz="America/New_York"), headers={"HX-Request": "true"})
        assert template_names(elsewhere) and "Times shown in New York time" in text(elsewhere)

    def test_no_page_carries_a_list_of_every_zone(self, client, open_page, service):
        page = client.get(service_url(service)).content.decode()
        assert "<datalist" not in page and "<option" not in page and "Pacific/Pago_Pago" not in page

    def test_full_page_also_varies_on_hx_request(self, client, open_page, service):
        response = client.get(service_url(service))

        assert "HX-Request" in [v.strip() for v in response["Vary"].split(",")]

    def test_history_restore_request_renders_the_full_page(self, client, open_page, service):
        response = client.get(
            service_url(service), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )

        assert response.status_code == 200
        assert template_names(response)[0] == "public/service.html"
        assert "<html" in response.content.decode()

    @pytest.mark.parametrize("kind", ["hidden", "archived", "other business", "unknown"])
    def test_a_service_not_bookable_here_is_404(self, client, open_page, business, other_business, kind):
        service = {
            "hidden": lambda: ServiceFactory(business_profile=business, is_publicly_bookable=False),
            "archived": lambda: ServiceFactory(business_profile=business, is_archived=True),
            "other business": lambda: ServiceFactory(business_profile=other_business),
            "unknown": lambda: SimpleNamespace(pk=987654),
        }[kind]()

        assert client.get(service_url(service)).status_code == 404
        assert client.get(form_url(service), {"start": z(timezone.now() + timedelta(days=2))}).status_code == 404

    def test_an_unknown_slug_is_404(self, client, open_page, service):
        assert client.get(f"/book/nobody-here/{service.pk}/").status_code == 404

    def test_an_inactive_page_answers_not_taking_bookings(self, client, open_page, service):
        open_page.is_booking_page_active = False
        open_page.save()

        response = client.get(service_url(service))

        assert response.status_code == 404
        assert template_names(response)[0] == "public/inactive.html"
        assert "Alice's Aqua Studio is not taking online bookings right now." in text(response)

    def test_queries_do_not_grow_with_what_the_month_holds(self, client, open_page, business, service):
        next_month = (london_today().replace(day=1) + timedelta(days=32)).replace(day=1)
        url = service_url(service, month=f"{next_month:%Y-%m}", tz="Asia/Tokyo")
        with CaptureQueriesContext(connection) as empty:
            assert client.get(url).status_code == 200

        other = ServiceFactory(business_profile=business, name="Group", capacity=4)
        for n in range(20):
            day = next_month + timedelta(days=n)
            BookingFactory(business_profile=business, session_category=service,
                           start_time_utc=at_london(day, 10), end_time_utc=at_london(day, 11))
            SessionFactory(business_profile=business, session_category=other,
                           start_time_utc=at_london(day, 14), end_time_utc=at_london(day, 15))
        ExceptionDateFactory(business_profile=business, date=next_month + timedelta(days=25))

        # Both requests compute the month. The factories write around the services, which would
        # bump the availability version, so the cache is emptied as that bump would make it.
        cache.clear()
        with CaptureQueriesContext(connection) as full:
            response = client.get(url)
        assert response.status_code == 200
        assert len(empty.captured_queries) <= 8
        assert len(full.captured_queries) == len(empty.captured_queries)
        # and the bookings really are in what the page shows: 10:00 and 14:00 London are gone
        day = next_month + timedelta(days=1)
        shown = picker_slots(client.get(service_url(service, date=day.isoformat(), tz="Europe/London")))
        assert z(at_london(day, 9)) in shown
        assert z(at_london(day, 10)) not in shown and z(at_london(day, 14)) not in shown


# ---------------------------------------------------------------------------------------------
# The form page: GET with a chosen start


class TestFormPage:
    def test_an_offered_start_shows_the_form_with_a_signed_token(self, client, open_page, service):
        slot = a_slot(open_page, service)

        response = client.get(form_url(service), {"start": z(slot.start_utc), "tz": "Asia/Tokyo"})

        assert response.status_code == 200
        assert template_names(response)[0] == "public/book.html"
        token = read_form_token(token_in(response), service_id=service.pk)
        assert token.start_utc == slot.start_utc
        assert token.client_timezone == "Asia/Tokyo"
        local = slot.start_utc.astimezone(TOKYO)
        assert f"{local:%H:%M} – {local + timedelta(hours=1):%H:%M} (Tokyo time)" in text(response)

    def test_each_visit_gets_its_own_one_time_key(self, client, open_page, service):
        slot = a_slot(open_page, service)

        first = read_form_token(fresh_token(client, service, slot), service_id=service.pk)
        second = read_form_token(fresh_token(client, service, slot), service_id=service.pk)

        assert first.once_key != second.once_key

    def test_a_start_not_offered_answers_409_with_the_days_free_times(self, client, open_page, service):
        slot = a_slot(open_page, service)
        response = client.get(form_url(service), {"start": z(slot.start_utc + timedelta(minutes=7)), "tz": "Asia/Tokyo"})

        assert response.status_code == 409
        assert TAKEN in text(response)
        assert 'name="token"' not in response.content.decode()
        tokyo_day = slot.start_utc.astimezone(TOKYO).date()
        expected = {z(s.start_utc): f"{s.start_local:%H:%M}" for s in offered(open_page, service, tokyo_day, "Asia/Tokyo")}
        assert expected and fresh_slots(response) == expected

    def test_a_past_start_answers_409(self, client, open_page, service):
        yesterday = london_today() - timedelta(days=1)
        response = client.get(form_url(service), {"start": z(at_london(yesterday, 10)), "tz": "Europe/London"})

        assert response.status_code == 409
        assert TAKEN in text(response)
        assert fresh_slots(response) == {}
        assert "No other times are free that day." in text(response)

    @pytest.mark.parametrize("start", [None, "", "tomorrow", "2027-01-01T10:00:00"])
    def test_no_usable_start_redirects_to_the_service_page(self, client, open_page, service, start):
        params = {} if start is None else {"start": start}
        response = client.get(form_url(service), params)

        assert response.status_code == 302
        assert response["Location"] == f"/book/alices-aqua/{service.pk}/"


# ---------------------------------------------------------------------------------------------
# The POST


class TestSubmit:
    def test_books_and_redirects_to_the_manage_page(self, client, open_page, service):
        slot = a_slot(open_page, service)
        token = fresh_token(client, service, slot, tz="Asia/Tokyo")

        response = client.post(form_url(service), details(token))

        booking = Booking.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/book/alices-aqua/booking/{booking.manage_token}/"
        assert booking.client_phone == "+447911123456"
        assert booking.client.phone == "+447911123456"
        assert booking.booked_in_client_timezone == "Asia/Tokyo"
        assert (booking.start_time_utc, booking.end_time_utc) == (slot.start_utc, slot.end_utc)
        assert booking.status == Booking.Status.CONFIRMED
        assert (booking.client_name, booking.client_email) == ("Dana Diver", "dana@example.com")
        assert booking.notes_from_client == "First lesson, a bit nervous."
        assert client.get(response["Location"]).status_code == 200

    def test_repeating_the_same_post_books_once(self, client, open_page, service):
        token = fresh_token(client, service, a_slot(open_page, service))

        first = client.post(form_url(service), details(token))
        before = counts()
        second = client.post(form_url(service), details(token))

        assert first.status_code == second.status_code == 302
        assert second["Location"] == first["Location"]
        assert counts() == before
        assert Booking.objects.count() == 1

    def test_the_same_form_with_other_details_never_shows_the_first_booking(self, client, open_page, service):
        group = ServiceFactory(business_profile=service.business_profile, name="Group swim", capacity=3)
        token = fresh_token(client, group, a_slot(open_page, group))
        first = client.post(form_url(group), details(token))
        before = counts()

        second = client.post(form_url(group), details(token, client_name="Eve Other", client_email="eve@example.com"))

        booking = Booking.objects.get()
        assert second.status_code == 409
        assert booking.manage_token not in second.content.decode()
        assert "dana@example.com" not in text(second) and "Dana Diver" not in text(second)
        assert "already used to book with other details, so nothing was booked" in text(second)
        assert "This time is still free" in text(second)
        assert counts() == before
        # The form comes back as Eve filled it, with a new token that books her the same time.
        assert 'value="eve@example.com"' in second.content.decode()
        assert token_in(second) != token
        third = client.post(form_url(group), details(token_in(second), client_name="Eve Other", client_email="eve@example.com"))
        assert third.status_code == 302 and third["Location"] != first["Location"]
        assert sorted(Booking.objects.values_list("client_email", flat=True)) == ["dana@example.com", "eve@example.com"]

    def test_the_same_form_with_other_details_for_a_full_slot_offers_other_times(self, client, open_page, service):
        slot = a_slot(open_page, service)
        token = fresh_token(client, service, slot)
        client.post(form_url(service), details(token))
        before = counts()

        response = client.post(form_url(service), details(token, client_email="eve@example.com"))

        assert response.status_code == 409
        assert "already used to book with other details" in text(response)
        assert 'name="token"' not in response.content.decode()
        assert fresh_slots(response) and z(slot.start_utc) not in fresh_slots(response)
        assert Booking.objects.get().manage_token not in response.content.decode()
        assert counts() == before

    def test_a_new_form_for_a_booked_slot_is_refused(self, client, open_page, service):
        slot = a_slot(open_page, service)
        client.post(form_url(service), details(fresh_token(client, service, slot)))
        before = counts()

        response = client.get(form_url(service), {"start": z(slot.start_utc)})

        assert response.status_code == 409
        assert z(slot.start_utc) not in fresh_slots(response)
        assert counts() == before

    def test_works_without_cookies_or_csrf_token(self, open_page, service):
        browser = HttpClient(enforce_csrf_checks=True)
        page_response = browser.get(form_url(service), {"start": z(a_slot(open_page, service).start_utc)})
        assert not page_response.cookies  # nothing to lose when a framed page gets no cookies
        token = token_in(page_response)

        response = HttpClient(enforce_csrf_checks=True).post(form_url(service), details(token))

        assert response.status_code == 302
        assert Booking.objects.count() == 1

    def test_public_pages_may_be_framed(self, client, open_page, service):
        slot = a_slot(open_page, service)
        form_page = client.get(form_url(service), {"start": z(slot.start_utc)})
        posted = client.post(form_url(service), details(token_in(form_page)))
        responses = {
            "service list": client.get("/book/alices-aqua/"),
            "service page": client.get(service_url(service)),
            "form page": form_page,
            "post": posted,
            "manage page": client.get(posted["Location"]),
            "conflict": client.get(form_url(service), {"start": z(slot.start_utc)}),
        }

        assert {name: r.has_header("X-Frame-Options") for name, r in responses.items()} == dict.fromkeys(responses, False)
        # the middleware is on: the operator's login page still refuses to be framed
        assert client.get("/staff/login/")["X-Frame-Options"] == "DENY"


class TestBadInput:
    """Each answers a clear message and writes nothing at all."""

    @pytest.fixture
    def token(self, client, open_page, service):
        return fresh_token(client, service, a_slot(open_page, service))

    def refused(self, client, service, data, status=400):
        before = counts()
        response = client.post(form_url(service), data)
        assert response.status_code == status
        assert counts() == before
        return response

    def test_tampered_token(self, client, service, token):
        i = len(token) // 3
        tampered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]

        response = self.refused(client, service, details(tampered))

        assert UNVERIFIED in text(response)

    def test_garbage_or_missing_token(self, client, service, token):
        assert UNVERIFIED in text(self.refused(client, service, details("not-a-token")))
        data = details(token)
        del data["token"]
        assert UNVERIFIED in text(self.refused(client, service, data))

    def test_expired_token(self, client, service, token, monkeypatch):
        later = time_module.time() + 3 * 60 * 60  # the token lives 2 hours
        monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))

        response = self.refused(client, service, details(token))

        assert "This form has expired. Please pick your time again." in text(response)

    def test_token_for_another_service(self, client, business, service, token):
        other = ServiceFactory(business_profile=business, name="Group clinic", capacity=6)

        response = self.refused(client, other, details(token))

        assert UNVERIFIED in text(response)

    def test_filled_honeypot(self, client, service, token):
        response = self.refused(client, service, details(token, website="https://cheap-pills.example"))

        assert "This booking could not be sent." in text(response)

    def test_invalid_email(self, client, service, token):
        response = self.refused(client, service, details(token, client_email="dana@"))

        assert "Enter a valid email address." in text(response)

    def test_unparseable_phone(self, client, service, token):
        response = self.refused(client, service, details(token, client_phone="12"))

        assert "Enter a valid phone number, with the country code if it is not a GB number." in text(response)

    def test_name_too_long(self, client, service, token):
        response = self.refused(client, service, details(token, client_name="D" * 121))

        assert "Ensure this value has at most 120 characters (it has 121)." in text(response)

    def test_notes_too_long(self, client, service, token):
        response = self.refused(client, service, details(token, notes="n" * 1001))

        assert "Ensure this value has at most 1000 characters (it has 1001)." in text(response)

    def test_missing_name_and_email(self, client, service, token):
        response = self.refused(client, service, details(token, client_name="  ", client_email=""))

        page = response.content.decode()
        assert text(response).count("This field is required.") == 4  # under each field, and in the summary
        assert 'href="#id_client_name">Your name: This field is required.</a>' in page
        assert 'href="#id_client_email">Email: This field is required.</a>' in page

    def test_bad_input_keeps_what_was_typed_and_the_token(self, client, service, token):
        response = self.refused(client, service, details(token, client_email="dana@"))

        assert token_in(response) == token
        assert 'value="Dana Diver"' in response.content.decode()

    def test_slot_taken_between_get_and_post(self, client, open_page, service):
        slot = a_slot(open_page, service)
        token = fresh_token(client, service, slot)
        booking_create(service=service, start_time_utc=slot.start_utc, client_name="Eve Early",
                       client_email="eve@example.com", client_timezone="Europe/London")

        response = self.refused(client, service, details(token), status=409)

        assert "Sorry, this time was just taken. Please pick another time." in text(response)
        day = slot.start_utc.astimezone(LONDON).date()
        expected = {z(s.start_utc): f"{s.start_local:%H:%M}" for s in offered(open_page, service, day)}
        assert fresh_slots(response) == expected
        assert z(slot.start_utc) not in expected and len(expected) == 7
        assert Booking.objects.get().client_name == "Eve Early"

    def test_slot_taken_keeps_the_typed_details_and_drops_the_stale_time(self, client, open_page, service):
        slot = a_slot(open_page, service)
        token = fresh_token(client, service, slot, tz="Asia/Tokyo")
        booking_create(service=service, start_time_utc=slot.start_utc, client_name="Eve Early",
                       client_email="eve@example.com", client_timezone="Europe/London")
        typed = details(token, notes="First lesson.\nA bit nervous & shy.")

        response = self.refused(client, service, typed, status=409)

        # The stale time and its "Confirm" are gone: no summary, no form to send, no token.
        stale = f"{slot.start_utc.astimezone(TOKYO):%H:%M} – {slot.end_utc.astimezone(TOKYO):%H:%M}"
        assert stale not in text(response)
        assert "Confirm booking" not in text(response) and 'name="token"' not in response.content.decode()
        assert "Pick another time" in text(response)
        # Each time still free is a button of a form that carries what was typed.
        assert carried_details(response) == {
            "action": f"{form_url(service)}?tz=Asia%2FTokyo",
            "client_name": "Dana Diver", "client_email": "dana@example.com", "client_phone": "07911 123456",
            "notes": "First lesson.\nA bit nervous & shy.",
        }
        other = next(iter(fresh_slots(response)))
        assert other != z(slot.start_utc)

        # Picking one brings the form for that time back filled in, with a token for it: nothing booked yet.
        picked = client.post(f"{form_url(service)}?tz=Asia/Tokyo", {**carried_details(response), "start": other})

        assert picked.status_code == 200
        assert Booking.objects.count() == 1
        page = picked.content.decode()
        assert 'value="Dana Diver"' in page and 'value="dana@example.com"' in page and 'value="07911 123456"' in page
        assert re.search(r"<textarea [^>]*>\s*First lesson.\nA bit nervous &amp; shy.</textarea>", page)
        assert "This field is required." not in text(picked)
        new_token = read_form_token(token_in(picked), service_id=service.pk)
        assert (z(new_token.start_utc), new_token.client_timezone) == (other, "Asia/Tokyo")

        booked = client.post(form_url(service), details(token_in(picked), notes="First lesson.\nA bit nervous & shy."))
        assert booked.status_code == 302
        mine = Booking.objects.get(client_email="dana@example.com")
        assert (z(mine.start_time_utc), mine.client_name) == (other, "Dana Diver")

    def test_a_picked_time_taken_too_offers_the_rest_with_the_details_still_carried(self, client, open_page, service):
        first, second = a_slot(open_page, service, index=1), a_slot(open_page, service, index=2)
        for slot in (first, second):
            booking_create(service=service, start_time_utc=slot.start_utc, client_name="Eve Early",
                           client_email="eve@example.com", client_timezone="Europe/London")

        picked = client.post(f"{form_url(service)}?tz=Europe/London",
                             {"start": z(second.start_utc), "client_name": "Dana Diver", "client_email": "dana@example.com",
                              "client_phone": "07911 123456", "notes": ""})

        assert picked.status_code == 409
        assert TAKEN in text(picked) and 'name="token"' not in picked.content.decode()
        assert carried_details(picked)["client_name"] == "Dana Diver"
        assert fresh_slots(picked) and not {z(first.start_utc), z(second.start_utc)} & set(fresh_slots(picked))
        assert Booking.objects.count() == 2

    def test_slot_in_the_past_at_post_time(self, client, open_page, service):
        past = at_london(london_today() - timedelta(days=1), 10)
        token = make_form_token(service_id=service.pk, start_utc=past, client_timezone="Europe/London")

        response = self.refused(client, service, details(token))

        assert "This time is too soon or already past. Please pick a later time." in text(response)

    def test_slot_beyond_the_horizon(self, client, open_page, service):
        far = at_london(london_today() + timedelta(days=open_page.booking_horizon_days + 2), 10)
        token = make_form_token(service_id=service.pk, start_utc=far, client_timezone="Europe/London")

        response = self.refused(client, service, details(token))

        assert "This time is too far ahead to book yet. Please pick an earlier time." in text(response)

    def test_start_off_the_grid(self, client, open_page, service):
        odd = a_slot(open_page, service).start_utc + timedelta(minutes=7)
        token = make_form_token(service_id=service.pk, start_utc=odd, client_timezone="Europe/London")

        response = self.refused(client, service, details(token))

        assert "This time is not offered for this service." in text(response)

    def test_page_made_inactive_before_the_post(self, client, open_page, service, token):
        open_page.is_booking_page_active = False
        open_page.save()

        response = self.refused(client, service, details(token), status=404)

        assert template_names(response)[0] == "public/inactive.html"
        assert "not taking online bookings right now" in text(response)

    def test_service_archived_before_the_post(self, client, service, token):
        service.is_archived = True
        service.save()

        self.refused(client, service, details(token), status=404)

    def test_rate_limit_answers_429_and_books_nothing(self, client, settings, service, token, frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        for _ in range(2):
            self.refused(client, service, details("not-a-token"))

        response = self.refused(client, service, details(token), status=429)  # a good form, refused all the same

        assert 1 <= int(response["Retry-After"]) <= 60
        assert "Too many attempts" in text(response)
        assert "Nothing was booked." in text(response)
        assert Booking.objects.count() == 0

    def test_get_requests_do_not_count_against_the_write_limit(self, client, settings, open_page, service, frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        slot = a_slot(open_page, service)
        for _ in range(3):
            token = fresh_token(client, service, slot)

        assert client.post(form_url(service), details(token)).status_code == 302
