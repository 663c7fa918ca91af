"""CO-01 and CO-02 through the API, from interview records: ill-treatment alleged, the
caution, the lawyer and the interpreter. Every outcome of both rules is reached, in a BE-FR
JIT with both shipped rulebooks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People


@pytest.fixture
def team(people: People) -> Team:
    return open_team(people, ["BE", "FR"])


def interviewed(team: Team, reference: str, **record: Any) -> str:
    """A BE suspect interview of ten days ago; how it was conducted recorded as `record`
    says (nothing recorded when `record` is empty)."""
    item = team.collected(
        "BE",
        reference,
        kind="suspect_interview",
        method="interview",
        occurred_at=days_ago(10),
        kept_at=days_ago(10, "11:00"),
    )
    if record:
        body = {
            "suspect_language": "nl",
            "interview_language": "nl",
            "caution_given": True,
            "lawyer": "present",
            "occurred_at": days_ago(10),
        }
        team.post(team.investigators["BE"], f"/evidence/{item}/interview", body | record)
    return item


def test_an_interview_is_excluded_when_ill_treatment_is_alleged(team: Team) -> None:
    # Given an interview whose conduct is not on record: neither rule can tell
    unrecorded = interviewed(team, "INT-UNRECORDED")
    team.reached(unrecorded, "FR", "CO-01", "UNKNOWN")
    team.reached(unrecorded, "FR", "CO-02", "UNKNOWN")
    # an interview with its caution, a lawyer and in the suspect's language
    sound = interviewed(team, "INT-SOUND", caution_given=True)
    for country in ("BE", "FR"):
        team.reached(sound, country, "CO-01", "PASS")
        team.reached(sound, country, "CO-02", "PASS")
    # an interview in which ill-treatment is alleged: excluded everywhere, and never
    # forfeited in FR (CO-01 is absolute)
    alleged = interviewed(team, "INT-ALLEGED", ill_treatment_alleged=True)
    for country in ("BE", "FR"):
        [failed] = team.reached(alleged, country, "CO-01", "FAIL")
        assert "ECHR Art. 3" in failed["reason"]


def test_an_interview_needs_the_caution_and_a_lawyer(team: Team) -> None:
    # Given an interview with no caution: excluded
    no_caution = interviewed(team, "INT-NO-CAUTION", caution_given=False)
    [failed] = team.reached(no_caution, "BE", "CO-02", "FAIL")
    assert failed["reason"] == "no caution before the interview"
    # an interview without a lawyer and no waiver on record: a risk the court weighs
    no_lawyer = interviewed(team, "INT-NO-LAWYER", lawyer="absent")
    [risk] = team.reached(no_lawyer, "FR", "CO-02", "RISK")
    assert risk["reason"] == "no lawyer and no recorded waiver"
    # a waiver of the lawyer, recorded, is the suspect's right
    waived = interviewed(team, "INT-WAIVED", lawyer="waived")
    team.reached(waived, "FR", "CO-02", "PASS")
    # an interview in French of a Dutch speaker, with an interpreter
    interpreted = interviewed(
        team, "INT-INTERPRETED", interview_language="fr", interpreter="J. Peeters (sworn)"
    )
    team.reached(interpreted, "FR", "CO-02", "PASS")
