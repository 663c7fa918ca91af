"""A forum-free rule's results are worked out once per item and date and shared by every
forum whose rulebook sets the rule alike: that rule must answer the same in every forum, and
a matrix evaluated with sharing must equal each cell evaluated on its own."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from domain.admissibility import facts as f
from domain.admissibility.rules import FORUM_FREE, REGISTRY, Context
from domain.admissibility.verdict import evaluate, matrix
from domain.rule_settings import Outcome, RuleSpec, parse_params
from jitspace.rulebooks import load_shipped
from tests.unit.domain.admissibility.test_rules import CASES, ON, base, item_of, subject


def results_in(forums: tuple[str, ...], rule: str, change: int) -> list[list[object]]:
    """The rule's results on one item and date (the rule tests' cases), in each forum."""
    params, changes, _, _ = CASES[rule]
    cf = base()
    cf.case.parties["NL"] = None  # type: ignore[union-attr]
    changes[change](cf)
    item = subject(rule, cf)
    spec = parse_params(RuleSpec(rule, params))
    out = []
    for forum in forums:

        def parent(_: UUID, forum: str = forum) -> tuple[Outcome, str]:
            # a parent's verdict that differs by forum: a rule reading it is not forum-free
            return (Outcome.FAIL, "fails in FR") if forum == "FR" else (Outcome.PASS, "")

        out.append(list(REGISTRY[rule](Context(item, cf, forum, ON, parent), spec)))
    return out


@pytest.mark.parametrize("rule", sorted(FORUM_FREE & CASES.keys()))
@pytest.mark.parametrize("change", [0, 1, 2])
def test_a_forum_free_rule_answers_alike_in_every_forum(rule, change):
    fr, be, nl = results_in(("FR", "BE", "NL"), rule, change)
    assert fr == be == nl


def test_a_matrix_sharing_results_across_forums_equals_each_cell_on_its_own():
    cf = base()
    cf.case.parties["NL"] = None  # type: ignore[union-attr]
    for country in ("FR", "BE", "NL"):
        shipped = load_shipped(country.lower())
        assert shipped is not None
        rules = {r["rule"]: RuleSpec(r["rule"], r.get("params", {})) for r in shipped.content.rules}
        if country == "NL":  # one forum sets a forum-free rule otherwise: not shared with it
            rules["CU-01"] = RuleSpec("CU-01", {"gap_hours": 0, "severity": "FAIL"})
        cf.rulebooks[country] = f.RulebookFacts(country, "test", rules, {})
    item = item_of(cf)
    item.custody_at = item.collected_at + timedelta(hours=2)
    on = ON
    shared = matrix(cf, on)
    alone = [evaluate(cf, v.evidence_id, v.country, on) for v in shared]
    assert shared == alone
    by_country = {v.country: v for v in shared}
    assert by_country["NL"].outcome is Outcome.FAIL
    assert by_country["FR"].outcome is not Outcome.FAIL
