"""What the public JSON reads and answers (DESIGN.md 6).

The booking request is read by BookingRequestSerializer: its fields take only the JSON types, and
the form (forms.BookingRequestForm) checks everything else with the booking page's own messages.
The answers are built as plain dicts in api.py; the serializers below them only describe them in
the schema: a month of slots through DRF serializers would cost the hot path milliseconds, and
the schemathesis run (tests/api/test_schemathesis.py) checks that the two agree.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from bookingsite.bookings.models import Booking
from bookingsite.lib.json_errors import form_errors

from .forms import BookingRequestForm, MoveRequestForm

# --- The booking request --------------------------------------------------------------------


class _TextOrNull:
    """A JSON string, or null for none (read as blank: the form says whether it is required)."""

    default_error_messages = {"invalid": _("Give this as a string.")}

    def run_validation(self, data: Any = empty) -> str:
        if data is empty or data is None:
            return ""
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class Text(_TextOrNull, serializers.CharField):
    pass


class Email(_TextOrNull, serializers.EmailField):
    pass


class UTCTime(_TextOrNull, serializers.DateTimeField):
    pass


class ServiceNumber(serializers.IntegerField):
    """The service's id as a JSON integer or a string of one (not true or false); null for none."""

    default_error_messages = {"invalid": _("Give the service's number.")}

    def run_validation(self, data: Any = empty) -> str:
        if data is empty or data is None:
            return ""
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        return str(data)


def _like_form(field_class: type[serializers.Field], name: str, **kwargs) -> serializers.Field:
    """`field_class` with the form field's limits, for the schema only: the form checks them."""
    form_field = BookingRequestForm.base_fields[name]
    if issubclass(field_class, serializers.CharField):
        kwargs.setdefault("allow_blank", not form_field.required)
    return field_class(required=form_field.required, validators=list(form_field.validators), **kwargs)


class BookingRequestSerializer(serializers.Serializer):
    """The booking form's fields (bookingsite/public/forms.py BookingRequestForm)."""

    # Values of the wrong JSON type are named alone, before the form runs; validated_data is the
    # form's cleaned_data. The business's country (context["country"]) reads the phone number.
    default_error_messages = {"invalid": _("The body must be a JSON object.")}

    session_category_id = _like_form(ServiceNumber, "session_category_id")
    start_time_utc = _like_form(UTCTime, "start_time_utc", help_text="One of the slots' start_time_utc.")
    client_name = _like_form(Text, "client_name")
    client_email = _like_form(Email, "client_email")
    client_phone = _like_form(Text, "client_phone", help_text="E.164, or a number of the business's country.")
    notes = _like_form(Text, "notes")
    client_timezone = _like_form(Text, "client_timezone", help_text="IANA time zone, e.g. Asia/Tokyo.")

    def validate_empty_values(self, data):
        # A body of `null` is no object either (DRF would say "No data provided").
        return (False, data) if data is None else super().validate_empty_values(data)

    def validate(self, attrs: dict[str, str]) -> dict[str, Any]:
        form = BookingRequestForm(attrs, country=self.context["country"])
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return form.cleaned_data


class WaitlistJoinSerializer(BookingRequestSerializer):
    """The waitlist's request: the booking request's fields, read the same way."""

    start_time_utc = _like_form(UTCTime, "start_time_utc", help_text="One of the full slots' start_time_utc "
                                "(the availability JSON's `full_slots`).")


class _JSONObject(serializers.Serializer):
    default_error_messages = {"invalid": _("The body must be a JSON object.")}

    def validate_empty_values(self, data):
        # A body of `null` is no object either (DRF would say "No data provided").
        return (False, data) if data is None else super().validate_empty_values(data)


class ClientMoveSerializer(_JSONObject):
    """The manage link's move: the new start, read by forms.MoveRequestForm; validated_data is its cleaned_data."""

    start_time_utc = UTCTime(required=True, help_text="One of the slots' start_time_utc (the availability JSON's).")

    def validate(self, attrs: dict[str, str]) -> dict[str, Any]:
        form = MoveRequestForm(attrs)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return form.cleaned_data


