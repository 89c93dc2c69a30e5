"""The business, its booking-link settings, its services and its working time (DESIGN.md 9), and the
busy time imported from the owner's own calendars (DESIGN.md 13)."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from bookingsite.lib.locale_formats import Clock

from .validators import validate_currency, validate_not_reserved_slug, validate_timezone

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 24 * 60
MAX_BUFFER_MINUTES = 24 * 60
MAX_EXPIRY_HOURS = 24 * 30
MAX_NOTICE_MINUTES = 60 * 24 * 60
MAX_HORIZON_DAYS = 730
MAX_REMINDER_HOURS = 24 * 14
MAX_CUTOFF_HOURS = 24 * 30
MIN_CLAIM_MINUTES = 5
MAX_CLAIM_MINUTES = 60 * 24 * 7

slug_format = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."),
    code="slug_format",
)


def new_feed_token() -> str:
    """A long random token for a private calendar feed URL (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


class BusinessProfile(models.Model):
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business")
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, validators=[validate_timezone], help_text=_("IANA name, e.g. Europe/London"))
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("Two-letter country code used to read phone numbers given without +country code."),
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter country code such as GB or US."))],
    )
    # Prices are in it; sign-up takes the zone's country's (lib.locale_formats.zone_currency).
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    # The clock of every page and email of the business: the reader's locale's (12-hour in en-US), or forced.
    clock = models.CharField(
        _("clock"), max_length=4, default=Clock.AUTOMATIC,
        choices=[(Clock.AUTOMATIC, _("Automatic: as each reader’s language and country write it")),
                 (Clock.TWELVE, _("12-hour (9:30 PM)")), (Clock.TWENTY_FOUR, _("24-hour (21:30)"))],
    )
    logo = models.ImageField(upload_to="logos/", blank=True)
    # Where sessions take place, unless a service says otherwise: in every email and calendar file.
    address = models.TextField(blank=True, max_length=300, validators=[MaxLengthValidator(300)])
    # The owner's pages and emails, and a client's when the client's browser names none we have (DESIGN.md 12).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class BusinessBookingSettings(models.Model):
    business_profile = models.OneToOneField(
        BusinessProfile, on_delete=models.CASCADE, primary_key=True, related_name="booking_settings"
    )
    public_booking_slug = models.CharField(
        max_length=60, unique=True, validators=[slug_format, validate_not_reserved_slug], verbose_name=_("link name")
    )
    requires_approval = models.BooleanField(default=False)
    global_buffer_time_minutes_between_sessions = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(MAX_BUFFER_MINUTES)], verbose_name=_("buffer between sessions (minutes)")
    )
    pending_booking_expiry_hours = models.PositiveIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXPIRY_HOURS)],
        verbose_name=_("pending request expiry (hours)"),
    )
    minimum_notice_minutes = models.PositiveIntegerField(default=60, validators=[MaxValueValidator(MAX_NOTICE_MINUTES)])
    booking_horizon_days = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_DAYS)]
    )
    custom_message_client = models.TextField(blank=True, max_length=1000, verbose_name=_("message to clients"))
    is_booking_page_active = models.BooleanField(default=True, verbose_name=_("booking page active"))
    # DESIGN.md 7: each reminder is this many hours before the start; 0 sends none.
    reminder_hours_before = models.PositiveIntegerField(default=24, validators=[MaxValueValidator(MAX_REMINDER_HOURS)])
    second_reminder_hours_before = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(MAX_REMINDER_HOURS)])
    # DESIGN.md 5: clients may cancel or move a booking until this many hours before its start (0: until the start).
    client_change_cutoff_hours = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(MAX_CUTOFF_HOURS)])
    # DESIGN.md 11: a freed place offered to the next on a waitlist is held for them this long.
    waitlist_claim_minutes = models.PositiveIntegerField(
        default=120, validators=[MinValueValidator(MIN_CLAIM_MINUTES), MaxValueValidator(MAX_CLAIM_MINUTES)],
        verbose_name=_("time to claim a waitlist place (minutes)"),
    )
    # The private iCal feed is /feeds/<this>.ics (DESIGN.md 13); renewing it replaces it, which kills the old URL.
    calendar_feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    # One up on every change that can move the business's availability (bookings, sessions, hours,
    # exception dates, services, these settings): businesses.locking bumps it, and cached
    # availability is keyed by it.
    availability_version = models.PositiveBigIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("business booking settings")
        constraints = [
            models.UniqueConstraint(
                Lower("public_booking_slug"),
                name="booking_slug_unique_ci",
                violation_error_message=_("This link name is already taken."),
            ),
            models.CheckConstraint(
                condition=models.Q(pending_booking_expiry_hours__gte=1, pending_booking_expiry_hours__lte=MAX_EXPIRY_HOURS),
                name="expiry_hours_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(global_buffer_time_minutes_between_sessions__lte=MAX_BUFFER_MINUTES),
                name="buffer_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(booking_horizon_days__gte=1, booking_horizon_days__lte=MAX_HORIZON_DAYS),
                name="horizon_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.public_booking_slug

    def clean(self) -> None:
        second, first = self.second_reminder_hours_before, self.reminder_hours_before
        if second and (not first or second >= first):
            raise ValidationError(
                {"second_reminder_hours_before": _("The second reminder comes after the first: set it to fewer hours.")}
            )
        # Links fold case (URLs, subdomains), so "Sarahs-Swim" would shadow "sarahs-swim".
        slug = self.public_booking_slug
        if not slug:
            return
        taken = BusinessBookingSettings.objects.filter(public_booking_slug__iexact=slug).exclude(pk=self.pk).exists()
        # Another business's old link still redirects there, so it is not free either.
        retired = RetiredSlug.objects.filter(slug__iexact=slug).exclude(business_profile_id=self.pk).exists()
        if taken or retired:
            raise ValidationError({"public_booking_slug": _("This link name is already taken.")})


class SessionCategory(models.Model):
    """A service the business offers: a kind of session with a length and a number of places."""

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    duration_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(MIN_DURATION_MINUTES), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    capacity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)], help_text=_("Places per session"))
    is_publicly_bookable = models.BooleanField(default=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)])
    position = models.PositiveIntegerField(default=0)
    is_archived = models.BooleanField(default=False)
    # Where this service takes place when not at the business's address: a place, or a meeting URL.
    location = models.CharField(max_length=300, blank=True)
    # DESIGN.md 11: a full slot offers "Join the waitlist", and a freed place goes to the first in line.
    waitlist_enabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "service"
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="capacity_at_least_one",
                violation_error_message=_("A service needs at least one place."),
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=MIN_DURATION_MINUTES, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="duration_in_range",
                violation_error_message=_("A session lasts between 5 minutes and 24 hours."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.capacity > 1


class WorkingHours(models.Model):
    """One block of a weekday's working time; several rows make several blocks."""

    WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
                (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")),
                name="working_hours_start_before_end",
                violation_error_message=_("The block must end after it starts."),
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekday_in_range"),
        ]
        # PostgreSQL also refuses overlapping blocks with an exclusion constraint (migration 0002).

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        if self.start_time is None or self.end_time is None:
            return
        if self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The block must end after it starts.")})
        if self.business_profile_id is not None:
            others = WorkingHours.objects.filter(business_profile_id=self.business_profile_id, weekday=self.weekday)
            clash = others.exclude(pk=self.pk).filter(start_time__lt=self.end_time, end_time__gt=self.start_time).first()
            if clash:
                raise ValidationError({"start_time": _("This block overlaps %(other)s.") % {"other": clash}})


class ExceptionDate(models.Model):
    """A date off the weekly pattern: closed (no times), or open only in its own blocks."""

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="exception_dates")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True, end_time__isnull=True)
                | models.Q(start_time__isnull=False, end_time__isnull=False, start_time__lt=models.F("end_time")),
                name="exception_closed_or_start_before_end",
                violation_error_message=_("Give both a start and a later end, or neither to close the day."),
            ),
            models.UniqueConstraint(
                fields=["business_profile", "date"],
                condition=models.Q(start_time__isnull=True),
                name="one_closed_row_per_date",
                violation_error_message=_("This date is already closed."),
            ),
        ]
        indexes = [models.Index(fields=["business_profile", "date"])]

    def __str__(self) -> str:
        if self.is_closed:
            return f"{self.date} closed"
        return f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def is_closed(self) -> bool:
        return self.start_time is None

    def clean(self) -> None:
        if (self.start_time is None) != (self.end_time is None):
            missing = "end_time" if self.end_time is None else "start_time"
            raise ValidationError({missing: _("Give both a start and an end, or neither to close the day.")})
        if self.start_time is not None and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The block must end after it starts.")})
        if self.business_profile_id is None or self.date is None:
            return
        same_day = ExceptionDate.objects.filter(business_profile_id=self.business_profile_id, date=self.date).exclude(pk=self.pk)
        if self.is_closed:
            if same_day.filter(start_time__isnull=False).exists():
                raise ValidationError({"date": _("This date already has its own hours; remove them to close the day.")})
            if same_day.exists():
                raise ValidationError({"date": _("This date is already closed.")})
            return
        if same_day.filter(start_time__isnull=True).exists():
            raise ValidationError({"date": _("This date is closed; reopen it before giving it hours.")})
        clash = same_day.filter(start_time__lt=self.end_time, end_time__gt=self.start_time).first()
        if clash:
            raise ValidationError({"start_time": _("This block overlaps %(other)s.") % {"other": clash}})


