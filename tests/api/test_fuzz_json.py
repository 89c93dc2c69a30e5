"""Fuzz of the owner's JSON writes with what schemathesis cannot send (DESIGN.md 8): lone surrogates,
NULs and huge text in any string, odd types in any field. The answer is below 500 in the API's
error shape, and a refusal changes nothing. (test_schemathesis.py covers the schema's own cases.)
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz import FUZZ, ODD_JSON_VALUE, json_fields

from .conftest import errors, snapshot

DAYS = [(timezone.now().date() + timedelta(days=n)).isoformat() for n in range(7, 37)]
BLOCK = {"weekday": [0, 2, 4, 6], "start_time": ["09:00", "13:30"], "end_time": ["17:00", "14:00"]}
WRITES = {
    ("post", "/api/v1/services/"): {
        "name": ["Stroke clinic"], "description": ["", "Fix your crawl."], "duration_minutes": [45, 60],
        "capacity": [1, 4], "price": ["35.50", None, 12], "is_publicly_bookable": [True, False],
        "waitlist_enabled": [True, False],
    },
    ("patch", "/api/v1/business-booking-settings/"): {
        "public_booking_slug": ["alices-aqua", "alices-pool"], "requires_approval": [True, False],
        "minimum_notice_minutes": [0, 60], "custom_message_client": ["", "Bring a towel."],
        "waitlist_claim_minutes": [120, 30], "currency": ["GBP", "EUR"], "clock": ["auto", "12h", "24h"],
        "name": ["Alice's Aqua Studio"], "timezone": ["Europe/London", "Asia/Tokyo"],
    },
    ("post", "/api/v1/exception-dates/"): {
        "date": DAYS, "start_time": ["10:00"], "end_time": ["12:00", "13:00"], "note": ["", "Bank holiday"],
    },
    ("put", "/api/v1/working-hours/"): {"blocks": [[]]},  # filled in with odd blocks below
}


@pytest.fixture
def owner_api(api, settings):
    settings.API_THROTTLE_USER = "100000/m"
    return api


@pytest.mark.parametrize("method, url", WRITES)
@FUZZ
@given(data=st.data())
def test_an_owner_write_answers_below_500_and_a_refusal_changes_nothing(owner_api, method, url, data):
    body = data.draw(json_fields(WRITES[(method, url)]))
    if url.endswith("working-hours/"):
        body["blocks"] = data.draw(st.lists(json_fields(BLOCK), max_size=2) | ODD_JSON_VALUE)
    before = snapshot()

    response = owner_api.call(method, url, body)

    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows how many got through
    assert response.status_code < 500
    if response.status_code >= 400:
        errors(response)  # the API's one error shape
        assert snapshot() == before
