"""Clients, sessions and bookings (DESIGN.md 5 and 9). Only `bookings.services` writes Booking rows."""

import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.models import BusinessProfile, SessionCategory


class Client(models.Model):
    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, blank=True, help_text=_("E.164, e.g. +447700900123"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(Lower("email"), "business_profile", name="client_business_email_ci"),
            models.Index(fields=["business_profile", "phone"], name="client_business_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Session(models.Model):
    """One occurrence of a service on the calendar; a group session has many bookings."""

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="sessions")
    # RESTRICT, not PROTECT: a service with sessions can't be deleted alone, but deleting the
    # whole business deletes its services, sessions and bookings together.
    session_category = models.ForeignKey(SessionCategory, on_delete=models.RESTRICT, related_name="sessions")
    start_time_utc = models.DateTimeField()
    end_time_utc = models.DateTimeField()
    attendees = models.ManyToManyField(Client, blank=True, related_name="sessions")
    created_by_owner = models.BooleanField(default=False, help_text=_("Added by hand in the calendar"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_time_utc"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time_utc__gt=models.F("start_time_utc")), name="session_ends_after_start"
            ),
            # Bookings of one slot share one session: the booking service relies on finding it.
            models.UniqueConstraint(
                fields=["business_profile", "session_category", "start_time_utc", "end_time_utc"], name="one_session_per_slot"
            ),
        ]
        # A business's occupancy in a time range is one range scan of this index.
        indexes = [models.Index(fields=["business_profile", "start_time_utc"], name="session_business_start")]

    def __str__(self) -> str:
        return f"{self.session_category} at {self.start_time_utc:%Y-%m-%d %H:%M} UTC"


CONFIRMED = "confirmed"
PENDING_APPROVAL = "pending_approval"
# The statuses that may hold a place (DESIGN.md 4.4): confirmed always, pending until it expires
# (Booking.holds_place_at has the whole rule).
HOLDING_STATUSES = frozenset({CONFIRMED, PENDING_APPROVAL})


class BookingQuerySet(models.QuerySet):
    def holding_at(self, now: datetime) -> "BookingQuerySet":
        """The bookings that take a place at `now`: Booking.holds_place_at as a query."""
        return self.filter(models.Q(status=CONFIRMED) | models.Q(status=PENDING_APPROVAL, pending_request_expires_at__gt=now))

    def lapsed_at(self, now: datetime) -> "BookingQuerySet":
        """Pending requests past their expiry: they hold nothing, though the sweep may not have
        marked them expired_pending yet. With `holding_at`, they split the pending ones."""
        return self.filter(status=PENDING_APPROVAL, pending_request_expires_at__lte=now)


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING_APPROVAL = PENDING_APPROVAL, _("Pending approval")
        CONFIRMED = CONFIRMED, _("Confirmed")
        CANCELLED_BY_CLIENT = "cancelled_by_client", _("Cancelled by client")
        CANCELLED_BY_ADMIN = "cancelled_by_admin", _("Cancelled by admin")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")
        REJECTED = "rejected", _("Rejected")
        EXPIRED_PENDING = "expired_pending", _("Expired pending approval")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="bookings")
    session_category = models.ForeignKey(SessionCategory, on_delete=models.RESTRICT, related_name="bookings")  # as Session's
    flowkey_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admin_bookings")
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings")
    client_name = models.CharField(max_length=120)
    client_email = models.EmailField(max_length=254)
    client_phone = models.CharField(max_length=20, blank=True)
    # TextField's max_length only sizes form widgets; the validators enforce the limits.
    notes_from_client = models.TextField(blank=True, max_length=1000, validators=[MaxLengthValidator(1000)])
    start_time_utc = models.DateTimeField()
    end_time_utc = models.DateTimeField()
    booked_in_client_timezone = models.CharField(max_length=64)
    # The client's language, for every later email (DESIGN.md 12); blank: the business's (see lib.languages).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    pending_request_expires_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True, max_length=1000, validators=[MaxLengthValidator(1000)])
    cancellation_reason = models.TextField(blank=True, max_length=1000, validators=[MaxLengthValidator(1000)])
    gcal_event_id_client = models.CharField(max_length=255, blank=True)
    # The client's manage page is /b/<manage_token>/: unguessable, unlike anything else about a booking.
    manage_token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)
    # The one-time key of the form or Idempotency-Key that made it: a repeat finds this booking.
    once_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # The calendar event's SEQUENCE: one up on every move, so a client's calendar moves the event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # The last move: a reminder whose moment came before it is not sent (the "moved" email is fresh).
    rescheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start_time_utc"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time_utc__gt=models.F("start_time_utc")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PENDING_APPROVAL) | models.Q(pending_request_expires_at__isnull=False),
                name="pending_booking_has_expiry",
            ),
        ]
        indexes = [
            # The bookings that hold a place, by business and start: the occupancy range scan.
            models.Index(
                fields=["business_profile", "start_time_utc"],
                condition=models.Q(status__in=sorted(HOLDING_STATUSES)),
                name="booking_holding_business_start",
            ),
            models.Index(fields=["business_profile", "status", "start_time_utc"], name="booking_business_status"),
            models.Index(
                fields=["pending_request_expires_at"], condition=models.Q(status=PENDING_APPROVAL), name="booking_pending_expiry"
            ),
            # Beat's sweeps across every business: reminders (start within the lead) and
            # completing the past ones (start long gone) are range scans of this.
            models.Index(fields=["start_time_utc"], condition=models.Q(status=CONFIRMED), name="booking_confirmed_start"),
        ]

    def __str__(self) -> str:
        return f"{self.client_name} – {self.session_category} at {self.start_time_utc:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def location(self) -> str:
        """Where it takes place (DESIGN.md 7): the service's own location, else the business's address."""
        return self.session_category.location or self.business_profile.address

    def holds_place_at(self, now: datetime) -> bool:
        """Does it take a place at `now`: confirmed, or a pending request not yet expired (DESIGN.md 4.4)."""
        if self.status == CONFIRMED:
            return True
        return self.status == PENDING_APPROVAL and self.pending_request_expires_at > now


