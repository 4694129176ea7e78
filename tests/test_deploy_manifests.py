"""The deployment files are valid against their schemas, so a broken manifest fails CI:
deploy/k8s/*.yaml against the Kubernetes API schemas (kubernetes-validate, strict:
unknown fields are errors too), deploy/docker-compose.yml against the Compose
Specification (tests/schemas/compose-spec.json, vendored from the docker-compose
1.29.2 package on PyPI, compose/config/compose_spec.json)."""

from __future__ import annotations

import copy
import json

import jsonschema
import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import ValidationError as KubernetesValidationError

from bot.settings import PROJECT_ROOT

K8S_DIR = PROJECT_ROOT / "deploy" / "k8s"
COMPOSE_FILE = PROJECT_ROOT / "deploy" / "docker-compose.yml"
COMPOSE_SCHEMA = PROJECT_ROOT / "tests" / "schemas" / "compose-spec.json"
KUBERNETES_VERSION = "1.28"


def k8s_documents() -> list[dict]:
    docs = [d for path in sorted(K8S_DIR.glob("*.yaml")) for d in yaml.safe_load_all(path.read_text()) if d]
    assert docs, f"no manifests in {K8S_DIR}"
    return docs


def validate_k8s(document: dict) -> None:
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def validate_compose(document: dict) -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    jsonschema.Draft201909Validator(schema).validate(document)  # the draft its $schema names


@pytest.mark.parametrize("document", k8s_documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_kubernetes_manifest_is_valid(document):
    validate_k8s(document)


def test_kubernetes_deployment_runs_two_replicas_in_production_mode():
    docs = {d["kind"]: d for d in k8s_documents()}
    assert docs["Deployment"]["spec"]["replicas"] == 2
    assert docs["ConfigMap"]["data"]["PRODUCTION"] == "1"


def test_a_broken_kubernetes_manifest_is_rejected():
    deployment = next(d for d in k8s_documents() if d["kind"] == "Deployment")
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["replicas"] = "two"
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containres"] = misspelt["spec"]["template"]["spec"].pop("containers")
    for broken in (wrong_type, misspelt):
        with pytest.raises(KubernetesValidationError):
            validate_k8s(broken)


def test_compose_file_is_valid():
    validate_compose(yaml.safe_load(COMPOSE_FILE.read_text()))


def test_a_broken_compose_file_is_rejected():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    wrong_type = copy.deepcopy(compose)
    wrong_type["services"]["nginx"]["ports"] = 80
    misspelt = copy.deepcopy(compose)
    misspelt["services"]["redis"]["comand"] = misspelt["services"]["redis"].pop("command")
    for broken in (wrong_type, misspelt):
        with pytest.raises(jsonschema.ValidationError):
            validate_compose(broken)
