"""What the compose deployment is made of, read from its files: the nginx template's
variables are all set, and no password is written anywhere but in secrets files."""

from __future__ import annotations

import re

import pytest

from tests.deploy.machine import INFRA, TEMPLATE, env_example, required

COMPOSE = INFRA / "compose" / "compose.yaml"


def test_the_proxy_sets_every_variable_of_the_template() -> None:
    used = set(re.findall(r"\$\{(PROXY_\w+)\}", TEMPLATE.read_text()))
    set_here = set(re.findall(r"^\s+(PROXY_\w+):", COMPOSE.read_text(), re.MULTILINE))
    assert used == set_here
    assert 'NGINX_ENVSUBST_FILTER: "^PROXY_"' in COMPOSE.read_text()


def test_passwords_are_read_from_files_only() -> None:
    compose = COMPOSE.read_text()
    for variable in ("POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"):
        assert re.search(rf"{variable}:", compose) is None
        assert f"{variable}_FILE: /run/secrets/" in compose
    settings = env_example()
    for secret in ("DATABASE_PASSWORD", "S3_SECRET_KEY", "METRICS_TOKEN", "SIGNING_KEY"):
        assert settings[f"JITSPACE_{secret}_FILE"].startswith("/run/secrets/")
        assert f"JITSPACE_{secret}" not in settings
    assert ":" not in settings["JITSPACE_DATABASE_URL"].split("//")[1].split("@")[0]


def test_a_missing_program_fails_naming_the_debian_packages() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install .* postgresql nginx"):
        required("nginx", None)
