"""Writes of businesses: sign-up, the booking link's name and settings, services, working hours, exception dates."""

from collections.abc import Sequence
from datetime import date as date_type
from datetime import time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from bookingsite.lib.locale_formats import format_date, format_time, zone_currency


from .events import page_changed, service_changed
from .locking import lock_business_for_write
from .models import (
    BusinessBookingSettings,
    BusinessProfile,
    ExceptionDate,
    RetiredSlug,
    SessionCategory,
    WorkingHours,
    new_feed_token,
)
from .validators import RESERVED_SLUGS

SLUG_MAX_LENGTH = 60


def slug_is_free(slug: str, *, exclude_business_id: int | None = None) -> bool:
    """Neither reserved, nor anyone's link, nor an old link still redirecting to someone else."""
    slug = slug.lower()
    if slug in RESERVED_SLUGS:
        return False
    taken = BusinessBookingSettings.objects.filter(public_booking_slug__iexact=slug)
    retired = RetiredSlug.objects.filter(slug__iexact=slug)
    if exclude_business_id is not None:
        taken = taken.exclude(pk=exclude_business_id)
        retired = retired.exclude(business_profile_id=exclude_business_id)
    return not taken.exists() and not retired.exists()


def unique_slug(name: str) -> str:
    """A free slug made from a business name: "Sarah's Swim School" -> "sarahs-swim-school", then -2, -3..."""
    base = slugify(name.replace("'", "").replace("’", ""))[: SLUG_MAX_LENGTH - 4].strip("-") or "booking"
    candidate, n = base, 1
    while not slug_is_free(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def business_sign_up(
    *, owner_name: str, email: str, password: str, business_name: str, timezone: str
) -> tuple[AbstractBaseUser, BusinessProfile]:
    """A new owner, their business and its booking link, in one transaction."""
    first_name, _, last_name = owner_name.strip().partition(" ")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    username=email.lower(), email=email.lower(), password=password, first_name=first_name, last_name=last_name
                )
                business = BusinessProfile.objects.create(
                    owner=user, name=business_name.strip(), timezone=timezone, currency=zone_currency(timezone)
                )
                BusinessBookingSettings.objects.create(business_profile=business, public_booking_slug=unique_slug(business_name))
                return user, business
        except IntegrityError:
            # Two sign-ups raced for the same slug; the next attempt picks the next free one.
            if get_user_model().objects.filter(username=email.lower()).exists():
                raise
    raise IntegrityError("Could not find a free link name")


@transaction.atomic
def booking_slug_change(*, page: BusinessBookingSettings, new_slug: str) -> BusinessBookingSettings:
    """Give the link a new name; the old one keeps redirecting (301) to it."""
    new_slug = new_slug.lower()
    old_slug = page.public_booking_slug
    if new_slug == old_slug:
        return page
    RetiredSlug.objects.filter(slug=new_slug, business_profile_id=page.pk).delete()  # taking an old name back
    RetiredSlug.objects.update_or_create(slug=old_slug, defaults={"business_profile_id": page.pk})
    page.public_booking_slug = new_slug
    page.save(update_fields=["public_booking_slug", "updated_at"])
    return page


# --- The owner's setup pages: link settings, services, working hours, exception dates. ---------
# Each write below first takes the business's lock (businesses.locking), the one every booking
# takes, so a booking is checked against either the old rules or the new ones, never against half
# of a change; the lock also bumps the availability version the cache is keyed by.


class LinkNameTakenError(Exception):
    """Another business took the link name between the form's check and the save."""

    message = _("This link name is already taken.")


