"""The outbox of emails and the owner's in-app notifications (DESIGN.md 7).

Rows are written by `notifications.outbox`, inside the transaction of the booking change that
causes them; the send task and the beat pickup then move an email from queued to sent or failed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.businesses.models import BusinessProfile


class EmailKind(models.TextChoices):
    # To the client
    REQUEST_RECEIVED = "request_received", _("Request received")
    CONFIRMED = "confirmed", _("Booking confirmed")
    REJECTED = "rejected", _("Request declined")
    EXPIRED = "expired", _("Request expired")
    CANCELLED = "cancelled", _("Booking cancelled")
    MOVED = "moved", _("Booking moved")
    REMINDER = "reminder", _("Reminder")
    WAITLIST_JOINED = "waitlist_joined", _("Joined the waitlist")
    WAITLIST_OFFER = "waitlist_offer", _("Waitlist place offered")
    WAITLIST_LAPSED = "waitlist_lapsed", _("Waitlist offer lapsed")
    WAITLIST_CLOSED = "waitlist_closed", _("Waitlist closed")
    WAITLIST_WITHDRAWN = "waitlist_withdrawn", _("Waitlist offer withdrawn")
    # To the owner
    NEW_REQUEST = "new_request", _("New request")
    NEW_BOOKING = "new_booking", _("New booking")
    CLIENT_CANCELLED = "client_cancelled", _("Client cancelled")
    BOOKING_MOVED = "booking_moved", _("Booking moved")
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook switched off")


OWNER_KINDS = frozenset(
    {
        EmailKind.NEW_REQUEST,
        EmailKind.NEW_BOOKING,
        EmailKind.CLIENT_CANCELLED,
        EmailKind.BOOKING_MOVED,
        EmailKind.WEBHOOK_DISABLED,
    }
)


class OutboxEmail(models.Model):
    """One email, exactly as composed when its booking changed, and how sending it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")  # claimed by a worker; stale claims are picked up again
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="outbox_emails")
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox_emails")
    # A waitlist email concerns an entry, not a booking (DESIGN.md 11).
    waitlist_entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox_emails"
    )
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    to_email = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=320)
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    ics = models.TextField(blank=True, help_text=_("The attached calendar file, if any"))
    ics_method = models.CharField(max_length=10, blank=True, help_text=_("PUBLISH or CANCEL"))
    # A reminder says which one (1 or 2) and for which start: unique, so two beats never send it twice.
    reminder_number = models.PositiveSmallIntegerField(null=True, blank=True)
    reminder_for_start = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next try is due: creation for the first, then after each backoff.
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    provider_answer = models.TextField(blank=True, help_text=_("What the mail provider answered, or the error"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]), name="outbox_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
            models.UniqueConstraint(
                fields=["booking", "reminder_number", "reminder_for_start"],
                condition=models.Q(reminder_number__isnull=False),
                name="one_reminder_per_booking_start",
            ),
        ]
        indexes = [
            # The beat pickup's scan: only unfinished rows are in it.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="outbox_unfinished",
            ),
            models.Index(fields=["business_profile", "-created_at"], name="outbox_business_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.status})"

    @property
    def to_owner(self) -> bool:
        return self.kind in OWNER_KINDS


class Notification(models.Model):
    """An entry in the owner's in-app list (the bell): a request, a booking or a cancellation."""

    class Kind(models.TextChoices):
        NEW_REQUEST = "new_request", _("New request")
        NEW_BOOKING = "new_booking", _("New booking")
        CLIENT_CANCELLED = "client_cancelled", _("Client cancelled")
        BOOKING_MOVED = "booking_moved", _("Booking moved")
        WAITLIST_CLAIMED = "waitlist_claimed", _("Waitlist place claimed")

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="notifications")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["business_profile"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["business_profile", "-created_at"], name="notification_business_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'read' if self.read_at else 'unread'})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
