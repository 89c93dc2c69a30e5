"""The demo business, "Sarah's Swim School". Seeding twice changes nothing."""

import io
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bookingsite.availability import engine
from bookingsite.bookings import services
from bookingsite.bookings.selectors import availability
from bookingsite.businesses.locking import lock_business_for_write
from bookingsite.businesses.models import (
    BusinessBookingSettings,
    BusinessProfile,
    ExceptionDate,
    SessionCategory,
    WorkingHours,
)

SLUG = "sarahs-swim-school"
OWNER_EMAIL = "sarah@example.com"
OWNER_PASSWORD = "swim-demo-2026"
OPERATOR_EMAIL = "operator@example.com"
OPERATOR_PASSWORD = "operator-demo-2026"
MESSAGE = (
    "Welcome! Lessons take place at Riverside Leisure Centre, lane 6; the stroke clinic meets at Clifton Lido.\n"
    "Please arrive 10 minutes early. If plans change, move or cancel from the link in your confirmation email."
)
ADDRESS = "Riverside Leisure Centre, lane 6\n14 Mill Lane\nBristol BS1 4RB"
# A service held elsewhere shows its own location instead of the address.
SERVICE_LOCATIONS = {"Stroke technique clinic": "Clifton Lido, 5 Oakfield Place, Bristol BS8 2BJ (outdoor pool)"}
# Full sessions of these take a waitlist (DESIGN.md 11).
WAITLIST_SERVICES = {"Kids group class", "Stroke technique clinic"}
SERVICES = [
    # name, minutes, places, price, public, description
    ("Private lesson", 30, 1, "28", True, "One-to-one coaching for any age and level, in the teaching pool."),
    ("Adult beginner lesson", 45, 1, "35", True, "Gentle first steps for adults: breathing, floating and your first strokes."),
    ("Kids group class", 60, 6, "14", True, "Small-group class for ages 6 to 10, working through the Learn to Swim stages."),
    (
        "Stroke technique clinic", 90, 4, "40", True,
        "Video analysis and drills for confident swimmers who want a smoother stroke.",
    ),
    ("Lifeguard assessment", 120, 1, None, False, "Arranged by invitation only."),
]
WEEK = {  # weekday: blocks
    0: [(time(7), time(12)), (time(15), time(20))],
    1: [(time(15), time(20))],
    2: [(time(7), time(12)), (time(15), time(20))],
    3: [(time(15), time(20))],
    4: [(time(7), time(12)), (time(15), time(19))],
    5: [(time(8), time(13))],
}
CLIENTS = [
    ("Emma Clarke", "emma.clarke@example.com", "+447911123401"),
    ("Tom Hughes", "tom.hughes@example.com", "+447911123402"),
    ("Priya Shah", "priya.shah@example.com", "+447911123403"),
    ("Liam O'Connor", "liam.oconnor@example.com", "+447911123404"),
    ("Sofia Rossi", "sofia.rossi@example.com", ""),
]
# (once key, service index, slot index among the next 3 weeks' free slots, client indexes)
BOOKINGS = [
    ("demo-private-1", 0, 3, [0]),
    ("demo-private-2", 0, 70, [1]),
    ("demo-adult-1", 1, 40, [3]),
    ("demo-group-1", 2, 14, [2, 4, 0]),
    ("demo-clinic-1", 3, 22, [1]),
    # A full clinic: its slot shows "Join the waitlist".
    ("demo-clinic-full", 3, 6, [0, 2, 3, 4]),
]


def logo_png() -> bytes:
    """A small generated logo: waves on the brand colour."""
    from PIL import Image, ImageDraw

    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=56, fill=(15, 118, 110))
    for row, y in enumerate((96, 140, 184)):
        points = [(x, y + 12 * math.sin((x + row * 30) / 22)) for x in range(40, 217, 4)]
        draw.line(points, fill=(255, 255, 255), width=14, joint="curve")
    draw.ellipse((150, 36, 190, 76), fill=(253, 224, 71))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def next_date(month: int, day: int, today: date) -> date:
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


