"""The two reference pages exist under the benchmark's settings only."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.factories import CompetencyDomainFactory
from tests.repository import ROOT

pytestmark = pytest.mark.django_db

BENCH_URLS = "cmo_portal.bench.urls"


@pytest.fixture
def bench_urls(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "cmo_portal.bench"]
    settings.ROOT_URLCONF = BENCH_URLS


def test_the_bare_page_answers_without_a_query(bench_urls, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/bench/plain/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_the_fortunes_page_is_one_query_through_a_template(bench_urls, django_assert_num_queries):
    CompetencyDomainFactory(name="Strategy & finance")
    with django_assert_num_queries(1):
        response = Client().get("/bench/fortunes/")
    assert response.status_code == 200
    assert "Strategy &amp; finance" in response.content.decode()
    assert "added after the query" in response.content.decode()


def test_the_site_is_still_there_beside_them(bench_urls):
    assert Client().get("/pathways/").status_code == 200


@pytest.mark.parametrize("path", ["/bench/plain/", "/bench/fortunes/"])
def test_under_the_normal_settings_there_is_no_bench(path):
    assert Client().get(path).status_code == 404


def test_the_bench_settings_are_production_with_the_reference_pages(tmp_path):
    """The real settings module, in a process of its own: DEBUG off, production's TLS
    redirect, and the bare page behind the proxy's header."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "c = Client(SERVER_NAME='127.0.0.1')\n"
        "print(settings.DEBUG, settings.ROOT_URLCONF, settings.SECURE_SSL_REDIRECT,\n"
        "      c.get('/bench/plain/').status_code,\n"
        "      c.get('/bench/plain/', headers={'x-forwarded-proto': 'https'}).status_code)\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SITE_URL", "DEFAULT_FROM_EMAIL", "CACHE_URL"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "cmo_portal.settings.bench",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "CMO_DATA_DIR": str(tmp_path),
    }
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["False", BENCH_URLS, "True", "301", "200"]
