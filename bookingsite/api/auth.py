"""JWT for owners: a token pair for an email and password, and a fresh access token for a refresh token.

Tokens carry a hash of the password hash (simplejwt's CHECK_REVOKE_TOKEN), so changing the
password ends every token issued before.
"""

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from bookingsite.lib.drf import ErrorSerializer
from bookingsite.lib.throttling import AnonRateLimit, LoginRateLimit

from .errors import error_responses


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.CharField(write_only=True, max_length=254, help_text="The owner's login email (any case).")
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False,
                                     style={"input_type": "password"})
    access = serializers.CharField(read_only=True, help_text="Send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(read_only=True, help_text="Trade for a new access token at /api/v1/token/refresh/.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        # Owners sign up with their email; the username is that email in lowercase.
        user = authenticate(self.context.get("request"), username=attrs["email"].strip().lower(), password=attrs["password"])
        if not jwt_settings.USER_AUTHENTICATION_RULE(user):
            raise exceptions.AuthenticationFailed(_("No active account has this email and password."), "no_active_account")
        refresh = RefreshToken.for_user(user)
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


class SafeTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, but a deleted user or a changed password is a 401, not a 500 or a dud token."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = self.token_class(attrs["refresh"])
        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        user = get_user_model().objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first() if user_id else None
        if not jwt_settings.USER_AUTHENTICATION_RULE(user):
            raise exceptions.AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        if (
            jwt_settings.CHECK_REVOKE_TOKEN
            and refresh.payload.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password)
        ):
            raise exceptions.AuthenticationFailed(_("The user's password has been changed."), "password_changed")
        return super().validate(attrs)


class TokenObtainView(jwt_views.TokenViewBase):
    serializer_class = TokenObtainSerializer
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateLimit, AnonRateLimit]

    @extend_schema(
        tags=["auth"],
        summary="Get a token pair for an owner's email and password",
        responses={200: TokenObtainSerializer, **error_responses(400, 415, 429),
                   401: OpenApiResponse(ErrorSerializer, description="Wrong email or password, or an inactive account.")},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class TokenRefreshView(jwt_views.TokenViewBase):
    serializer_class = SafeTokenRefreshSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateLimit]

    @extend_schema(
        tags=["auth"],
        summary="Get a new access token for a refresh token",
        responses={200: SafeTokenRefreshSerializer, **error_responses(400, 401, 415, 429)},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
