import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_an_unconfigured_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "not configured (tasks run inline)",
    }
    assert "no-store" in response["Cache-Control"]


def test_health_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"
    assert "refused" not in response.content.decode()  # no details for strangers


def test_health_is_503_when_the_configured_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


@pytest.mark.parametrize("name", ["health", "health-live"])
def test_a_probe_by_the_container_address_over_plain_http_is_answered(client, settings, name):
    # Compose's health check and a Kubernetes probe call the container's own address:
    # neither is in ALLOWED_HOSTS, and neither comes through the TLS proxy.
    settings.ALLOWED_HOSTS = ["cmo.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse(name), HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_other_pages_still_refuse_an_unknown_host(client, settings):
    settings.ALLOWED_HOSTS = ["cmo.example.org"]
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_liveness_does_not_touch_the_database(client, django_assert_num_queries, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    with django_assert_num_queries(0):
        response = client.get(reverse("health-live"))
    assert response.status_code == 200
