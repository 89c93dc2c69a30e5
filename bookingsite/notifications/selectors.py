"""Reads for the owner's bell and "emails sent" page, and the outbox pickup. Scoped by business."""

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Notification, OutboxEmail

EmailStatus = OutboxEmail.Status


def unread_count(business_profile_id: int) -> int:
    """Unread in-app notifications: the number on the owner's bell."""
    return Notification.objects.filter(business_profile_id=business_profile_id, read_at__isnull=True).count()


def notifications_newest_first(business_profile_id: int) -> QuerySet[Notification]:
    """Every notification of the business, newest first, each with its booking and service loaded."""
    return (
        Notification.objects.filter(business_profile_id=business_profile_id)
        .select_related("booking__session_category")
        .order_by("-created_at", "-pk")
    )


def sent_emails(
    business_profile_id: int, *, status: str | None = None, booking_id: UUID | None = None
) -> QuerySet[OutboxEmail]:
    """Every email of the business, newest first, whatever its status (or one status; or one booking's).

    The bodies are deferred: a list needs subject, recipient and status; `sent_email` loads one whole.
    """
    emails = (
        OutboxEmail.objects.filter(business_profile_id=business_profile_id)
        .select_related("booking")
        .defer("body_text", "body_html", "ics")
        .order_by("-created_at", "-pk")
    )
    if booking_id is not None:
        emails = emails.filter(booking_id=booking_id)
    return emails.filter(status=status) if status else emails


def sent_email(business_profile_id: int, email_id: int) -> OutboxEmail | None:
    """One email of the business with its bodies, or None (another business's id included)."""
    return OutboxEmail.objects.filter(business_profile_id=business_profile_id, pk=email_id).select_related("booking").first()


def unsent_email_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Emails the beat pickup should queue again: due for longer than the grace period, or
    claimed by a worker so long ago that it must have died mid-send."""
    grace = timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    lost_claim = timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    due = Q(status=EmailStatus.QUEUED, next_attempt_at__lte=now - grace) | Q(
        status=EmailStatus.SENDING, claimed_at__lte=now - lost_claim
    )
    return list(OutboxEmail.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
