"""A new availability stamp for a business whenever a row its availability depends on changes.

Cached availability is keyed by the stamp (`bookings.selectors.offered_days`), so a change
makes every earlier entry unreachable. The stamp is renewed in the same transaction as the
change, so a reader that sees the new rows also sees the new stamp. Signals catch saves and
deletes from anywhere (services, the staff admin, fixtures); a bulk write must call
`renew_availability_stamp` itself.
"""

import uuid

from django.db.models.signals import m2m_changed, post_delete, post_save


def renew_availability_stamp(business_profile_id: int) -> None:
    from .models import BusinessBookingSettings

    BusinessBookingSettings.objects.filter(pk=business_profile_id).update(availability_stamp=uuid.uuid4())


def _renew_for_row(sender, instance, **kwargs) -> None:
    renew_availability_stamp(getattr(instance, "business_profile_id", None) or instance.pk)


def _renew_for_attendees(sender, instance, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        renew_availability_stamp(instance.business_profile_id)


def connect() -> None:
    from bookingsite.bookings.models import Booking, Client, Session

    from .models import BusinessBookingSettings, BusinessProfile, ExceptionDate, SessionCategory, WorkingHours

    for model in (Booking, Session, WorkingHours, ExceptionDate, SessionCategory, BusinessBookingSettings, BusinessProfile):
        post_save.connect(_renew_for_row, sender=model, dispatch_uid=f"availability-stamp-save-{model.__name__}")
        post_delete.connect(_renew_for_row, sender=model, dispatch_uid=f"availability-stamp-delete-{model.__name__}")
    m2m_changed.connect(_renew_for_attendees, sender=Session.attendees.through, dispatch_uid="availability-stamp-attendees")
    # A deleted client leaves the sessions they attended by cascade, which sends no m2m signal.
    post_delete.connect(_renew_for_row, sender=Client, dispatch_uid="availability-stamp-delete-Client")
