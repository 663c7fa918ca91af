"""Every outcome of every rule is reached by a test through the HTTP API, and the README's
table says which (tests/rule_coverage.py reads the tests' `reached(…)` calls): a rule that
gains an outcome no API test reaches fails here."""

from __future__ import annotations

import inspect
import re

from domain.admissibility import rules
from domain.admissibility.rules import OUTCOMES, REGISTRY, context
from tests import rule_coverage


def test_every_call_names_a_declared_rule_and_outcome() -> None:
    assert rule_coverage.undeclared(rule_coverage.reaches()) == []


def test_every_declared_outcome_is_reached_through_the_api() -> None:
    assert rule_coverage.unreached(rule_coverage.reaches()) == [], (
        "no test reaches these outcomes through the API"
    )


def test_the_readme_table_is_the_one_the_tests_give() -> None:
    readme = rule_coverage.README.read_text(encoding="utf-8")
    generated = rule_coverage.table(rule_coverage.reaches())
    assert rule_coverage.readme_with(readme, generated) == readme, (
        "run: python -m tests.rule_coverage --write"
    )


def test_a_rule_answers_only_outcomes_it_declares() -> None:
    # The outcomes a rule's function names (directly, in the wrapper that asks for its
    # authorisation or interview, or in a helper of their modules) are among those it
    # declares; outcomes a rulebook parameter chooses are declared by hand.
    named = re.compile(r"\b(PASS|WARN|FORFEITED|RESTRICT|RISK|FAIL|UNKNOWN)\b")
    for rule, check in REGISTRY.items():
        inner = inspect.unwrap(check)
        parts = [(inner, inspect.getsource(inner))]
        if inner is not check:  # the wrapper's own code (`functools.wraps` hides it)
            parts.append((context, inspect.getsource(check.__code__)))
        source = ""
        for owner, text in parts:
            source += text
            module = inspect.getmodule(owner)
            for called in set(re.findall(r"\b(\w+)\(", text)):
                helper = getattr(module, called, None)
                if inspect.isfunction(helper) and helper not in REGISTRY.values():
                    source += inspect.getsource(helper)
        answered = set(named.findall(source))
        declared = {o.value for o in OUTCOMES[rule]}
        assert answered <= declared, f"{rule} answers {sorted(answered - declared)} too"
    assert rules.OUTCOMES.keys() == REGISTRY.keys()
