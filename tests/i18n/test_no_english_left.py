"""Every public page and every email, in each language: nothing our catalogue translates is left in
English, and <html lang> says the language (issue 19).

"English left" is measured against our own catalogue: any English text (msgid) whose translation
differs from it must not show in what the reader sees (text, titles, labels read aloud, subject).
The pages come from one booking link with a booking, a full slot and a waitlist; the emails are
every kind the notification code has, composed as the outbox composes them.
"""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client as HttpClient

from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.bookings.services import booking_create
from bookingsite.bookings.waitlist import waitlist_join
from bookingsite.notifications import outbox
from bookingsite.notifications.models import OWNER_KINDS, EmailKind, OutboxEmail
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, UserFactory
from tests.notifications.helpers import SITE, a_slot

from .catalogues import TRANSLATED, english_left
from .template_text import html_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def utc(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def link(open_page, service):
    """Alice's link: the lesson (one place, with a waitlist) is booked three days ahead, and Wendy waits for it."""
    service.name, service.waitlist_enabled = "Aquafit", True  # a name no catalogue entry is part of
    service.save()
    slot = a_slot(open_page, service)
    booking = booking_create(service=service, start_time_utc=slot.start_utc, client_name="Dana Diver",
                             client_email="dana@example.com", client_timezone="Europe/London")
    entry, _new = waitlist_join(service=service, start_time_utc=slot.start_utc, client_name="Wendy Waiter",
                                client_email="wendy@example.com", client_timezone="Europe/London")
    free = a_slot(open_page, service, days_ahead=4)
    paused = BusinessProfileFactory(owner=UserFactory(username="bob@example.com"), name="Bob's Boxing")
    BookingSettingsFactory(business_profile=paused, public_booking_slug="bobs-boxing", is_booking_page_active=False)
    return {"page": open_page, "service": service, "booking": booking, "entry": entry, "slot": slot, "free": free}


def page_urls(link) -> list[str]:
    """Every public page a client may see."""
    base = f"/book/{link['page'].public_booking_slug}"
    service, booking, entry = link["service"], link["booking"], link["entry"]
    return [
        f"{base}/",
        f"{base}/{service.pk}/",
        f"{base}/{service.pk}/?date={link['free'].start_utc.date().isoformat()}",
        f"{base}/{service.pk}/book/?start={utc(link['free'].start_utc)}&tz=Europe/London",
        f"{base}/{service.pk}/waitlist/?start={utc(link['slot'].start_utc)}&tz=Europe/London",
        f"{base}/booking/{booking.manage_token}/",
        f"{base}/booking/{booking.manage_token}/reschedule/",
        f"{base}/booking/{booking.manage_token}/cancel/",
        f"{base}/waitlist/{entry.token}/",
        f"{base}/waitlist/{entry.token}/claim/",
        f"{base}/waitlist/{entry.token}/leave/",
        "/book/bobs-boxing/",  # paused
        "/book/no-such-link/",  # not found
    ]


def in_language(url: str, code: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={code}"


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]*)"', html).group(1)


def seen(html: str) -> list[str]:
    return [chunk.text for chunk in html_text(html)]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_public_page_is_in_the_language_asked_for(link, code):
    http = HttpClient()
    for url in page_urls(link):
        response = http.get(in_language(url, code))
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        assert html_lang(html) == code, url
        assert response["Content-Language"] == code, url
        left = english_left(seen(html), code)
        assert not left, f"{url} in {code}, still English: {left}"


# --- Emails -------------------------------------------------------------------------------------

WAITLIST_KINDS = {*outbox.WAITLIST_KINDS.values(), EmailKind.WAITLIST_WITHDRAWN}


def composed(kind: str, link, code: str) -> OutboxEmail:
    """The email `kind` as the outbox composes it, for a reader of `code`."""
    booking = Booking.objects.select_related(
        "business_profile__owner", "business_profile__booking_settings", "session_category"
    ).get(pk=link["booking"].pk)
    booking.language = booking.business_profile.language = code
    booking.pending_request_expires_at = booking.start_time_utc - timedelta(hours=2)
    if kind in WAITLIST_KINDS:
        entry = WaitlistEntry.objects.select_related(
            "business_profile__owner", "business_profile__booking_settings", "session_category"
        ).get(pk=link["entry"].pk)
        entry.language = code
        entry.offer_expires_at = entry.start_time_utc - timedelta(hours=2)
        return outbox._waitlist_email(kind, entry)
    if kind == EmailKind.WEBHOOK_DISABLED:
        context = {"url": "https://hooks.example.com/in", "failing_days": 3, "last_error": "HTTP 500",
                   "endpoint_url": f"{SITE}/app/webhooks/1/"}
        with transaction.atomic(), outbox.translation.override(code):
            return outbox.owner_notice_queue(business=booking.business_profile, kind=kind, subject="", context=context)
    compose = outbox._owner_email if kind in OWNER_KINDS else outbox._client_email
    return compose(kind, booking, outbox._links(booking), from_status="")


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("kind", EmailKind.values)
def test_every_email_is_in_its_reader_s_language(link, kind, code):
    email = composed(kind, link, code)

    assert html_lang(email.body_html) == code
    left = english_left([email.subject, *email.body_text.splitlines(), *seen(email.body_html)], code)
    assert not left, f"{kind} in {code}, still English: {left}"
