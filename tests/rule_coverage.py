"""Which test reaches which outcome of which rule through the HTTP API.

Read from the integration tests' calls of `reached(…)` / `team.reached(…)`
(tests/integration/admissibility_support.py), whose last two arguments name a rule and an
outcome as literals: each such call asserts, through the API, that the rule answers that
outcome from facts recorded through the API.

    .venv/bin/python -m tests.rule_coverage --write    rewrites the README's table

tests/unit/domain/admissibility/test_rule_coverage.py fails when the README's table is not
the one these calls give, when a call names an outcome its rule does not declare
(`domain.admissibility.rules.OUTCOMES`), or when a declared outcome has no call.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

from domain.admissibility.rules import OUTCOMES
from domain.rule_settings import RULE_TYPES, Outcome

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ROOT / "tests" / "integration"
README = ROOT / "README.md"
BEGIN = "<!-- rule-coverage: begin (python -m tests.rule_coverage --write) -->"
END = "<!-- rule-coverage: end -->"

Reach = tuple[str, str]  # (rule, outcome)


class Unreadable(Exception):
    """A call of `reached` whose rule or outcome is not a literal."""


def _tests_in(path: Path) -> dict[Reach, set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[Reach, set[str]] = defaultdict(set)
    name = path.relative_to(ROOT).as_posix()
    for test in ast.walk(tree):
        if not isinstance(test, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not test.name.startswith("test_"):
            continue
        for call in ast.walk(test):
            if not isinstance(call, ast.Call):
                continue
            called = call.func
            if not (
                (isinstance(called, ast.Name) and called.id == "reached")
                or (isinstance(called, ast.Attribute) and called.attr == "reached")
            ):
                continue
            args = call.args[-2:]
            if len(args) != 2 or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args
            ):
                raise Unreadable(
                    f"{name}:{call.lineno}: reached() must name its rule and outcome as literals"
                )
            rule, outcome = (str(a.value) for a in args if isinstance(a, ast.Constant))
            found[(rule, outcome)].add(f"{name}::{test.name}")
    return found


def reaches() -> dict[Reach, list[str]]:
    """(rule, outcome) -> the tests that reach it, sorted."""
    found: dict[Reach, set[str]] = defaultdict(set)
    for path in sorted(SCANNED.rglob("test_*.py")):
        for reach, tests in _tests_in(path).items():
            found[reach] |= tests
    return {reach: sorted(tests) for reach, tests in found.items()}


def undeclared(found: dict[Reach, list[str]]) -> list[str]:
    """Calls naming a rule or an outcome the catalogue does not declare."""
    return [
        f"{rule} {outcome}: {', '.join(tests)}"
        for (rule, outcome), tests in sorted(found.items())
        if rule not in OUTCOMES or outcome not in {o.value for o in OUTCOMES[rule]}
    ]


def unreached(found: dict[Reach, list[str]]) -> list[Reach]:
    return [
        (rule, o.value)
        for rule, outcomes in OUTCOMES.items()
        for o in Outcome
        if o in outcomes and (rule, o.value) not in found
    ]


def table(found: dict[Reach, list[str]]) -> str:
    lines = [
        BEGIN,
        "",
        "| rule | what it asks | outcome | reached through the API by |",
        "|---|---|---|---|",
    ]
    for rule, outcomes in OUTCOMES.items():
        title = RULE_TYPES[rule][0]
        for o in Outcome:
            if o not in outcomes:
                continue
            tests = found.get((rule, o.value))
            where = "<br>".join(f"`{t}`" for t in tests) if tests else "**not reached yet**"
            lines.append(f"| {rule} | {title} | {o.value} | {where} |")
            title = ""
    lines += ["", END]
    return "\n".join(lines)


def readme_with(text: str, generated: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + generated + text[end:]


def main() -> None:
    generated = table(reaches())
    if "--write" in sys.argv:
        README.write_text(readme_with(README.read_text(encoding="utf-8"), generated), "utf-8")
    else:
        print(generated)


if __name__ == "__main__":
    main()
