"""The Kubernetes manifests (infra/k8s/): every overlay renders, every resource is one the
API server accepts (strictly: no unknown field), and none holds what an operations team
refuses (a secret written in, an image not pinned, a container without bounds or probes).
The checker is shown to catch each of those in a broken copy."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.integration.deploy_config.manifests import K8S, OVERLAYS, name_of, problems, render

# the oldest Kubernetes the manifests are for, and the newest this kubectl knows
KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
# kubernetes-validate knows the built-in kinds only (it has no option for custom resource
# definitions): the custom resources are checked against the schemas kept beside this file
CUSTOM_SCHEMAS = Path(__file__).with_name("custom_resources.schema.json")


@cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    return tuple(render(K8S, overlay))


@cache
def custom_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = json.loads(CUSTOM_SCHEMAS.read_text())["schemas"]
    return schemas


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_renders_the_whole_deployment(overlay: str) -> None:
    kinds = {(r["kind"], r["metadata"]["name"]) for r in rendered(overlay)}
    for expected in (
        ("Deployment", "jitspace-app"),
        ("Deployment", "jitspace-worker"),
        ("Cluster", "jitspace-db"),
        ("Job", "jitspace-minio-bucket"),
        ("Ingress", "jitspace"),
        ("PodDisruptionBudget", "jitspace-app"),
        ("PodDisruptionBudget", "jitspace-worker"),
    ):
        assert expected in kinds
    assert all(r["metadata"].get("namespace", "jitspace") == "jitspace" for r in rendered(overlay))


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_resource_is_valid_for_the_api_server(overlay: str, version: str) -> None:
    custom = []
    for resource in rendered(overlay):
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            custom.append(resource)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(step) for step in error.path)
            pytest.fail(f"{name_of(resource)}: {where}: {error.message}")
    for resource in custom:
        key = f"{resource['apiVersion']}/{resource['kind']}"
        assert key in custom_schemas(), f"{name_of(resource)}: no schema for {key}"
        jsonschema.validate(resource, custom_schemas()[key])


def test_the_custom_resources_are_those_the_schemas_cover() -> None:
    custom = {
        f"{r['apiVersion']}/{r['kind']}"
        for overlay in OVERLAYS
        for r in rendered(overlay)
        if "." in r["apiVersion"].split("/")[0] and not r["apiVersion"].endswith(".k8s.io/v1")
    }
    assert custom == set(custom_schemas())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_overlay_holds_what_an_operations_team_refuses(overlay: str) -> None:
    assert problems(list(rendered(overlay))) == []


def test_the_secrets_come_from_secret_stores() -> None:
    # the database's URL from CloudNativePG's Secret, the signing key as a file readable by
    # the processes' group (uid 10001's), the object store's keys from a Secret
    app = next(r for r in rendered("cluster") if name_of(r) == "Deployment/jitspace-app")
    pod = app["spec"]["template"]["spec"]
    env = {e["name"]: e for e in pod["containers"][0]["env"]}
    assert env["JITSPACE_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "jitspace-db-app",
        "key": "uri",
    }
    assert "secretKeyRef" in env["JITSPACE_S3_SECRET_KEY"]["valueFrom"]
    key_volume = next(v for v in pod["volumes"] if v["name"] == "signing-key")
    assert key_volume["secret"]["defaultMode"] == 0o440
    assert pod["securityContext"]["fsGroup"] == 10001
    assert env["JITSPACE_RUN_PROJECTIONS"]["value"] == "false"
    externals = {
        r["spec"]["target"]["name"] for r in rendered("cluster") if r["kind"] == "ExternalSecret"
    }
    referenced = {
        ref["name"]
        for r in rendered("cluster")
        for ref in secret_references(r)
        if ref["name"] not in ("jitspace-db-app", "jitspace-tls")  # the operators' own
    }
    assert referenced <= externals


def secret_references(node: Any) -> list[dict[str, Any]]:
    """Every Secret a resource names (secretKeyRef, secret volumes, credentials)."""
    if isinstance(node, list):
        return [ref for item in node for ref in secret_references(item)]
    if not isinstance(node, dict):
        return []
    found = []
    if "secretName" in node:
        found.append({"name": node["secretName"]})
    for key in ("secretKeyRef", "accessKeyId", "secretAccessKey"):
        if isinstance(node.get(key), dict):
            found.append(node[key])
    return found + [ref for value in node.values() for ref in secret_references(value)]


def edit(path: Path, change: Any) -> None:
    """Change the documents of a YAML file (in place), through `change(documents)`."""
    documents = list(yaml.safe_load_all(path.read_text()))
    change(documents)
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))


def test_the_checker_names_each_thing_wrong_in_a_broken_copy(tmp_path: Path) -> None:
    copy = tmp_path / "k8s"
    shutil.copytree(K8S, copy)
    base = copy / "base"

    def app(documents: list[dict[str, Any]]) -> None:
        pod = documents[0]["spec"]["template"]["spec"]
        serve = pod["containers"][0]
        # a password written in, and one in the command line
        serve["env"].append({"name": "JITSPACE_S3_SECRET_KEY", "value": "hunter2"})
        serve["command"] += ["--token=hunter3"]
        # the migration without its limits
        del pod["initContainers"][0]["resources"]["limits"]

    def worker(documents: list[dict[str, Any]]) -> None:
        worker = documents[0]["spec"]["template"]["spec"]["containers"][0]
        del worker["livenessProbe"]
        worker["env"].append(
            {"name": "JITSPACE_DATABASE_URL", "value": "postgresql://jitspace:hunter4@db/jitspace"}
        )

    def images(documents: list[dict[str, Any]]) -> None:
        for image in documents[0]["images"]:
            if image["name"] == "minio-mc":
                image["newTag"] = "latest"

    edit(base / "app" / "deployment.yaml", app)
    edit(base / "worker" / "deployment.yaml", worker)
    edit(base / "kustomization.yaml", images)

    found = problems(render(copy, "single-node"))

    assert sorted(found) == sorted(
        [
            "Deployment/jitspace-app container app: JITSPACE_S3_SECRET_KEY is a literal value, "
            "not a Secret's",
            "Deployment/jitspace-app container app: a secret in its command line: "
            "'--token=hunter3'",
            "Deployment/jitspace-app init container migrate: no cpu and memory limits",
            "Deployment/jitspace-worker container worker: no livenessProbe",
            "Deployment/jitspace-worker container worker: JITSPACE_DATABASE_URL carries "
            "credentials in a URL",
            "Job/jitspace-minio-bucket container mc: image 'quay.io/minio/mc:latest' is not "
            "pinned to a version",
        ]
    )
