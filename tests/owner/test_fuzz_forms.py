"""Fuzz of the owner's main forms, logged in, through the whole stack (DESIGN.md 8): whatever a field
holds (NUL, bytes that are not UTF-8, huge text, nothing), the answer is below 500, and a refusal
changes nothing. Run on PostgreSQL too, where a NUL used to reach the database as a 500.
"""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from bookingsite.businesses.models import (
    BusinessBookingSettings,
    BusinessProfile,
    ExceptionDate,
    RetiredSlug,
    SessionCategory,
    WorkingHours,
)
from tests.fuzz import FORM, FUZZ, form_body, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(settings, alice, page):
    settings.RATELIMIT_ENABLE = False
    client = HttpClient(raise_request_exception=False)  # a server error is a 500 answer, as the owner sees it
    client.force_login(alice)
    return client


def snapshot() -> tuple:
    """Every row the owner's forms write."""
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (BusinessBookingSettings, BusinessProfile, SessionCategory, WorkingHours, ExceptionDate, RetiredSlug)
    )


def days_ahead(*days: int) -> list[str]:
    return [(timezone.now().date() + timedelta(days=n)).isoformat() for n in days]


FORMS = {
    "/app/settings/": {
        "public_booking_slug": ["alices-aqua", "alices-pool"],
        "is_booking_page_active": ["on", ""],
        "requires_approval": ["on", ""],
        "pending_booking_expiry_hours": ["24", "48"],
        "global_buffer_time_minutes_between_sessions": ["0", "15"],
        "minimum_notice_minutes": ["0", "60"],
        "booking_horizon_days": ["60", "30"],
        "custom_message_client": ["", "Bring a towel."],
        "reminder_hours_before": ["24", "48"],
        "second_reminder_hours_before": ["0", "2"],
        "client_change_cutoff_hours": ["0", "12"],
        "waitlist_claim_minutes": ["120", "30"],
        "address": ["", "1 Harbour Road\nBristol"],
        "name": ["Alice's Aqua Studio", "Aqua Zoë"],
        "timezone": ["Europe/London", "Asia/Tokyo"],
        "country": ["GB", "DE", ""],
        "language": ["en", "de", "pt"],
        "currency": ["GBP", "EUR"],
        "clock": ["auto", "12h", "24h"],
    },
    "/app/services/new/": {
        "name": ["Group lesson", "Kids’ class"],
        "description": ["", "Up to six swimmers."],
        "duration_minutes": ["45", "60"],
        "capacity": ["1", "6"],
        "price": ["", "20.50"],
        "is_publicly_bookable": ["on", ""],
        "location": ["", "https://meet.example.com/swim"],
        "waitlist_enabled": ["on", ""],
    },
    "/app/hours/": {
        "row": ["n0"],
        "n0-weekday": ["0", "6"],
        "n0-start_time": ["09:00", "13:30"],
        "n0-end_time": ["17:00", "14:00"],
    },
    "/app/exceptions/": {
        "date": days_ahead(*range(7, 37)),  # many days, so a valid example seldom meets an earlier one
        "kind": ["closed", "hours"],
        "start_time": ["", "10:00"],
        "end_time": ["", "12:00"],
        "note": ["", "Pool closed for cleaning"],
    },
}


@pytest.mark.parametrize("url", FORMS)
@FUZZ
@given(data=st.data())
def test_an_owner_form_answers_below_500_and_a_refusal_changes_nothing(owner, url, data):
    fields = data.draw(form_fields(FORMS[url]))
    before = snapshot()

    response = owner.post(url, form_body(fields), content_type=FORM)

    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows how many got through
    assert response.status_code < 500
    if response.status_code >= 400:
        assert snapshot() == before
    else:
        assert response.status_code == 302
