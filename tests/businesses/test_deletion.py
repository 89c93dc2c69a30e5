"""Deleting a business, or its owner, deletes everything of it (bookings, sessions, services,
clients, emails), and the staff admin can do it; its availability rows are read-only there."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bookingsite.bookings.selectors import availability
from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.services import booking_create, session_create_by_owner
from bookingsite.businesses.models import BusinessBookingSettings, BusinessProfile, SessionCategory, WorkingHours
from bookingsite.notifications.models import Notification, OutboxEmail
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked_business(open_page, business, service, other_business):
    """Alice's business with a booking, an owner-made session and its emails; Bob's with one service."""
    day = timezone.localdate() + timedelta(days=3)
    slots = availability.availability_days(page=open_page, service=service, client_timezone="Europe/London",
                                        start_date=day, end_date=day, now=timezone.now())[0].slots
    booking_create(service=service, start_time_utc=slots[0].start_utc, client_name="Jo Bloggs",
                   client_email="jo@example.com", client_timezone="Europe/London")
    session_create_by_owner(service=service, start_time_utc=slots[-1].start_utc)
    ServiceFactory(business_profile=other_business, name="Boxing")
    return business


def rows_of(business_id: int) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(business_profile_id=business_id).count()
        for model in (Booking, Session, SessionCategory, Client, WorkingHours, OutboxEmail, Notification)
    } | {"BusinessBookingSettings": BusinessBookingSettings.objects.filter(pk=business_id).count(),
         "BookingStatusChange": BookingStatusChange.objects.filter(booking__business_profile_id=business_id).count()}


def test_deleting_the_owner_deletes_the_business_and_everything_in_it(booked_business, other_business):
    before = rows_of(booked_business.pk)
    assert before["Booking"] == 1 and before["Session"] == 2 and before["OutboxEmail"] >= 1

    booked_business.owner.delete()

    assert set(rows_of(booked_business.pk).values()) == {0}
    assert not BusinessProfile.objects.filter(pk=booked_business.pk).exists()
    assert SessionCategory.objects.filter(business_profile=other_business).count() == 1  # nobody else's


def test_a_booked_service_alone_still_cannot_be_deleted(booked_business, service):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):
        service.delete()
    assert SessionCategory.objects.filter(pk=service.pk).exists()


@pytest.fixture
def staff(client):
    operator = UserFactory(username="operator@example.com", is_staff=True, is_superuser=True)
    client.force_login(get_user_model().objects.get(pk=operator.pk))
    return client


def test_the_staff_admin_deletes_a_whole_business(staff, booked_business):
    url = f"/staff/businesses/businessprofile/{booked_business.pk}/delete/"
    confirm = staff.get(url)
    assert confirm.status_code == 200
    assert b"Are you sure" in confirm.content
    assert b"following types of objects" not in confirm.content  # no permission is missing

    done = staff.post(url, {"post": "yes"})

    assert done.status_code == 302
    assert set(rows_of(booked_business.pk).values()) == {0}


@pytest.mark.parametrize("model", ["session", "booking", "client"])
def test_the_staff_admin_shows_availability_rows_but_changes_none(staff, booked_business, model):
    row = {"session": Session, "booking": Booking, "client": Client}[model].objects.first()
    page = staff.get(f"/staff/bookings/{model}/{row.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert staff.get(f"/staff/bookings/{model}/{row.pk}/delete/").status_code == 403
    assert staff.get(f"/staff/bookings/{model}/add/").status_code == 403
    assert staff.post(f"/staff/bookings/{model}/{row.pk}/change/", {}).status_code == 403


@pytest.mark.parametrize("model", ["sessioncategory", "workinghours", "businessprofile"])
def test_the_staff_admin_cannot_edit_hours_services_or_settings(staff, booked_business, model):
    models = {"sessioncategory": SessionCategory, "workinghours": WorkingHours, "businessprofile": BusinessProfile}
    row = models[model].objects.first()
    page = staff.get(f"/staff/businesses/{model}/{row.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert staff.post(f"/staff/businesses/{model}/{row.pk}/change/", {}).status_code == 403
