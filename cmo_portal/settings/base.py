"""Settings shared by every environment; dev, test and prod only adjust these."""

import secrets
from pathlib import Path
from typing import Any

from django.utils.csp import CSP

from cmo_portal.errors import error_tracking_started

from .env import BASE_DIR, cache_from_env, env, mailer_from_url

DATA_DIR = Path(env.str("CMO_DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Only the embedded default may create the demo accounts with their published passwords.
ALLOW_DEMO_ACCOUNTS = False
# Only the dev settings supply a fallback; prod refuses to start without a real key.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The address used for absolute links in emails, e.g. https://cmo-pathways.example.org
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The history of rubric descriptors and competencies, revertible in admin.
    "simple_history",
    # Email providers' APIs and webhooks (EMAIL_URL anymail+<provider>://).
    "anymail",
    "cmo_portal.accounts",
    "cmo_portal.notifications",
    "cmo_portal.submissions",
    "pathways",
    "assessments",
    "mentors",
    "cmo_portal.composers",
    "cmo_portal.demo",
]

MIDDLEWARE = [
    # First, so the time it records for /metrics includes every other middleware.
    "cmo_portal.metrics.request_metrics",
    # The health checks and metrics answer here, before the host check and the HTTPS
    # redirect: a probe calls them by the container's own address, over plain HTTP.
    "cmo_portal.middleware.operator_endpoints",
    "cmo_portal.middleware.request_logged",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "cmo_portal.middleware.resources_for_this_site_only",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages for browsers that accept gzip: above every middleware that reads or
    # changes the body (Django's advice), below WhiteNoise, which serves static files
    # compressed ahead of time. BREACH: Django masks the CSRF token afresh in every
    # response, so compression does not leak it; no other secret is echoed into a page
    # next to text an attacker controls.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change that simple-history keeps (the curriculum's history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # After a signed-in person's POST their cached pages are rendered afresh.
    "cmo_portal.page_cache.pages_changed_by_writes",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The reader's time zone, from the session: no query.
    "cmo_portal.accounts.middleware.time_zone_activated",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cmo_portal.accounts.middleware.TwoFactorForStaff",
    "cmo_portal.accounts.middleware.support_views_logged",
    "cmo_portal.middleware.private_pages_not_stored",
]

ROOT_URLCONF = "cmo_portal.urls"
WSGI_APPLICATION = "cmo_portal.wsgi.application"
ASGI_APPLICATION = "cmo_portal.asgi.application"

# No "loaders" option: Django then caches compiled templates (the cached loader) in
# every environment, and runserver's autoreloader clears the cache when a template
# changes. Setting loaders here would turn that off.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "cmo_portal.home.navigation.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------

DATABASES = {
    # Unset: an SQLite file in the data folder. postgres://user:pass@host:5432/name for
    # PostgreSQL.
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a connection is kept for the next request (0: one per request, as in dev and the
# tests; prod keeps them 60 s). Checked before reuse, so a restarted database is not an
# error on the first request after it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# allauth's rate limits count in the cache, so it must be one that every process shares:
# a folder on disk by default, Redis (rediscache://host:6379/1) in the full stack.
CACHES = {
    "default": cache_from_env(default=f"filecache://{DATA_DIR / 'cache'}"),
}
# Pages stored in that cache until what they show changes (cmo_portal/page_cache.py).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)

# --- Accounts ------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Not a login: what an active mentorship lets a mentor see (cmo_portal/accounts/access.py)
    "mentors.access.MentorshipGrants",
]

# The plan's Mentors section asks the mentors app whom to suggest (pathways sits below
# mentors, so it finds the function by name).
PLAN_MENTOR_PICKS = "mentors.selectors.plan_picks.plan_mentor_picks"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:after-login"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "cmo_portal.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "CMO Pathways: "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, kept explicit so an operator can see them in one place.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # Not allauth's: browsers' reports of Content Security Policy violations, per address.
    "csp_report": "30/m/ip",
}
# How many proxies in front of the site append to X-Forwarded-For (the TLS proxy of the
# README: 1). allauth's rate limits then count the client the nearest trusted proxy saw,
# not the proxy's own address, which every request shares; 0 ignores the header.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CMO Pathways"

# --- Email ---------------------------------------------------------------------------

# Unset: every email is printed to the console. See mailer_from_url for the schemes,
# e.g. smtp+tls://user:password@smtp.example.org:587 for a real server.
MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default="console://"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CMO Pathways <hello@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets an email for every server error (Django's mail_admins, when DEBUG is off):
# a comma-separated list of addresses.
ADMINS = env.list("DJANGO_ADMINS", default=[])
# The email provider's webhooks (/anymail/<provider>/tracking/: bounces and complaints
# mark an address undeliverable) sign in with ANYMAIL_WEBHOOK_SECRET, a "user:password"
# put in the URL given to the provider. Unset, a random one that no call matches: the
# webhooks refuse every call rather than trust anyone (anymail alone would accept all).
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="") or secrets.token_urlsafe(32)
}
# Mailgun also signs its calls, with the webhook signing key of its dashboard.
if mailgun_signing_key := env.str("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY", default=""):
    ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"] = mailgun_signing_key
# Days the email log keeps a sent, failed or skipped email's message (its body, links
# included) before the retention sweep removes it; who, what kind and when stay. An
# account email's message goes as soon as it is sent.
EMAIL_BODY_RETENTION_DAYS = env.int("EMAIL_BODY_RETENTION_DAYS", default=30)
# Days an emailed one-click unsubscribe link works; after that its page says it has
# expired and offers the email preferences, after sign-in.
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = env.int("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", default=365)

# --- Metrics ----------------------------------------------------------------------

# The bearer token Prometheus sends to /metrics; unset, /metrics answers 404 (off).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Under gunicorn's several workers: a folder, emptied before the site starts, where each
# worker keeps its request metrics so a scrape adds them all up (cmo_portal/metrics.py).
# prometheus-client reads it from the process environment itself, and takes even an
# empty value as on: set it to a folder or leave it unset (one process's metrics).
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")

# --- Celery: cmo_portal/settings/tasks.py --------------------------------------------

from .tasks import *  # noqa: E402

# --- Internationalisation ----------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security ------------------------------------------------------------------------

# Enforced everywhere, not only in production: no inline script or style, nothing from
# another origin. The QR code of allauth's TOTP set-up is an inline data: image.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    # Browsers post what the policy blocked here; the site logs it (cmo_portal/security.py).
    "report-uri": ["/security/csp-report/"],
}
# Browser features the site never uses, off for it and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sessions are read from the shared cache and written through to the database, so a
# signed-in page costs no query for its session once it is cached.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# One line per event. In JSON (LOG_FORMAT=json, production's default) each line carries
# its fields: a request's id, user, method, path, status, latency and client address
# (cmo_portal.middleware), a task's name and id, and an error's traceback in the same line.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "cmo_portal.logs.ContextFields"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Every request has its own line (cmo_portal.requests); Django's request logger
        # writes only what failed, with its traceback.
        "django.request": {"level": "ERROR"},
        # site.css is written for browsers: WeasyPrint (the plan's PDF) would warn about
        # each screen-only rule it skips, about a hundred per PDF. Its errors still show.
        "weasyprint": {"level": "ERROR"},
    },
}

# Errors go to Sentry (or a service speaking its protocol) only when a DSN is set.
error_tracking_started(
    env.str("SENTRY_DSN", default=""),
    environment=env.str("SENTRY_ENVIRONMENT", default="production"),
    release=env.str("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)
