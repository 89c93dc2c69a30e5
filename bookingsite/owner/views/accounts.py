"""Sign-up, and the rate limits of every way in; the rest is Django's own auth views."""

import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bookingsite.businesses.services import business_sign_up
from bookingsite.lib.ratelimit import seconds_until_allowed

from ..forms.accounts import EmailLoginForm, SignUpForm

View = Callable[..., HttpResponse]
Limit = tuple[str, str, str | Callable]  # counter group, the setting of its rate, django-ratelimit's key


def _in_words(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%d second", "%d seconds", seconds) % seconds
    minutes = math.ceil(seconds / 60)
    return ngettext("%d minute", "%d minutes", minutes) % minutes


def posts_limited(*limits: Limit, message: str) -> Callable[[View], View]:
    """A view whose POSTs count on each limit in turn: past one, a 429 page with Retry-After, and
    the view does not run (nothing is checked, nothing is sent)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                for group, rate_setting, key in limits:
                    wait = seconds_until_allowed(request, group=group, rate=getattr(settings, rate_setting), key=key)
                    if wait is not None:
                        context = {"message": message % {"wait": _in_words(wait)}}
                        response = render(request, "registration/too_many_attempts.html", context, status=429)
                        response["Retry-After"] = str(wait)
                        return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _address_typed(_group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


# The owner's and the staff admin's log-in count on one counter per client IP with the API's
# token endpoint (lib.throttling.LoginRateLimit): guessing a password is no faster on one than another.
login_limited = posts_limited(
    ("login", "RATELIMIT_LOGIN", "ip"), message=_("Too many login attempts. Please wait %(wait)s and try again.")
)
# The reset counts per client IP, then per address typed whether or not an account has it, so
# neither its answer nor its limit tells which addresses have accounts.
password_reset_limited = posts_limited(
    ("password-reset", "RATELIMIT_PASSWORD_RESET", "ip"),
    ("password-reset-address", "RATELIMIT_PASSWORD_RESET_ADDRESS", _address_typed),
    message=_("Too many password reset requests. Please wait %(wait)s and try again."),
)


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("owner:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, _business = business_sign_up(**form.cleaned_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("owner:dashboard")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)
