"""Production settings compress pages, keep database connections (as the environment
says) and cache compiled templates; dev and the tests keep one connection per request."""

import gzip
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

# Run in a production-settings process: the page's compressed and plain sizes, and the
# settings that matter here.
PROBE = """
import gzip, json
from django.conf import settings
from django.template import engines
from django.test import Client, override_settings
# The manifest of collected static files is not built here: name them plainly.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client()
zipped = client.get("/", headers={"accept-encoding": "gzip"}, secure=True)
plain = client.get("/", secure=True)
loaders = engines["django"].engine.template_loaders
print(json.dumps({
    "status": zipped.status_code,
    "encoding": zipped.get("Content-Encoding"),
    "vary": zipped.get("Vary"),
    "zipped": zipped.content.hex(),
    "plain": plain.content.decode(),
    "plain_encoding": plain.get("Content-Encoding"),
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "loader": type(loaders[0]).__module__ + "." + type(loaders[0]).__name__,
}))
"""


def _probe(tmp_path, **extra: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_CONN_MAX_AGE", None)
    environment.update(
        DJANGO_SETTINGS_MODULE="cmo_portal.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        SITE_URL="https://cmo.example.org",
        DEFAULT_FROM_EMAIL="CMO Pathways <hello@cmo.example.org>",
        # A throwaway SQLite file, which production's settings refuse unless told.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DATABASE_PASSWORD_REQUIRED="false",
        CMO_DATA_DIR=str(tmp_path),
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_compresses_pages_keeps_connections_and_caches_templates(tmp_path):
    seen = _probe(tmp_path)
    assert seen["status"] == 200
    assert seen["encoding"] == "gzip" and "Accept-Encoding" in seen["vary"]
    page = gzip.decompress(bytes.fromhex(seen["zipped"])).decode()
    assert "Plan your path" in page
    assert len(seen["zipped"]) // 2 < len(page.encode()) / 2  # at least halved
    assert seen["plain_encoding"] is None and "Plan your path" in seen["plain"]
    assert seen["conn_max_age"] == 60 and seen["health_checks"] is True
    assert seen["loader"] == "django.template.loaders.cached.Loader"


def test_production_reads_the_connection_age_from_the_environment(tmp_path):
    assert _probe(tmp_path, DATABASE_CONN_MAX_AGE="5")["conn_max_age"] == 5


def test_the_tests_open_a_connection_per_request_and_answer_plain_without_gzip(db):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
    response = Client().get("/")
    assert response.get("Content-Encoding") is None
    zipped = Client().get("/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Plan your path" in gzip.decompress(zipped.content).decode()
