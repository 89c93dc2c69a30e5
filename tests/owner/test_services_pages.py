"""The owner's services: list, create, edit, archive or delete, restore, reorder; only their own."""

import html
import re
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from bookingsite.businesses.models import SessionCategory
from tests.factories import BookingFactory, ServiceFactory, SessionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def names_in_order(response) -> list[str]:
    """Active services as the list shows them, top to bottom."""
    content = response.content.decode()
    active = content.split("Archived services")[0]
    names = re.findall(r'<a href="/app/services/\d+/" class="[^"]*font-semibold[^"]*">([^<]+)</a>', active)
    return [html.unescape(name) for name in names]


def form_data(**changes) -> dict:
    data = {"name": "Group lesson", "description": "Up to six swimmers.", "duration_minutes": "45", "capacity": "6",
            "price": "20.50", "is_publicly_bookable": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def snapshot(business) -> list[dict]:
    return [model_to_dict(s) for s in SessionCategory.objects.filter(business_profile=business).order_by("pk")]


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


@pytest.fixture
def three(business, page):
    """Three services made elsewhere, all at position 0 (ordered by name)."""
    return [ServiceFactory(business_profile=business, name=name, position=0) for name in ("Alpha", "Bravo", "Charlie")]


@pytest.fixture
def bobs_service(other_business):
    return ServiceFactory(business_profile=other_business, name="Bob's sparring")


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/app/services/"), ("get", "/app/services/new/"), ("get", "/app/services/{pk}/"),
     ("post", "/app/services/{pk}/archive/"), ("post", "/app/services/{pk}/move/")],
)
def test_anonymous_visitor_is_sent_to_log_in(client, service, page, method, url):
    url = url.format(pk=service.pk)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert SessionCategory.objects.filter(pk=service.pk, is_archived=False).exists()


