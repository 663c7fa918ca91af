"""A country's rulebook: adopted from a shipped file, amended by its own legal advisor only;
bad rules are refused with a message that names what is wrong."""

from __future__ import annotations

import pytest

from domain.errors import PermissionDenied, RuleViolation
from jitspace.rulebooks import load_shipped, shipped_names
from tests.unit.builders import adopt_rulebook, set_rule


def adopt(team, rules):
    """The French rulebook of these rules, adopted by the French legal advisor."""
    advisor = team.actor(team.fr_legal_advisor)
    return adopt_rulebook(team.investigation, advisor, "FR", rules, source_name="test.toml")


def test_every_shipped_rulebook_is_marked_illustrative_and_valid():
    assert {"fr", "be", "nl", "de"} <= set(shipped_names())
    for name in shipped_names():
        book = load_shipped(name)
        assert book is not None and book.content.illustrative
        assert "not legal advice" in book.content.notice


def test_a_legal_advisor_adopts_the_shipped_rulebook_of_their_country(team):
    book = load_shipped("fr")
    assert book is not None
    rulebook = adopt(team, book.content.rules)
    assert "PR-01" in rulebook.rules


def test_an_unknown_rule_type_is_refused(team):
    with pytest.raises(RuleViolation, match="unknown rule type 'XX-99'"):
        adopt(team, [{"rule": "XX-99"}])


def test_a_parameter_of_the_wrong_type_is_refused(team):
    with pytest.raises(RuleViolation, match=r"CU-01: bad parameter: Expected `int`, got `str`"):
        adopt(team, [{"rule": "CU-01", "params": {"gap_hours": "a day"}}])


def test_a_rule_referring_to_a_country_outside_the_jit_is_refused(team):
    with pytest.raises(RuleViolation, match="refers to US, not a party of this JIT"):
        adopt(team, [{"rule": "AU-02", "params": {"only_for": ["US"]}}])


def test_only_that_countrys_legal_advisor_amends_its_rulebook(team):
    rulebook = adopt(team, [{"rule": "AU-02"}])
    jit, pr_01 = team.investigation, set_rule(rulebook, "PR-01")
    with pytest.raises(PermissionDenied, match="only a legal advisor of FR"):
        rulebook.set_rule(jit, team.actor(team.be_legal_advisor), pr_01)
    with pytest.raises(PermissionDenied):
        rulebook.set_rule(jit, team.actor(team.fr_investigator), pr_01)
    strict = set_rule(rulebook, "AU-12", params={"severity": "FAIL"}, reason="strict")
    rulebook.set_rule(jit, team.actor(team.fr_legal_advisor), strict)
    assert rulebook.rules["AU-12"].params == {"severity": "FAIL"}
