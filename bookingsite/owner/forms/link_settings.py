"""The booking link's settings page: the link's name and rules, and the business's details.

Every limit has its own sentence, shown next to its field; the models' validators say the same
numbers and the services run them again (full_clean) before they save.
"""

import re
import unicodedata
from functools import cache

import phonenumbers
from babel import Locale, UnknownLocaleError
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _
from phonenumbers.geocoder import country_name_for_number

from bookingsite.businesses.models import (
    MAX_BUFFER_MINUTES,
    MAX_CLAIM_MINUTES,
    MAX_CUTOFF_HOURS,
    MAX_EXPIRY_HOURS,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    MAX_REMINDER_HOURS,
    MIN_CLAIM_MINUTES,
    BusinessBookingSettings,
    BusinessProfile,
)
from bookingsite.businesses import logos
from bookingsite.businesses.services import slug_is_free
from bookingsite.businesses.validators import validate_currency, validate_not_reserved_slug, validate_timezone
from bookingsite.lib.locale_formats import currency_choices

from .inputs import INPUT, number, timezone_choices

MAX_LOGO_BYTES = 2 * 1024 * 1024

UNNAMED_REGIONS = {"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo"}  # phonenumbers has no English name


def country_choices() -> list[tuple[str, str]]:
    """Countries phonenumbers knows, by name in the page's language, with their calling code."""
    return [("", _("Not set: clients type their country code")), *_named_countries(get_language() or "en")]


@cache
def _named_countries(language: str) -> tuple[tuple[str, str], ...]:
    try:
        territories = Locale.parse(to_locale(language)).territories
    except (ValueError, UnknownLocaleError):
        territories = {}
    named = []
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        name = territories.get(region) or (country_name_for_number(example, "en") if example else "")
        name = name or UNNAMED_REGIONS.get(region, region)
        named.append((region, f"{name} (+{phonenumbers.country_code_for_region(region)})"))
    named.sort(key=lambda choice: unicodedata.normalize("NFKD", choice[1]).encode("ascii", "ignore").lower())  # Ä with A
    return tuple(named)


class BookingLinkSettingsForm(forms.ModelForm):
    """The link's name and its rules. Edits a fresh copy of the row; never saved directly:
    the view hands `cleaned_data` to businesses.services.business_settings_update."""

    public_booking_slug = forms.CharField(
        label=_("Link name"),
        max_length=60,
        widget=forms.TextInput(attrs={**INPUT, "autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Give your link a name."),
            "max_length": _("Keep the link name under 60 characters."),
        },
    )
    requires_approval = forms.BooleanField(
        label=_("I approve each booking"),
        required=False,
        help_text=_("Clients see “Booking pending approval” until you approve or reject the request."),
    )
    pending_booking_expiry_hours = number(
        _("A request waits for my answer for (hours)"),
        min_value=1, max_value=MAX_EXPIRY_HOURS,
        too_small=_("A request waits at least 1 hour."),
        too_big=_("Keep the wait under 30 days (720 hours)."),
        help_text=_("After that it expires and its place is free again."),
    )
    global_buffer_time_minutes_between_sessions = number(
        _("Buffer between sessions (minutes)"),
        min_value=0, max_value=MAX_BUFFER_MINUTES,
        too_small=_("The buffer can’t be negative; use 0 for none."),
        too_big=_("Keep the buffer under 24 hours (1440 minutes)."),
        help_text=_("Free time kept between two sessions, whatever the service."),
    )
    minimum_notice_minutes = number(
        _("Minimum notice (minutes)"),
        min_value=0, max_value=MAX_NOTICE_MINUTES,
        too_small=_("The notice can’t be negative; use 0 for none."),
        too_big=_("Keep the notice under 60 days (86400 minutes)."),
        help_text=_("How soon a client may book: 60 means nothing in the next hour."),
    )
    booking_horizon_days = number(
        _("Clients may book up to (days ahead)"),
        min_value=1, max_value=MAX_HORIZON_DAYS,
        too_small=_("Let clients book at least 1 day ahead."),
        too_big=_("Keep it under two years (730 days)."),
    )
    reminder_hours_before = number(
        _("Reminder email (hours before)"),
        min_value=0, max_value=MAX_REMINDER_HOURS,
        too_small=_("Use 0 for no reminder."),
        too_big=_("Keep the reminder within 14 days (336 hours) of the session."),
        help_text=_("Clients get a reminder this long before their session; 0 sends none."),
    )
    second_reminder_hours_before = number(
        _("Second reminder (hours before)"),
        min_value=0, max_value=MAX_REMINDER_HOURS,
        too_small=_("Use 0 for no second reminder."),
        too_big=_("Keep the reminder within 14 days (336 hours) of the session."),
        help_text=_("Optional, closer to the session than the first (2, say); 0 sends none."),
    )
    client_change_cutoff_hours = number(
        _("Clients may cancel or move a booking until (hours before)"),
        min_value=0, max_value=MAX_CUTOFF_HOURS,
        too_small=_("Use 0 to let clients change until the session starts."),
        too_big=_("Keep the cut-off under 30 days (720 hours)."),
        help_text=_("After that, their booking page shows your policy and how to reach you. You can always cancel or move it."),
    )
    waitlist_claim_minutes = number(
        _("Time to claim a waitlist place (minutes)"),
        min_value=MIN_CLAIM_MINUTES, max_value=MAX_CLAIM_MINUTES,
        too_small=_("Give clients at least 5 minutes to claim a place."),
        too_big=_("Keep the time to claim under a week (10080 minutes)."),
        help_text=_(
            "A place freed in a full session is held this long for the first client on its waitlist (services with "
            "a waitlist only); then it goes to the next in line. 120 is two hours. Offers already made keep their time."
        ),
    )
    custom_message_client = forms.CharField(
        label=_("Message to clients (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on your booking page, as plain text."),
        error_messages={"max_length": _("Keep the message under 1000 characters (it has %(show_value)d).")},
    )
    is_booking_page_active = forms.BooleanField(
        label=_("My booking page takes bookings"),
        required=False,
        help_text=_("When off, your link shows a friendly “not taking bookings” page."),
    )

    class Meta:
        model = BusinessBookingSettings
        fields = [
            "public_booking_slug",
            "is_booking_page_active",
            "requires_approval",
            "pending_booking_expiry_hours",
            "global_buffer_time_minutes_between_sessions",
            "minimum_notice_minutes",
            "booking_horizon_days",
            "reminder_hours_before",
            "second_reminder_hours_before",
            "client_change_cutoff_hours",
            "waitlist_claim_minutes",
            "custom_message_client",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_booking_slug"].help_text = format_html(
            _(
                "Your link is {site}/book/<strong>name</strong>/. Letters, digits and hyphens. "
                "Change it and the old link keeps working: it sends clients to the new one."
            ),
            site=settings.SITE_URL,
        )

    def clean_public_booking_slug(self) -> str:
        slug = self.cleaned_data["public_booking_slug"].strip().lower()
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            raise ValidationError(
                _("Use letters, digits and single hyphens, starting and ending with a letter or digit (like sarahs-swim).")
            )
        validate_not_reserved_slug(slug)
        # Case folds (URLs, subdomains), and another business's old name still redirects there.
        if not slug_is_free(slug, exclude_business_id=self.instance.pk):
            raise ValidationError(_("This link name is already taken."))
        return slug

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("reminder_hours_before"), cleaned.get("second_reminder_hours_before")
        if second and first is not None and (not first or second >= first):
            self.add_error(
                "second_reminder_hours_before", _("The second reminder comes after the first: set it to fewer hours.")
            )
        return cleaned


