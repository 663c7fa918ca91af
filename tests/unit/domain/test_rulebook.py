"""A country's rulebook: adopted from a shipped file, amended by its own legal advisor only;
bad rules are refused with a message that names what is wrong."""

from __future__ import annotations

import pytest

from domain.commands import SetRule
from domain.errors import PermissionDenied, RuleViolation
from domain.rulebook import Rulebook
from jitspace.rulebooks import load_shipped, shipped_names


def adopt(team, actor, rules, country="FR"):
    return Rulebook.adopt(
        team.investigation,
        actor,
        country=country,
        source_name="test.toml",
        source_version="1",
        source_sha256="0" * 64,
        rules=rules,
    )


def test_every_shipped_rulebook_is_marked_illustrative_and_valid():
    assert {"fr", "be", "nl", "de"} <= set(shipped_names())
    for name in shipped_names():
        book = load_shipped(name)
        assert book is not None and book.content.illustrative
        assert "not legal advice" in book.content.notice


def test_a_legal_advisor_adopts_the_shipped_rulebook_of_their_country(team):
    book = load_shipped("fr")
    assert book is not None
    rulebook = adopt(team, team.actor(team.fr_legal_advisor), book.content.rules)
    assert "PR-01" in rulebook.rules


def test_an_unknown_rule_type_is_refused(team):
    with pytest.raises(RuleViolation, match="unknown rule type 'XX-99'"):
        adopt(team, team.actor(team.fr_legal_advisor), [{"rule": "XX-99"}])


def test_a_parameter_of_the_wrong_type_is_refused(team):
    with pytest.raises(RuleViolation, match=r"CU-01: bad parameter: Expected `int`, got `str`"):
        adopt(
            team,
            team.actor(team.fr_legal_advisor),
            [{"rule": "CU-01", "params": {"gap_hours": "a day"}}],
        )


def test_a_rule_referring_to_a_country_outside_the_jit_is_refused(team):
    with pytest.raises(RuleViolation, match="refers to US, not a party of this JIT"):
        adopt(
            team,
            team.actor(team.fr_legal_advisor),
            [{"rule": "AU-02", "params": {"only_for": ["US"]}}],
        )


def test_only_that_countrys_legal_advisor_amends_its_rulebook(team):
    rulebook = adopt(team, team.actor(team.fr_legal_advisor), [{"rule": "AU-02"}])
    with pytest.raises(PermissionDenied, match="only a legal advisor of FR"):
        rulebook.set_rule(
            team.investigation,
            team.actor(team.be_legal_advisor),
            SetRule(
                investigation_id=team.investigation.id,
                country=rulebook.country,
                rule="PR-01",
                reason="",
            ),
        )
    with pytest.raises(PermissionDenied):
        rulebook.set_rule(
            team.investigation,
            team.actor(team.fr_investigator),
            SetRule(
                investigation_id=team.investigation.id,
                country=rulebook.country,
                rule="PR-01",
                reason="",
            ),
        )
    rulebook.set_rule(
        team.investigation,
        team.actor(team.fr_legal_advisor),
        SetRule(
            investigation_id=team.investigation.id,
            country=rulebook.country,
            rule="AU-12",
            params={"severity": "FAIL"},
            reason="strict",
        ),
    )
    assert rulebook.rules["AU-12"].params == {"severity": "FAIL"}
