"""What the API reads and writes. Writable fields come from the owner pages' forms (formfields.py)."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.datastructures import MultiValueDict
from rest_framework import serializers
from rest_framework.fields import SkipField, empty
from rest_framework.settings import api_settings

from bookingsite.bookings.models import Booking, BookingStatusChange
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.lib.json_errors import form_errors
from bookingsite.owner.forms.booking_pages import AdminCancelForm
from bookingsite.owner.forms.exception_dates import ExceptionDateForm
from bookingsite.owner.forms.hours import BlockRowForm, WeekHoursForm
from bookingsite.owner.forms.link_settings import BookingLinkSettingsForm, BusinessProfileForm
from bookingsite.owner.forms.service_pages import ServiceForm
from bookingsite.public.forms import MoveRequestForm

from .formfields import from_form


class FormSerializer(serializers.Serializer):
    """Reads the JSON types, then validates with `form_class`, exactly as its page does.

    `validated_data` is the form's cleaned_data, named as the service takes it. The view passes what
    the form needs besides the data (instance, today...) as context["form_kwargs"].
    """

    form_class: type[forms.BaseForm]

    def form_data(self, attrs: dict[str, Any]) -> Any:
        return attrs

    def build_form(self, attrs: dict[str, Any]) -> forms.BaseForm:
        return self.form_class(data=self.form_data(attrs), **self.context.get("form_kwargs", {}))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        self.form_ran = True
        form = self.build_form(attrs)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return form.cleaned_data

    def run_validation(self, data=empty):
        self.form_ran = False
        try:
            return super().run_validation(data)
        except serializers.ValidationError as exc:
            wrong_type = exc.detail
            if self.form_ran or not isinstance(wrong_type, dict) or api_settings.NON_FIELD_ERRORS_KEY in wrong_type:
                raise
            # Like the page, tell every mistake at once: the form also checks the fields that were the right type.
            raise serializers.ValidationError({**self._form_errors_besides(data, wrong_type), **wrong_type}) from None

    def _form_errors_besides(self, data, wrong_type: dict) -> dict[str, list[str]]:
        attrs = {}
        for name, field in self.fields.items():
            if field.read_only or name in wrong_type:
                continue
            try:
                attrs[name] = field.run_validation(field.get_value(data))
            except (serializers.ValidationError, SkipField):
                continue
        if not attrs:
            return {}
        form = self.build_form(attrs)
        form.is_valid()
        return {name: messages for name, messages in form_errors(form).items() if name not in wrong_type}


# --- Booking-link settings ------------------------------------------------------------------


def _settings_field(name: str, **kwargs) -> serializers.Field:
    # PUT replaces the whole settings: every switch must be given, never read as "off" when left out.
    return from_form(BookingLinkSettingsForm, name, required=True, **kwargs)


class BookingSettingsSerializer(FormSerializer):
    """The booking link's name and rules (PRD 4.4), and the business's language, currency and clock."""

    form_class = BookingLinkSettingsForm

    public_booking_slug = _settings_field(
        "public_booking_slug",
        help_text="The link's name: /book/<name>/. Lowercase letters, digits and single hyphens; not a reserved word. "
        "After a change the old name keeps redirecting (301) to the new one.",
    )
    is_booking_page_active = _settings_field("is_booking_page_active")
    requires_approval = _settings_field("requires_approval")
    pending_booking_expiry_hours = _settings_field("pending_booking_expiry_hours")
    global_buffer_time_minutes_between_sessions = _settings_field("global_buffer_time_minutes_between_sessions")
    minimum_notice_minutes = _settings_field("minimum_notice_minutes")
    booking_horizon_days = _settings_field("booking_horizon_days")
    reminder_hours_before = from_form(BookingLinkSettingsForm, "reminder_hours_before", default=24)
    second_reminder_hours_before = from_form(BookingLinkSettingsForm, "second_reminder_hours_before", default=0)
    client_change_cutoff_hours = from_form(BookingLinkSettingsForm, "client_change_cutoff_hours", default=0)
    waitlist_claim_minutes = from_form(
        BookingLinkSettingsForm, "waitlist_claim_minutes", default=120,
        help_text="How long a place freed in a full session is held for the first client on its waitlist before it "
        "goes to the next in line. Offers already made keep their deadline.",
    )
    custom_message_client = from_form(BookingLinkSettingsForm, "custom_message_client", default="")
    language = from_form(
        BusinessProfileForm, "language", required=False, source="business_profile.language",
        help_text="The business's language (en, de, es, fr): the owner's pages and emails, and the booking page for a "
        "client whose browser asks for none of these. Left out, it stays as it is.",
    )
    currency = from_form(
        BusinessProfileForm, "currency", required=False, source="business_profile.currency",
        help_text="ISO 4217 code of the business's prices (GBP, EUR, USD…): a currency in use today. Left out, it "
        "stays as it is.",
    )
    clock = from_form(
        BusinessProfileForm, "clock", required=False, source="business_profile.clock",
        help_text="auto: each reader's locale's clock (12-hour in the US, 24-hour in most of Europe); 12h or 24h: "
        "that clock on every page and email. Left out, it stays as it is.",
    )
    booking_url = serializers.SerializerMethodField(help_text="The public booking link.")
    updated_at = serializers.DateTimeField(read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The language, currency and clock are the business's, not the link form's: they go to the
        # service beside the form's values (None: as they are).
        profile = attrs.get("business_profile", {})
        return {**super().validate(attrs), **{name: profile.get(name) for name in ("language", "currency", "clock")}}

    def get_booking_url(self, page: BusinessBookingSettings) -> str:
        return f"{settings.SITE_URL}/book/{page.public_booking_slug}/"


# --- Services -------------------------------------------------------------------------------


class ServiceSerializer(FormSerializer):
    """A service clients book: its length, places per session and price."""

    form_class = ServiceForm

    id = serializers.IntegerField(read_only=True)
    name = from_form(ServiceForm, "name")
    description = from_form(ServiceForm, "description", default="")
    duration_minutes = from_form(ServiceForm, "duration_minutes")
    capacity = from_form(ServiceForm, "capacity", default=1)
    price = from_form(ServiceForm, "price", default=None, help_text="In the business's currency; null for no price shown.")
    is_publicly_bookable = from_form(ServiceForm, "is_publicly_bookable", default=True)
    location = from_form(
        ServiceForm, "location", default="", help_text="Where it takes place, or a meeting URL; empty: the business's address."
    )
    waitlist_enabled = from_form(
        ServiceForm, "waitlist_enabled", default=False,
        help_text="A full session takes a waitlist: a freed place is offered to the first in line and held for them "
        "for the settings' `waitlist_claim_minutes`. Turning it off closes the service's waitlists.",
    )
    position = serializers.IntegerField(read_only=True, help_text="Its place in the clients' list (0 first).")
    is_archived = serializers.BooleanField(read_only=True)
    in_use = serializers.BooleanField(
        read_only=True, help_text="It has bookings or sessions: DELETE archives it instead of deleting it."
    )


# --- Working hours ----------------------------------------------------------------------------


class WorkingHoursBlockSerializer(serializers.Serializer):
    """One block of a weekday's working time, in the business's time zone."""

    weekday = from_form(BlockRowForm, "weekday", help_text="0 = Monday … 6 = Sunday.")
    start_time = from_form(BlockRowForm, "start_time", required=True)
    end_time = from_form(BlockRowForm, "end_time", required=True)


class WorkingHoursSerializer(serializers.Serializer):
    """The whole week: every block of every weekday. PUT replaces the week with these blocks.

    Validated by the week editor's own WeekHoursForm (a hand-rolled formset of BlockRowForms).
    """

    blocks = WorkingHoursBlockSerializer(many=True, help_text="Blocks of one weekday may not overlap; [] closes every day.")

    def build_form(self, attrs: dict[str, Any]) -> WeekHoursForm:
        # The week editor posts one row per block: `row` lists the keys, each row's fields carry its key.
        data = MultiValueDict({"row": [f"b{i}" for i in range(len(attrs["blocks"]))]})
        for i, block in enumerate(attrs["blocks"]):
            for name, value in block.items():
                data[f"b{i}-{name}"] = value
        return WeekHoursForm(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        week = self.build_form(attrs)
        if not week.is_valid():
            errors: dict[str, list[str]] = {}
            if week.errors:
                errors["blocks"] = [str(message) for message in week.errors]
            for i, row in enumerate(week.rows):
                for name, messages in form_errors(row).items():
                    errors[f"blocks.{i}.{name}"] = messages
            raise serializers.ValidationError(errors)
        return {"blocks": week.blocks}

    def to_representation(self, blocks) -> dict:
        return {"blocks": WorkingHoursBlockSerializer(blocks, many=True).data}


# --- Exception dates ----------------------------------------------------------------------------


class ExceptionDateSerializer(FormSerializer):
    """A date off the weekly pattern: closed (no times), or open only in this block (several blocks: several rows)."""

    form_class = ExceptionDateForm

    id = serializers.IntegerField(read_only=True)
    date = from_form(ExceptionDateForm, "date", help_text="The business's date; today or later.")
    start_time = from_form(ExceptionDateForm, "start_time", default=None, help_text="Both times null closes the whole date.")
    end_time = from_form(ExceptionDateForm, "end_time", default=None)
    note = from_form(ExceptionDateForm, "note", default="")
    is_closed = serializers.BooleanField(read_only=True)

    def form_data(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The page's two buttons: "Close this day" (no times) and "Open only these hours" (both times).
        has_times = attrs.get("start_time") is not None or attrs.get("end_time") is not None
        return {**attrs, "kind": "hours" if has_times else "closed"}


# --- Bookings ------------------------------------------------------------------------------------


class ReasonSerializer(FormSerializer):
    """Why the owner rejects or cancels; optional."""

    form_class = AdminCancelForm
    reason = from_form(AdminCancelForm, "reason", default="", help_text="Optional; the client sees it in their email.")


class OwnerMoveForm(MoveRequestForm):
    """The owner's move as the API sends it: the new start in UTC, and `allow_clash` once the owner has
    seen the clash and moves it anyway (the owner page's move form takes a date and time in the business's zone)."""

    allow_clash = forms.BooleanField(required=False)


class OwnerMoveSerializer(FormSerializer):
    """A new time for a booking."""

    form_class = OwnerMoveForm
    start_time_utc = from_form(OwnerMoveForm, "start_time_utc", help_text="Any future time; the service's length follows it.")
    allow_clash = from_form(OwnerMoveForm, "allow_clash", default=False, help_text=(
        "Move it even if it clashes with another session (its buffer included). Without it a clash is a 409 "
        "whose message, under `allow_clash`, names what it clashes with. Never overrides a full session."))


class ServiceSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionCategory
        fields = ["id", "name", "duration_minutes", "capacity"]
        read_only_fields = fields


class BookingSerializer(serializers.ModelSerializer):
    service = ServiceSummarySerializer(source="session_category", read_only=True)
    client_id = serializers.IntegerField(read_only=True, allow_null=True)
    session_id = serializers.IntegerField(read_only=True, allow_null=True)
    notes = serializers.CharField(source="notes_from_client", read_only=True)
    client_timezone = serializers.CharField(source="booked_in_client_timezone", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id", "status", "service", "client_id", "client_name", "client_email", "client_phone", "notes",
            "start_time_utc", "end_time_utc", "client_timezone", "pending_request_expires_at",
            "rejection_reason", "cancellation_reason", "session_id", "created_at", "updated_at",
        ]
        read_only_fields = fields


class StatusChangeSerializer(serializers.ModelSerializer):
    from_status = serializers.ChoiceField(choices=Booking.Status.choices, allow_blank=True, read_only=True,
                                          help_text='"" for the change that made the booking.')
    changed_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True,
                                              help_text="The owner who made it; null for the client or the system.")

    from_start_utc = serializers.DateTimeField(read_only=True, allow_null=True,
                                               help_text="A move's old start (its status stays the same); else null.")
    to_start_utc = serializers.DateTimeField(read_only=True, allow_null=True, help_text="A move's new start; else null.")

    class Meta:
        model = BookingStatusChange
        fields = ["from_status", "to_status", "actor", "changed_by", "note", "changed_at", "from_start_utc", "to_start_utc"]
        read_only_fields = fields


class BookingDetailSerializer(BookingSerializer):
    history = StatusChangeSerializer(many=True, read_only=True, help_text="Every status change, oldest first.")

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "history"]
        read_only_fields = fields
