"""The edge guard (core.bad_input, DESIGN.md 8): a NUL anywhere in the address, the query string or a
form, or bytes that are not UTF-8, answer 400 before any view, and a body over the limit 413: as
JSON in the API's shape to JSON requests, as a page to the rest, and with nothing written.

On PostgreSQL each of these reached the database as a 500 before ("text fields cannot contain NUL").
"""

import html
import io
import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.utils import timezone
from PIL import Image

from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.selectors import availability
from bookingsite.businesses.models import BusinessBookingSettings, BusinessProfile
from bookingsite.public.form_tokens import make_form_token
from tests.api.conftest import access_token
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

NOT_STORABLE = "This holds a character that is not allowed: a NUL, or text that is not valid UTF-8 (such as a lone surrogate)."
BAD_ADDRESS = (
    "This address holds a character that is not allowed: a NUL, or text that is not valid UTF-8. Check the link and try again."
)
OVER_2_5_MB = 2_621_440 + 1


@pytest.fixture
def http(settings):
    """A visitor whose server errors come back as 500 answers, as a real one would see them."""
    settings.RATELIMIT_ENABLE = False
    return HttpClient(raise_request_exception=False)


@pytest.fixture
def owner(http, alice, page):
    http.force_login(alice)
    return http


@pytest.fixture
def booking(page, service):
    return BookingFactory(business_profile=page.business_profile, session_category=service)


@pytest.fixture
def slot_start(open_page, service):
    day = timezone.now().date() + timedelta(days=3)
    days = availability.availability_days(page=open_page, service=service, client_timezone="Europe/London",
                                          start_date=day, end_date=day, now=timezone.now())
    return days[0].slots[1].start_utc


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def nothing_written(db):
    """After the test body: not one booking, client, session, status change or settings change."""
    before = snapshot()
    yield
    assert snapshot() == before


def snapshot() -> tuple:
    return (
        list(Booking.objects.order_by("pk").values()),
        Client.objects.count(),
        Session.objects.count(),
        BookingStatusChange.objects.count(),
        list(BusinessBookingSettings.objects.order_by("pk").values()),
        list(BusinessProfile.objects.order_by("pk").values()),
    )


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def json_errors(response) -> dict[str, list[str]]:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert list(body) == ["errors"]
    return body["errors"]


def refused_page(response, status=400) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert "bad_request.html" in [t.name for t in response.templates]
    return text(response)


def png(size_bytes: int = 0) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue() + b"\0" * size_bytes, content_type="image/png")


def settings_form(**changes) -> dict:
    data = {
        "public_booking_slug": "alices-aqua", "is_booking_page_active": "on", "pending_booking_expiry_hours": "24",
        "global_buffer_time_minutes_between_sessions": "0", "minimum_notice_minutes": "0", "booking_horizon_days": "60",
        "custom_message_client": "", "name": "Alice's Aqua Studio", "timezone": "Europe/London", "country": "GB",
        "reminder_hours_before": "24", "second_reminder_hours_before": "0", "client_change_cutoff_hours": "0",
        "waitlist_claim_minutes": "120", "language": "en", "currency": "GBP", "clock": "auto",
    }
    return data | changes


