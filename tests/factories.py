"""factory_boy factories, one per model."""

from datetime import time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session, WaitlistEntry
from bookingsite.businesses.models import (
    BusinessBookingSettings,
    BusinessProfile,
    BusyCalendar,
    BusyInterval,
    ExceptionDate,
    SessionCategory,
    WorkingHours,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"owner{n}@example.com")
    email = factory.SelfAttribute("username")
    password = factory.django.Password("correct-horse-battery")


class BusinessProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessProfile

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Studio {n}")
    timezone = "Europe/London"
    country = "GB"
    currency = "GBP"


class BookingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessBookingSettings

    business_profile = factory.SubFactory(BusinessProfileFactory)
    public_booking_slug = factory.Sequence(lambda n: f"studio-{n}")
    minimum_notice_minutes = 0
    booking_horizon_days = 60


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionCategory

    business_profile = factory.SubFactory(BusinessProfileFactory)
    name = factory.Sequence(lambda n: f"Lesson {n}")
    duration_minutes = 60
    capacity = 1


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    business_profile = factory.SubFactory(BusinessProfileFactory)
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class ExceptionDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExceptionDate

    business_profile = factory.SubFactory(BusinessProfileFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    start_time = None
    end_time = None


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    business_profile = factory.SubFactory(BusinessProfileFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    phone = ""


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    business_profile = factory.SubFactory(BusinessProfileFactory)
    session_category = factory.SubFactory(ServiceFactory, business_profile=factory.SelfAttribute("..business_profile"))
    start_time_utc = factory.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2))
    end_time_utc = factory.LazyAttribute(lambda o: o.start_time_utc + timedelta(minutes=o.session_category.duration_minutes))


class BookingFactory(factory.django.DjangoModelFactory):
    """Rows for read-side tests only; real bookings are made by bookings.services."""

    class Meta:
        model = Booking

    business_profile = factory.SubFactory(BusinessProfileFactory)
    session_category = factory.SubFactory(ServiceFactory, business_profile=factory.SelfAttribute("..business_profile"))
    flowkey_user = factory.SelfAttribute("business_profile.owner")
    client = factory.SubFactory(ClientFactory, business_profile=factory.SelfAttribute("..business_profile"))
    client_name = factory.SelfAttribute("client.name")
    client_email = factory.SelfAttribute("client.email")
    start_time_utc = factory.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2))
    end_time_utc = factory.LazyAttribute(lambda o: o.start_time_utc + timedelta(minutes=o.session_category.duration_minutes))
    booked_in_client_timezone = "Europe/London"
    status = Booking.Status.CONFIRMED
    pending_request_expires_at = factory.LazyAttribute(
        lambda o: timezone.now() + timedelta(hours=24) if o.status == Booking.Status.PENDING_APPROVAL else None
    )


class BookingStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookingStatusChange

    booking = factory.SubFactory(BookingFactory)
    from_status = ""
    to_status = Booking.Status.CONFIRMED
    actor = BookingStatusChange.Actor.CLIENT


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    """Rows for read-side tests only; real entries are made by bookings.waitlist."""

    class Meta:
        model = WaitlistEntry

    business_profile = factory.SubFactory(BusinessProfileFactory)
    session_category = factory.SubFactory(ServiceFactory, business_profile=factory.SelfAttribute("..business_profile"))
    start_time_utc = factory.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2))
    end_time_utc = factory.LazyAttribute(lambda o: o.start_time_utc + timedelta(minutes=o.session_category.duration_minutes))
    client_name = factory.Faker("name")
    client_email = factory.Sequence(lambda n: f"waiting{n}@example.com")
    client_timezone = "Europe/London"


class BusyCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusyCalendar

    business_profile = factory.SubFactory(BusinessProfileFactory)
    url = factory.Sequence(lambda n: f"https://calendar.example.com/{n}.ics")


class BusyIntervalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusyInterval

    calendar = factory.SubFactory(BusyCalendarFactory)
    business_profile = factory.SelfAttribute("calendar.business_profile")
    start_time_utc = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    end_time_utc = factory.LazyAttribute(lambda o: o.start_time_utc + timedelta(hours=1))