@transaction.atomic
def business_settings_update(
    *,
    business_profile_id: int,
    name: str,
    timezone: str,
    country: str,
    logo: File | Literal[False] | None,
    public_booking_slug: str,
    requires_approval: bool,
    pending_booking_expiry_hours: int,
    global_buffer_time_minutes_between_sessions: int,
    minimum_notice_minutes: int,
    booking_horizon_days: int,
    custom_message_client: str,
    is_booking_page_active: bool,
    address: str,
    reminder_hours_before: int,
    second_reminder_hours_before: int,
    client_change_cutoff_hours: int,
    waitlist_claim_minutes: int | None = None,
    language: str | None = None,
    currency: str | None = None,
    clock: str | None = None,
) -> BusinessBookingSettings:
    """Save the business's details and its link's rules together (`waitlist_claim_minutes`,
    `language`, `currency` and `clock` None keep theirs).

    `logo`: a new upload replaces the logo (pass it through logos.logo_reencoded first, as the
    settings form does), False removes it, anything else keeps it. A new link name goes through
    booking_slug_change, so the old link keeps redirecting (301). Raises
    ValidationError for values the settings forms would refuse, and LinkNameTakenError if another
    business took the name meanwhile; either way nothing is saved.
    """
    page = lock_business_for_write(business_profile_id)
    profile = page.business_profile
    old_slug, new_slug = page.public_booking_slug, public_booking_slug.lower()
    old_logo = profile.logo.name if profile.logo else ""

    profile.name, profile.timezone, profile.country, profile.address = name, timezone, country, address
    for name, value in (("language", language), ("currency", currency), ("clock", clock)):
        if value is not None:
            setattr(profile, name, value)
    if logo is False:
        profile.logo = ""
    elif isinstance(logo, UploadedFile):
        profile.logo = logo
    page.public_booking_slug = new_slug
    page.requires_approval = requires_approval
    page.pending_booking_expiry_hours = pending_booking_expiry_hours
    page.global_buffer_time_minutes_between_sessions = global_buffer_time_minutes_between_sessions
    page.minimum_notice_minutes = minimum_notice_minutes
    page.booking_horizon_days = booking_horizon_days
    page.custom_message_client = custom_message_client
    page.is_booking_page_active = is_booking_page_active
    page.reminder_hours_before = reminder_hours_before
    page.second_reminder_hours_before = second_reminder_hours_before
    page.client_change_cutoff_hours = client_change_cutoff_hours
    if waitlist_claim_minutes is not None:  # offers already made keep their deadline
        page.waitlist_claim_minutes = waitlist_claim_minutes
    profile.full_clean(exclude=["owner"])
    page.full_clean(exclude=["business_profile"])

    if new_slug != old_slug:
        page.public_booking_slug = old_slug  # booking_slug_change retires the name the row holds
        try:
            with transaction.atomic():
                booking_slug_change(page=page, new_slug=new_slug)
        except IntegrityError as exc:  # the unique index decides a race the check above lost
            raise LinkNameTakenError from exc
    profile.save()
    page.save()
    page_changed(page=page)
    if old_logo and old_logo != (profile.logo.name if profile.logo else ""):
        storage = profile.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return page


def _next_position(business_profile_id: int) -> int:
    last = SessionCategory.objects.filter(business_profile_id=business_profile_id).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


@transaction.atomic
def service_create(
    *,
    business_profile_id: int,
    name: str,
    description: str,
    duration_minutes: int,
    capacity: int,
    price: Decimal | None,
    is_publicly_bookable: bool,
    location: str,
    waitlist_enabled: bool = False,
) -> SessionCategory:
    """A new service, listed after the others. Raises ValidationError on values the model refuses."""
    lock_business_for_write(business_profile_id)
    service = SessionCategory(
        business_profile_id=business_profile_id, name=name, description=description, duration_minutes=duration_minutes,
        capacity=capacity, price=price, is_publicly_bookable=is_publicly_bookable, location=location,
        waitlist_enabled=waitlist_enabled, position=_next_position(business_profile_id),
    )
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def service_update(
    *,
    service: SessionCategory,
    name: str,
    description: str,
    duration_minutes: int,
    capacity: int,
    price: Decimal | None,
    is_publicly_bookable: bool,
    location: str,
    waitlist_enabled: bool | None = None,
) -> SessionCategory:
    """Change a service (`waitlist_enabled` None keeps it). Bookings already made keep their times;
    new slots use the new duration. More places go to the service's waitlists at once; a service
    that no longer takes a waitlist closes its lines (bookings.waitlist)."""
    page = lock_business_for_write(service.business_profile_id)
    service.name, service.description, service.duration_minutes = name, description, duration_minutes
    service.location = location
    service.capacity, service.price, service.is_publicly_bookable = capacity, price, is_publicly_bookable
    if waitlist_enabled is not None:
        service.waitlist_enabled = waitlist_enabled
    service.full_clean()
    service.save()
    service_changed(page=page, service=service)
    return service


