"""The scheduled re-verification of evidence files is off unless asked for, and asked for
only with the member it acts as."""

from __future__ import annotations

import pytest

from jitspace.settings import BadSetting, Settings


def test_scheduled_re_verification_is_off_by_default() -> None:
    assert Settings.from_env({}).evidence_verify_interval_seconds == 0


def test_an_interval_without_the_member_it_acts_as_is_refused() -> None:
    with pytest.raises(BadSetting, match="JITSPACE_EVIDENCE_VERIFY_AS"):
        Settings.from_env({"JITSPACE_EVIDENCE_VERIFY_INTERVAL_SECONDS": "86400"})


def test_an_interval_with_the_member_it_acts_as() -> None:
    settings = Settings.from_env(
        {
            "JITSPACE_EVIDENCE_VERIFY_INTERVAL_SECONDS": "86400",
            "JITSPACE_EVIDENCE_VERIFY_AS": "evidence-officer",
        }
    )
    assert settings.evidence_verify_interval_seconds == 86400
    assert settings.evidence_verify_as == "evidence-officer"
