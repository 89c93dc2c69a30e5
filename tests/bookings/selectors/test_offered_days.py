"""Cached availability: every write that moves availability bumps the version it is keyed by
(through the business's lock), and the booking re-check reads the rows, never the cache."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.exceptions import SlotTakenError
from bookingsite.bookings.models import Session
from bookingsite.bookings.selectors import availability
from bookingsite.businesses import services as business_services
from bookingsite.businesses.models import BusinessBookingSettings
from tests.factories import ExceptionDateFactory, ServiceFactory, SessionFactory



@pytest.fixture
def day(open_page):
    return timezone.localdate() + timedelta(days=9)


def london(day, hour):
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


def offered_starts(page, service, day, now=None):
    page = BusinessBookingSettings.objects.select_related("business_profile").get(pk=page.pk)
    days = availability.offered_days(page=page, service=service, client_timezone="Europe/London", start_date=day,
                                  end_date=day, now=now or timezone.now())
    return {slot.start_utc for slot in days[0].slots}


def bulk_write_session_at_ten(business, day):
    """Another service's session at 10:00, written around the services: the version stays as it was."""
    before = version(business.booking_settings)
    other = ServiceFactory(business_profile=business, name="Assessment")
    Session.objects.bulk_create([Session(business_profile=business, session_category=other,
                                         start_time_utc=london(day, 10), end_time_utc=london(day, 11))])
    assert version(business.booking_settings) == before


def version(page):
    return BusinessBookingSettings.objects.get(pk=page.pk).availability_version


def settings_update(business, **changes):
    """The settings page's save, with the current values except `changes`."""
    page = BusinessBookingSettings.objects.select_related("business_profile").get(pk=business.pk)
    profile = page.business_profile
    values = {
        "name": profile.name, "timezone": profile.timezone, "country": profile.country, "logo": None,
        "public_booking_slug": page.public_booking_slug, "requires_approval": page.requires_approval,
        "pending_booking_expiry_hours": page.pending_booking_expiry_hours,
        "global_buffer_time_minutes_between_sessions": page.global_buffer_time_minutes_between_sessions,
        "minimum_notice_minutes": page.minimum_notice_minutes, "booking_horizon_days": page.booking_horizon_days,
        "custom_message_client": page.custom_message_client, "is_booking_page_active": page.is_booking_page_active,
        "address": profile.address, "reminder_hours_before": page.reminder_hours_before,
        "second_reminder_hours_before": page.second_reminder_hours_before,
        "client_change_cutoff_hours": page.client_change_cutoff_hours,
    }
    return business_services.business_settings_update(business_profile_id=business.pk, **(values | changes))


def book(service, start):
    return booking_services.booking_create(service=service, start_time_utc=start, client_name="Jo Bloggs",
                                           client_email="jo@example.com", client_timezone="Europe/London")


def booked_then_cancelled(service, start):
    booking = book(service, start)
    return booking_services.booking_cancel_by_client(booking=booking, reason="")


def owner_session(service, start):
    return booking_services.session_create_by_owner(service=service, start_time_utc=start)


# Each writes something availability depends on, by the path the product uses for it.
WRITES = {
    "a booking": lambda business, service, day: book(service, london(day, 10)),
    "a session by hand": lambda business, service, day: owner_session(service, london(day, 12)),
    "a cancellation that removes the session": lambda business, service, day: booked_then_cancelled(service, london(day, 10)),
    "the working week": lambda business, service, day: business_services.working_hours_replace(
        business_profile_id=business.pk, blocks=[(0, time(8), time(9))]),
    "an exception date": lambda business, service, day: business_services.exception_date_add(
        business_profile_id=business.pk, date=day, start_time=None, end_time=None),
    "a removed exception date": lambda business, service, day: business_services.exception_date_delete(
        exception=ExceptionDateFactory(business_profile=business, date=day)),
    "a new service": lambda business, service, day: business_services.service_create(
        business_profile_id=business.pk, name="Assessment", description="", duration_minutes=30, capacity=1, price=None,
        is_publicly_bookable=True, location=""),
    "a service": lambda business, service, day: business_services.service_update(
        service=service, name=service.name, description="", duration_minutes=45, capacity=1, price=None,
        is_publicly_bookable=True, location=""),
    "an archived service": lambda business, service, day: business_services.service_archive(service=service),
    "the link settings": lambda business, service, day: settings_update(business, minimum_notice_minutes=120),
    "the business's zone": lambda business, service, day: settings_update(business, timezone="Asia/Tokyo"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_change_availability_depends_on_bumps_the_version(write, open_page, business, service, day):
    SessionFactory(business_profile=business, session_category=service, start_time_utc=london(day, 15),
                   end_time_utc=london(day, 16))
    before = version(open_page)
    write(business, service, day)
    assert version(open_page) > before


def test_a_write_bumps_the_version_once(open_page, service, day):
    before = version(open_page)
    book(service, london(day, 10))
    assert version(open_page) == before + 1


def test_a_refused_write_leaves_the_version_as_it_was(open_page, service, day):
    book(service, london(day, 10))
    before = version(open_page)
    with pytest.raises(SlotTakenError):
        book(service, london(day, 10))
    assert version(open_page) == before  # rolled back with the refused booking


def test_a_working_week_bumps_the_version_even_when_there_was_none(page, business):
    before = version(page)
    business_services.working_hours_replace(business_profile_id=business.pk, blocks=[(2, time(9), time(12))])
    assert version(page) > before


def test_offered_days_show_a_booking_at_once(open_page, service, day):
    assert london(day, 10) in offered_starts(open_page, service, day)  # now cached
    book(service, london(day, 10))
    assert london(day, 10) not in offered_starts(open_page, service, day)


def test_offered_days_show_a_cancellation_at_once(open_page, service, day):
    booking = book(service, london(day, 10))
    assert london(day, 10) not in offered_starts(open_page, service, day)
    booking_services.booking_cancel_by_client(booking=booking, reason="")
    assert london(day, 10) in offered_starts(open_page, service, day)


def test_offered_days_serve_the_cached_month_until_something_changes(open_page, business, service, day):
    offered_starts(open_page, service, day)
    # A row written around the services does not bump the version: the cached days still show it free.
    bulk_write_session_at_ten(business, day)
    assert london(day, 10) in offered_starts(open_page, service, day)
    assert london(day, 10) not in availability.availability_days(
        page=BusinessBookingSettings.objects.select_related("business_profile").get(pk=open_page.pk), service=service,
        client_timezone="Europe/London", start_date=day, end_date=day, now=timezone.now())[0].slots


def test_an_offered_days_entry_serves_one_minute_at_most(open_page, business, service, day):
    now = timezone.now().replace(second=0, microsecond=0)
    offered_starts(open_page, service, day, now=now)
    bulk_write_session_at_ten(business, day)
    assert london(day, 10) in offered_starts(open_page, service, day, now=now + timedelta(seconds=59))
    assert london(day, 10) not in offered_starts(open_page, service, day, now=now + timedelta(seconds=60))


def test_the_booking_recheck_reads_the_rows_not_the_cache(open_page, business, service, day):
    assert london(day, 10) in offered_starts(open_page, service, day)
    bulk_write_session_at_ten(business, day)
    assert london(day, 10) in offered_starts(open_page, service, day)  # the cache still offers it
    with pytest.raises(SlotTakenError):
        book(service, london(day, 10))