def test_lists_services_with_their_details_and_archived_ones_folded(owner, business):
    ServiceFactory(
        business_profile=business, name="Private lesson", duration_minutes=90, capacity=1, price=Decimal("35"), position=0
    )
    ServiceFactory(business_profile=business, name="Lifeguard check", is_publicly_bookable=False, capacity=4, position=1)
    ServiceFactory(business_profile=business, name="Summer camp", is_archived=True)

    response = owner.get("/app/services/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    page_text = text(response)
    assert "Private lesson Public 1 h 30 min · 1 place · £35" in page_text
    assert "Lifeguard check Private 1 h · 4 places · no price shown" in page_text
    assert names_in_order(response) == ["Private lesson", "Lifeguard check"]
    service_list = response.content.decode().split('<div id="service-list">')[1]
    archived = re.search(r"<details\b(?![^>]*\bopen\b).*?</details>", service_list, flags=re.S).group()
    assert "Summer camp" in archived and "Restore" in archived


def test_creates_a_service_at_the_end_of_the_list(owner, business, three):
    response = owner.post("/app/services/new/", form_data())

    assert response.status_code == 302
    assert response["Location"] == "/app/services/"
    created = SessionCategory.objects.get(name="Group lesson")
    assert created.business_profile == business
    assert (created.duration_minutes, created.capacity, created.price, created.is_publicly_bookable) == (
        45, 6, Decimal("20.50"), True,
    )
    assert created.position > max(s.position for s in SessionCategory.objects.exclude(pk=created.pk))
    assert names_in_order(owner.get("/app/services/"))[-1] == "Group lesson"


@pytest.mark.parametrize(("currency", "label"), [("GBP", "Price in £ (GBP) (optional)"), ("EUR", "Price in € (EUR) (optional)"),
                                                ("CHF", "Price in CHF (optional)")])
def test_the_price_is_asked_in_the_business_s_currency(owner, business, currency, label):
    business.currency = currency
    business.save()

    assert label in owner.get("/app/services/new/").content.decode()


def test_creates_a_private_service_without_price(owner):
    owner.post("/app/services/new/", form_data(price="", is_publicly_bookable=None))

    created = SessionCategory.objects.get(name="Group lesson")
    assert created.price is None
    assert created.is_publicly_bookable is False


BAD_INPUT = [
    ("name", "", "Give the service a name."),
    ("duration_minutes", "4", "A session lasts at least 5 minutes."),
    ("duration_minutes", "1441", "A session lasts at most 24 hours (1440 minutes)."),
    ("duration_minutes", "1.5", "Enter a whole number."),
    ("capacity", "0", "A service needs at least one place."),
    ("price", "-1", "The price can’t be negative."),
    ("price", "ten", "Enter a price like 35 or 35.50."),
    ("description", "x" * 2001, "Keep the description under 2000 characters (it has 2001)."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_create_refuses_bad_input_and_saves_nothing(owner, business, service, field, value, message):
    before = snapshot(business)

    response = owner.post("/app/services/new/", form_data(**{field: value}))

    assert response.status_code == 400
    assert text(response).count(message) == 1
    assert snapshot(business) == before


def test_edits_a_service(owner, service):
    assert "Private lesson" in text(owner.get(f"/app/services/{service.pk}/"))

    response = owner.post(
        f"/app/services/{service.pk}/", form_data(name="Private lesson (long)", duration_minutes="90", capacity="1")
    )

    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.duration_minutes, service.capacity) == ("Private lesson (long)", 90, 1)


def test_the_form_offers_a_waitlist_for_full_sessions_off_by_default(owner):
    response = owner.get("/app/services/new/")

    content = response.content.decode()
    assert "Waitlist for full sessions" in text(response)
    assert "When a session is full, clients can join a waitlist." in text(response)
    assert re.search(r'<input type="checkbox" name="waitlist_enabled" id="id_waitlist_enabled"\s+class=', content)


def test_creates_a_service_with_a_waitlist(owner, business):
    owner.post("/app/services/new/", form_data(waitlist_enabled="on"))

    assert SessionCategory.objects.get(name="Group lesson").waitlist_enabled is True
    assert "Group lesson Public 45 min · 6 places · £20.50 · waitlist when full" in text(owner.get("/app/services/"))


def test_a_service_without_the_box_ticked_has_no_waitlist(owner, business):
    owner.post("/app/services/new/", form_data())

    assert SessionCategory.objects.get(name="Group lesson").waitlist_enabled is False
    assert "waitlist when full" not in text(owner.get("/app/services/"))


def test_edit_shows_the_waitlist_ticked_and_unticking_turns_it_off(owner, service):
    service.waitlist_enabled = True
    service.save()
    assert re.search(r'name="waitlist_enabled" id="id_waitlist_enabled" checked', owner.get(
        f"/app/services/{service.pk}/").content.decode())

    response = owner.post(f"/app/services/{service.pk}/", form_data(name="Private lesson", capacity="1"))

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.waitlist_enabled is False


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_edit_refuses_bad_input_and_saves_nothing(owner, business, service, field, value, message):
    before = snapshot(business)

    response = owner.post(f"/app/services/{service.pk}/", form_data(**{field: value}))

    assert response.status_code == 400
    assert message in text(response)
    assert "Edit “Private lesson”" in text(response)
    assert snapshot(business) == before


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [("get", "/app/services/{pk}/", {}), ("post", "/app/services/{pk}/", form_data()),
     ("post", "/app/services/{pk}/archive/", {}), ("post", "/app/services/{pk}/archive/", {"restore": "1"}),
     ("post", "/app/services/{pk}/move/", {"direction": "up"})],
)
def test_another_business_service_answers_404(owner, business, other_business, bobs_service, method, url, data):
    ServiceFactory(business_profile=other_business, name="Bob's other", position=0)
    before = snapshot(other_business)

    response = getattr(owner, method)(url.format(pk=bobs_service.pk), data)

    assert response.status_code == 404
    assert snapshot(other_business) == before


def test_a_service_nobody_booked_is_deleted(owner, service):
    response = owner.post(f"/app/services/{service.pk}/archive/")

    assert response.status_code == 302
    assert not SessionCategory.objects.filter(pk=service.pk).exists()
    assert "“Private lesson” deleted." in text(owner.get("/app/services/"))


def test_a_service_with_bookings_is_archived_not_deleted(owner, business, service):
    BookingFactory(business_profile=business, session_category=service)
    assert "Archive Private lesson" in owner.get("/app/services/").content.decode()

    owner.post(f"/app/services/{service.pk}/archive/")

    service.refresh_from_db()
    assert service.is_archived is True
    assert "Private lesson" not in text(owner.get("/book/alices-aqua/"))


def test_a_service_with_only_a_session_is_archived(owner, business, service):
    SessionFactory(business_profile=business, session_category=service)

    owner.post(f"/app/services/{service.pk}/archive/", headers=HTMX)

    service.refresh_from_db()
    assert service.is_archived is True


def test_archive_in_place_answers_the_list_partial(owner, business, service):
    BookingFactory(business_profile=business, session_category=service)

    response = owner.post(f"/app/services/{service.pk}/archive/", headers=HTMX)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/partials/_service_list.html"
    assert "“Private lesson” archived." in text(response)


def test_an_archived_service_can_be_restored_at_the_end(owner, business, three):
    three[0].is_archived = True
    three[0].save()

    response = owner.post(f"/app/services/{three[0].pk}/archive/", {"restore": "1"})

    assert response.status_code == 302
    three[0].refresh_from_db()
    assert three[0].is_archived is False
    assert names_in_order(owner.get("/app/services/")) == ["Bravo", "Charlie", "Alpha"]


def test_moves_a_service_up_and_down(owner, three):
    assert names_in_order(owner.get("/app/services/")) == ["Alpha", "Bravo", "Charlie"]

    response = owner.post(f"/app/services/{three[2].pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == "/app/services/"
    assert names_in_order(owner.get("/app/services/")) == ["Alpha", "Charlie", "Bravo"]

    owner.post(f"/app/services/{three[0].pk}/move/", {"direction": "down"})
    assert names_in_order(owner.get("/app/services/")) == ["Charlie", "Alpha", "Bravo"]


def test_moving_the_first_up_changes_nothing(owner, three):
    owner.post(f"/app/services/{three[0].pk}/move/", {"direction": "up"})
    assert names_in_order(owner.get("/app/services/")) == ["Alpha", "Bravo", "Charlie"]


def test_move_in_place_answers_the_list_partial(owner, three):
    response = owner.post(f"/app/services/{three[1].pk}/move/", {"direction": "up"}, headers=HTMX)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/partials/_service_list.html"
    assert names_in_order(response) == ["Bravo", "Alpha", "Charlie"]


def test_move_needs_a_direction(owner, business, three):
    before = snapshot(business)

    response = owner.post(f"/app/services/{three[1].pk}/move/", {"direction": "sideways"}, headers=HTMX)

    assert response.status_code == 400
    assert snapshot(business) == before


def test_the_public_page_follows_the_owners_order(owner, client, three):
    owner.post(f"/app/services/{three[2].pk}/move/", {"direction": "up"})
    owner.post(f"/app/services/{three[2].pk}/move/", {"direction": "up"})

    public = client.get("/book/alices-aqua/").content.decode()
    assert public.index("Charlie") < public.index("Alpha") < public.index("Bravo")


def test_list_and_moves_answer_only_their_methods(owner, service):
    assert owner.post("/app/services/").status_code == 405
    assert owner.get(f"/app/services/{service.pk}/move/").status_code == 405
    assert owner.get(f"/app/services/{service.pk}/archive/").status_code == 405
