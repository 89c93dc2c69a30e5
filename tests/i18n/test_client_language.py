"""The client's language is stored on the booking and the waitlist entry, and every email to the
client is composed in it, at once or later from beat (DESIGN.md 12). The owner's are the business's."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import translation

from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.bookings.services import (
    booking_cancel_by_client,
    booking_create,
    booking_create_by_owner,
    booking_reschedule,
)
from bookingsite.bookings.waitlist import waitlist_claim, waitlist_join
from bookingsite.notifications import outbox
from bookingsite.notifications.models import EmailKind, OutboxEmail
from bookingsite.notifications.reminders import send_reminders_task
from tests.factories import ServiceFactory
from tests.notifications.helpers import SITE, a_slot, book_on_page
from tests.public.test_booking_api import body_for, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]*)"', html).group(1)


def email_of(booking: Booking, kind: str) -> OutboxEmail:
    [email] = OutboxEmail.objects.filter(booking=booking, kind=kind)
    return email


def loaded(booking: Booking) -> Booking:
    return Booking.objects.select_related(
        "business_profile__owner", "business_profile__booking_settings", "session_category"
    ).get(pk=booking.pk)


def composed_for(booking: Booking, language: str, compose) -> OutboxEmail:
    """What `compose(booking)` writes for a client of `language`, rendered under translation.override."""
    booking = loaded(booking)
    booking.language = language
    with translation.override(language):
        return compose(booking)


def confirmation(booking: Booking) -> OutboxEmail:
    return outbox._client_email(EmailKind.CONFIRMED, booking, outbox._links(booking), from_status="")


def reminder(booking: Booking) -> OutboxEmail:
    return outbox.client_reminder_email(booking, number=1)


def assert_written_in_german(email: OutboxEmail, booking: Booking, compose) -> None:
    german, english = composed_for(booking, "de", compose), composed_for(booking, "en", compose)
    assert (email.subject, email.body_text, email.body_html) == (german.subject, german.body_text, german.body_html)
    assert email.subject != english.subject
    assert html_lang(email.body_html) == "de"


# --- Stored ---------------------------------------------------------------------------------


def test_a_booking_made_in_german_gets_its_confirmation_and_reminder_in_german(open_page, service):
    german_browser = HttpClient(headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    booking = book_on_page(german_browser, open_page, service, a_slot(open_page, service))

    assert booking.language == "de"
    confirmed = email_of(booking, EmailKind.CONFIRMED)
    assert_written_in_german(confirmed, booking, confirmation)
    assert f"/booking/{booking.manage_token}/?lang=de" in confirmed.body_text
    # The owner's email about the same booking is in the business's language.
    assert html_lang(email_of(booking, EmailKind.NEW_BOOKING).body_html) == "en"

    with time_machine.travel(booking.start_time_utc - timedelta(hours=24), tick=False):
        send_reminders_task()
        assert_written_in_german(email_of(booking, EmailKind.REMINDER), booking, reminder)


def test_a_page_booking_without_a_browser_language_takes_the_business_s(open_page, service, business):
    business.language = "fr"
    business.save()

    booking = book_on_page(HttpClient(), open_page, service, a_slot(open_page, service))

    assert booking.language == "fr"
    assert html_lang(email_of(booking, EmailKind.CONFIRMED).body_html) == "fr"


@pytest.mark.parametrize(
    ("query", "headers", "language"),
    [("?lang=es", {"Accept-Language": "de"}, "es"), ("", {"Accept-Language": "fr-CA"}, "fr"), ("?lang=xx", {}, "en")],
)
def test_a_json_booking_keeps_the_client_s_language(client, open_page, service, query, headers, language):
    slot = a_slot(open_page, service)

    response = post(client, body_for(service, slot.start_utc), url=f"/book/alices-aqua/bookings/{query}", headers=headers)

    assert response.status_code == 201, response.content
    booking = Booking.objects.get()
    assert booking.language == language
    assert response["Content-Language"] == language


@pytest.fixture
def group(business):
    return ServiceFactory(business_profile=business, name="Group swim", capacity=1, waitlist_enabled=True)


def test_a_waitlist_entry_keeps_its_language_for_the_offer_and_the_booking_it_claims(client, open_page, group):
    slot = a_slot(open_page, group)
    taken = booking_create(service=group, start_time_utc=slot.start_utc, client_name="Early Bird",
                           client_email="early@example.com", client_timezone="Europe/London")

    response = post(client, body_for(group, slot.start_utc), url="/book/alices-aqua/waitlist/?lang=fr")

    assert response.status_code == 201, response.content
    entry = WaitlistEntry.objects.get()
    assert entry.language == "fr"
    booking_cancel_by_client(booking=taken)  # the place goes to the entry, by email
    [offer] = OutboxEmail.objects.filter(waitlist_entry=entry, kind=EmailKind.WAITLIST_OFFER)
    assert html_lang(offer.body_html) == "fr"
    assert f"/waitlist/{entry.token}/claim/?lang=fr" in offer.body_text

    booking = waitlist_claim(entry=WaitlistEntry.objects.get(pk=entry.pk))

    assert booking.language == "fr"
    assert html_lang(email_of(booking, EmailKind.CONFIRMED).body_html) == "fr"


def test_the_service_takes_a_waitlist_language_too(open_page, group):
    slot = a_slot(open_page, group)
    booking_create(service=group, start_time_utc=slot.start_utc, client_name="Early Bird",
                   client_email="early@example.com", client_timezone="Europe/London")

    entry, _new = waitlist_join(service=group, start_time_utc=slot.start_utc, client_name="Wendy Waiter",
                                client_email="wendy@example.com", client_timezone="Europe/London", language="es")

    [joined] = OutboxEmail.objects.filter(waitlist_entry=entry, kind=EmailKind.WAITLIST_JOINED)
    assert (entry.language, html_lang(joined.body_html)) == ("es", "es")


def test_a_move_keeps_the_language_and_is_emailed_in_it(open_page, service):
    booking = booking_create(service=service, start_time_utc=a_slot(open_page, service).start_utc, client_name="Dana",
                             client_email="dana@example.com", client_timezone="Europe/London", language="de")

    booking_reschedule(booking=booking, start_time_utc=a_slot(open_page, service, days_ahead=4).start_utc)

    booking.refresh_from_db()
    assert booking.language == "de"
    assert html_lang(email_of(booking, EmailKind.MOVED).body_html) == "de"


def test_a_row_from_before_languages_is_emailed_in_the_business_s(open_page, service, business):
    business.language = "es"
    business.save()

    booking = booking_create(service=service, start_time_utc=a_slot(open_page, service).start_utc, client_name="Dana",
                             client_email="dana@example.com", client_timezone="Europe/London")

    assert booking.language == ""
    confirmed = email_of(booking, EmailKind.CONFIRMED)
    assert html_lang(confirmed.body_html) == "es"
    assert "?lang=es" in confirmed.body_text


def test_a_phone_booking_the_owner_makes_takes_the_business_s_language(open_page, service, business, alice):
    business.language = "fr"
    business.save()

    booking = booking_create_by_owner(service=service, start_time_utc=a_slot(open_page, service).start_utc,
                                      client_name="Dana", client_email="dana@example.com", by=alice, email_client=True)

    assert booking.language == "fr"
    assert html_lang(email_of(booking, EmailKind.CONFIRMED).body_html) == "fr"


# --- The owner's language -------------------------------------------------------------------


@pytest.fixture
def owner(client, alice, page, business):
    business.language = "de"
    business.save()
    client.force_login(alice)
    return client


def test_the_owner_s_pages_are_in_the_business_s_language_whatever_the_browser_says(owner):
    response = owner.get("/app/", headers={"Accept-Language": "fr"})

    assert response.status_code == 200
    assert html_lang(response.content.decode()) == "de"


def test_the_owner_picks_the_language_by_its_own_name(owner, business):
    page = owner.get("/app/settings/").content.decode()

    for name in ("English", "Deutsch", "Español", "Français"):
        assert f">{name}</option>" in page
    assert '<option value="de" selected>' in page


def test_the_owner_s_emails_are_in_the_business_s_language(owner, open_page, service):
    booking = book_on_page(HttpClient(headers={"Accept-Language": "en"}), open_page, service, a_slot(open_page, service))

    assert html_lang(email_of(booking, EmailKind.NEW_BOOKING).body_html) == "de"
    assert html_lang(email_of(booking, EmailKind.CONFIRMED).body_html) == "en"


def test_the_log_in_page_follows_the_browser_and_sets_no_cookie(client):
    response = client.get("/accounts/login/", headers={"Accept-Language": "es-ES,es;q=0.9"})

    assert html_lang(response.content.decode()) == "es"
    assert "django_language" not in response.cookies
