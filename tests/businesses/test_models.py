"""Every rule on the business models, twice: model validation names the field, the database refuses the row.

Validation is what the owner's forms and the API show; the database constraint is what stops a
bug (or a path that skips `full_clean()`) from storing a bad row. Both must hold.
"""

from collections.abc import Callable
from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from bookingsite.businesses.models import (
    BusinessBookingSettings,
    BusinessProfile,
    ExceptionDate,
    SessionCategory,
    WorkingHours,
)
from tests.factories import (
    BookingSettingsFactory,
    BusinessProfileFactory,
    ExceptionDateFactory,
    ServiceFactory,
    UserFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db

SLUG_TAKEN = "This link name is already taken."
SLUG_FORMAT = "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."
BLOCK_BACKWARDS = "The block must end after it starts."
HALF_FILLED = "Give both a start and an end, or neither to close the day."
A_DAY = date(2031, 3, 10)  # a Monday


def validation_errors(instance: models.Model) -> dict[str, list[str]]:
    """The messages `full_clean()` raises, by field; fails the test if it raises nothing."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def assert_database_refuses(model: type[models.Model], write: Callable[[], object]) -> None:
    """`write` bypasses validation; the database must refuse it and keep no row."""
    before = model.objects.count()
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            write()
    assert model.objects.count() == before


def fresh_settings(**fields) -> BusinessBookingSettings:
    """Unsaved booking-link settings for a new business, valid unless `fields` break them."""
    values = {"business_profile": BusinessProfileFactory(), "public_booking_slug": "fresh-studio"}
    return BusinessBookingSettings(**(values | fields))


def create_settings(**fields) -> BusinessBookingSettings:
    values = {"business_profile": BusinessProfileFactory(), "public_booking_slug": "fresh-studio"}
    return BusinessBookingSettings.objects.create(**(values | fields))


# --- the booking link's slug -------------------------------------------------------------


def test_slug_in_other_case_is_refused_by_validation(page):
    errors = validation_errors(fresh_settings(public_booking_slug="Alices-Aqua"))

    assert SLUG_TAKEN in errors["public_booking_slug"]


def test_slug_in_same_case_is_refused_by_validation(page):
    errors = validation_errors(fresh_settings(public_booking_slug="alices-aqua"))

    assert errors.keys() == {"public_booking_slug"}


def test_slug_clash_check_finds_a_stored_slug_in_other_case(business):
    # A row written without validation in capitals still blocks its lowercase twin.
    BusinessBookingSettings.objects.create(business_profile=business, public_booking_slug="Alices-Aqua")

    errors = validation_errors(fresh_settings(public_booking_slug="alices-aqua"))

    assert errors["public_booking_slug"] == [SLUG_TAKEN]


def test_slug_in_other_case_is_refused_by_database(page):
    assert_database_refuses(BusinessBookingSettings, lambda: create_settings(public_booking_slug="Alices-Aqua"))


def test_settings_keep_their_own_slug_when_validated_again(page):
    page.full_clean()  # its own row is no clash


@pytest.mark.parametrize("slug", ["admin", "API", "www"])
def test_reserved_slug_is_refused(db, slug):
    errors = validation_errors(fresh_settings(public_booking_slug=slug))

    assert f"“{slug}” is reserved; choose another link name." in errors["public_booking_slug"]


@pytest.mark.parametrize("slug", ["-swim", "swim-", "swim--school", "swim school", "swim_school", "Swim", "schwimm-ü"])
def test_slug_format_is_enforced(db, slug):
    errors = validation_errors(fresh_settings(public_booking_slug=slug))

    assert SLUG_FORMAT in errors["public_booking_slug"]


@pytest.mark.parametrize("slug", ["sarahs-swim-school", "swim4kids", "a"])
def test_well_formed_slug_is_accepted(db, slug):
    fresh_settings(public_booking_slug=slug).full_clean()


# --- working hours -------------------------------------------------------------------------


@pytest.mark.parametrize("start, end", [(time(12), time(9)), (time(9), time(9))])
def test_working_block_must_end_after_it_starts(business, start, end):
    block = WorkingHours(business_profile=business, weekday=0, start_time=start, end_time=end)

    errors = validation_errors(block)

    assert errors["end_time"] == [BLOCK_BACKWARDS]
    assert_database_refuses(
        WorkingHours,
        lambda: WorkingHours.objects.create(business_profile=business, weekday=0, start_time=start, end_time=end),
    )


@pytest.mark.parametrize("start, end", [(time(11), time(13)), (time(8), time(10)), (time(10), time(11)), (time(8), time(13))])
def test_overlapping_blocks_on_one_weekday_are_refused(business, start, end):
    WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(9), end_time=time(12))

    errors = validation_errors(WorkingHours(business_profile=business, weekday=0, start_time=start, end_time=end))

    assert errors["start_time"] == ["This block overlaps Monday 09:00–12:00."]
    if connection.vendor == "postgresql":
        # Only PostgreSQL has the exclusion constraint (migration 0002); SQLite relies on validation.
        assert_database_refuses(
            WorkingHours,
            lambda: WorkingHours.objects.create(business_profile=business, weekday=0, start_time=start, end_time=end),
        )


def test_block_does_not_clash_with_itself_when_edited(business):
    block = WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(9), end_time=time(12))

    block.end_time = time(13)
    block.full_clean()
    block.save()

    assert WorkingHours.objects.get(pk=block.pk).end_time == time(13)


def test_touching_blocks_are_allowed(business):
    WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(9), end_time=time(12))
    afternoon = WorkingHours(business_profile=business, weekday=0, start_time=time(12), end_time=time(15))

    afternoon.full_clean()
    afternoon.save()

    assert business.working_hours.filter(weekday=0).count() == 2


def test_same_times_on_other_weekdays_are_allowed(business):
    for weekday in range(7):
        block = WorkingHours(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(12))
        block.full_clean()
        block.save()

    assert business.working_hours.count() == 7


def test_same_times_for_another_business_are_allowed(business, other_business):
    WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(9), end_time=time(12))
    block = WorkingHours(business_profile=other_business, weekday=0, start_time=time(9), end_time=time(12))

    block.full_clean()
    block.save()

    assert WorkingHours.objects.filter(weekday=0, start_time=time(9)).count() == 2


def test_weekday_beyond_sunday_is_refused(business):
    errors = validation_errors(WorkingHours(business_profile=business, weekday=7, start_time=time(9), end_time=time(12)))

    assert "weekday" in errors
    assert_database_refuses(
        WorkingHours,
        lambda: WorkingHours.objects.create(business_profile=business, weekday=7, start_time=time(9), end_time=time(12)),
    )


# --- exception dates -----------------------------------------------------------------------


def test_closed_exception_date_is_valid(business):
    closed = ExceptionDate(business_profile=business, date=A_DAY)

    closed.full_clean()
    closed.save()

    assert closed.is_closed


def test_exception_with_hours_is_valid(business):
    opened = ExceptionDate(business_profile=business, date=A_DAY, start_time=time(10), end_time=time(14))

    opened.full_clean()
    opened.save()

    assert not opened.is_closed


@pytest.mark.parametrize("start, end", [(time(14), time(10)), (time(10), time(10))])
def test_exception_block_must_end_after_it_starts(business, start, end):
    errors = validation_errors(ExceptionDate(business_profile=business, date=A_DAY, start_time=start, end_time=end))

    assert errors["end_time"] == [BLOCK_BACKWARDS]
    assert_database_refuses(
        ExceptionDate,
        lambda: ExceptionDate.objects.create(business_profile=business, date=A_DAY, start_time=start, end_time=end),
    )


@pytest.mark.parametrize(
    "start, end, missing", [(time(10), None, "end_time"), (None, time(14), "start_time")], ids=["no end", "no start"]
)
def test_half_filled_exception_is_refused(business, start, end, missing):
    errors = validation_errors(ExceptionDate(business_profile=business, date=A_DAY, start_time=start, end_time=end))

    assert errors[missing] == [HALF_FILLED]
    assert_database_refuses(
        ExceptionDate,
        lambda: ExceptionDate.objects.create(business_profile=business, date=A_DAY, start_time=start, end_time=end),
    )


def test_hours_on_a_closed_date_are_refused(business):
    ExceptionDateFactory(business_profile=business, date=A_DAY)

    errors = validation_errors(ExceptionDate(business_profile=business, date=A_DAY, start_time=time(10), end_time=time(14)))

    assert errors["date"] == ["This date is closed; reopen it before giving it hours."]


def test_closing_a_date_with_hours_is_refused(business):
    ExceptionDateFactory(business_profile=business, date=A_DAY, start_time=time(10), end_time=time(14))

    errors = validation_errors(ExceptionDate(business_profile=business, date=A_DAY))

    assert errors["date"] == ["This date already has its own hours; remove them to close the day."]


def test_two_closed_rows_for_one_date_are_refused(business):
    ExceptionDateFactory(business_profile=business, date=A_DAY)

    errors = validation_errors(ExceptionDate(business_profile=business, date=A_DAY))

    assert errors["date"] == ["This date is already closed."]
    assert_database_refuses(ExceptionDate, lambda: ExceptionDate.objects.create(business_profile=business, date=A_DAY))


def test_same_closed_date_for_another_business_is_allowed(business, other_business):
    ExceptionDateFactory(business_profile=business, date=A_DAY)
    closed = ExceptionDate(business_profile=other_business, date=A_DAY)

    closed.full_clean()
    closed.save()

    assert ExceptionDate.objects.filter(date=A_DAY).count() == 2


def test_overlapping_exception_blocks_are_refused(business):
    ExceptionDateFactory(business_profile=business, date=A_DAY, start_time=time(9), end_time=time(12))

    errors = validation_errors(ExceptionDate(business_profile=business, date=A_DAY, start_time=time(11), end_time=time(13)))

    assert errors["start_time"] == [f"This block overlaps {A_DAY} 09:00–12:00."]
    if connection.vendor == "postgresql":
        assert_database_refuses(
            ExceptionDate,
            lambda: ExceptionDate.objects.create(business_profile=business, date=A_DAY, start_time=time(11), end_time=time(13)),
        )


def test_touching_exception_blocks_are_allowed(business):
    ExceptionDateFactory(business_profile=business, date=A_DAY, start_time=time(9), end_time=time(12))
    afternoon = ExceptionDate(business_profile=business, date=A_DAY, start_time=time(12), end_time=time(15))

    afternoon.full_clean()
    afternoon.save()

    assert business.exception_dates.count() == 2


# --- services ------------------------------------------------------------------------------


def test_service_needs_at_least_one_place(business):
    errors = validation_errors(SessionCategory(business_profile=business, name="Lesson", duration_minutes=60, capacity=0))

    assert errors["capacity"] == ["Ensure this value is greater than or equal to 1."]
    assert_database_refuses(SessionCategory, lambda: ServiceFactory(business_profile=business, capacity=0))


@pytest.mark.parametrize(
    "minutes, message",
    [(4, "Ensure this value is greater than or equal to 5."), (1441, "Ensure this value is less than or equal to 1440.")],
)
def test_service_duration_out_of_range_is_refused(business, minutes, message):
    errors = validation_errors(SessionCategory(business_profile=business, name="Lesson", duration_minutes=minutes))

    assert errors["duration_minutes"] == [message]
    assert_database_refuses(SessionCategory, lambda: ServiceFactory(business_profile=business, duration_minutes=minutes))


@pytest.mark.parametrize("minutes", [5, 1440])
def test_service_duration_at_the_limits_is_accepted(business, minutes):
    lesson = SessionCategory(business_profile=business, name="Lesson", duration_minutes=minutes)

    lesson.full_clean()
    lesson.save()

    assert SessionCategory.objects.get(pk=lesson.pk).duration_minutes == minutes


def test_negative_price_is_refused(business):
    errors = validation_errors(SessionCategory(business_profile=business, name="Lesson", duration_minutes=60, price=-1))

    assert errors["price"] == ["Ensure this value is greater than or equal to 0."]


def test_group_service_is_one_with_more_than_one_place(business):
    assert ServiceFactory.build(business_profile=business, capacity=6).is_group
    assert not ServiceFactory.build(business_profile=business, capacity=1).is_group


# --- the business --------------------------------------------------------------------------


def test_unknown_time_zone_is_refused(db):
    profile = BusinessProfile(owner=UserFactory(), name="Olympus Swim", timezone="Mars/Olympus")

    errors = validation_errors(profile)

    assert errors["timezone"] == ["“Mars/Olympus” is not a known time zone."]


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_known_time_zone_is_accepted(db, zone):
    BusinessProfile(owner=UserFactory(), name="Swim", timezone=zone).full_clean()


def test_country_must_be_two_capital_letters(db):
    errors = validation_errors(BusinessProfile(owner=UserFactory(), name="Swim", timezone="UTC", country="gb"))

    assert errors["country"] == ["Use a two-letter country code such as GB or US."]


# --- booking-link settings -----------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("global_buffer_time_minutes_between_sessions", 1441, "Ensure this value is less than or equal to 1440."),
        ("pending_booking_expiry_hours", 0, "Ensure this value is greater than or equal to 1."),
        ("booking_horizon_days", 0, "Ensure this value is greater than or equal to 1."),
        ("booking_horizon_days", 731, "Ensure this value is less than or equal to 730."),
    ],
)
def test_settings_out_of_range_are_refused(db, field, value, message):
    errors = validation_errors(fresh_settings(**{field: value}))

    assert errors[field] == [message]
    assert_database_refuses(BusinessBookingSettings, lambda: create_settings(**{field: value}))


@pytest.mark.parametrize(
    "field, value",
    [
        ("global_buffer_time_minutes_between_sessions", 1440),
        ("pending_booking_expiry_hours", 1),
        ("booking_horizon_days", 1),
        ("booking_horizon_days", 730),
    ],
)
def test_settings_at_the_limits_are_accepted(db, field, value):
    settings = fresh_settings(**{field: value})

    settings.full_clean()
    settings.save()

    assert getattr(BusinessBookingSettings.objects.get(pk=settings.pk), field) == value


def test_factory_settings_are_valid(db):
    BookingSettingsFactory().full_clean()
