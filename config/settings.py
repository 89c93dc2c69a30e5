"""Settings: every value comes from the environment, with defaults that run locally as they are.

Environments differ only in variables; README.md lists them all.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.getenv(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.getenv(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_rate(name: str, default: str) -> str:
    """A rate limit like "600/m" (requests per s, m, h or d; "10/5m" counts per 5 minutes)."""
    raw = os.getenv(name, default).strip()
    if not re.fullmatch(r"\d+/\d*[smhd]", raw):
        raise ImproperlyConfigured(f"{name} must be a rate like 600/m, not {raw!r}")
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.getenv(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.getenv("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", ".localhost", "[::1]"] if DEBUG else [])
BOOKING_ROOT_DOMAIN = os.getenv("BOOKING_ROOT_DOMAIN", "localhost").lower()
# The public address of the site, for links in emails and the owner's copy buttons.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set SECRET_KEY to a long random value (50+ characters) when DEBUG is false.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS when DEBUG is false.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_tailwind",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "bookingsite.core",
    "bookingsite.businesses",
    "bookingsite.bookings",
    "bookingsite.public",
    "bookingsite.owner",
    "bookingsite.api",
    "bookingsite.notifications",
    "bookingsite.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bookingsite.core.middleware.subdomain_booking_link",
    "bookingsite.core.languages.language_per_request",
    "bookingsite.core.bad_input.refuse_bad_input",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bookingsite.core.security_headers.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bookingsite.core.middleware.busy_answer",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bookingsite.owner.context.owner_nav",
            ],
        },
    },
]

# PostgreSQL in production (DATABASE_URL); SQLite under var/ by default. On SQLite every write
# transaction starts IMMEDIATE, so two bookings queue on the database lock instead of racing.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = os.getenv("DATABASE_URL", "")
# On PostgreSQL every statement gives up after DB_STATEMENT_TIMEOUT_SECONDS (0: never), so a query
# stuck behind a lock or gone pathological frees its web or worker process with a 503 "busy"
# (businesses.locking.as_busy_error) instead of holding it. Writers wait at most 3 s for the
# business's lock (lock_timeout), well inside it. The Procfile's release step (migrations) runs with 0.
DB_STATEMENT_TIMEOUT_SECONDS = env_int("DB_STATEMENT_TIMEOUT_SECONDS", 5)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_STATEMENT_TIMEOUT_SECONDS > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_SECONDS}s"
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A SQLite file named by URL (the tests' gunicorn and worker processes) locks the same way.
        DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
            # A file, not memory, so threads of the race tests share one database and its locks;
            # one per test process, so two runs side by side never share it.
            "TEST": {"NAME": VAR_DIR / f"test-{os.getpid()}.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.getenv("REDIS_URL", "")


def redis_caches(url: str) -> dict:
    """Computed availability ("default") and the rate-limit counters, in the Redis at `url`.

    While Redis is down each process stands in with its own memory (bookingsite.lib.redis_cache),
    in two key spaces so that there the availability pages cannot crowd out the counters. The
    timeouts are short: a cache that answers slowly is worse than computing.
    """
    return {
        alias: {
            "BACKEND": "bookingsite.lib.redis_cache.RedisCacheWithFallback",
            "LOCATION": url,
            "KEY_PREFIX": alias,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, "FALLBACK_MAX_ENTRIES": entries},
        }
        for alias, entries in (("default", 300), ("ratelimit", 10_000))
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", "ratelimit")
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/app/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# DESIGN.md 12. Each language by its own name, as a person looking for theirs reads it (the
# switcher and the owner's choice); bookingsite.lib.languages picks one per request and email.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("es", "Español"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", VAR_DIR / "media"))
# Logos are small and few; the app serves them itself unless a proxy or bucket does (SERVE_MEDIA=false).
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "tailwind"
CRISPY_TEMPLATE_PACK = "tailwind"

# Public booking pages may be framed by any site (the owner's website); admin pages may not.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Our own files only: no inline script at all, an inline <style> only with the page's nonce
# (FullCalendar's, Swagger UI's). frame-ancestors follows X-Frame-Options: public pages allow any
# site (bookingsite.core.security_headers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Celery: Redis when REDIS_URL is set; otherwise every task runs in-process as it is queued.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Short, because the web's requests publish (after a booking commits): a broker that does not
# answer costs a request at most these, and then the process stops trying for a few seconds
# (notifications.outbox). The worker's BRPOP waits 1 s, under socket_timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TIMEZONE = "UTC"
# Beat: the outbox pickup sends what the commit-time queueing missed (broker down, lost retry);
# the reminders sweep writes the reminder emails due (DESIGN.md 7: at most ~2 minutes late);
# the expiry sweep expires stale pending requests (PRD 3.8 FR5); the completion sweep marks
# confirmed bookings completed 12 hours after their end (DESIGN.md 5, Attendance). A run that
# waited longer than its period is dropped: the next one does the same work.
CELERY_BEAT_SCHEDULE = {
    # The webhook pickup (bookingsite/webhooks): deliveries due or lost, as flush-outbox does for emails.
    "flush-webhooks": {"task": "webhooks.flush_deliveries", "schedule": 60.0, "options": {"expires": 55}},
    "flush-outbox": {"task": "notifications.flush_outbox", "schedule": 60.0, "options": {"expires": 55}},
    "send-reminders": {"task": "notifications.send_reminders", "schedule": 60.0, "options": {"expires": 55}},
    "expire-pending-requests": {
        "task": "bookings.expire_pending_requests", "schedule": 300.0, "options": {"expires": 290}
    },
    "complete-past-bookings": {
        "task": "bookings.complete_past_bookings", "schedule": 600.0, "options": {"expires": 590}
    },
    "sweep-waitlists": {"task": "bookings.sweep_waitlists", "schedule": 60.0, "options": {"expires": 55}},
    # DESIGN.md 13: every owner's busy calendars, each fetched by its own task.
    "import-busy-calendars": {
        "task": "businesses.import_busy_calendars", "schedule": 600.0, "options": {"expires": 590}
    },
}
# Task modules besides each app's tasks.py (which autodiscovery finds): the reminders' beat task
# composes through the outbox, which imports notifications.tasks, so it cannot live there.
CELERY_IMPORTS = ("bookingsite.notifications.reminders",)

# Mail: SendGrid when SENDGRID_API_KEY is set; otherwise files under var/mail a person can open.
# Outbound requests to addresses an owner typed (busy calendars, webhooks; bookingsite/lib/outbound_http.py)
# refuse private, loopback and link-local addresses unless this is on (a development machine, the tests).
CALENDAR_IMPORT_ALLOW_PRIVATE = env_bool("CALENDAR_IMPORT_ALLOW_PRIVATE", False)
# Single "ip:port" socket addresses allowed even though private ("10.0.0.5:8443", "[fd00::5]:443"), comma-separated.
OUTBOUND_PRIVATE_ALLOWLIST = env_list("OUTBOUND_PRIVATE_ALLOWLIST", [])

DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Flowkey Booking <bookings@flowkey.local>")
SENDGRID_API_KEY = os.getenv("SENDGRID_API_KEY", "")
if SENDGRID_API_KEY:
    EMAIL_BACKEND = "sendgrid_backend.SendgridBackend"
    SENDGRID_SANDBOX_MODE_IN_DEBUG = False
    if os.getenv("SENDGRID_HOST_URL"):
        SENDGRID_HOST_URL = os.getenv("SENDGRID_HOST_URL")
else:
    EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# The manage link in a client's email is their key to the booking: no click-tracking redirect
# through SendGrid's domain, and no tracking pixel.
SENDGRID_TRACK_CLICKS_HTML = False
SENDGRID_TRACK_CLICKS_PLAIN = False
SENDGRID_TRACK_EMAIL_OPENS = False
# Seconds before a mail provider call gives up (SendGrid's client has no timeout of its own).
EMAIL_TIMEOUT = 10
# The outbox (bookingsite.notifications): tries per email, the first retry's wait (doubling
# after each failure: 2, 4, 8, 16 s), how long an unsent email waits before the beat pickup
# queues it again, and after how long a claim by a worker that died mid-send counts as lost.
OUTBOX_MAX_ATTEMPTS = 5
OUTBOX_RETRY_BASE_SECONDS = 1.0
OUTBOX_GRACE_SECONDS = 120
OUTBOX_CLAIM_TIMEOUT_SECONDS = 600

# Webhooks (bookingsite/webhooks): a try's timeout; the wait after the first failed try, doubling
# after each (1, 2, 4 min ...) up to the cap; a delivery failing that long gives up, and an endpoint
# whose every try has failed that long is switched off and its owner emailed. The worker waits out
# retries up to WEBHOOK_COUNTDOWN_MAX_SECONDS itself; beat's pickup (every minute) queues longer
# ones, and whatever is due and unsent for WEBHOOK_GRACE_SECONDS, or claimed by a worker that died.
WEBHOOK_TIMEOUT_SECONDS = 10.0
WEBHOOK_RETRY_BASE_SECONDS = 60
WEBHOOK_RETRY_MAX_SECONDS = 6 * 60 * 60
WEBHOOK_GIVE_UP_SECONDS = 3 * 24 * 60 * 60
WEBHOOK_COUNTDOWN_MAX_SECONDS = 15 * 60
WEBHOOK_GRACE_SECONDS = 60
WEBHOOK_CLAIM_TIMEOUT_SECONDS = 300

# Rate limits on public endpoints (django-ratelimit), per client IP.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_PUBLIC_READ = env_rate("RATELIMIT_PUBLIC_READ", "120/m")
RATELIMIT_PUBLIC_WRITE = env_rate("RATELIMIT_PUBLIC_WRITE", "10/m")
RATELIMIT_LOGIN = env_rate("RATELIMIT_LOGIN", "10/m")
RATELIMIT_PASSWORD_RESET = env_rate("RATELIMIT_PASSWORD_RESET", "10/h")
RATELIMIT_PASSWORD_RESET_ADDRESS = env_rate("RATELIMIT_PASSWORD_RESET_ADDRESS", "3/h")  # per address typed
# Behind a proxy, the client's address is the first of X-Forwarded-For (set TRUST_X_FORWARDED_FOR).
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
RATELIMIT_IP_META_KEY = "bookingsite.lib.ratelimit.client_ip"
RATELIMIT_USE_CACHE = "ratelimit"
# django-ratelimit knows only its listed backends: ours is Django's RedisCache (atomic INCR) with
# a per-process stand-in; without Redis, one process serves everything, so its memory is shared.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] if REDIS_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]

# The owner's JSON API (bookingsite/api, PRD 4.4): JWT only, so no session and no CSRF; JSON only.
# Per owner with a valid token, per client IP without one; RATELIMIT_ENABLE=false switches both off.
API_THROTTLE_USER = env_rate("API_THROTTLE_USER", "600/m")
API_THROTTLE_ANON = env_rate("API_THROTTLE_ANON", "60/m")
API_ACCESS_TOKEN_MINUTES = env_int("API_ACCESS_TOKEN_MINUTES", 15)
API_REFRESH_TOKEN_DAYS = env_int("API_REFRESH_TOKEN_DAYS", 7)
if API_ACCESS_TOKEN_MINUTES < 1 or API_REFRESH_TOKEN_DAYS < 1:
    raise ImproperlyConfigured("API_ACCESS_TOKEN_MINUTES and API_REFRESH_TOKEN_DAYS must be at least 1.")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    # A view is the business owner's unless it says otherwise (the token and schema views do).
    "DEFAULT_PERMISSION_CLASSES": ["bookingsite.api.permissions.IsBusinessOwner"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["bookingsite.lib.drf.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["bookingsite.lib.throttling.UserRateLimit", "bookingsite.lib.throttling.AnonRateLimit"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every DRF view's errors (the API's and the public JSON's): {"errors": {"field": ["message"]}}, "__all__" for the rest.
    "EXCEPTION_HANDLER": "bookingsite.api.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "__all__",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=API_ACCESS_TOKEN_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=API_REFRESH_TOKEN_DAYS),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a hash of the password hash: a new password ends every token issued before it.
    "CHECK_REVOKE_TOKEN": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Flowkey Booking Links API",
    "DESCRIPTION": (
        "The owner's API (`/api/v1/`, JWT: get a token pair at `/api/v1/token/`, then send "
        "`Authorization: Bearer <access>`) and the public booking JSON (`/book/{slug}/...`, no login). "
        'Every error is `{"errors": {"field": ["message"]}}`; messages about no single field are under `__all__`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],  # the schema and docs are public, whatever token comes along
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from drf-spectacular-sidecar through static/: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"BookingStatusEnum": "bookingsite.bookings.models.Booking.Status"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "bookingsite.api.errors.document_edge_refusals"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django adds its own console handler in DEBUG; one line per record is enough.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