class RetiredSlug(models.Model):
    """A link name a business used before: it redirects to the business's current link."""

    slug = models.CharField(max_length=60, unique=True)
    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="retired_slugs")
    retired_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.slug} → {self.business_profile}"


class BusyCalendar(models.Model):
    """One of the owner's own calendars (an iCal URL) whose events make the business busy (DESIGN.md 13).

    Fetched by beat every ten minutes (businesses.tasks); a failed fetch keeps the last good
    intervals and records the error, so the owner sees how old they are.
    """

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="busy_calendars")
    name = models.CharField(max_length=80, blank=True, help_text=_("For you only, e.g. “Family calendar”."))
    url = models.CharField(max_length=2000, verbose_name=_("iCal address (URL)"))
    # Off: the owner's calendar shows these times as "Busy" only; on: with each event's title.
    show_details = models.BooleanField(default=False, verbose_name=_("show event titles in my calendar"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)  # the last try, good or bad
    last_success_at = models.DateTimeField(null=True, blank=True)  # the intervals stored are from then
    last_error = models.TextField(blank=True)  # the last try's error, "" when it succeeded
    skipped_events = models.PositiveIntegerField(default=0)  # broken events left out at the last success

    class Meta:
        indexes = [models.Index(fields=["business_profile", "created_at"])]

    def __str__(self) -> str:
        return self.name or self.url


class BusyInterval(models.Model):
    """Busy time read from a BusyCalendar: occupancy of no service (DESIGN.md 4 rule 5).

    Replaced as a whole at each good fetch, under the business's lock (businesses.busy_import).
    """

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="busy_intervals")
    calendar = models.ForeignKey(BusyCalendar, on_delete=models.CASCADE, related_name="intervals")
    start_time_utc = models.DateTimeField()
    end_time_utc = models.DateTimeField()
    summary = models.CharField(max_length=200, blank=True)  # the event's title, shown only with show_details

    class Meta:
        indexes = [models.Index(fields=["business_profile", "start_time_utc"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time_utc__gt=models.F("start_time_utc")), name="busy_ends_after_start")
        ]
