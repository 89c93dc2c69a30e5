"""The booking link's first page: /book/<slug>/ and <slug>.<BOOKING_ROOT_DOMAIN>/."""

import gzip
import html
import re
from decimal import Decimal

import pytest

from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = "We couldn’t find that page"


@pytest.fixture
def services(page, business):
    """Two public services, a group one, one hidden from the link and one archived."""
    return {
        "adult": ServiceFactory(
            business_profile=business, name="Adult beginner lesson", duration_minutes=45, price=Decimal("35"),
            description="Gentle first steps for adults.", position=1,
        ),
        "clinic": ServiceFactory(
            business_profile=business, name="Stroke clinic", duration_minutes=90, capacity=6, price=None,
            description="Drills for confident swimmers.", position=2,
        ),
        "hidden": ServiceFactory(business_profile=business, name="Lifeguard assessment", is_publicly_bookable=False, position=0),
        "archived": ServiceFactory(business_profile=business, name="Summer camp", is_archived=True, position=0),
    }


@pytest.fixture
def subdomains(settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.BOOKING_ROOT_DOMAIN = "localhost"


def text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def service_cards(response) -> dict[str, str]:
    """The text of each card in the page's service list, by service name (its heading), in page order."""
    listing = re.search(r"<ul\b[^>]*role=\"list\"[^>]*>(.*?)</ul>", response.content.decode(), flags=re.S)
    if listing is None:
        return {}
    named = {}
    for card in re.findall(r"<li\b[^>]*>(.*?)</li>", listing.group(1), flags=re.S):
        heading = re.search(r"<h[1-6]\b.*?</h[1-6]>", card, flags=re.S)
        named[text(heading.group())] = text(card)
    return named


def test_lists_only_public_services_in_the_owners_order(client, services):
    response = client.get("/book/alices-aqua/")

    assert response.status_code == 200
    assert list(service_cards(response)) == ["Adult beginner lesson", "Stroke clinic"]


def test_shows_the_business_name(client, services):
    response = client.get("/book/alices-aqua/")

    assert "Alice's Aqua Studio" in text(response.content.decode())
    assert [t.name for t in response.templates][:1] == ["public/service_list.html"]


def test_service_card_shows_duration_price_and_description(client, services):
    cards = service_cards(client.get("/book/alices-aqua/"))

    assert "45 min" in cards["Adult beginner lesson"]
    assert "£35" in cards["Adult beginner lesson"]
    assert "Gentle first steps for adults." in cards["Adult beginner lesson"]
    assert "Group" not in cards["Adult beginner lesson"]


def test_group_service_card_shows_its_places_and_no_price_when_unset(client, services):
    cards = service_cards(client.get("/book/alices-aqua/"))

    assert "1 h 30 min" in cards["Stroke clinic"]
    assert "Group, 6 places" in cards["Stroke clinic"]
    assert "Drills for confident swimmers." in cards["Stroke clinic"]
    assert "£" not in cards["Stroke clinic"]


def test_says_so_when_no_service_can_be_booked(client, page):
    ServiceFactory(business_profile=page.business_profile, is_publicly_bookable=False)

    response = client.get("/book/alices-aqua/")

    assert response.status_code == 200
    assert service_cards(response) == {}
    assert "No services can be booked online right now." in response.content.decode()


def test_shows_the_custom_message_escaped(client, page, services):
    page.custom_message_client = "Lane 6 <script>alert('owned')</script> & bring a towel"
    page.save()

    content = client.get("/book/alices-aqua/").content.decode()

    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(" in content
    assert "Lane 6 <script>alert('owned')</script> & bring a towel" in text(content)


def test_escapes_service_text(client, page):
    ServiceFactory(business_profile=page.business_profile, name="<b>Bold</b> lesson", description="<img src=x onerror=alert(1)>")

    content = client.get("/book/alices-aqua/").content.decode()

    assert "<b>Bold</b>" not in content
    assert "<img src=x" not in content
    assert "&lt;b&gt;Bold&lt;/b&gt; lesson" in content


def test_slug_is_case_insensitive(client, services):
    response = client.get("/book/Alices-Aqua/")

    assert response.status_code == 200
    assert list(service_cards(response)) == ["Adult beginner lesson", "Stroke clinic"]


def test_unknown_slug_answers_the_friendly_404(client, page):
    response = client.get("/book/no-such-studio/")

    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


def test_another_business_services_are_not_listed(client, services, other_business):
    ServiceFactory(business_profile=other_business, name="Boxing basics")

    response = client.get("/book/alices-aqua/")

    assert "Boxing basics" not in service_cards(response)
    assert "Boxing basics" in service_cards(client.get("/book/bobs-boxing/"))


def test_inactive_page_says_it_is_not_taking_bookings(client, page, services):
    page.is_booking_page_active = False
    page.save()

    response = client.get("/book/alices-aqua/")

    assert response.status_code == 404
    assert "not taking online bookings" in response.content.decode()
    assert service_cards(response) == {}


def test_public_page_may_be_framed(client, services):
    response = client.get("/book/alices-aqua/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers


def test_staff_pages_may_not_be_framed(client, db):
    response = client.get("/staff/login/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"


def test_refuses_post(client, page):
    assert client.post("/book/alices-aqua/").status_code == 405


@pytest.mark.parametrize("host", ["alices-aqua.localhost", "Alices-Aqua.localhost:8000"])
def test_subdomain_serves_the_same_list(client, services, subdomains, host):
    response = client.get("/", headers={"host": host})

    assert response.status_code == 200
    assert list(service_cards(response)) == ["Adult beginner lesson", "Stroke clinic"]
    assert "X-Frame-Options" not in response.headers


def test_unknown_subdomain_answers_the_friendly_404(client, page, subdomains):
    response = client.get("/", headers={"host": "no-such-studio.localhost"})

    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


@pytest.mark.parametrize("host", ["www.localhost", "localhost", "a.b.localhost"])
def test_reserved_or_bare_hosts_are_not_a_business(client, page, subdomains, host):
    response = client.get("/", headers={"host": host})

    assert response.status_code == 200
    assert [t.name for t in response.templates][:1] == ["core/home.html"]
    assert service_cards(response) == {}


def test_subdomain_leaves_shared_paths_alone(client, services, other_business, subdomains):
    ServiceFactory(business_profile=other_business, name="Boxing basics")

    response = client.get("/book/bobs-boxing/", headers={"host": "alices-aqua.localhost"})

    assert response.status_code == 200
    assert list(service_cards(response)) == ["Boxing basics"]


def test_makes_a_small_constant_number_of_queries(client, page, django_assert_max_num_queries):
    ServiceFactory.create_batch(12, business_profile=page.business_profile, capacity=3, price=Decimal("9.50"))

    with django_assert_max_num_queries(3):
        response = client.get("/book/alices-aqua/")

    assert len(service_cards(response)) == 12


def test_the_page_goes_out_gzipped_to_a_client_that_takes_it(client, services):
    plain = client.get("/book/alices-aqua/")
    packed = client.get("/book/alices-aqua/", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2  # with up to 100 bytes of random padding
    assert b"Adult beginner lesson" in gzip.decompress(packed.content)
