"""Use cases of rulebooks."""

from __future__ import annotations

import pytest

from domain.commands import AdoptRulebook, RemoveRule, SetRule
from domain.errors import PermissionDenied, RuleViolation

from .conftest import Team


def test_a_legal_advisor_adopts_a_shipped_rulebook_and_amends_it(team: Team) -> None:
    adopted = team.app.adopt_rulebook(
        team.fr_legal, AdoptRulebook(investigation_id=team.id, country="FR", source="fr")
    )
    assert adopted.rules
    rule = next(iter(adopted.rules))
    amended = team.app.remove_rule(
        team.fr_legal,
        RemoveRule(
            investigation_id=team.id,
            country="FR",
            expected_version=adopted.version,
            rule=rule,
            reason="not applied",
        ),
    )
    assert rule not in team.app.rulebook_for(team.leader, team.id, "FR").rules
    assert amended.version == adopted.version + 1


def test_a_second_rulebook_and_another_partys_amendment_are_refused(team: Team) -> None:
    team.app.adopt_rulebook(
        team.fr_legal, AdoptRulebook(investigation_id=team.id, country="FR", source="fr")
    )
    before = team.position()
    with pytest.raises(RuleViolation, match="already"):
        team.app.adopt_rulebook(
            team.fr_legal, AdoptRulebook(investigation_id=team.id, country="FR", source="de")
        )
    with pytest.raises(PermissionDenied):
        team.app.set_rule(
            team.be_legal,
            SetRule(investigation_id=team.id, country="FR", rule="PR-01", reason="mine"),
        )
    assert team.position() == before
