"""EMAIL_URL, read by `mailer_from_url` into Django's MAILERS: the SMTP and local schemes,
and an email provider's API through django-anymail, each built with the options its
backend takes."""

import json
from unittest import mock

import pytest
import requests
from django.core import mail
from django.core.mail import EmailMessage
from django.test import override_settings

from cmo_portal.settings.env import mailer_from_url


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("console://", "django.core.mail.backends.console.EmailBackend", {}),
        ("locmem://", "django.core.mail.backends.locmem.EmailBackend", {}),
        (
            "file:///var/mail/cmo",
            "django.core.mail.backends.filebased.EmailBackend",
            {"file_path": "/var/mail/cmo"},
        ),
        (
            "smtp+tls://mailer:p%40ss@smtp.example.org:587?timeout=5",
            "django.core.mail.backends.smtp.EmailBackend",
            {
                "host": "smtp.example.org",
                "port": 587,
                "username": "mailer",
                "password": "p@ss",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 5,
            },
        ),
        (
            "anymail+postmark://server-token-1234@",
            "anymail.backends.postmark.EmailBackend",
            {"server_token": "server-token-1234", "requests_timeout": 10},
        ),
        (
            "anymail+postmark://tok%2Fen@?message_stream=outbound&timeout=20",
            "anymail.backends.postmark.EmailBackend",
            {"server_token": "tok/en", "message_stream": "outbound", "requests_timeout": 20},
        ),
        (
            "anymail+mailgun://key-abc@?sender_domain=mg.example.org&api_url=https://api.eu.mailgun.net/v3",
            "anymail.backends.mailgun.EmailBackend",
            {
                "api_key": "key-abc",
                "sender_domain": "mg.example.org",
                "api_url": "https://api.eu.mailgun.net/v3",
                "requests_timeout": 10,
            },
        ),
        (
            "anymail+brevo://xkeysib-123@",
            "anymail.backends.brevo.EmailBackend",
            {"api_key": "xkeysib-123", "requests_timeout": 10},
        ),
        (
            "anymail+sparkpost://sp-key@?subaccount=7",
            "anymail.backends.sparkpost.EmailBackend",
            {"api_key": "sp-key", "subaccount": "7", "requests_timeout": 10},
        ),
    ],
)
def test_each_scheme_gives_its_backend_and_options(url, backend, options):
    assert mailer_from_url(url) == {"BACKEND": backend, "OPTIONS": options}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sendmail://", "EMAIL_URL scheme must be one of"),
        ("anymail+sendgrid://key@", "EMAIL_URL scheme must be one of"),
        ("anymail+postmark://", "needs the provider's server_token"),
        ("anymail+mailgun://key@?sender_domian=mg.example.org", "takes no ['sender_domian']"),
    ],
)
def test_a_wrong_url_is_refused_with_what_is_wrong(url, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        mailer_from_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "anymail+postmark://token@?message_stream=outbound",
        "anymail+mailgun://key@?sender_domain=mg.example.org",
        "anymail+brevo://key@",
        "anymail+sparkpost://key@?subaccount=7",
    ],
)
def test_each_provider_backend_takes_the_options_it_is_given(url):
    """Django refuses a backend's unknown OPTIONS, anymail a missing credential: building
    the mailer is enough to find a wrong option name."""
    with override_settings(MAILERS={"default": mailer_from_url(url)}):
        backend = mail.mailers.default
    assert type(backend).__module__.startswith("anymail.backends.")


def test_an_email_goes_to_postmark_with_the_token_of_the_url():
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(
        {"To": "dr@example.org", "MessageID": "b7bc2f4a", "ErrorCode": 0, "Message": "OK"}
    ).encode()
    url = "anymail+postmark://server-token-1234@"
    with (
        override_settings(MAILERS={"default": mailer_from_url(url)}),
        mock.patch("requests.Session.request", return_value=response) as request,
    ):
        EmailMessage("Hello", "Body", "hello@cmo.example.org", ["dr@example.org"]).send()
    sent = request.call_args.kwargs
    assert (sent["method"].upper(), sent["url"]) == ("POST", "https://api.postmarkapp.com/email")
    assert sent["headers"]["X-Postmark-Server-Token"] == "server-token-1234"
    assert sent["timeout"] == 10