class TestTheAddress:
    @pytest.mark.parametrize(
        "path",
        ["/book/%00/", "/book/alices-aqua/booking/a%00/", "/book/alices-aqua/booking/a%00/cancel/",
         "/book/alices-aqua/booking/a%00/calendar.ics", "/book/alices-aqua%00/{service}/", "/book/alices-aqua%00/"],
    )
    def test_a_nul_in_a_booking_page_address_is_a_framable_400_page(self, http, page, service, nothing_written, path):
        response = http.get(path.format(service=service.pk))

        assert BAD_ADDRESS in refused_page(response)
        assert "X-Frame-Options" not in response  # the booking pages live inside owners' websites
        assert 'href="/"' in response.content.decode()  # a link to start again that holds no NUL

    def test_the_refusal_goes_out_with_every_pages_headers(self, http, page):
        public = http.get("/book/%00/")
        owners = http.get("/app/bookings/?q=%00")

        assert "frame-ancestors *" in public["Content-Security-Policy"]
        assert (owners["X-Frame-Options"], "frame-ancestors 'none'" in owners["Content-Security-Policy"]) == ("DENY", True)
        assert public["X-Content-Type-Options"] == "nosniff"

    def test_a_nul_in_the_admins_address_is_refused_too(self, http):
        assert BAD_ADDRESS in refused_page(http.get("/staff/%00/"))

    @pytest.mark.parametrize("path", ["/app/%00/", "/accounts/login/%00", "/%00", "/book/alices-aqua/\x00/"])
    def test_an_address_that_names_no_page_is_the_404_it_would_be_anyway(self, http, page, path):
        # Refused once the URL is resolved: no view, so nothing reads the NUL.
        assert http.get(path).status_code == 404

    @pytest.mark.parametrize(
        "method, path",
        [("get", "/book/alices-aqua%00/services/"), ("get", "/book/a%00/availability/"), ("post", "/book/a%00/bookings/"),
         ("get", "/api/v1/bookings/a%00/"), ("post", "/api/v1/token%00/"), ("get", "/api/%00")],
    )
    def test_a_nul_in_a_json_address_is_a_json_400(self, http, page, nothing_written, method, path):
        response = getattr(http, method)(path)  # no Accept header: the address says it is JSON

        assert response.status_code == 400
        assert json_errors(response) == {"__all__": [BAD_ADDRESS]}

    @pytest.mark.parametrize("path", ["/book/%FF/", "/book/%ED%A0%80/"])
    def test_bytes_that_are_not_utf8_are_text_django_escaped_and_no_link_matches(self, http, page, path):
        # Django re-percent-encodes such bytes ("%FF" stays the text "%FF"), which no database refuses.
        assert http.get(path).status_code == 404


class TestTheQueryString:
    @pytest.mark.parametrize(
        "query, field",
        [("tz=%00", "tz"), ("tz=Asia%2FTokyo&date=2027-01-%0005", "date"), ("month=%ff", "month"),
         ("start=%ED%A0%80", "start"), ("a%00b=1", "a\ufffdb"), ("tz=Asia/Tokyo\x00", "tz")],
    )
    def test_a_bad_field_is_named_on_a_400_page(self, http, page, service, query, field):
        response = http.get(f"/book/alices-aqua/{service.pk}/?{query}")

        assert f"“{field}”: {NOT_STORABLE}" in refused_page(response)

    def test_the_public_json_names_the_parameter(self, http, page, service):
        response = http.get(f"/book/alices-aqua/availability/?session_category_id={service.pk}&start_date=2027-01-01"
                            "&end_date=2027-01-02&client_timezone=Asia%2FTokyo%00")

        assert response.status_code == 400
        assert json_errors(response) == {"client_timezone": [NOT_STORABLE]}

    def test_the_api_names_the_parameter_even_one_called_status(self, http, alice, page):
        response = http.get("/api/v1/bookings/?status=%00&q=ok", headers={"Authorization": f"Bearer {access_token(alice)}"})

        assert response.status_code == 400
        assert json_errors(response) == {"status": [NOT_STORABLE]}

    def test_the_owners_pages_refuse_it_before_any_search(self, owner):
        for path in ["/app/bookings/?q=%00", "/app/clients/?q=%00", "/app/emails/?status=%00", "/app/calendar/?date=%00"]:
            assert "“" in refused_page(owner.get(path))

    def test_an_htmx_request_gets_the_page_in_place_of_the_page_not_the_fragment(self, http, page, service):
        response = http.get(f"/book/alices-aqua/{service.pk}/?tz=%00", headers={"HX-Request": "true"})

        refused_page(response)
        assert (response["HX-Retarget"], response["HX-Reswap"]) == ("body", "innerHTML")

    def test_too_many_fields_is_a_400(self, http, page, service):
        query = "&".join(f"f{i}=1" for i in range(1001))

        response = http.get(f"/book/alices-aqua/{service.pk}/?{query}")

        assert "This sends too many fields at once." in refused_page(response)


