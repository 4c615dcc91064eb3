"""Speed knobs for the test suite; everything else is base."""

from .base import *
from .env import env

SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# CI points DATABASE_URL at PostgreSQL; a developer's run falls back to SQLite in memory.
DATABASES = {"default": env.db_url("DATABASE_URL", default="sqlite://:memory:")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Unit tests run tasks inline; the worker tests (tests/test_celery_worker.py) point
# Celery at the real broker themselves.
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOW_DEMO_ACCOUNTS = True
# The broker the worker tests use; the URL CI and a developer share.
TEST_CELERY_BROKER_URL = env.str("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")

# Tests never run collectstatic: serve straight from the finders.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
