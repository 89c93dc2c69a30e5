"""The public pages in the client's language (DESIGN.md 12): the switcher, and `?lang=` carried on
by every link, form, htmx request and redirect a client follows, since no cookie keeps it."""

import html
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext, ngettext

from bookingsite.bookings.models import Booking, WaitlistEntry
from tests.factories import ServiceFactory

from .test_booking_form import a_slot, details, form_url, service_url, token_in, z
from .test_booking_manage import book, london_today, manage_url, offered_starts

pytestmark = pytest.mark.django_db

# Links that leave the client's pages: they carry no language of ours (the calendar file is one
# for any calendar app, in the booking's own language).
FOREIGN = ("mailto:", "https://calendar.google.com", "/calendar.ics")


class _Links(HTMLParser):
    """Every address a page sends the client to: links, form actions, htmx GETs; and the switcher's links."""

    def __init__(self):
        super().__init__()
        self.addresses: list[str] = []
        self.switcher: list[dict] = []
        self.get_form_fields: list[dict] = []
        self._in_switcher = False
        self._form_method = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "language-switcher":
            self._in_switcher = True
        if tag == "a" and self._in_switcher:
            self.switcher.append(attrs | {"name": ""})
            return
        if tag == "form":
            self._form_method = attrs.get("method", "get").lower()
            # A GET form's own query is replaced by its fields: its fields carry the language.
            if self._form_method == "post":
                self.addresses.append(attrs["action"])
        if tag == "input" and self._form_method == "get":
            self.get_form_fields.append(attrs)
        for name in ("href", "hx-get"):
            if attrs.get(name) and not attrs[name].startswith("#") and not (tag == "form" and name == "hx-get"):
                self.addresses.append(attrs[name])

    def handle_data(self, data):
        if self._in_switcher and self.switcher:
            self.switcher[-1]["name"] += data.strip()

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switcher = False
        if tag == "form":
            self._form_method = ""


