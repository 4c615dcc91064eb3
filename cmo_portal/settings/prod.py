"""Production: base, tightened. Refuses to start without a secret key, hosts, the
site's address, its sender and a database password."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .env import env

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random string of at least 40 characters."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the host names this site answers to."
    )

# Links in every email and the sender of every email: a default would send people to
# localhost or have mail refused, so production names both.
if not env.str("SITE_URL", default=""):
    raise ImproperlyConfigured(
        "SITE_URL must be set to the address people use, e.g. https://cmo.example.org."
    )
if not env.str("DEFAULT_FROM_EMAIL", default=""):
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL must be set to the sender of the site's email, e.g. "
        "CMO Pathways <hello@cmo.example.org>."
    )

# PostgreSQL with a password: production never runs on the embedded SQLite file, nor on
# the placeholder of .env.example or the Kubernetes Secret. A database that authenticates otherwise (a
# client certificate, a Unix socket's peer authentication) sets
# DATABASE_PASSWORD_REQUIRED=false.
if env.bool("DATABASE_PASSWORD_REQUIRED", default=True) and (
    DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    or DATABASES["default"].get("PASSWORD", "") in {"", "change-me", "REPLACE-ME"}
):
    raise ImproperlyConfigured(
        "DATABASE_URL must name the PostgreSQL database with its password, e.g. "
        "postgres://cmo:<password>@db:5432/cmo_pathways."
    )

ALLOW_DEMO_ACCOUNTS = False

# A JSON object per log line, for the log store to index (LOG_FORMAT=plain for people).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT

# Keep database connections between requests (a new PostgreSQL connection costs a few ms
# on every page otherwise).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
