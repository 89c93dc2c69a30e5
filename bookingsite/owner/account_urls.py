from django.contrib.auth import views as auth_views
from django.urls import path

from .forms.accounts import SiteLinkPasswordResetForm
from .views import accounts

urlpatterns = [
    path("signup/", accounts.sign_up, name="signup"),
    path("login/", accounts.login_limited(accounts.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        accounts.password_reset_limited(auth_views.PasswordResetView.as_view(form_class=SiteLinkPasswordResetForm)),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
