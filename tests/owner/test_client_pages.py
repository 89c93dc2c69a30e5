"""The owner's clients: the list with search and counts, one client's bookings and editing their details."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Client
from tests.factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


@pytest.fixture
def cara(business):
    return ClientFactory(business_profile=business, name="Cara Client", email="cara@example.com", phone="+447700900123")


def names_in(response) -> list[str]:
    return [person.name for person in response.context["page_obj"]]


@pytest.mark.parametrize(("method", "url"), [("get", "/app/clients/"), ("get", "/app/clients/1/"), ("post", "/app/clients/1/")])
def test_anonymous_visitor_is_sent_to_log_in(client, db, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_another_business_client_is_not_found(owner, other_business):
    theirs = ClientFactory(business_profile=other_business, name="Theo Theirs", email="theo@example.com")
    assert owner.get(f"/app/clients/{theirs.pk}/").status_code == 404
    assert owner.post(f"/app/clients/{theirs.pk}/", {"name": "Mine", "email": "mine@example.com"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.email) == ("Theo Theirs", "theo@example.com")


def test_list_shows_this_business_clients_with_their_booking_counts(owner, business, other_business, cara, service):
    BookingFactory.create_batch(3, business_profile=business, client=cara, session_category=service)
    ClientFactory(business_profile=business, name="Ann Archer")
    ClientFactory(business_profile=other_business, name="Theo Theirs")
    response = owner.get("/app/clients/")
    assert response.status_code == 200
    assert "owner/clients.html" in [t.name for t in response.templates]
    assert names_in(response) == ["Ann Archer", "Cara Client"]
    counts = {person.name: person.booking_count for person in response.context["page_obj"]}
    assert counts == {"Ann Archer": 0, "Cara Client": 3}
    assert b"Theo Theirs" not in response.content


@pytest.mark.parametrize("text", ["cara", "CLIENT", "cara@example", "7700900123"])
def test_search_by_name_email_or_phone(owner, business, cara, text):
    ClientFactory(business_profile=business, name="Ann Archer", email="ann@example.com")
    assert names_in(owner.get("/app/clients/", {"q": text})) == ["Cara Client"]


def test_search_with_htmx_gets_the_results_fragment(owner, cara):
    response = owner.get("/app/clients/", {"q": "cara"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/partials/_client_results.html"
    assert response.content.decode().lstrip().startswith('<section id="client-results"')


def test_search_that_finds_nobody_says_so(owner, cara):
    response = owner.get("/app/clients/", {"q": "zzz"})
    assert response.status_code == 200
    assert b"Nobody matches" in response.content


def test_detail_lists_their_bookings_newest_first(owner, business, cara, service):
    soon = timezone.now().replace(microsecond=0) + timedelta(days=1)
    older = BookingFactory(business_profile=business, client=cara, session_category=service, start_time_utc=soon)
    newer = BookingFactory(
        business_profile=business, client=cara, session_category=service, start_time_utc=soon + timedelta(days=7)
    )
    BookingFactory(business_profile=business, session_category=service)  # someone else's
    response = owner.get(f"/app/clients/{cara.pk}/")
    assert response.status_code == 200
    assert [booking.pk for booking in response.context["page_obj"]] == [newer.pk, older.pk]
    assert response.context["form"].initial == {"name": "Cara Client", "email": "cara@example.com", "phone": "+447700900123"}
    assert f"/app/bookings/{newer.pk}/".encode() in response.content


def test_edit_saves_and_reads_a_national_phone_in_the_business_country(owner, cara):
    response = owner.post(
        f"/app/clients/{cara.pk}/", {"name": "  Cara   Clarke ", "email": "cara.clarke@example.com", "phone": "07911 123456"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/app/clients/{cara.pk}/"
    cara.refresh_from_db()
    assert (cara.name, cara.email, cara.phone) == ("Cara Clarke", "cara.clarke@example.com", "+447911123456")
    page = owner.get(response["Location"])
    assert "Saved Cara Clarke’s details." in [str(m) for m in page.context["messages"]]


def test_an_unchanged_phone_is_kept_as_saved(owner, business):
    # +44 7700 900xxx is a drama range phonenumbers calls invalid; a client saved with one can still be renamed.
    old = ClientFactory(business_profile=business, name="Old Number", email="old@example.com", phone="+447700900101")
    response = owner.post(
        f"/app/clients/{old.pk}/", {"name": "Old Numbers", "email": "old@example.com", "phone": "+447700900101"}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.name, old.phone) == ("Old Numbers", "+447700900101")


def test_edit_can_clear_the_phone(owner, cara):
    owner.post(f"/app/clients/{cara.pk}/", {"name": "Cara Client", "email": "cara@example.com", "phone": ""})
    cara.refresh_from_db()
    assert cara.phone == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Cara", "email": "cara@example.com", "phone": "12345"}, "phone"),
        ({"name": "Cara", "email": "not-an-email", "phone": ""}, "email"),
        ({"name": "   ", "email": "cara@example.com", "phone": ""}, "name"),
        ({"name": "x" * 121, "email": "cara@example.com", "phone": ""}, "name"),
    ],
)
def test_bad_details_answer_400_and_save_nothing(owner, cara, data, field):
    response = owner.post(f"/app/clients/{cara.pk}/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "owner/client.html" in [t.name for t in response.templates]
    cara.refresh_from_db()
    assert (cara.name, cara.email, cara.phone) == ("Cara Client", "cara@example.com", "+447700900123")


def test_another_client_email_or_phone_under_the_same_name_is_refused(owner, business, cara):
    ClientFactory(business_profile=business, name="Ann Archer", email="ann@example.com", phone="+447911123999")
    response = owner.post(f"/app/clients/{cara.pk}/", {"name": "Cara", "email": "ANN@example.com", "phone": ""})
    assert response.status_code == 400
    assert "already has this email" in str(response.context["form"].errors["email"])
    response = owner.post(f"/app/clients/{cara.pk}/", {"name": "ann  ÁRCHER", "email": "cara@example.com",
                                                       "phone": "07911 123999"})
    assert response.status_code == 400
    assert "Another client with this name already has this phone number." in str(response.context["form"].errors["phone"])
    cara.refresh_from_db()
    assert (cara.name, cara.email, cara.phone) == ("Cara Client", "cara@example.com", "+447700900123")


def test_a_phone_another_client_has_under_another_name_is_fine(owner, business, cara):
    # A family shares one phone; booking matches them apart by name (DESIGN.md 5).
    ann = ClientFactory(business_profile=business, name="Ann Archer", email="ann@example.com", phone="+447911123999")

    response = owner.post(f"/app/clients/{cara.pk}/", {"name": "Cara Archer", "email": "cara@example.com",
                                                       "phone": "07911 123999"})

    assert response.status_code == 302
    cara.refresh_from_db()
    assert (cara.name, cara.phone) == ("Cara Archer", "+447911123999")
    ann.refresh_from_db()
    assert (ann.name, ann.phone) == ("Ann Archer", "+447911123999")


def test_renaming_to_the_name_of_another_client_with_the_same_phone_is_refused(owner, business, cara):
    ClientFactory(business_profile=business, name="Carla Client", email="carla@example.com", phone="+447700900123")

    response = owner.post(f"/app/clients/{cara.pk}/", {"name": "carla client", "email": "cara@example.com",
                                                       "phone": "+447700900123"})

    assert response.status_code == 400
    assert "already has this phone" in str(response.context["form"].errors["phone"])
    cara.refresh_from_db()
    assert cara.name == "Cara Client"


def test_the_same_email_at_another_business_is_fine(owner, other_business, cara):
    ClientFactory(business_profile=other_business, email="new@example.com")
    assert owner.post(f"/app/clients/{cara.pk}/", {"name": "Cara", "email": "new@example.com"}).status_code == 302


def test_edit_with_htmx_redirects_the_browser_or_swaps_the_form_back(owner, cara):
    ok = owner.post(f"/app/clients/{cara.pk}/", {"name": "Cara C", "email": "cara@example.com"}, headers={"HX-Request": "true"})
    assert ok.status_code == 200
    assert ok["HX-Redirect"] == f"/app/clients/{cara.pk}/"
    bad = owner.post(f"/app/clients/{cara.pk}/", {"name": "Cara C", "email": "nope"}, headers={"HX-Request": "true"})
    assert bad.status_code == 400
    assert [t.name for t in bad.templates][0] == "owner/partials/_client_form.html"
    assert bad.content.decode().lstrip().startswith('<form id="client-form"')
    assert Client.objects.get(pk=cara.pk).name == "Cara C"
