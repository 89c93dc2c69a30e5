import logging

import redis
from celery import current_app
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bookingsite.lib.redis_cache import RedisCacheWithFallback

from .middleware import on_booking_link

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means unhealthy; say which
        logger.warning("healthz database check failed: %s", exc)
        return "error"
    return "ok"


def _cache_status() -> str:
    cache = caches["default"]
    if not isinstance(cache, RedisCacheWithFallback):
        return "not configured"  # memory of this process only: nothing to be down
    if not cache.ping():
        logger.warning("healthz cache check failed")
        return "error"
    return "ok"


def _broker_status() -> str:
    url = current_app.conf.broker_url
    if not url.startswith("redis"):
        return "not configured"  # tasks run in-process
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except redis.RedisError as exc:
        logger.warning("healthz broker check failed: %s", exc)
        return "error"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """503 only when the database is down: without it nothing works. Redis down (cache, broker)
    is "degraded" with 200: pages compute, bookings are taken and their emails wait in the
    outbox, so a load balancer must not take every node out of service for it (DESIGN.md 8)."""
    checks = {"database": _database_status(), "cache": _cache_status(), "broker": _broker_status()}
    if checks["database"] == "error":
        status = "error"
    else:
        status = "degraded" if "error" in checks.values() else "ok"
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = render(request, "404.html", status=404)
    response.xframe_options_exempt = on_booking_link(request)  # a mistyped link inside the owner's website
    return response
