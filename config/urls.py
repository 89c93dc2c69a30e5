from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from bookingsite.core import views as core_views
from bookingsite.owner.views.accounts import login_limited
from bookingsite.owner.views.calendar_feed import feed

admin.site.site_header = "Flowkey Booking Links — operator"
admin.site.site_title = "Flowkey operator"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("staff/login/", login_limited(admin.site.login)),  # before admin.site.urls, whose login it wraps
    path("staff/", admin.site.urls),
    path("book/", include("bookingsite.public.urls")),
    path("accounts/", include("bookingsite.owner.account_urls")),
    path("app/", include("bookingsite.owner.urls")),
    path("feeds/<str:token>.ics", feed, name="calendar-feed"),
    path("api/", include("bookingsite.api.urls")),
]
if settings.SERVE_MEDIA:
    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{media}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

handler404 = "bookingsite.core.views.not_found"
