"""The Kubernetes manifests of infra/k8s/ as an operator's cluster would receive them: rendered
by the kubectl of this environment (its built-in kustomize), and what an operations team
refuses in them, named resource by resource."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

KUBECTL = str(Path(sys.executable).with_name("kubectl"))
K8S = Path(__file__).resolve().parents[3] / "infra" / "k8s"
OVERLAYS = ("single-node", "cluster")

# what a resource runs its containers in: the path to its pod spec
POD_SPECS = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
# containers that run to their end, and need no probes
RUN_TO_END = ("Job", "CronJob")
# a name that says it holds a secret; a name ending so holds where one is, not the secret
SECRET_NAME = re.compile(r"password|passwd|secret|token|key|credential", re.IGNORECASE)
NAMES_A_PLACE = re.compile(r"_(FILE|PATH|DIR)$", re.IGNORECASE)
# `--password=x`, `TOKEN: x`, `secret_key=x` with a literal (not `$VAR`, `${VAR}`, `$(VAR)`)
SECRET_ASSIGNED = re.compile(
    r"(password|passwd|secret|token|key|credential)[\w-]*\s*[=:]\s*['\"]?(?![$'\"\s])\S",
    re.IGNORECASE,
)
# `--password` alone: the next argument is its value
SECRET_OPTION = re.compile(r"^--?[\w-]*(password|passwd|secret|token|key|credential)[\w-]*$", re.I)
# credentials in a URL: scheme://user:password@host, the user not a variable
URL_CREDENTIALS = re.compile(r"://[^/\s:@$]+:[^@\s]+@")


def render(root: Path, overlay: str) -> list[dict[str, Any]]:
    """`kubectl kustomize` of one overlay under `root` (an infra/k8s folder), as documents."""
    rendered = subprocess.run(
        [KUBECTL, "kustomize", str(root / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    return [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]


def name_of(resource: dict[str, Any]) -> str:
    return f"{resource['kind']}/{resource['metadata']['name']}"


def containers(resource: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Each container of a resource that runs pods: its name for a reader, the container, and
    whether it runs for as long as the pod (and so must answer probes)."""
    if resource["kind"] not in POD_SPECS:
        return
    spec = pod_spec(resource)
    for container in spec.get("initContainers", []):
        yield f"{name_of(resource)} init container {container['name']}", container, False
    long_running = resource["kind"] not in RUN_TO_END
    for container in spec["containers"]:
        yield f"{name_of(resource)} container {container['name']}", container, long_running


def pinned(image: str) -> bool:
    """An image named by an exact version (a tag other than `latest`) or a digest."""
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    return ":" in last and last.rsplit(":", 1)[1] not in ("", "latest")


def secrets_in_command(line: list[str]) -> list[str]:
    found = []
    for index, argument in enumerate(line):
        if SECRET_ASSIGNED.search(argument) or URL_CREDENTIALS.search(argument):
            found.append(argument)
        elif SECRET_OPTION.match(argument) and index + 1 < len(line):
            value = line[index + 1]
            if not value.startswith("$"):
                found.append(f"{argument} {value}")
    return found


def problems(resources: list[dict[str, Any]]) -> list[str]:
    """What an operations team refuses, one line each: a secret written into a manifest, an
    image not pinned, a container without requests and limits, a long-running one without
    its probes, a container that may run as root or keep capabilities."""
    found: list[str] = []
    for resource in resources:
        if resource["kind"] == "ConfigMap":
            for key in resource.get("data", {}):
                if SECRET_NAME.search(key) and not NAMES_A_PLACE.search(key):
                    found.append(f"{name_of(resource)}: {key} looks like a secret in a ConfigMap")
        if resource["kind"] == "Cluster":  # CloudNativePG's PostgreSQL
            if not pinned(resource["spec"].get("imageName", "")):
                found.append(f"{name_of(resource)}: the PostgreSQL image is not pinned")
            limits = resource["spec"].get("resources", {})
            if not {"requests", "limits"} <= limits.keys():
                found.append(f"{name_of(resource)}: no resource requests and limits")
        for where, container, long_running in containers(resource):
            found += container_problems(where, container, long_running, resource)
    return found


def container_problems(
    where: str, container: dict[str, Any], long_running: bool, resource: dict[str, Any]
) -> list[str]:
    found = []
    if not pinned(container.get("image", "")):
        found.append(f"{where}: image {container.get('image')!r} is not pinned to a version")
    for variable in container.get("env", []):
        if "value" not in variable:
            continue
        if SECRET_NAME.search(variable["name"]) and not NAMES_A_PLACE.search(variable["name"]):
            found.append(f"{where}: {variable['name']} is a literal value, not a Secret's")
        elif URL_CREDENTIALS.search(str(variable["value"])):
            found.append(f"{where}: {variable['name']} carries credentials in a URL")
    for argument in secrets_in_command(container.get("command", []) + container.get("args", [])):
        found.append(f"{where}: a secret in its command line: {argument!r}")
    limits = container.get("resources", {})
    for bound in ("requests", "limits"):
        if not {"cpu", "memory"} <= limits.get(bound, {}).keys():
            found.append(f"{where}: no cpu and memory {bound}")
    if long_running:
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            if probe not in container:
                found.append(f"{where}: no {probe}")
    context = container.get("securityContext", {})
    pod_context = pod_spec(resource).get("securityContext", {})
    if not (context.get("runAsNonRoot") or pod_context.get("runAsNonRoot")):
        found.append(f"{where}: may run as root (no runAsNonRoot)")
    if context.get("allowPrivilegeEscalation") is not False:
        found.append(f"{where}: may escalate its privileges")
    if "ALL" not in context.get("capabilities", {}).get("drop", []):
        found.append(f"{where}: keeps its capabilities (drop ALL)")
    return found


def pod_spec(resource: dict[str, Any]) -> dict[str, Any]:
    spec: Any = resource
    for step in POD_SPECS[resource["kind"]]:
        spec = spec[step]
    return dict(spec)
