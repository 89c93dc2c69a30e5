"""`manage.py seed_demo` makes a demo worth showing, and running it again changes nothing."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from bookingsite.bookings.models import Booking, Session
from bookingsite.businesses.models import BusinessBookingSettings, ExceptionDate, SessionCategory, WorkingHours
from bookingsite.businesses.validators import timezone_names
from bookingsite.core import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def demo_page(media_root) -> BusinessBookingSettings:
    call_command("seed_demo", stdout=io.StringIO())
    return BusinessBookingSettings.objects.select_related("business_profile").get(public_booking_slug=demo.SLUG)


def row_counts() -> dict[str, int]:
    """Rows of every model of both apps, their many-to-many tables and the users."""
    models = [*apps.get_app_config("businesses").get_models(), *apps.get_app_config("bookings").get_models()]
    tables = {model._meta.label: model for model in models}
    for model in models:
        for field in model._meta.local_many_to_many:
            tables[f"{model._meta.label}.{field.name}"] = field.remote_field.through
    tables["users"] = get_user_model()
    return {label: model.objects.count() for label, model in tables.items()}


def test_seeding_twice_changes_nothing(demo_page):
    counts = row_counts()
    business = type(demo_page.business_profile).objects.filter(pk=demo_page.pk).values().get()
    page = BusinessBookingSettings.objects.filter(pk=demo_page.pk).values().get()

    call_command("seed_demo", stdout=io.StringIO())

    assert row_counts() == counts
    assert type(demo_page.business_profile).objects.filter(pk=demo_page.pk).values().get() == business
    assert BusinessBookingSettings.objects.filter(pk=demo_page.pk).values().get() == page


def test_seed_made_rows_in_every_table_it_fills(demo_page):
    counts = row_counts()

    for label in ("businesses.SessionCategory", "businesses.WorkingHours", "businesses.ExceptionDate",
                  "bookings.Client", "bookings.Session", "bookings.Booking", "bookings.BookingStatusChange"):
        assert counts[label] > 0, label


def test_demo_business_has_a_real_time_zone_and_a_logo(demo_page, media_root):
    business = demo_page.business_profile

    assert demo_page.public_booking_slug == "sarahs-swim-school"
    assert business.timezone in timezone_names()
    assert business.logo
    logo = Path(business.logo.path)
    assert logo.is_file()
    assert logo.is_relative_to(media_root)
    assert logo.read_bytes().startswith(b"\x89PNG")


def test_demo_page_has_a_custom_message(demo_page):
    assert demo_page.custom_message_client.strip()
    assert demo_page.is_booking_page_active


def test_demo_services_show_every_kind(demo_page):
    services = list(demo_page.business_profile.services.all())

    assert len(services) >= 3
    assert any(service.capacity > 1 and service.is_publicly_bookable for service in services)
    assert any(not service.is_publicly_bookable for service in services)


def test_demo_has_a_weekday_with_two_blocks_and_an_exception_date(demo_page):
    business = demo_page.business_profile
    blocks_per_day = WorkingHours.objects.filter(business_profile=business).values("weekday").annotate(n=Count("pk"))

    assert max(row["n"] for row in blocks_per_day) >= 2
    assert ExceptionDate.objects.filter(business_profile=business, date__gte=timezone.localdate()).exists()


def test_demo_has_future_sessions_and_bookings(demo_page):
    now = timezone.now()
    business = demo_page.business_profile

    assert Session.objects.filter(business_profile=business, start_time_utc__gt=now).exists()
    assert Booking.objects.filter(business_profile=business, start_time_utc__gt=now, status=Booking.Status.CONFIRMED).exists()


def test_demo_has_a_group_session_with_several_attendees(demo_page):
    group_sessions = Session.objects.filter(
        business_profile=demo_page.business_profile, session_category__capacity__gt=1
    ).annotate(n=Count("attendees"))

    assert max((session.n for session in group_sessions), default=0) >= 2


def test_demo_owner_can_log_in(demo_page):
    owner = authenticate(username=demo.OWNER_EMAIL, password=demo.OWNER_PASSWORD)

    assert owner is not None
    assert owner == demo_page.business_profile.owner
    assert authenticate(username=demo.OWNER_EMAIL, password="wrong-password") is None


def test_demo_page_is_served(demo_page, client):
    response = client.get(f"/book/{demo.SLUG}/")

    assert response.status_code == 200
    assert "Sarah&#x27;s Swim School" in response.content.decode()


def test_demo_business_has_an_address_and_one_service_its_own_place(demo_page):
    assert demo_page.business_profile.address.splitlines()[0] == "Riverside Leisure Centre, lane 6"
    elsewhere = SessionCategory.objects.filter(business_profile=demo_page.business_profile).exclude(location="")
    assert [service.name for service in elsewhere] == ["Stroke technique clinic"]


def test_seeding_gives_a_demo_made_before_addresses_its_address(demo_page):
    type(demo_page.business_profile).objects.filter(pk=demo_page.pk).update(address="")

    call_command("seed_demo", stdout=io.StringIO())

    assert type(demo_page.business_profile).objects.get(pk=demo_page.pk).address == demo.ADDRESS


def test_demo_has_a_full_session_of_a_service_with_a_waitlist(demo_page):
    from bookingsite.bookings.selectors import availability

    services = SessionCategory.objects.filter(business_profile=demo_page.business_profile, waitlist_enabled=True)
    assert {service.name for service in services} == demo.WAITLIST_SERVICES
    today = timezone.localdate()
    full = [
        slot
        for service in services
        for day in availability.availability_days(
            page=demo_page, service=service, client_timezone="Europe/London", start_date=today,
            end_date=today + timedelta(days=30), now=timezone.now(), list_full=True,
        )
        for slot in day.full
    ]
    assert full, "no full slot to join a waitlist for"
