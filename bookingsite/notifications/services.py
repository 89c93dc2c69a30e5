"""Writes on the owner's notifications: marking them read. (Emails are written by `outbox`.)"""

from datetime import datetime

from django.utils import timezone

from .models import Notification


def notification_mark_read(*, business_profile_id: int, notification_id: int, now: datetime | None = None) -> bool:
    """Mark one notification of the business read; False if it has no such unread notification."""
    updated = Notification.objects.filter(
        business_profile_id=business_profile_id, pk=notification_id, read_at__isnull=True
    ).update(read_at=now or timezone.now())
    return updated == 1


def notifications_mark_all_read(*, business_profile_id: int, now: datetime | None = None) -> int:
    """Mark every unread notification of the business read; returns how many there were."""
    return Notification.objects.filter(business_profile_id=business_profile_id, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