@transaction.atomic
def _seed_business() -> BusinessBookingSettings:
    user_model = get_user_model()
    owner, created = user_model.objects.get_or_create(
        username=OWNER_EMAIL, defaults={"email": OWNER_EMAIL, "first_name": "Sarah", "last_name": "Mitchell"}
    )
    if created:
        owner.set_password(OWNER_PASSWORD)
        owner.save()
    business, _ = BusinessProfile.objects.get_or_create(
        owner=owner,
        defaults={"name": "Sarah's Swim School", "timezone": "Europe/London", "country": "GB", "currency": "GBP"},
    )
    if not business.address:  # also for a demo seeded before businesses had an address
        business.address = ADDRESS
        business.save(update_fields=["address"])
    if not business.logo:
        business.logo.save(f"{SLUG}.png", ContentFile(logo_png()), save=True)
    page, _ = BusinessBookingSettings.objects.get_or_create(
        business_profile=business,
        defaults={
            "public_booking_slug": SLUG,
            "global_buffer_time_minutes_between_sessions": 15,
            "minimum_notice_minutes": 120,
            "booking_horizon_days": 60,
            "pending_booking_expiry_hours": 24,
            "custom_message_client": MESSAGE,
        },
    )
    made = []  # whether each availability row below was new
    for position, (name, minutes, places, price, public, description) in enumerate(SERVICES):
        _row, created = SessionCategory.objects.get_or_create(
            business_profile=business,
            name=name,
            defaults={
                "duration_minutes": minutes,
                "capacity": places,
                "price": Decimal(price) if price else None,
                "is_publicly_bookable": public,
                "description": description,
                "position": position,
                "location": SERVICE_LOCATIONS.get(name, ""),
                "waitlist_enabled": name in WAITLIST_SERVICES,
            },
        )
        made.append(created)
    for weekday, blocks in WEEK.items():
        for start, end in blocks:
            made.append(WorkingHours.objects.get_or_create(
                business_profile=business, weekday=weekday, start_time=start, end_time=end)[1])
    today = timezone.localdate()
    made.append(ExceptionDate.objects.get_or_create(business_profile=business, date=next_date(12, 25, today),
                                                    start_time=None, defaults={"note": "Christmas Day"})[1])
    made.append(ExceptionDate.objects.get_or_create(business_profile=business, date=next_date(12, 31, today),
                                                    start_time=time(8), end_time=time(12),
                                                    defaults={"note": "New Year's Eve: mornings only"})[1])
    if any(made):
        # Written here rather than through the services (the seed is idempotent), but like every
        # availability write it bumps the version a running server's cache is keyed by.
        lock_business_for_write(business.pk)
    return page


def _seed_operator() -> None:
    """A local superuser for Django's admin at /staff/; never made with DEBUG off."""
    user_model = get_user_model()
    if not user_model.objects.filter(username=OPERATOR_EMAIL).exists():
        user_model.objects.create_superuser(OPERATOR_EMAIL, OPERATOR_EMAIL, OPERATOR_PASSWORD)


def seed_demo() -> BusinessBookingSettings:
    page = _seed_business()
    if settings.DEBUG:
        _seed_operator()
    services_by_position = list(SessionCategory.objects.filter(business_profile=page.business_profile).order_by("position"))
    now = timezone.now()
    for once_key, service_index, slot_index, client_indexes in BOOKINGS:
        service = services_by_position[service_index]
        keys = [f"{once_key}-{n}" for n in range(len(client_indexes))]
        made = list(service.bookings.filter(once_key__in=keys))
        if len(made) == len(keys):
            continue
        start = made[0].start_time_utc if made else _nth_free_slot(page, service, slot_index, now)
        for key, client_index in zip(keys, client_indexes, strict=True):
            name, email, phone = CLIENTS[client_index]
            services.booking_create(
                service=service, start_time_utc=start, client_name=name, client_email=email, client_phone=phone,
                client_timezone="Europe/London", once_key=key, now=now,
            )
    return page


def _nth_free_slot(page: BusinessBookingSettings, service: SessionCategory, index: int, now: datetime) -> datetime:
    today = now.date()
    request = availability.availability_request(
        page=page, service=service, client_timezone="Europe/London",
        start_date=today + timedelta(days=1), end_date=today + timedelta(days=21), now=now,
    )
    slots = [slot for day in engine.free_slots(request) for slot in day.slots]
    return slots[index].start_utc
