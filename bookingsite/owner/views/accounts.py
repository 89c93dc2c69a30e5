"""Sign-up and a rate-limited login; the rest is Django's own auth views."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bookingsite.businesses.services import business_sign_up
from bookingsite.lib.ratelimit import seconds_until_allowed

from ..forms.accounts import EmailLoginForm, SignUpForm


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = seconds_until_allowed(request, group="login", rate=settings.RATELIMIT_LOGIN)
        if wait is not None:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, f"Too many login attempts. Please wait {wait} seconds and try again.")
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


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
