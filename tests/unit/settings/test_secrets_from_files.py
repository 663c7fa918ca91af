"""Every secret setting may be read from a file (`JITSPACE_<NAME>_FILE`), as Docker and
Kubernetes mount secrets: its line ending removed, and never both the value and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from jitspace.settings import SECRETS, BadSetting, Settings


def secret_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "secret"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("name", SECRETS)
def test_a_secret_is_read_from_its_file_without_the_line_ending(name: str, tmp_path: Path) -> None:
    key = f"JITSPACE_{name.upper()}_FILE"
    settings = Settings.from_env({key: secret_file(tmp_path, "postgresql://s3cr3t value\n")})
    assert getattr(settings, name) == "postgresql://s3cr3t value"


def test_only_the_last_line_ending_is_removed(tmp_path: Path) -> None:
    path = secret_file(tmp_path, " spaced secret \r\n")
    settings = Settings.from_env({"JITSPACE_S3_SECRET_KEY_FILE": path})
    assert settings.s3_secret_key == " spaced secret "


@pytest.mark.parametrize("name", SECRETS)
def test_the_value_and_the_file_together_are_refused(name: str, tmp_path: Path) -> None:
    key = f"JITSPACE_{name.upper()}"
    env = {key: "one", f"{key}_FILE": secret_file(tmp_path, "another")}
    with pytest.raises(BadSetting, match=f"{key} and {key}_FILE are both set"):
        Settings.from_env(env)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(BadSetting, match=f"JITSPACE_METRICS_TOKEN_FILE='{missing}': cannot read"):
        Settings.from_env({"JITSPACE_METRICS_TOKEN_FILE": str(missing)})


def test_the_database_password_joins_the_url(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "JITSPACE_DATABASE_URL": "postgresql://jitspace@db:5432/jitspace",
            "JITSPACE_DATABASE_PASSWORD_FILE": secret_file(tmp_path, "p@ss/word:1\n"),
        }
    )
    assert settings.database_url == "postgresql://jitspace:p%40ss%2Fword%3A1@db:5432/jitspace"


def test_a_database_password_without_a_user_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadSetting, match="needs JITSPACE_DATABASE_URL naming the user"):
        Settings.from_env({"JITSPACE_DATABASE_PASSWORD": "secret"})


def test_a_database_password_besides_the_urls_is_refused() -> None:
    env = {
        "JITSPACE_DATABASE_URL": "postgresql://jitspace:one@db/jitspace",
        "JITSPACE_DATABASE_PASSWORD": "another",
    }
    with pytest.raises(BadSetting, match="keep one"):
        Settings.from_env(env)


def test_the_password_and_its_file_together_are_refused(tmp_path: Path) -> None:
    env = {
        "JITSPACE_DATABASE_URL": "postgresql://jitspace@db/jitspace",
        "JITSPACE_DATABASE_PASSWORD": "one",
        "JITSPACE_DATABASE_PASSWORD_FILE": secret_file(tmp_path, "another"),
    }
    with pytest.raises(BadSetting, match="both set"):
        Settings.from_env(env)
