"""A year of history for the benchmark: one busy business among 50 others, written in bulk.

The busy business has three working blocks on weekdays, two on Saturdays, closed and
short-hours exception dates, single and group services, and sessions from ten months back
to two months ahead, with bookings in every status. Rows go in with bulk_create: the
booking service's checks are what the benchmark measures, not how its fixtures are made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from bookingsite.availability.engine import to_instant
from bookingsite.bookings.models import Booking, Client, Session
from bookingsite.businesses.models import (
    BusinessBookingSettings,
    BusinessProfile,
    ExceptionDate,
    SessionCategory,
    WorkingHours,
)

Status = Booking.Status
SLUG = "bench-swim-academy"
ZONE = "Europe/London"
PAST_DAYS = 300
FUTURE_DAYS = 65
OTHER_BUSINESSES = 50
# name, minutes, places
SERVICES = (("Private lesson", 30, 1), ("Adult lesson", 45, 1), ("Group class", 60, 8), ("Stroke clinic", 90, 4))
WEEKDAY_BLOCKS = ((time(7), time(11)), (time(12), time(15)), (time(16), time(21)))
SATURDAY_BLOCKS = ((time(8), time(13)), (time(14), time(17)))
BUFFER_MINUTES = 10
OTHER_ZONES = ("Europe/London", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Tokyo")
CLIENT_ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Paris")
# Past bookings end as these, by weight; the first holds a place through its session.
PAST_OUTCOMES = ((Status.COMPLETED, 70), (Status.CANCELLED_BY_CLIENT, 10), (Status.CANCELLED_BY_ADMIN, 4),
                 (Status.REJECTED, 4), (Status.EXPIRED_PENDING, 4), (Status.CONFIRMED, 8))
FUTURE_OUTCOMES = ((Status.CONFIRMED, 70), (Status.PENDING_APPROVAL, 14), (Status.CANCELLED_BY_CLIENT, 8),
                   (Status.CANCELLED_BY_ADMIN, 2), (Status.REJECTED, 4), (Status.EXPIRED_PENDING, 2))


@dataclass
class Seeded:
    slug: str
    business_id: int
    service_ids: dict[str, int]
    sessions: int
    bookings_by_status: dict[str, int]
    other_sessions: int
    other_bookings: int


def _owner(email: str, password_hash: str):
    return get_user_model().objects.create(email=email, username=email, password=password_hash)


def _business(name: str, slug: str, zone: str, password_hash: str, *, buffer: int, horizon: int) -> BusinessProfile:
    owner = _owner(f"owner@{slug}.example.com", password_hash)
    business = BusinessProfile.objects.create(owner=owner, name=name, timezone=zone, country="GB", currency="GBP")
    BusinessBookingSettings.objects.create(
        business_profile=business,
        public_booking_slug=slug,
        global_buffer_time_minutes_between_sessions=buffer,
        booking_horizon_days=horizon,
        minimum_notice_minutes=60,
        custom_message_client="Lessons at the leisure centre, lane 6. Please arrive ten minutes early.",
    )
    return business


def _week(business: BusinessProfile) -> None:
    rows = [WorkingHours(business_profile=business, weekday=day, start_time=s, end_time=e)
            for day in range(5) for s, e in WEEKDAY_BLOCKS]
    rows += [WorkingHours(business_profile=business, weekday=5, start_time=s, end_time=e) for s, e in SATURDAY_BLOCKS]
    WorkingHours.objects.bulk_create(rows)


def _day_schedule(rng: random.Random, blocks, services: list[SessionCategory], fill: float):
    """(service, start, end) wall-clock sessions packed into the blocks, each followed by the buffer."""
    for start, end in blocks:
        cursor = datetime.combine(date.min, start)
        block_end = datetime.combine(date.min, end)
        while True:
            service = rng.choice(services)
            finish = cursor + timedelta(minutes=service.duration_minutes)
            if finish > block_end:
                break
            if rng.random() < fill:
                yield service, cursor.time(), finish.time()
                cursor = finish + timedelta(minutes=BUFFER_MINUTES)
            else:
                cursor += timedelta(minutes=30)


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([status for status, _ in weighted], [weight for _, weight in weighted])[0]


def _booking(business, service, client, start, end, status, now, rng) -> Booking:
    return Booking(
        business_profile=business,
        session_category=service,
        flowkey_user_id=business.owner_id,
        client=client,
        client_name=client.name,
        client_email=client.email,
        client_phone=client.phone,
        start_time_utc=start,
        end_time_utc=end,
        booked_in_client_timezone=rng.choice(CLIENT_ZONES),
        status=status,
        pending_request_expires_at=now + timedelta(hours=rng.randint(1, 24)) if status == Status.PENDING_APPROVAL else None,
    )


def _history(business, services, clients, blocks_for, *, today, now, rng, past_days, future_days, closed=frozenset()):
    """Sessions with their bookings from past_days back to future_days ahead; returns (sessions, bookings)."""
    zone = ZoneInfo(business.timezone)
    planned = []  # (session, [(client, status)])
    for offset in range(-past_days, future_days):
        day = today + timedelta(days=offset)
        blocks = blocks_for(day)
        if day in closed or not blocks:
            continue
        fill = 0.8 if offset < 0 else max(0.3, 0.8 - offset / 100)
        for service, start, end in _day_schedule(rng, blocks, services, fill):
            start_utc, end_utc = to_instant(day, start, zone), to_instant(day, end, zone)
            outcomes = PAST_OUTCOMES if start_utc < now else FUTURE_OUTCOMES
            places = rng.randint(2, service.capacity) if service.capacity > 1 else 1
            people = rng.sample(clients, places)
            statuses = [_pick(rng, outcomes) for _ in people]  # a one-place time whose booking lapsed stays free
            session = Session(business_profile=business, session_category=service, start_time_utc=start_utc,
                              end_time_utc=end_utc)
            planned.append((session, list(zip(people, statuses, strict=True))))
    # Only confirmed and completed bookings sit in a session; a day of only pending requests has none.
    with_session = [(s, people) for s, people in planned
                    if any(status in (Status.CONFIRMED, Status.COMPLETED) for _c, status in people)]
    Session.objects.bulk_create([s for s, _people in with_session])
    bookings, attendees = [], []
    for session, people in planned:
        in_session = session.pk is not None
        for client, status in people:
            booking = _booking(business, session.session_category, client, session.start_time_utc, session.end_time_utc,
                               status, now, rng)
            if in_session and status in (Status.CONFIRMED, Status.COMPLETED):
                booking.session = session
                attendees.append(Session.attendees.through(session_id=session.pk, client_id=client.pk))
            bookings.append(booking)
    Booking.objects.bulk_create(bookings, batch_size=2000)
    Session.attendees.through.objects.bulk_create(attendees, batch_size=5000)
    return len(with_session), bookings


def _clients(business, count: int, rng: random.Random) -> list[Client]:
    rows = [Client(business_profile=business, name=f"Client {n} of {business.pk}",
                   email=f"client{n}.{business.pk}@example.com", phone=f"+4477009{rng.randrange(10**5):05d}")
            for n in range(count)]
    return Client.objects.bulk_create(rows)


@transaction.atomic
def seed(now: datetime, *, seed_value: int = 2026) -> Seeded:
    rng = random.Random(seed_value)
    password_hash = make_password("bench-owner-password")
    today = now.astimezone(ZoneInfo(ZONE)).date()

    business = _business("Bench Swim Academy", SLUG, ZONE, password_hash, buffer=BUFFER_MINUTES, horizon=90)
    services = [SessionCategory(business_profile=business, name=name, duration_minutes=minutes, capacity=places, position=i,
                                price="25.00", description=f"{name}: {minutes} minutes, {places} place(s).")
                for i, (name, minutes, places) in enumerate(SERVICES)]
    SessionCategory.objects.bulk_create(services)
    _week(business)
    closed = {today + timedelta(days=d) for d in (-280, -200, -150, -90, -30, 9, 31, 32)}
    short = {today + timedelta(days=d) for d in (-120, -60, 3, 17, 45)}
    ExceptionDate.objects.bulk_create(
        [ExceptionDate(business_profile=business, date=day, start_time=None, end_time=None) for day in sorted(closed)]
        + [ExceptionDate(business_profile=business, date=day, start_time=time(9), end_time=time(12)) for day in sorted(short)]
    )

    def blocks_for(day: date):
        if day in short:
            return ((time(9), time(12)),)
        return WEEKDAY_BLOCKS if day.weekday() < 5 else SATURDAY_BLOCKS if day.weekday() == 5 else ()

    clients = _clients(business, 900, rng)
    sessions, bookings = _history(business, services, clients, blocks_for, today=today, now=now, rng=rng,
                                  past_days=PAST_DAYS, future_days=FUTURE_DAYS, closed=closed)
    by_status: dict[str, int] = {}
    for booking in bookings:
        by_status[booking.status] = by_status.get(booking.status, 0) + 1

    other_sessions = other_bookings = 0
    for n in range(OTHER_BUSINESSES):
        other = _business(f"Studio {n + 1}", f"bench-studio-{n + 1}", OTHER_ZONES[n % len(OTHER_ZONES)], password_hash,
                          buffer=rng.choice((0, 5, 15)), horizon=60)
        other_services = SessionCategory.objects.bulk_create(
            [SessionCategory(business_profile=other, name="Session", duration_minutes=60, capacity=1),
             SessionCategory(business_profile=other, name="Class", duration_minutes=45, capacity=10, position=1)]
        )
        _week(other)
        made, other_rows = _history(
            other, other_services, _clients(other, 60, rng),
            lambda day, weekday=n % 5: WEEKDAY_BLOCKS[:1] if day.weekday() == weekday else (),
            today=today, now=now, rng=rng, past_days=PAST_DAYS, future_days=FUTURE_DAYS,
        )
        other_sessions += made
        other_bookings += len(other_rows)

    return Seeded(
        slug=SLUG,
        business_id=business.pk,
        service_ids={s.name: s.pk for s in services},
        sessions=sessions,
        bookings_by_status=by_status,
        other_sessions=other_sessions,
        other_bookings=other_bookings,
    )