@transaction.atomic
def service_archive(*, service: SessionCategory) -> bool:
    """Delete a service nobody has booked; archive one with bookings or sessions (their history needs it).

    Returns True if the service was deleted, False if it was archived.
    """
    page = lock_business_for_write(service.business_profile_id)  # a booking of it cannot start while we decide
    if not service.bookings.exists() and not service.sessions.exists() and not service.waitlist_entries.exists():
        try:
            with transaction.atomic():
                service.delete()
            return True
        except (ProtectedError, IntegrityError):
            pass  # something refers to it after all: keep it, archived
    service.is_archived = True
    service.save(update_fields=["is_archived"])
    service_changed(page=page, service=service)
    return False


@transaction.atomic
def service_restore(*, service: SessionCategory) -> SessionCategory:
    """Bring an archived service back, at the end of the list."""
    lock_business_for_write(service.business_profile_id)
    service.is_archived = False
    service.position = _next_position(service.business_profile_id)
    service.save(update_fields=["is_archived", "position"])
    return service


@transaction.atomic
def service_move(*, service: SessionCategory, up: bool) -> None:
    """Swap a service with its neighbour above (up) or below among the active services.

    Positions are renumbered 0..n-1 first: services made elsewhere may share a position, and
    swapping two equal numbers would change nothing.
    """
    lock_business_for_write(service.business_profile_id)
    rows = list(
        SessionCategory.objects.filter(business_profile_id=service.business_profile_id, is_archived=False).order_by(
            "position", "name", "pk"
        )
    )
    index = next((i for i, row in enumerate(rows) if row.pk == service.pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    SessionCategory.objects.bulk_update(changed, ["position"])


def blocks_problems(blocks: Sequence[tuple[int, time, time]]) -> list[tuple[int, str]]:
    """The index and a reason for each block that is empty, out of range, or overlaps an earlier-starting one."""
    problems = []
    by_day: dict[int, list[int]] = {}
    for i, (weekday, start, end) in enumerate(blocks):
        if not 0 <= weekday <= 6:
            problems.append((i, _("Choose a day from Monday to Sunday.")))
        elif start >= end:
            problems.append((i, _("The block must end after it starts.")))
        else:
            by_day.setdefault(weekday, []).append(i)
    for indexes in by_day.values():
        indexes.sort(key=lambda i: (blocks[i][1], blocks[i][2]))
        for before, after in pairwise(indexes):
            if blocks[after][1] < blocks[before][2]:
                problems.append(
                    (
                        after,
                        _("Overlaps %(start)s–%(end)s.")
                        % {"start": format_time(blocks[before][1]), "end": format_time(blocks[before][2])},
                    )
                )
    return problems


@transaction.atomic
def working_hours_replace(*, business_profile_id: int, blocks: Sequence[tuple[int, time, time]]) -> list[WorkingHours]:
    """Make `blocks` (weekday, start, end) the business's whole week, in one transaction.

    Raises ValidationError, saving nothing, if a block is empty or overlaps another of its day
    (on PostgreSQL an exclusion constraint refuses overlaps too).
    """
    lock_business_for_write(business_profile_id)
    if problems := blocks_problems(blocks):
        raise ValidationError([message for _i, message in problems])
    WorkingHours.objects.filter(business_profile_id=business_profile_id).delete()
    rows = WorkingHours.objects.bulk_create(
        WorkingHours(business_profile_id=business_profile_id, weekday=weekday, start_time=start, end_time=end)
        for weekday, start, end in sorted(blocks)
    )
    return rows


@transaction.atomic
def working_hours_copy(*, business_profile_id: int, from_weekday: int, to_weekdays: Sequence[int]) -> list[WorkingHours]:
    """Give each weekday of `to_weekdays` the saved blocks of `from_weekday` (a day without any
    makes them days off); the other days keep theirs. One replace of the week, under the lock."""
    lock_business_for_write(business_profile_id)
    rows = WorkingHours.objects.filter(business_profile_id=business_profile_id)
    week = [(row.weekday, row.start_time, row.end_time) for row in rows]
    source = [(start, end) for weekday, start, end in week if weekday == from_weekday]
    kept = [block for block in week if block[0] not in to_weekdays or block[0] == from_weekday]
    copied = [(weekday, start, end) for weekday in to_weekdays if weekday != from_weekday for start, end in source]
    return working_hours_replace(business_profile_id=business_profile_id, blocks=kept + copied)


@transaction.atomic
def exception_date_add(
    *, business_profile_id: int, date: date_type, start_time: time | None, end_time: time | None, note: str = ""
) -> ExceptionDate:
    """Close a date (no times) or add one block of special hours to it.

    Raises ValidationError (by field, from ExceptionDate.clean) when the date is already closed,
    already has hours while closing it, or the block overlaps another of that date.
    """
    lock_business_for_write(business_profile_id)  # clean() reads the date's other rows; nobody adds one meanwhile
    row = ExceptionDate(business_profile_id=business_profile_id, date=date, start_time=start_time, end_time=end_time, note=note)
    row.full_clean()
    row.save()
    return row


# A range of days off at most a year and a day long: a typo of a year ("2062") would otherwise close decades.
DAYS_OFF_RANGE_MAX = 366


@transaction.atomic
def exception_dates_close(*, business_profile_id: int, first: date_type, last: date_type, note: str = "") -> list[ExceptionDate]:
    """Close every date from `first` to `last` (a holiday in one step). Dates already closed stay as
    they are; the new rows are returned. Raises ValidationError, closing nothing, when the range is
    backwards or too long, or when a date in it has special hours (the owner chooses which wins)."""
    days = (last - first).days + 1
    if days < 1:
        raise ValidationError({"last_date": _("The last day must be on or after the first.")})
    if days > DAYS_OFF_RANGE_MAX:
        raise ValidationError({"last_date": _("Close at most %(max)d days in one step.") % {"max": DAYS_OFF_RANGE_MAX}})
    lock_business_for_write(business_profile_id)
    rows = ExceptionDate.objects.filter(business_profile_id=business_profile_id, date__range=(first, last))
    with_hours = sorted({row.date for row in rows if not row.is_closed})
    if with_hours:
        named = ", ".join(format_date(day, "short_date") for day in with_hours[:5]) + (" …" if len(with_hours) > 5 else "")
        raise ValidationError({"last_date": _(
            "These dates have special hours: %(dates)s. Remove them first, or close a shorter range."
        ) % {"dates": named}})
    closed = {row.date for row in rows}
    return ExceptionDate.objects.bulk_create(
        ExceptionDate(business_profile_id=business_profile_id, date=first + timedelta(days=offset), note=note)
        for offset in range(days) if first + timedelta(days=offset) not in closed
    )


@transaction.atomic
def exception_date_delete(*, exception: ExceptionDate) -> None:
    """Remove one exception row: the closing of a date, or one of its special blocks."""
    lock_business_for_write(exception.business_profile_id)
    exception.delete()


def calendar_feed_renew(*, business_profile_id: int) -> str:
    """A new private feed token for the business; the old feed URL answers 404 from now on. Returns the new token."""
    token = new_feed_token()
    BusinessBookingSettings.objects.filter(pk=business_profile_id).update(calendar_feed_token=token)
    return token
