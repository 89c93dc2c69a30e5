"""Sign-up, log-in and the password reset."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.validators import validate_timezone

from .inputs import timezone_choices


class EmailLoginForm(AuthenticationForm):
    """Owners log in with their email (stored as the username, lowercased)."""

    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()


class SiteLinkPasswordResetForm(PasswordResetForm):
    """Django's, with our own email (text and HTML, in the product's look) whose link is on
    SITE_URL: Django builds it from the request's Host, which whoever sends the request chooses
    (DESIGN.md 8)."""

    def save(self, **kwargs) -> None:
        site = urlsplit(settings.SITE_URL)
        context = {
            **(kwargs.pop("extra_email_context", None) or {}),
            "business_name": "Flowkey Booking",
            "site_url": settings.SITE_URL.rstrip("/"),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        super().save(**{
            **kwargs, "domain_override": site.netloc, "use_https": site.scheme == "https", "extra_email_context": context,
            "subject_template_name": "registration/password_reset_subject.txt",
            "email_template_name": "emails/password_reset.txt",
            "html_email_template_name": "emails/password_reset.html",
        })

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None) -> None:
        # The link, whole, for both parts: SITE_URL (with any path it has) and the confirm view's path.
        context["reset_url"] = context["site_url"] + reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                          html_email_template_name)


class SignUpForm(forms.Form):
    owner_name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    business_name = forms.CharField(label=_("Business name"), max_length=120)
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=timezone_choices, initial="UTC", validators=[validate_timezone],
        help_text=_("Your working hours are in this zone."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if get_user_model().objects.filter(username=email).exists():
            raise forms.ValidationError(_("An account with this email already exists. Log in instead."))
        return email

    def clean(self):
        data = super().clean()
        if data.get("password"):
            user = get_user_model()(
                username=data.get("email", ""), email=data.get("email", ""), first_name=data.get("owner_name", "")
            )
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
