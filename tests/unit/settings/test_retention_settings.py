"""The retention sweep is off unless asked for, and asked for only with the member (a JIT
leader) it acts as."""

from __future__ import annotations

import pytest

from jitspace.settings import BadSetting, Settings


def test_the_retention_sweep_is_off_by_default() -> None:
    assert Settings.from_env({}).retention_interval_seconds == 0


def test_an_interval_without_the_member_it_acts_as_is_refused() -> None:
    with pytest.raises(BadSetting, match="JITSPACE_RETENTION_AS"):
        Settings.from_env({"JITSPACE_RETENTION_INTERVAL_SECONDS": "86400"})


def test_an_interval_with_the_member_it_acts_as() -> None:
    settings = Settings.from_env(
        {"JITSPACE_RETENTION_INTERVAL_SECONDS": "86400", "JITSPACE_RETENTION_AS": "records-officer"}
    )
    assert settings.retention_interval_seconds == 86400
    assert settings.retention_as == "records-officer"
