"""The one place that reads the process environment.

Every setting that an operator may change is read here, with a default that keeps the
embedded setup (SQLite, eager Celery, console email) working when nothing is set.
"""

from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

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


# Email providers' HTTP APIs, through django-anymail: anymail+<provider>://<credential>@.
# The credential is given to the backend as the option named here; the query may set the
# options listed (?sender_domain=mg.example.org), and ?timeout=10 the API's timeout in
# seconds. Amazon SES (it needs boto3) and SendGrid (anymail dropped it) are not offered.
ANYMAIL_PROVIDERS: dict[str, tuple[str, frozenset[str]]] = {
    "postmark": ("server_token", frozenset({"message_stream"})),
    "mailgun": ("api_key", frozenset({"sender_domain", "api_url"})),
    "brevo": ("api_key", frozenset({"api_url"})),
    "sparkpost": ("api_key", frozenset({"api_url", "subaccount"})),
}
ANYMAIL_SCHEMES = frozenset(f"anymail+{name}" for name in ANYMAIL_PROVIDERS)


def mailer_from_url(url: str) -> dict:
    """One entry of Django's MAILERS from a URL: console://, file:///var/mail/cmo,
    locmem://, smtp://user:password@host:25, smtp+tls://…:587 or smtp+ssl://…:465; or an
    email provider's API: anymail+postmark://<server-token>@,
    anymail+mailgun://<api-key>@?sender_domain=mg.example.org, anymail+brevo://<api-key>@,
    anymail+sparkpost://<api-key>@. A ?timeout=10 query sets the timeout in seconds."""
    parts = urlsplit(url)
    if parts.scheme in ANYMAIL_SCHEMES:
        return _provider_mailer(parts)
    if parts.scheme not in MAILER_BACKENDS:
        schemes = sorted(MAILER_BACKENDS.keys() | ANYMAIL_SCHEMES)
        raise ValueError(f"EMAIL_URL scheme must be one of {schemes}")
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


def _provider_mailer(parts: SplitResult) -> dict:
    """The MAILERS entry of an anymail+<provider>:// URL: anymail's backend for the
    provider, with the backend's own options."""
    provider = parts.scheme.removeprefix("anymail+")
    credential_option, query_options = ANYMAIL_PROVIDERS[provider]
    credential = unquote(parts.username or "")
    if not credential:
        raise ValueError(
            f"EMAIL_URL {parts.scheme}:// needs the provider's {credential_option} "
            f"before an @: {parts.scheme}://<{credential_option}>@"
        )
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    allowed = query_options | {"timeout"}
    if unknown := sorted(query.keys() - allowed):
        raise ValueError(
            f"EMAIL_URL {parts.scheme}:// takes no {unknown}; it takes {sorted(allowed)}"
        )
    options = {credential_option: credential, "requests_timeout": int(query.pop("timeout", "10"))}
    return {"BACKEND": f"anymail.backends.{provider}.EmailBackend", "OPTIONS": options | query}


def cache_from_env(default: str) -> dict:
    """CACHE_URL as Django's CACHES entry; Redis through cmo_portal.cache, whose client is
    made once per connection pool rather than once per operation."""
    config = env.cache_url("CACHE_URL", default=default)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "cmo_portal.cache.RedisCache"
    return config
