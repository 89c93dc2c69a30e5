"""GET, PUT and PATCH /api/v1/business-booking-settings/: the settings page's rules, through its form and service."""

import pytest

from bookingsite.businesses.models import RetiredSlug

from .conftest import errors

pytestmark = pytest.mark.django_db

URL = "/api/v1/business-booking-settings/"
FIELDS = {
    "public_booking_slug", "is_booking_page_active", "requires_approval", "pending_booking_expiry_hours",
    "global_buffer_time_minutes_between_sessions", "minimum_notice_minutes", "booking_horizon_days",
    "custom_message_client", "booking_url", "updated_at", "reminder_hours_before",
    "second_reminder_hours_before", "client_change_cutoff_hours", "waitlist_claim_minutes", "language", "currency",
    "clock",
}


def body(**changes) -> dict:
    return {
        "public_booking_slug": "alices-aqua",
        "is_booking_page_active": True,
        "requires_approval": False,
        "pending_booking_expiry_hours": 24,
        "global_buffer_time_minutes_between_sessions": 0,
        "minimum_notice_minutes": 60,
        "booking_horizon_days": 60,
        "custom_message_client": "",
    } | changes


def test_get_shows_the_settings(api, page, settings):
    settings.SITE_URL = "https://book.example.com"

    response = api.get(URL)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == FIELDS
    assert data["public_booking_slug"] == "alices-aqua"
    assert data["booking_url"] == "https://book.example.com/book/alices-aqua/"
    assert data["pending_booking_expiry_hours"] == page.pending_booking_expiry_hours


def test_put_saves_every_setting(api, page, business):
    response = api.put(URL, body(requires_approval=True, pending_booking_expiry_hours=48, minimum_notice_minutes=0,
                                 booking_horizon_days=90, global_buffer_time_minutes_between_sessions=15,
                                 custom_message_client="Bring a towel <b>please</b>", is_booking_page_active=False))

    assert response.status_code == 200
    page.refresh_from_db()
    assert (page.requires_approval, page.pending_booking_expiry_hours, page.minimum_notice_minutes, page.booking_horizon_days,
            page.global_buffer_time_minutes_between_sessions, page.is_booking_page_active) == (True, 48, 0, 90, 15, False)
    assert page.custom_message_client == "Bring a towel <b>please</b>"
    assert response.json()["custom_message_client"] == "Bring a towel <b>please</b>"
    business.refresh_from_db()
    assert business.name == "Alice's Aqua Studio"  # the profile is kept as it was


def test_a_new_slug_is_lowercased_and_the_old_link_redirects(api, page, client):
    response = api.put(URL, body(public_booking_slug="Alices-Pool"))

    assert response.status_code == 200
    assert response.json()["public_booking_slug"] == "alices-pool"
    page.refresh_from_db()
    assert page.public_booking_slug == "alices-pool"
    assert RetiredSlug.objects.filter(slug="alices-aqua", business_profile=page.business_profile).exists()
    old = client.get("/book/alices-aqua/")
    assert (old.status_code, old["Location"]) == (301, "/book/alices-pool/")


def test_the_business_s_language_is_read_and_set(api, page, business):
    assert api.get(URL).json()["language"] == "en"

    response = api.patch(URL, {"language": "de"})

    assert (response.status_code, response.json()["language"]) == (200, "de")
    business.refresh_from_db()
    assert business.language == "de"
    assert api.put(URL, body()).json()["language"] == "de"  # left out, it stays


@pytest.mark.parametrize("language", ["pt", "DE", 1, None])
def test_only_our_languages_are_taken(api, page, business, language):
    response = api.patch(URL, {"language": language})

    assert response.status_code == 400
    assert "language" in errors(response)
    business.refresh_from_db()
    assert business.language == "en"


def test_patch_changes_only_what_it_sends(api, page):
    response = api.patch(URL, {"requires_approval": True})

    assert response.status_code == 200
    page.refresh_from_db()
    assert page.requires_approval is True
    assert page.public_booking_slug == "alices-aqua"
    assert response.json()["minimum_notice_minutes"] == page.minimum_notice_minutes


def test_reads_and_changes_the_time_to_claim_a_waitlist_place(api, page):
    assert api.get(URL).json()["waitlist_claim_minutes"] == 120

    response = api.patch(URL, {"waitlist_claim_minutes": 30})

    assert response.status_code == 200
    assert response.json()["waitlist_claim_minutes"] == 30
    page.refresh_from_db()
    assert (page.waitlist_claim_minutes, page.public_booking_slug) == (30, "alices-aqua")


def test_reads_and_changes_the_currency_and_the_clock(api, page, business):
    assert {key: api.get(URL).json()[key] for key in ("currency", "clock")} == {"currency": "GBP", "clock": "auto"}

    response = api.patch(URL, {"currency": "EUR", "clock": "12h"})

    assert response.status_code == 200
    assert (response.json()["currency"], response.json()["clock"]) == ("EUR", "12h")
    business.refresh_from_db()
    assert (business.currency, business.clock) == ("EUR", "12h")