def links(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


def own_addresses(response) -> list[str]:
    """The page's addresses that lead to the client's pages (not to static files or other sites)."""
    return [a for a in links(response).addresses if not any(foreign in a for foreign in FOREIGN) and "/static/" not in a]


def assert_all_keep(response, code: str) -> None:
    addresses = own_addresses(response)
    assert addresses, "the page links nowhere"
    missing = [a for a in addresses if parse_qs(urlsplit(a).query).get("lang") != [code]]
    assert not missing, f"links without lang={code}: {missing}"


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def in_language(code: str, message: str) -> str:
    with translation.override(code):
        return gettext(message)


# --- The switcher ------------------------------------------------------------------------------


def test_the_switcher_names_each_language_in_itself_and_keeps_the_query(client, open_page, service):
    day = (london_today() + timedelta(days=3)).isoformat()
    response = client.get(service_url(service, tz="Asia/Tokyo", date=day, lang="de"))

    switcher = links(response).switcher
    assert [(a["lang"], html.unescape(a["href"]).split("?")[0]) for a in switcher] == [
        (code, f"/book/alices-aqua/{service.pk}/") for code in ("en", "de", "es", "fr")
    ]
    assert [a["name"] for a in switcher] == ["English", "Deutsch", "Español", "Français"]
    for link in switcher:
        query = parse_qs(urlsplit(html.unescape(link["href"])).query)
        assert query == {"tz": ["Asia/Tokyo"], "date": [day], "lang": [link["lang"]]}
    assert [a["lang"] for a in switcher if a.get("aria-current") == "true"] == ["de"]


def test_the_switcher_marks_the_language_the_browser_chose(client, open_page, service):
    response = client.get(f"/book/alices-aqua/{service.pk}/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})

    assert html_lang(response) == "fr"
    assert [a["lang"] for a in links(response).switcher if a.get("aria-current") == "true"] == ["fr"]
    # Chosen by the browser, which asks again on every page: the links need not say it.
    assert not [a for a in own_addresses(response) if "lang=" in a]


def test_a_page_asked_in_german_is_in_german(client, open_page, business):
    group = ServiceFactory(business_profile=business, name="Aqua group", duration_minutes=60, capacity=3)
    day = london_today() + timedelta(days=3)

    response = client.get(service_url(group, date=day.isoformat(), lang="de"))

    assert html_lang(response) == "de"
    assert response["Content-Language"] == "de"
    german = in_language("de", "Choose a date and time")
    assert german != "Choose a date and time", "no German catalogue compiled"
    assert german in text(response) and "Choose a date and time" not in text(response)
    with translation.override("de"):
        assert ngettext("%(places)s place left", "%(places)s places left", 3) % {"places": 3} in text(response)
        assert ngettext("Group, %(places)s place", "Group, %(places)s places", 3) % {"places": 3} in text(response)


# --- lang carried on ---------------------------------------------------------------------------


def test_lang_is_kept_from_the_service_list_to_the_booked_page_and_its_manage_pages(client, open_page, service):
    listing = client.get("/book/alices-aqua/?lang=de")
    assert_all_keep(listing, "de")

    slot = a_slot(open_page, service)
    picker = client.get(service_url(service, date=slot.start_utc.date().isoformat(), tz="Europe/London", lang="de"))
    assert_all_keep(picker, "de")
    assert {"type": "hidden", "name": "lang", "value": "de"} in links(picker).get_form_fields  # the zone search

    form = client.get(form_url(service), {"start": z(slot.start_utc), "tz": "Europe/London", "lang": "de"})
    assert_all_keep(form, "de")
    booked = client.post(f"{form_url(service)}?lang=de", details(token_in(form)))

    booking = Booking.objects.get()
    assert booked.status_code == 302
    assert booked["Location"] == f"{manage_url(booking)}?lang=de"
    assert_all_keep(client.get(booked["Location"]), "de")
    assert_all_keep(client.get(f"/book/alices-aqua/booking/{booking.manage_token}/reschedule/?lang=de"), "de")
    assert_all_keep(client.get(f"/book/alices-aqua/booking/{booking.manage_token}/cancel/?lang=de"), "de")


def test_moving_and_cancelling_come_back_in_the_language(client, open_page, service):
    booking = book(open_page, service)
    new_start = offered_starts(open_page, service, london_today() + timedelta(days=4))[2]
    base = f"/book/alices-aqua/booking/{booking.manage_token}"

    confirm = client.get(f"{base}/reschedule/", {"start": z(new_start), "lang": "es"})
    assert_all_keep(confirm, "es")
    moved = client.post(f"{base}/reschedule/?lang=es", {"start": z(new_start)})
    assert moved["Location"] == f"{manage_url(booking)}?moved=1&lang=es"

    cancelled = client.post(f"{base}/cancel/?lang=es", {"reason": ""})
    assert cancelled["Location"] == f"{manage_url(booking)}?lang=es"
    assert html_lang(client.get(cancelled["Location"])) == "es"


def test_htmx_swaps_keep_the_language_and_are_cached_per_language(client, open_page, service):
    cache.clear()
    day = (london_today() + timedelta(days=3)).isoformat()
    asked = {"date": day, "tz": "Europe/London"}

    english = client.get(service_url(service), asked, headers={"HX-Request": "true"})
    french = client.get(service_url(service), asked | {"lang": "fr"}, headers={"HX-Request": "true"})

    heading = "Choose a date and time"
    assert heading in text(english) and not [a for a in own_addresses(english) if "lang=" in a]
    assert in_language("fr", heading) in text(french) and heading not in text(french)
    assert_all_keep(french, "fr")


def test_the_zone_matches_keep_the_language(client, open_page, service):
    response = client.get("/book/alices-aqua/zones/", {"zone": "america", "lang": "fr"})

    assert_all_keep(response, "fr")


def test_the_waitlist_pages_keep_the_language(client, open_page, service):
    service.waitlist_enabled = True
    service.save()
    taken = book(open_page, service)
    join_url = f"/book/alices-aqua/{service.pk}/waitlist/"

    form = client.get(join_url, {"start": z(taken.start_time_utc), "tz": "Asia/Tokyo", "lang": "fr"})
    assert_all_keep(form, "fr")
    joined = client.post(f"{join_url}?lang=fr", details(token_in(form), client_email="nina@example.com"))

    entry = WaitlistEntry.objects.get()
    assert joined["Location"] == f"/book/alices-aqua/waitlist/{entry.token}/?lang=fr"
    entry_page = client.get(joined["Location"])
    assert html_lang(entry_page) == "fr"
    assert_all_keep(entry_page, "fr")
