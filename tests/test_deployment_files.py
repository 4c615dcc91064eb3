"""docker-compose.yml cannot be run here (no Docker engine), so its shape is checked."""

import re

import yaml

from tests.repository import ROOT


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_beat_postgres_and_redis_with_health_checks():
    services = load_compose()["services"]
    assert set(services) == {"migrate", "web", "worker", "beat", "proxy", "db", "redis"}
    for name in ("web", "worker", "beat", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert services["db"]["image"].startswith("postgres:15")


def test_compose_has_exactly_one_beat():
    services = load_compose()["services"]
    beats = [name for name, spec in services.items() if " beat" in str(spec.get("command", ""))]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_migrations_run_once_before_anything_that_uses_the_database():
    services = load_compose()["services"]
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in str(services[name]["command"]), name
        waits_for = services[name]["depends_on"]["migrate"]
        assert waits_for == {"condition": "service_completed_successfully"}, name


def test_web_scales_behind_the_proxy_with_no_port_of_its_own():
    services = load_compose()["services"]
    assert "ports" not in services["web"]
    assert services["web"]["expose"] == ["8000"]
    assert {"80:80", "443:443"} == set(services["proxy"]["ports"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert re.search(r"dynamic a \{\s*name web\s*port 8000", caddyfile)


def test_the_web_health_check_needs_no_host_header_or_https():
    # It calls the container's own address; the site answers /health/ before the host
    # check and the HTTPS redirect (tests/test_health.py).
    test = " ".join(load_compose()["services"]["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/" in test
    assert "Host" not in test and "X-Forwarded-Proto" not in test


def test_the_worker_may_finish_its_longest_task_before_it_is_stopped():
    from django.conf import settings

    grace = load_compose()["services"]["worker"]["stop_grace_period"]
    minutes = int(grace.removesuffix("m"))
    assert minutes * 60 > settings.CELERY_TASK_TIME_LIMIT


def test_beat_is_checked_by_the_age_of_its_schedule():
    beat = load_compose()["services"]["beat"]
    schedule = beat["command"].split("--schedule ")[1]
    assert beat["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "cmo_portal.beat_health",
        schedule,
    ]


def test_the_site_runs_as_its_own_user_with_no_capabilities():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER cmo$", dockerfile, re.MULTILINE)
    services = load_compose()["services"]
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in services[name]["security_opt"], name
        assert "user" not in services[name], name  # the image's own, not root


def test_compose_keeps_data_in_volumes_and_refuses_to_start_without_secrets():
    compose = load_compose()
    assert {"postgres-data", "redis-data"} <= set(compose["volumes"])
    web_env = compose["services"]["web"]["environment"]
    assert ":?" in web_env["DJANGO_SECRET_KEY"]  # compose stops with a message if unset
    assert web_env["DATABASE_URL"].startswith("postgres://")
    assert web_env["CELERY_BROKER_URL"].startswith("redis://")
    assert web_env["CACHE_URL"].startswith("rediscache://")


def test_compose_tells_the_site_it_sits_behind_one_proxy():
    web_env = load_compose()["services"]["web"]["environment"]
    assert web_env["DJANGO_TRUSTED_PROXY_COUNT"].endswith(":-1}")


def test_the_trusted_proxy_count_is_read_from_the_environment():
    """A subprocess, so the settings are read afresh with the variable set."""
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cmo_portal.settings.dev"}
    env["DJANGO_TRUSTED_PROXY_COUNT"] = "2"
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "2"


def test_compose_refuses_to_start_without_the_site_address_and_sender():
    web_env = load_compose()["services"]["web"]["environment"]
    assert ":?" in web_env["SITE_URL"]
    assert ":?" in web_env["DEFAULT_FROM_EMAIL"]


def test_make_run_gives_emails_the_address_it_serves_on():
    """Under `make run PORT=8201` the links in emails point to port 8201."""
    import shutil
    import subprocess

    dry_run = subprocess.run(
        [shutil.which("make") or "make", "-n", "run", "PORT=8201"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert "http://127.0.0.1:8201" in serve
    assert "runserver 127.0.0.1:8201" in serve


def test_env_example_names_every_variable_the_settings_and_compose_read():
    """Every variable read by the settings or substituted by compose is in .env.example,
    set or named, so an operator sees them all in one file."""
    example = (ROOT / ".env.example").read_text()
    settings_text = "\n".join(
        p.read_text() for p in (ROOT / "cmo_portal" / "settings").glob("*.py")
    )
    read = set(re.findall(r"env\.\w+\(\s*\"([A-Z_]+)\"", settings_text))
    compose = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))
    missing = sorted(name for name in read | compose if name not in example)
    assert not missing, f"add to .env.example: {missing}"


def test_the_secrets_never_go_into_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored


def test_gunicorn_starts_the_metrics_folder_empty(tmp_path, monkeypatch):
    import runpy

    folder = tmp_path / "prometheus-metrics"
    folder.mkdir()
    (folder / "histogram_41.db").write_bytes(b"an earlier run's counts")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["on_starting"](None)
    assert folder.is_dir() and not list(folder.iterdir())
    web = load_compose()["services"]["web"]
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/prometheus-metrics"  # noqa: S108
