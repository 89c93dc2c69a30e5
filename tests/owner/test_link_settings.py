"""The booking-link settings page: the links and snippets, the rules, the business's details, a new link name."""

import html
import io
import mimetypes
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from PIL import Image

from bookingsite.businesses.models import BusinessBookingSettings, BusinessProfile, RetiredSlug

pytestmark = pytest.mark.django_db

URL = "/app/settings/"


def text(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def form_data(**changes) -> dict:
    """A complete, valid submission of the page; a change of None leaves the field out (an unticked box)."""
    data = {
        "public_booking_slug": "alices-aqua",
        "is_booking_page_active": "on",
        "pending_booking_expiry_hours": "24",
        "global_buffer_time_minutes_between_sessions": "0",
        "minimum_notice_minutes": "0",
        "booking_horizon_days": "60",
        "custom_message_client": "",
        "reminder_hours_before": "24",
        "second_reminder_hours_before": "0",
        "client_change_cutoff_hours": "0",
        "waitlist_claim_minutes": "120",
        "name": "Alice's Aqua Studio",
        "timezone": "Europe/London",
        "country": "GB",
        "language": "en",
        "currency": "GBP",
        "clock": "auto",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def saved_state(business) -> tuple[dict, dict, list]:
    page = BusinessBookingSettings.objects.get(pk=business.pk)
    profile = BusinessProfile.objects.get(pk=business.pk)
    return (
        model_to_dict(page, exclude=["updated_at"]),
        model_to_dict(profile, exclude=["logo"]) | {"logo": profile.logo.name},
        list(RetiredSlug.objects.values_list("slug", flat=True)),
    )


def png(size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_anonymous_visitor_is_sent_to_log_in(client, page):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/app/settings/"
    assert client.post(URL, form_data(public_booking_slug="taken-over"))["Location"].startswith("/accounts/login/")
    assert BusinessBookingSettings.objects.get(pk=page.pk).public_booking_slug == "alices-aqua"


def test_admin_page_may_not_be_framed(owner):
    assert owner.get(URL)["X-Frame-Options"] == "DENY"


def test_shows_both_links_the_snippets_and_a_preview(owner, settings):
    settings.SITE_URL = "https://book.example.com"
    settings.BOOKING_ROOT_DOMAIN = "example.com"

    response = owner.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="https://book.example.com/book/alices-aqua/"' in content
    assert 'href="https://alices-aqua.example.com/"' in content
    page_text = text(response)
    assert '<script src="https://book.example.com/static/embed.js" data-slug="alices-aqua" async></script>' in page_text
    assert (
        '<iframe src="https://book.example.com/book/alices-aqua/" loading="lazy" '
        'style="width:100%;min-height:700px;border:0" title="Book online"></iframe>'
    ) in page_text
    # The snippets sit, escaped, in read-only text areas with copy buttons.
    assert re.search(r'<textarea id="embed-script" readonly[^>]*>&lt;script src=', content)
    for target in ("#link-public", "#link-subdomain", "#embed-script", "#embed-iframe"):
        assert f'data-copy="{target}"' in content
    assert re.search(r'<iframe src="/book/alices-aqua/" loading="lazy" title="Preview of your booking page"', content)


def test_subdomain_link_keeps_the_sites_scheme_and_port(owner, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.BOOKING_ROOT_DOMAIN = "localhost"

    assert 'href="http://alices-aqua.localhost:8000/"' in owner.get(URL).content.decode()


def test_saves_the_rules_and_the_business(owner, page, business):
    response = owner.post(
        URL,
        form_data(
            requires_approval="on", pending_booking_expiry_hours="48", global_buffer_time_minutes_between_sessions="15",
            minimum_notice_minutes="120", booking_horizon_days="90", custom_message_client="Bring a towel.",
            name="Alice's Pool", timezone="America/New_York", country="US", currency="USD", clock="24h",
            reminder_hours_before="48", second_reminder_hours_before="2", client_change_cutoff_hours="12",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    page.refresh_from_db()
    business.refresh_from_db()
    assert page.requires_approval is True
    assert (page.pending_booking_expiry_hours, page.global_buffer_time_minutes_between_sessions) == (48, 15)
    assert (page.minimum_notice_minutes, page.booking_horizon_days) == (120, 90)
    assert page.custom_message_client == "Bring a towel."
    assert (page.reminder_hours_before, page.second_reminder_hours_before, page.client_change_cutoff_hours) == (48, 2, 12)
    assert (business.name, business.timezone, business.country) == ("Alice's Pool", "America/New_York", "US")
    assert (business.currency, business.clock) == ("USD", "24h")
    assert "Settings saved." in text(owner.get(URL))


def test_offers_the_currencies_in_use_by_their_names_in_the_owners_language(owner):
    page = text(owner.get(URL))

    assert "British Pound (GBP)" in page and "Euro (EUR)" in page and "Japanese Yen (JPY)" in page
    assert "(DEM)" not in page  # the Deutsche Mark is no one's money now


@pytest.mark.parametrize("changes, message", [
    ({"currency": "XYZ"}, "Choose a currency from the list."),
    ({"currency": "DEM"}, "Choose a currency from the list."),
    ({"clock": "13h"}, "Choose a clock from the list."),
])
def test_refuses_an_unknown_currency_or_clock(owner, business, changes, message):
    before = saved_state(business)

    response = owner.post(URL, form_data(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert saved_state(business) == before


@pytest.mark.parametrize("minutes", [5, 45, 10080])
def test_saves_the_time_to_claim_a_waitlist_place(owner, page, minutes):
    assert "Time to claim a waitlist place (minutes)" in text(owner.get(URL))

    response = owner.post(URL, form_data(waitlist_claim_minutes=str(minutes)))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.waitlist_claim_minutes == minutes
    assert f'name="waitlist_claim_minutes" value="{minutes}"' in owner.get(URL).content.decode()


def test_switching_the_page_off_shows_clients_the_paused_page(owner, client, page):
    owner.post(URL, form_data(is_booking_page_active=None))

    page.refresh_from_db()
    assert page.is_booking_page_active is False
    assert client.get("/book/alices-aqua/").status_code == 404


def test_custom_message_is_escaped_on_the_booking_page(owner, client, page):
    owner.post(URL, form_data(custom_message_client='<script>alert("hi")</script>'))

    public = client.get("/book/alices-aqua/").content.decode()
    assert "<script>alert" not in public
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in public
    assert "<script>alert" not in owner.get(URL).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("global_buffer_time_minutes_between_sessions", "1441", "Keep the buffer under 24 hours (1440 minutes)."),
        ("global_buffer_time_minutes_between_sessions", "-1", "The buffer can’t be negative; use 0 for none."),
        ("global_buffer_time_minutes_between_sessions", "ten", "Enter a whole number."),
        ("pending_booking_expiry_hours", "0", "A request waits at least 1 hour."),
        ("pending_booking_expiry_hours", "721", "Keep the wait under 30 days (720 hours)."),
        ("minimum_notice_minutes", "86401", "Keep the notice under 60 days (86400 minutes)."),
        ("minimum_notice_minutes", "-5", "The notice can’t be negative; use 0 for none."),
        ("booking_horizon_days", "0", "Let clients book at least 1 day ahead."),
        ("booking_horizon_days", "731", "Keep it under two years (730 days)."),
        ("booking_horizon_days", "", "Enter a number."),
        ("custom_message_client", "x" * 1001, "Keep the message under 1000 characters (it has 1001)."),
        ("reminder_hours_before", "337", "Keep the reminder within 14 days (336 hours) of the session."),
        ("reminder_hours_before", "-1", "Use 0 for no reminder."),
        ("second_reminder_hours_before", "24", "The second reminder comes after the first: set it to fewer hours."),
        ("second_reminder_hours_before", "-2", "Use 0 for no second reminder."),
        ("client_change_cutoff_hours", "721", "Keep the cut-off under 30 days (720 hours)."),
        ("client_change_cutoff_hours", "a day", "Enter a whole number."),
        ("waitlist_claim_minutes", "4", "Give clients at least 5 minutes to claim a place."),
        ("waitlist_claim_minutes", "10081", "Keep the time to claim under a week (10080 minutes)."),
        ("waitlist_claim_minutes", "", "Enter a number."),
        ("waitlist_claim_minutes", "2 hours", "Enter a whole number."),
        ("public_booking_slug", "", "Give your link a name."),
        ("public_booking_slug", "admin", "“admin” is reserved; choose another link name."),
        ("public_booking_slug", "Static", "“static” is reserved; choose another link name."),
        ("public_booking_slug", "alice's pool", "Use letters, digits and single hyphens"),
        ("public_booking_slug", "-alice", "Use letters, digits and single hyphens"),
        ("public_booking_slug", "alice--pool", "Use letters, digits and single hyphens"),
        ("public_booking_slug", "a" * 61, "Keep the link name under 60 characters."),
        ("name", "", "Give your business a name."),
        ("timezone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
        ("timezone", "Factory", "Choose a time zone from the list."),
        ("country", "XX", "Choose a country from the list."),
    ],
)
def test_refuses_bad_input_with_the_fields_message_and_saves_nothing(owner, business, field, value, message):
    before = saved_state(business)

    # Other fields changed too, so a partial save would show.
    response = owner.post(URL, form_data(**{"requires_approval": "on", "booking_horizon_days": "30", field: value}))

    assert response.status_code == 400
    assert "Nothing was saved." in text(response)
    assert text(response).count(message) == 1
    assert saved_state(business) == before


def test_refuses_a_link_name_another_business_has_in_any_case(owner, business, other_business):
    before = saved_state(business)

    response = owner.post(URL, form_data(public_booking_slug="Bobs-BOXING"))

    assert response.status_code == 400
    assert "This link name is already taken." in text(response)
    assert saved_state(business) == before


def test_refuses_another_business_old_link_name(owner, business, other_business):
    RetiredSlug.objects.create(slug="bobs-old-gym", business_profile=other_business)
    before = saved_state(business)

    response = owner.post(URL, form_data(public_booking_slug="bobs-old-gym"))

    assert response.status_code == 400
    assert "This link name is already taken." in text(response)
    assert saved_state(business) == before


def test_a_new_link_name_is_lowercased_and_the_old_link_redirects_for_good(owner, client, page, service):
    response = owner.post(URL, form_data(public_booking_slug="Alices-Pool"))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.public_booking_slug == "alices-pool"
    assert "Your link is now /book/alices-pool/; the old one redirects to it." in text(owner.get(URL))
    old = client.get("/book/alices-aqua/")
    assert old.status_code == 301
    assert old["Location"] == "/book/alices-pool/"
    deeper = client.get(f"/book/alices-aqua/{service.pk}/?tz=Asia/Tokyo")
    assert deeper.status_code == 301
    assert deeper["Location"] == f"/book/alices-pool/{service.pk}/?tz=Asia/Tokyo"
    assert client.get("/book/alices-pool/").status_code == 200


def test_the_owner_may_take_an_old_link_name_back(owner, client, page):
    owner.post(URL, form_data(public_booking_slug="alices-pool"))
    response = owner.post(URL, form_data(public_booking_slug="alices-aqua"))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.public_booking_slug == "alices-aqua"
    assert client.get("/book/alices-aqua/").status_code == 200
    assert client.get("/book/alices-pool/")["Location"] == "/book/alices-aqua/"


def test_uploads_and_removes_a_logo(owner, business):
    response = owner.post(URL, {**form_data(), "logo": png()})

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.logo.name.startswith("logos/")
    assert f'src="{business.logo.url}"' in owner.get(URL).content.decode()

    owner.post(URL, form_data(**{"logo-clear": "on"}))
    business.refresh_from_db()
    assert not business.logo


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def upload_logo(owner, name: str, content: bytes):
    return owner.post(URL, {**form_data(), "logo": SimpleUploadedFile(name, content)})


def stored_logo(business) -> tuple[str, bytes]:
    business.refresh_from_db()
    with business.logo.open("rb") as file:
        return business.logo.name, file.read()


class TestLogosAreDrawnAgain:
    """A logo is stored as Pillow draws it again, in its real type (businesses.logos)."""

    def test_a_png_named_pdf_is_stored_and_served_as_a_png(self, owner, business):
        png_with_a_tail = encoded(Image.new("RGB", (600, 300), "teal"), "PNG") + b"%PDF-1.4 riding along %%EOF"

        assert upload_logo(owner, "x.pdf", png_with_a_tail).status_code == 302

        name, content = stored_logo(business)
        assert re.fullmatch(r"logos/logo(_\w+)?\.png", name), name
        assert content.startswith(b"\x89PNG") and b"%PDF" not in content
        assert Image.open(io.BytesIO(content)).size == (256, 128)  # scaled to what the pages show
        # Whatever serves the file (the app's media view, a proxy, a bucket) types it by its name.
        assert mimetypes.guess_type(name)[0] == "image/png"

    def test_an_animated_gif_keeps_its_first_frame(self, owner, business):
        red, blue = Image.new("RGB", (32, 32), (255, 0, 0)), Image.new("RGB", (32, 32), (0, 0, 255))
        animation = encoded(red, "GIF", save_all=True, append_images=[blue], duration=100, loop=0)
        assert Image.open(io.BytesIO(animation)).n_frames == 2

        assert upload_logo(owner, "spinner.gif", animation).status_code == 302

        name, content = stored_logo(business)
        stored = Image.open(io.BytesIO(content))
        assert name.endswith(".gif") and stored.format == "GIF"
        assert stored.n_frames == 1
        assert stored.convert("RGB").getpixel((16, 16)) == (255, 0, 0)

    def test_a_jpeg_loses_its_exif_and_stands_upright(self, owner, business):
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x010E] = "Garden at 51.5012 N, 0.1419 W"  # ImageDescription
        exif[0x0112] = 6  # Orientation: the camera was turned, show it rotated a quarter turn
        photo = encoded(Image.new("RGB", (80, 40), "white"), "JPEG", exif=exif.tobytes())

        assert upload_logo(owner, "me.jpeg", photo).status_code == 302

        name, content = stored_logo(business)
        stored = Image.open(io.BytesIO(content))
        assert name.endswith(".jpg") and stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert b"PhoneMaker" not in content and b"Garden" not in content
        assert stored.size == (40, 80)  # upright, as the camera meant it

    def test_a_huge_pixel_count_is_refused_before_it_is_decoded(self, owner, business):
        before = saved_state(business)
        bomb = encoded(Image.new("1", (5000, 5000)), "PNG")  # a few KB that claim 25 million pixels
        assert len(bomb) < 10_000

        response = upload_logo(owner, "logo.png", bomb)

        assert response.status_code == 400
        assert "Use a smaller image: at most 4096 × 4096 pixels." in text(response)
        assert saved_state(business) == before

    def test_a_document_that_is_not_an_image_is_refused(self, owner, business):
        before = saved_state(business)

        response = upload_logo(owner, "menu.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")

        assert response.status_code == 400
        assert "That file is not an image we can read. Use PNG, JPEG, GIF or WebP." in text(response)
        assert saved_state(business) == before


def test_refuses_a_file_that_is_not_an_image(owner, business):
    before = saved_state(business)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")

    response = owner.post(URL, {**form_data(name="Renamed"), "logo": fake})

    assert response.status_code == 400
    assert "That file is not an image we can read. Use PNG, JPEG, GIF or WebP." in text(response)
    assert saved_state(business) == before
    # The header still shows the saved name, not the refused one.
    assert "Alice's Aqua Studio" in text(response)