class TestForms:
    def test_a_booking_form_with_a_nul_is_refused_and_books_nothing(self, http, service, slot_start, nothing_written):
        token = make_form_token(service_id=service.pk, start_utc=slot_start, client_timezone="Europe/London")
        data = {"token": token, "client_name": "Dana", "client_email": "dana@example.com", "client_phone": "07911 123456",
                "notes": "First\x00lesson", "website": ""}

        response = http.post(f"/book/alices-aqua/{service.pk}/book/", data)

        assert f"“notes”: {NOT_STORABLE}" in refused_page(response)
        assert "X-Frame-Options" not in response

    def test_a_form_body_that_is_not_utf8_is_refused(self, http, open_page, service, nothing_written):
        body = b"token=x&client_name=Dan%ED%A0%80a&client_email=dana%40example.com"

        response = http.post(f"/book/alices-aqua/{service.pk}/book/", body, content_type="application/x-www-form-urlencoded")

        assert f"“client_name”: {NOT_STORABLE}" in refused_page(response)

    def test_the_cancel_form_refuses_a_nul_in_the_reason(self, http, booking, nothing_written):
        response = http.post(f"/book/alices-aqua/booking/{booking.manage_token}/cancel/", {"reason": "\x00"})

        assert f"“reason”: {NOT_STORABLE}" in refused_page(response)

    def test_the_log_in_form_refuses_a_nul(self, http, alice):
        response = http.post("/accounts/login/", {"username": "alice@example.com\x00", "password": "x"})

        assert f"“username”: {NOT_STORABLE}" in refused_page(response)

    def test_the_settings_form_refuses_a_nul_and_saves_nothing(self, owner, nothing_written):
        response = owner.post("/app/settings/", settings_form(name="Alice\x00"))  # multipart, as the page sends it

        assert f"“name”: {NOT_STORABLE}" in refused_page(response)
        assert response["X-Frame-Options"] == "DENY"

    def test_an_uploaded_file_named_with_a_nul_is_saved_under_a_clean_name(self, owner, business):
        logo = png()
        logo.name = "lo\x00go.png"

        response = owner.post("/app/settings/", settings_form(logo=logo))

        assert response.status_code == 302  # Django drops unprintable characters from upload names
        assert "\x00" not in BusinessProfile.objects.get(pk=business.pk).logo.name

    def test_a_logo_upload_still_works(self, owner, business):
        response = owner.post("/app/settings/", settings_form(logo=png()))

        assert response.status_code == 302
        assert BusinessProfile.objects.get(pk=business.pk).logo.name.endswith(".png")

    def test_a_file_over_the_body_limit_is_the_forms_to_refuse_not_the_edges(self, owner, nothing_written):
        # Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves out uploaded files: the logo's own limit speaks.
        response = owner.post("/app/settings/", settings_form(logo=png(OVER_2_5_MB)))

        assert response.status_code == 400
        assert "Use an image under 2 MB." in text(response)


class TestTooLarge:
    def test_a_json_booking_over_the_limit_is_a_json_413(self, http, open_page, service, nothing_written):
        body = json.dumps({"session_category_id": service.pk, "notes": "x" * OVER_2_5_MB})

        response = http.post("/book/alices-aqua/bookings/", body, content_type="application/json")

        assert response.status_code == 413
        assert json_errors(response) == {"__all__": ["This is too much to send at once: at most 2.5\xa0MB."]}

    def test_the_api_answers_413_in_its_shape(self, http, alice, page):
        body = json.dumps({"username": "alice@example.com", "password": "x" * OVER_2_5_MB})

        response = http.post("/api/v1/token/", body, content_type="application/json")

        assert response.status_code == 413
        assert list(json_errors(response)) == ["__all__"]

    def test_a_page_form_over_the_limit_is_a_413_page(self, http, open_page, service, nothing_written):
        body = urlencode({"token": "x", "notes": "x" * OVER_2_5_MB})

        response = http.post(f"/book/alices-aqua/{service.pk}/book/", body, content_type="application/x-www-form-urlencoded")

        assert "This is too much to send at once: at most 2.5 MB." in refused_page(response, status=413)


class TestCookies:
    # Django unquotes octal escapes in a cookie, so "\000" arrives as a NUL.
    NUL_SESSION = 'sessionid="\\000\\000\\000\\000\\000\\000\\000\\000\\000"'

    def test_a_session_cookie_with_a_nul_is_ignored_not_a_500(self, http, page):
        response = http.get("/app/", HTTP_COOKIE=self.NUL_SESSION)

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_a_bad_cookie_beside_a_good_session_leaves_the_owner_logged_in(self, owner):
        session = owner.cookies["sessionid"].value

        response = owner.get("/app/", HTTP_COOKIE=f'sessionid={session}; other="\\000x"')

        assert response.status_code == 200

