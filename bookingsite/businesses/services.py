"""Writes of businesses: sign-up, and changes to the booking link's name."""

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import BusinessBookingSettings, BusinessProfile, RetiredSlug
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
                business = BusinessProfile.objects.create(owner=user, name=business_name.strip(), timezone=timezone)
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
