"""Cached availability: every change that moves availability renews the stamp it is keyed by,
and the booking re-check reads the rows, never the cache."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings import selectors
from bookingsite.bookings import services as booking_services
from bookingsite.bookings.exceptions import SlotTakenError
from bookingsite.bookings.models import Session
from bookingsite.businesses import services as business_services
from bookingsite.businesses.models import BusinessBookingSettings
from tests.factories import ClientFactory, ExceptionDateFactory, ServiceFactory, SessionFactory



@pytest.fixture
def day(open_page):
    return timezone.localdate() + timedelta(days=9)


def london(day, hour):
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


def offered_starts(page, service, day, now=None):
    page = BusinessBookingSettings.objects.select_related("business_profile").get(pk=page.pk)
    days = selectors.offered_days(page=page, service=service, client_timezone="Europe/London", start_date=day,
                                  end_date=day, now=now or timezone.now())
    return {slot.start_utc for slot in days[0].slots}


def bulk_write_session_at_ten(business, day):
    """Another service's session at 10:00, written in bulk: no signal, so the stamp stays as it was."""
    before = stamp(business.booking_settings)
    other = ServiceFactory(business_profile=business, name="Assessment")
    Session.objects.bulk_create([Session(business_profile=business, session_category=other,
                                         start_time_utc=london(day, 10), end_time_utc=london(day, 11))])
    BusinessBookingSettings.objects.filter(pk=business.pk).update(availability_stamp=before)  # undo the service's renewal


def stamp(page):
    return BusinessBookingSettings.objects.get(pk=page.pk).availability_stamp


def book(service, start):
    return booking_services.booking_create(service=service, start_time_utc=start, client_name="Jo Bloggs",
                                           client_email="jo@example.com", client_timezone="Europe/London")


# Each writes something availability depends on, by the path the product uses for it.
WRITES = {
    "a booking": lambda business, service, day: book(service, london(day, 10)),
    "a session": lambda business, service, day: SessionFactory(
        business_profile=business, session_category=service, start_time_utc=london(day, 12), end_time_utc=london(day, 13)),
    "an attendee": lambda business, service, day: SessionFactory(
        business_profile=business, session_category=service, start_time_utc=london(day, 12),
        end_time_utc=london(day, 13)).attendees.add(ClientFactory(business_profile=business)),
    "a deleted session": lambda business, service, day: Session.objects.filter(business_profile=business).delete(),
    "the working week": lambda business, service, day: business_services.working_hours_replace(
        business_profile_id=business.pk, blocks=[(0, time(8), time(9))]),
    "an exception date": lambda business, service, day: ExceptionDateFactory(business_profile=business, date=day),
    "a service": lambda business, service, day: business_services.service_update(
        service=service, name=service.name, description="", duration_minutes=45, capacity=1, price=None,
        is_publicly_bookable=True),
    "the link settings": lambda business, service, day: BusinessBookingSettings.objects.get(pk=business.pk).save(),
    "the business's zone": lambda business, service, day: setattr(business, "timezone", "Asia/Tokyo") or business.save(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_change_availability_depends_on_renews_the_stamp(write, open_page, business, service, day):
    SessionFactory(business_profile=business, session_category=service, start_time_utc=london(day, 15),
                   end_time_utc=london(day, 16))
    before = stamp(open_page)
    write(business, service, day)
    assert stamp(open_page) != before


def test_deleting_a_client_who_held_a_place_by_hand_renews_the_stamp(open_page, business, service, day):
    session = SessionFactory(business_profile=business, session_category=service, start_time_utc=london(day, 12),
                             end_time_utc=london(day, 13))
    client = ClientFactory(business_profile=business)
    session.attendees.add(client)
    before = stamp(open_page)
    client.delete()  # the attendee row goes by cascade, with no m2m signal
    assert stamp(open_page) != before


def test_a_bulk_written_working_week_renews_the_stamp_even_when_there_was_none(page, business):
    before = stamp(page)
    business_services.working_hours_replace(business_profile_id=business.pk, blocks=[(2, time(9), time(12))])
    assert stamp(page) != before


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
    # A row written without a signal (bulk) does not renew the stamp: the cached days still show it free.
    bulk_write_session_at_ten(business, day)
    assert london(day, 10) in offered_starts(open_page, service, day)
    assert london(day, 10) not in selectors.availability_days(
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