class BusinessProfileForm(forms.ModelForm):
    """The business's name, zone, country, language, currency, clock and logo, edited with the link
    settings on one page (the API sets the language, currency and clock with the link's settings)."""

    name = forms.CharField(
        label=_("Business name"),
        max_length=120,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "organization"}),
        error_messages={"required": _("Give your business a name."), "max_length": _("Keep the name under 120 characters.")},
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        validators=[validate_timezone],
        help_text=_("Your working hours are in this zone."),
        error_messages={"required": _("Choose your time zone."), "invalid_choice": _("Choose a time zone from the list.")},
    )
    country = forms.ChoiceField(
        label=_("Country for phone numbers"),
        choices=country_choices,
        required=False,
        help_text=_("A phone number typed without +country code is read as a number of this country."),
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,  # each by its own name: English, Deutsch, Español, Français
        help_text=_("Your pages and emails are in this language, and so is your booking page for a client whose "
                    "browser asks for none of ours."),
        error_messages={"required": _("Choose a language."), "invalid_choice": _("Choose a language from the list.")},
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=currency_choices,  # called on each use: named in the language of the page
        validators=[validate_currency],
        help_text=_("Your prices are in it, written as each client’s language writes them."),
        error_messages={"required": _("Choose a currency."), "invalid_choice": _("Choose a currency from the list.")},
    )
    clock = forms.ChoiceField(
        label=_("Clock"),
        choices=BusinessProfile._meta.get_field("clock").choices,
        help_text=_("Automatic follows each reader’s country: 9:30 PM in the US, 21:30 in most of Europe. "
                    "A choice here applies to every page and email."),
        error_messages={"required": _("Choose a clock."), "invalid_choice": _("Choose a clock from the list.")},
    )
    address = forms.CharField(
        label=_("Address (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
        help_text=_("Where your sessions take place: in every email and calendar invite. A service can name its own place."),
        error_messages={"max_length": _("Keep the address under 300 characters.")},
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, under 2 MB. Square works best."),
        error_messages={
            "invalid_image": logos.NOT_AN_IMAGE,
            "invalid_extension": logos.WRONG_TYPE,
        },
    )

    class Meta:
        model = BusinessProfile
        fields = ["name", "timezone", "country", "language", "currency", "clock", "address", "logo"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):  # not the logo already saved, nor False (remove it)
            if logo.size > MAX_LOGO_BYTES:
                raise ValidationError(_("Use an image under 2 MB."))
            return logos.logo_reencoded(logo)  # what is stored: the image drawn again, named for its real type
        return logo