def test_a_put_without_the_currency_and_clock_keeps_them(api, page, business):
    business.currency, business.clock = "CHF", "24h"
    business.save()

    response = api.put(URL, body(requires_approval=True))

    assert response.status_code == 200
    business.refresh_from_db()
    assert (business.currency, business.clock) == ("CHF", "24h")


@pytest.mark.parametrize("changes, field, message", [
    ({"currency": "XYZ"}, "currency", "Choose a currency from the list."),
    ({"currency": "DEM"}, "currency", "Choose a currency from the list."),  # no longer anyone's money
    ({"clock": "13h"}, "clock", "Choose a clock from the list."),

    ({"public_booking_slug": "bobs-boxing"}, "public_booking_slug", "This link name is already taken."),
    ({"public_booking_slug": "Bobs-BOXING"}, "public_booking_slug", "This link name is already taken."),
    ({"public_booking_slug": "admin"}, "public_booking_slug", "“admin” is reserved; choose another link name."),
    ({"public_booking_slug": "two--hyphens"}, "public_booking_slug",
     "Use letters, digits and single hyphens, starting and ending with a letter or digit (like sarahs-swim)."),
    ({"public_booking_slug": ""}, "public_booking_slug", "Give your link a name."),
    ({"public_booking_slug": "x" * 61}, "public_booking_slug", "Keep the link name under 60 characters."),
    ({"pending_booking_expiry_hours": 0}, "pending_booking_expiry_hours", "A request waits at least 1 hour."),
    ({"pending_booking_expiry_hours": 721}, "pending_booking_expiry_hours", "Keep the wait under 30 days (720 hours)."),
    ({"global_buffer_time_minutes_between_sessions": -5}, "global_buffer_time_minutes_between_sessions",
     "The buffer can’t be negative; use 0 for none."),
    ({"booking_horizon_days": 731}, "booking_horizon_days", "Keep it under two years (730 days)."),
    ({"minimum_notice_minutes": "60"}, "minimum_notice_minutes", "Enter a whole number."),
    ({"minimum_notice_minutes": None}, "minimum_notice_minutes", "Enter a number."),
    ({"requires_approval": "yes"}, "requires_approval", "Must be a valid boolean."),
    ({"custom_message_client": "x" * 1001}, "custom_message_client", "Keep the message under 1000 characters (it has 1001)."),
    ({"reminder_hours_before": 337}, "reminder_hours_before", "Keep the reminder within 14 days (336 hours) of the session."),
    ({"reminder_hours_before": 4, "second_reminder_hours_before": 6}, "second_reminder_hours_before",
     "The second reminder comes after the first: set it to fewer hours."),
    ({"client_change_cutoff_hours": -1}, "client_change_cutoff_hours", "Use 0 to let clients change until the session starts."),
    ({"client_change_cutoff_hours": "2"}, "client_change_cutoff_hours", "Enter a whole number."),
    ({"waitlist_claim_minutes": 4}, "waitlist_claim_minutes", "Give clients at least 5 minutes to claim a place."),
    ({"waitlist_claim_minutes": 10081}, "waitlist_claim_minutes", "Keep the time to claim under a week (10080 minutes)."),
    ({"waitlist_claim_minutes": "30"}, "waitlist_claim_minutes", "Enter a whole number."),
])
def test_refuses_what_the_settings_page_refuses(api, page, other_business, nothing_changes, changes, field, message):
    response = api.put(URL, body(**changes))

    assert response.status_code == 400
    assert errors(response) == {field: [message]}


def test_put_needs_every_switch(api, page, nothing_changes):
    # Left out, a switch would read as "off" (an HTML checkbox); here it is a mistake.
    sent = body()
    del sent["is_booking_page_active"], sent["requires_approval"]

    response = api.put(URL, sent)

    assert response.status_code == 400
    assert set(errors(response)) == {"is_booking_page_active", "requires_approval"}


def test_another_business_old_link_name_is_taken(api, page, other_business):
    RetiredSlug.objects.create(slug="bobs-old-gym", business_profile=other_business)

    response = api.put(URL, body(public_booking_slug="bobs-old-gym"))

    assert response.status_code == 400
    assert errors(response) == {"public_booking_slug": ["This link name is already taken."]}
    page.refresh_from_db()
    assert page.public_booking_slug == "alices-aqua"


@pytest.mark.parametrize("raw", ["[]", '"text"', "null", "{bad json"])
def test_a_body_that_is_not_an_object_is_400(api, page, nothing_changes, raw):
    response = api.put(URL, raw=raw)

    assert response.status_code == 400
    assert "__all__" in errors(response)


def test_patch_with_a_list_is_400(api, page, nothing_changes):
    response = api.patch(URL, [1, 2])

    assert response.status_code == 400
    assert errors(response) == {"__all__": ["Send a JSON object."]}


def test_delete_and_post_are_405(api, page):
    for response in (api.delete(URL), api.post(URL, body())):
        assert response.status_code == 405
        assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "PUT", "PATCH", "OPTIONS"}
        assert list(errors(response)) == ["__all__"]
