"""Every outcome of every rule is reached by a test through the HTTP API, and the README's
table says which (tests/rule_coverage.py reads the tests' `reached(…)` calls)."""

from __future__ import annotations

import inspect
import re

from domain.admissibility import rules
from domain.admissibility.rules import OUTCOMES, REGISTRY
from tests import rule_coverage

# Outcomes no API test reaches yet, because the facts they need cannot be recorded yet
# (issue: every rule decides from facts the team can record). The test below fails both when
# one of them is reached (take it off) and when an outcome stops being reached: the list
# only shrinks.
NOT_YET_REACHED: dict[str, str] = {
    "AU-08": "UNKNOWN",  # no JIT on record: an item always belongs to an opened one
}


def test_every_call_names_a_declared_rule_and_outcome() -> None:
    assert rule_coverage.undeclared(rule_coverage.reaches()) == []


def test_every_declared_outcome_is_reached_through_the_api() -> None:
    unreached = rule_coverage.unreached(rule_coverage.reaches())
    waiting = [(rule, o) for rule, names in NOT_YET_REACHED.items() for o in names.split()]
    assert sorted(unreached) == sorted(waiting), (
        "reached now (take off NOT_YET_REACHED): "
        f"{sorted(set(waiting) - set(unreached))}; "
        f"no API test reaches: {sorted(set(unreached) - set(waiting))}"
    )


def test_the_readme_table_is_the_one_the_tests_give() -> None:
    readme = rule_coverage.README.read_text(encoding="utf-8")
    generated = rule_coverage.table(rule_coverage.reaches())
    assert rule_coverage.readme_with(readme, generated) == readme, (
        "run: python -m tests.rule_coverage --write"
    )


def test_a_rule_answers_only_outcomes_it_declares() -> None:
    # The outcomes a rule's function names (directly or in a helper of its module) are
    # among those it declares; outcomes a rulebook parameter chooses are declared by hand.
    named = re.compile(r"\b(PASS|WARN|FORFEITED|RESTRICT|RISK|FAIL|UNKNOWN)\b")
    for rule, check in REGISTRY.items():
        module = inspect.getmodule(check)
        source = inspect.getsource(check)
        for called in set(re.findall(r"\b(\w+)\(", source)):
            helper = getattr(module, called, None)
            if inspect.isfunction(helper) and helper not in REGISTRY.values():
                source += inspect.getsource(helper)
        answered = set(named.findall(source))
        declared = {o.value for o in OUTCOMES[rule]}
        assert answered <= declared, f"{rule} answers {sorted(answered - declared)} too"
    assert rules.OUTCOMES.keys() == REGISTRY.keys()
