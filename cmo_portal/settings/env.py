"""The one place that reads the process environment.

Every setting that an operator may change is read here, with a default that keeps the
embedded setup (SQLite, eager Celery, console email) working when nothing is set.
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep their variables in a .env file at the repository's root; real
# environment variables win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


MAILER_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
}


def mailer_from_url(url: str) -> dict:
    """One entry of Django's MAILERS from a URL: console://, file:///var/mail/cmo,
    locmem://, smtp://user:password@host:25, smtp+tls://…:587 or smtp+ssl://…:465.
    A ?timeout=10 query sets the SMTP timeout in seconds."""
    parts = urlsplit(url)
    if parts.scheme not in MAILER_BACKENDS:
        raise ValueError(f"EMAIL_URL scheme must be one of {sorted(MAILER_BACKENDS)}")
    mailer: dict = {"BACKEND": MAILER_BACKENDS[parts.scheme], "OPTIONS": {}}
    options = mailer["OPTIONS"]
    if parts.scheme == "file":
        options["file_path"] = unquote(parts.path)
    elif parts.scheme.startswith("smtp"):
        options.update(
            host=parts.hostname or "localhost",
            port=parts.port or {"smtp+ssl": 465, "smtp+tls": 587}.get(parts.scheme, 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=parts.scheme == "smtp+tls",
            use_ssl=parts.scheme == "smtp+ssl",
            timeout=int(parse_qs(parts.query).get("timeout", ["10"])[0]),
        )
    return mailer


def cache_from_env(default: str) -> dict:
    """CACHE_URL as Django's CACHES entry; Redis through cmo_portal.cache, whose client is
    made once per connection pool rather than once per operation."""
    config = env.cache_url("CACHE_URL", default=default)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "cmo_portal.cache.RedisCache"
    return config