# The owner's marks once a confirmed booking has started (DESIGN.md 5, Attendance).
ATTENDANCE_STATUSES = frozenset({Booking.Status.COMPLETED, Booking.Status.NO_SHOW})
# The bookings a client was expected at once they started: not marked yet, or marked either way.
EXPECTED_STATUSES = frozenset({Booking.Status.CONFIRMED, *ATTENDANCE_STATUSES})


class BookingStatusChange(models.Model):
    """The history of a booking: who moved it from which status to which, and when."""

    class Actor(models.TextChoices):
        CLIENT = "client", _("Client")
        OWNER = "owner", _("Owner")
        SYSTEM = "system", _("System")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Booking.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Booking.Status.choices)
    actor = models.CharField(max_length=10, choices=Actor.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    note = models.TextField(blank=True)
    # A move keeps the status and records both times here; a status change leaves them empty.
    from_start_utc = models.DateTimeField(null=True, blank=True)
    to_start_utc = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        if self.to_start_utc:
            return f"moved {self.from_start_utc:%Y-%m-%d %H:%M} → {self.to_start_utc:%Y-%m-%d %H:%M} UTC by {self.actor}"
        return f"{self.from_status or 'new'} → {self.to_status} by {self.actor}"

    @property
    def is_move(self) -> bool:
        return self.to_start_utc is not None


WAITING = "waiting"
OFFERED = "offered"
# The entries still in line for their slot (DESIGN.md 11): waiting, or holding a live offer.
IN_LINE_STATUSES = frozenset({WAITING, OFFERED})


class WaitlistEntryQuerySet(models.QuerySet):
    def in_line(self) -> "WaitlistEntryQuerySet":
        return self.filter(status__in=IN_LINE_STATUSES)

    def for_slot(self, *, service_id: int, start: datetime, end: datetime) -> "WaitlistEntryQuerySet":
        return self.filter(session_category_id=service_id, start_time_utc=start, end_time_utc=end)

    def holding_at(self, now: datetime) -> "WaitlistEntryQuerySet":
        """Live offers: each holds a place until its deadline (DESIGN.md 4.5, 11)."""
        return self.filter(status=OFFERED, offer_expires_at__gt=now)


class WaitlistEntry(models.Model):
    """A client waiting for a place in a full slot of a service (DESIGN.md 11); only
    `bookings.waitlist` writes these rows."""

    class Status(models.TextChoices):
        WAITING = WAITING, _("Waiting")
        OFFERED = OFFERED, _("Offered a place")
        CLAIMED = "claimed", _("Claimed the place")
        DECLINED = "declined", _("Declined the place")
        LAPSED = "lapsed", _("Let the offer lapse")
        LEFT = "left", _("Left the waitlist")
        REMOVED = "removed", _("Removed by the business")
        CLOSED = "closed", _("Waitlist closed")

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="waitlist_entries")
    session_category = models.ForeignKey(SessionCategory, on_delete=models.RESTRICT, related_name="waitlist_entries")
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entries")
    start_time_utc = models.DateTimeField()
    end_time_utc = models.DateTimeField()
    client_name = models.CharField(max_length=120)
    client_email = models.EmailField(max_length=254)
    client_phone = models.CharField(max_length=20, blank=True)
    notes_from_client = models.TextField(blank=True, max_length=1000, validators=[MaxLengthValidator(1000)])
    client_timezone = models.CharField(max_length=64)
    # As Booking.language: the offer and the emails that come later from beat are in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # The client's page (position, leave, claim) is keyed by this, as a booking's by its manage_token.
    token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "pk"]  # the line's order
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time_utc__gt=models.F("start_time_utc")), name="waitlist_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=OFFERED) | models.Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_deadline",
            ),
            # One place in line per person per slot: joining again answers the entry they have.
            models.UniqueConstraint(
                "session_category", "start_time_utc", Lower("client_email"),
                condition=models.Q(status__in=sorted(IN_LINE_STATUSES)),
                name="waitlist_one_entry_per_client_slot",
            ),
        ]
        indexes = [
            # The occupancy read (live offers) and a slot's line are range scans of this.
            models.Index(
                fields=["business_profile", "start_time_utc"],
                condition=models.Q(status__in=sorted(IN_LINE_STATUSES)),
                name="waitlist_in_line_start",
            ),
            # Beat's sweep of lapsed offers, across every business.
            models.Index(fields=["offer_expires_at"], condition=models.Q(status=OFFERED), name="waitlist_offer_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.client_name} waits for {self.session_category} at {self.start_time_utc:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def in_line(self) -> bool:
        return self.status in IN_LINE_STATUSES

    def offer_live_at(self, now: datetime) -> bool:
        return self.status == OFFERED and self.offer_expires_at > now
