"""deploy/kubernetes: every manifest is valid Kubernetes, offline, and keeps the rules of
running past one machine (one beat, workers that finish their tasks, health probes that
mean what they say, no root)."""

import copy
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings

from tests.repository import ROOT
from tests.services import needs_service

MANIFESTS = ROOT / "deploy" / "kubernetes"
# The oldest and the newest Kubernetes the manifests are checked against. Strict: a field
# the schema does not know (a typo, or one that version lacks) fails.
KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
# Compose builds DATABASE_URL from POSTGRES_PASSWORD; here the managed database's URL,
# in the Secret, carries the password instead.
SET_THROUGH = {"POSTGRES_PASSWORD": "DATABASE_URL"}
# The pods' writable temporary folder (an emptyDir), not one this test writes to.
POD_TMP = "/tmp"  # noqa: S108


def manifest_files() -> list[Path]:
    return sorted(p for p in MANIFESTS.glob("*.yaml") if p.name != "kustomization.yaml")


def documents() -> list[dict]:
    return [
        document
        for path in manifest_files()
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def of_kind(kind: str) -> list[dict]:
    return [document for document in documents() if document["kind"] == kind]


def named(kind: str, name: str) -> dict:
    (document,) = [d for d in of_kind(kind) if d["metadata"]["name"] == name]
    return document


def pod_specs() -> dict[str, dict]:
    """The pod template of every Deployment and Job, by its name."""
    return {
        d["metadata"]["name"]: d["spec"]["template"]["spec"]
        for d in of_kind("Deployment") + of_kind("Job")
    }


def all_containers(pod: dict) -> list[dict]:
    return pod.get("initContainers", []) + pod["containers"]


def command_line(container: dict) -> str:
    return " ".join(container.get("command", []) + container.get("args", []))


def required_in_env_example(example: str) -> set[str]:
    """The variables whose comment in .env.example starts with REQUIRED."""
    required, marked = set(), False
    for line in example.splitlines():
        if line.startswith("# REQUIRED"):
            marked = True
        elif not line.startswith("#") and "=" in line:
            if marked:
                required.add(line.split("=", 1)[0])
            marked = False
    return required


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", manifest_files(), ids=lambda path: path.name)
def test_every_manifest_is_valid_kubernetes(path, version):
    loaded = [d for d in yaml.safe_load_all(path.read_text()) if d]
    assert loaded, f"{path.name} holds no manifest"
    for document in loaded:
        kubernetes_validate.validate(document, version, strict=True)


def test_the_validation_refuses_a_misspelt_field():
    """A broken manifest would fail the test above, not pass unread."""
    broken = copy.deepcopy(named("Deployment", "cmo-pathways-web"))
    container = broken["spec"]["template"]["spec"]["containers"][0]
    container["livenesProbe"] = container.pop("livenessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


def test_every_manifest_is_listed_in_the_kustomization():
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == [path.name for path in manifest_files()]
    assert [image["name"] for image in kustomization["images"]] == ["cmo-pathways"]


def test_kustomize_renders_every_manifest_with_the_one_image():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        needs_service("kubectl is not installed, so kustomization.yaml is not rendered")
    rendered = subprocess.run(
        [kubectl, "kustomize", str(MANIFESTS)], capture_output=True, text=True, check=True
    ).stdout
    resources = [d for d in yaml.safe_load_all(rendered) if d]
    assert sorted((d["kind"], d["metadata"]["name"]) for d in resources) == sorted(
        (d["kind"], d["metadata"]["name"]) for d in documents()
    )
    images = set(re.findall(r"image: (\S+)", rendered))
    assert images == {"cmo-pathways:latest"}


def test_there_is_exactly_one_beat_and_the_old_one_stops_before_the_new_starts():
    beats = [
        d
        for d in of_kind("Deployment")
        if any(" beat" in command_line(c) for c in d["spec"]["template"]["spec"]["containers"])
    ]
    assert [d["metadata"]["name"] for d in beats] == ["cmo-pathways-beat"]
    (beat,) = beats
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
    autoscaled = {
        hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind("HorizontalPodAutoscaler")
    }
    assert "cmo-pathways-beat" not in autoscaled


def test_the_beat_schedule_is_written_to_a_mounted_volume():
    """The root filesystem is read-only, so the schedule file needs a volume."""
    pod = pod_specs()["cmo-pathways-beat"]
    (beat,) = pod["containers"]
    schedule = beat["command"][beat["command"].index("--schedule") + 1]
    mounts = {m["mountPath"]: m["name"] for m in beat["volumeMounts"]}
    (folder,) = [path for path in mounts if schedule.startswith(path + "/")]
    volume = next(v for v in pod["volumes"] if v["name"] == mounts[folder])
    assert "emptyDir" in volume


def test_a_stopping_worker_has_time_to_finish_its_longest_task():
    pod = pod_specs()["cmo-pathways-worker"]
    assert pod["terminationGracePeriodSeconds"] > settings.CELERY_TASK_TIME_LIMIT
    (worker,) = pod["containers"]
    assert "celery -A cmo_portal worker" in command_line(worker)
    probe = " ".join(worker["livenessProbe"]["exec"]["command"])
    assert "inspect ping --destination" in probe
    assert "celery@$HOSTNAME" in probe


def test_web_is_restarted_for_its_process_only_and_served_only_when_its_services_answer():
    (web,) = pod_specs()["cmo-pathways-web"]["containers"]
    port = web["ports"][0]
    assert port["containerPort"] == 8000
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert web[probe]["httpGet"]["port"] in (port["name"], port["containerPort"]), probe
        assert "httpHeaders" not in web[probe]["httpGet"], probe
    assert web["startupProbe"]["httpGet"]["path"] == "/health/live/"
    assert web["livenessProbe"]["httpGet"]["path"] == "/health/live/"
    assert web["readinessProbe"]["httpGet"]["path"] == "/health/"


def test_gunicorn_keeps_its_files_in_tmp_on_a_read_only_root():
    """Its heartbeat files go to /tmp, its control socket to $XDG_RUNTIME_DIR."""
    (web,) = pod_specs()["cmo-pathways-web"]["containers"]
    assert {"name": "XDG_RUNTIME_DIR", "value": POD_TMP} in web["env"]
    assert web["securityContext"]["readOnlyRootFilesystem"] is True
    assert POD_TMP in [mount["mountPath"] for mount in web["volumeMounts"]]


def test_the_service_the_autoscaler_and_the_disruption_budget_find_the_web_pods():
    web = named("Deployment", "cmo-pathways-web")
    labels = web["spec"]["template"]["metadata"]["labels"]
    service = named("Service", "cmo-pathways-web")
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    budget = named("PodDisruptionBudget", "cmo-pathways-web")
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    scaler = named("HorizontalPodAutoscaler", "cmo-pathways-web")
    assert scaler["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "cmo-pathways-web",
    }
    assert scaler["spec"]["minReplicas"] >= 2
    assert scaler["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    # The autoscaler owns the count: a `replicas` here would reset it at every apply.
    assert "replicas" not in web["spec"]


def test_migrations_run_once_in_a_job_and_every_new_pod_waits_for_them():
    (job,) = of_kind("Job")
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert command_line(migrate) == "python manage.py migrate --noinput"
    for deployment in of_kind("Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        waits = [c for c in pod.get("initContainers", []) if "migrate --check" in command_line(c)]
        assert waits, deployment["metadata"]["name"]


@pytest.mark.parametrize("name", sorted(pod_specs()))
def test_every_container_runs_as_the_image_user_without_privileges(name):
    pod = pod_specs()[name]
    assert pod["automountServiceAccountToken"] is False
    for container in all_containers(pod):
        context = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
        assert context["runAsNonRoot"] is True, container["name"]
        assert context["runAsUser"] == 1000, container["name"]
        assert context["allowPrivilegeEscalation"] is False, container["name"]
        assert context["readOnlyRootFilesystem"] is True, container["name"]
        assert context["capabilities"]["drop"] == ["ALL"], container["name"]
        resources = container["resources"]
        assert {"cpu", "memory"} <= resources["requests"].keys(), container["name"]
        assert {"cpu", "memory"} <= resources["limits"].keys(), container["name"]
        # Python, gunicorn and Celery write temporary files: /tmp is a volume.
        assert POD_TMP in [m["mountPath"] for m in container["volumeMounts"]], container["name"]


@pytest.mark.parametrize("name", sorted(pod_specs()))
def test_every_container_runs_the_one_image_with_the_settings_and_the_secrets(name):
    config = named("ConfigMap", "cmo-pathways-config")["metadata"]["name"]
    secret = named("Secret", "cmo-pathways-secrets")["metadata"]["name"]
    for container in all_containers(pod_specs()[name]):
        assert container["image"].split(":")[0] == "cmo-pathways", container["name"]
        sources = container["envFrom"]
        assert {"configMapRef": {"name": config}} in sources, container["name"]
        assert {"secretRef": {"name": secret}} in sources, container["name"]


def test_the_settings_and_secrets_match_env_example():
    """Every variable set is one .env.example names (or the image's Dockerfile sets), and
    every REQUIRED one of .env.example is set."""
    example = (ROOT / ".env.example").read_text()
    image_env = set(re.findall(r"([A-Z_]+)=", (ROOT / "Dockerfile").read_text()))
    config = named("ConfigMap", "cmo-pathways-config")["data"]
    secret = named("Secret", "cmo-pathways-secrets")["stringData"]
    assert not config.keys() & secret.keys()
    set_here = config.keys() | secret.keys()
    unknown = sorted(
        name
        for name in set_here
        if not re.search(rf"\b{name}\b", example) and name not in image_env
    )
    assert not unknown, f"name these in .env.example: {unknown}"
    required = {SET_THROUGH.get(name, name) for name in required_in_env_example(example)}
    assert {"DJANGO_SECRET_KEY", "SITE_URL", "DATABASE_URL"} <= required
    assert not sorted(required - set_here), "set these in configmap.yaml or secret.yaml"
    assert config["DJANGO_SETTINGS_MODULE"] == "cmo_portal.settings.prod"


def test_the_secrets_are_placeholders_the_site_refuses_to_start_with():
    secret = named("Secret", "cmo-pathways-secrets")["stringData"]
    assert all("REPLACE-ME" in value for value in secret.values())
    # settings/prod.py refuses a key shorter than 40 characters.
    assert len(secret["DJANGO_SECRET_KEY"]) < 40
    assert secret["DATABASE_URL"].startswith("postgres://")
    assert secret["CELERY_BROKER_URL"].startswith("redis://")
    assert secret["CACHE_URL"].startswith("rediscache://")