class ClientCancelSerializer(_JSONObject):
    """The manage link's cancel: an optional reason (its length is the booking service's to check)."""

    reason = Text(required=False, allow_blank=True, help_text="Optional, at most 1000 characters; the business sees it.")


# --- The answers, for the schema --------------------------------------------------------------


class PublicBusinessSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class PublicBusinessWithZoneSerializer(PublicBusinessSerializer):
    timezone = serializers.CharField(help_text="The business's IANA time zone; working hours are in it.")


class PublicServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    duration_minutes = serializers.IntegerField()
    capacity = serializers.IntegerField(help_text="Places per session.")
    price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    currency = serializers.CharField(help_text="ISO 4217 code of the price.")
    waitlist_enabled = serializers.BooleanField(help_text="Whether a full slot of it takes a waitlist.")


class PublicServiceListSerializer(serializers.Serializer):
    business = PublicBusinessWithZoneSerializer()
    services = PublicServiceSerializer(many=True)


class AvailabilityServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    capacity = serializers.IntegerField()


class FullSlotSerializer(serializers.Serializer):
    start_time_utc = serializers.DateTimeField()
    end_time_utc = serializers.DateTimeField()
    start_local = serializers.DateTimeField(help_text="The start in the client's time zone, with its offset.")
    end_local = serializers.DateTimeField()


class SlotSerializer(FullSlotSerializer):
    remaining = serializers.IntegerField(help_text="Places still free.")


class FreeDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="A date in the client's time zone.")
    slots = SlotSerializer(many=True)


class AvailabilityDaySerializer(FreeDaySerializer):
    full_slots = FullSlotSerializer(
        many=True,
        required=False,
        help_text="The slots with every place taken, whose waitlist a client may join (`POST /book/{slug}/waitlist/`); "
        "on every day for a service with `waitlist_enabled` (maybe empty), absent for one without a waitlist.",
    )


class AvailabilitySerializer(serializers.Serializer):
    business = PublicBusinessSerializer()
    service = AvailabilityServiceSerializer()
    client_timezone = serializers.CharField()
    days = AvailabilityDaySerializer(
        many=True, help_text="Every date asked for, in order, with its free slots and its full ones (maybe none)."
    )


class PublicBookingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=[Booking.Status.CONFIRMED, Booking.Status.PENDING_APPROVAL])
    start_time_utc = serializers.DateTimeField()
    end_time_utc = serializers.DateTimeField()
    manage_url = serializers.URLField(help_text="The client's own page for the booking (cancel there).")
    ics_url = serializers.URLField(allow_null=True, help_text="Only for a confirmed booking.")
    google_calendar_url = serializers.URLField(allow_null=True, help_text="Only for a confirmed booking.")


class ManagedServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ManagedBookingSerializer(PublicBookingSerializer):
    status = serializers.ChoiceField(
        choices=Booking.Status.choices,
        help_text="A pending request past its expiry is `expired_pending` here, even before the sweep marks it.",
    )
    can_change = serializers.BooleanField(
        help_text="Whether the client may still cancel or move it online: it holds a place and the change cut-off has not passed."
    )
    change_cutoff_at = serializers.DateTimeField(help_text="The start minus the business's change cut-off.")
    service = ManagedServiceSerializer()
    location = serializers.CharField(allow_blank=True, help_text="The service's location, else the business's address.")
    client_timezone = serializers.CharField(help_text="The IANA zone it was booked in.")
    pending_request_expires_at = serializers.DateTimeField(allow_null=True, help_text="Only for a pending request.")


class SlotTakenSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="The message is under `start_time_utc`."
    )
    days = FreeDaySerializer(many=True, help_text="The times still free that day, in the client's zone.")


class PublicWaitlistEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(min_value=1, help_text="1 for the first in line.")
    manage_url = serializers.URLField(
        allow_null=True,
        help_text="The client's own page for the place in line (leave, or claim an offer there). Null when the email "
        "was already in line: the link is then emailed to that address again, never given to whoever asks.",
    )
