"""A forum's verdict on one item: every rule of its rulebook, the worst outcome decides.

The same functions answer for the live projection and for any past date replayed from the
log, so both give the same verdict. Verdicts are risk flags for lawyers: the court decides.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from domain.admissibility.facts import CaseFile, ItemFacts
from domain.admissibility.params import Forfeiture, parse_params
from domain.admissibility.results import (
    VERDICT_OF,
    CountryVerdict,
    Outcome,
    RuleResult,
    Verdict,
    worst,
)
from domain.admissibility.rules import REGISTRY, Context


def matrix(case: CaseFile, on: datetime, items: set[UUID] | None = None) -> list[CountryVerdict]:
    """Every (item, country) verdict on date `on`: items collected by then, every party."""
    countries = sorted(case.case.parties) if case.case else []
    memo: dict[tuple[UUID, str], CountryVerdict | None] = {}
    ids = case.items if items is None else items
    return [
        v
        for evidence_id in ids
        for country in countries
        if (v := evaluate(case, evidence_id, country, on, memo)) is not None
    ]


def evaluate(
    case: CaseFile,
    evidence_id: UUID,
    forum: str,
    on: datetime,
    memo: dict[tuple[UUID, str], CountryVerdict | None] | None = None,
) -> CountryVerdict | None:
    """The verdict of `forum` on the item as of `on`; None if the item was not collected."""
    memo = {} if memo is None else memo
    key = (evidence_id, forum)
    if key in memo:
        return memo[key]
    memo[key] = None  # a derivation cycle reads as "parent unknown"
    item = case.items.get(evidence_id)
    if item is None or item.collected_at > on:
        return None

    def parent_outcome(parent_id: UUID) -> tuple[Outcome, str] | None:
        v = evaluate(case, parent_id, forum, on, memo)
        if v is None:
            return None
        failed = [r for r in v.results if r.outcome is v.outcome]
        return v.outcome, "; ".join(f"{r.rule} {r.reason}" for r in failed[:2])

    ctx = Context(item, case, forum, on, parent_outcome)
    book = case.rulebooks.get(forum)
    if book is None:
        results: list[RuleResult] = [
            RuleResult(
                "RULEBOOK",
                Outcome.UNKNOWN,
                f"{forum} has no rulebook in this JIT",
                missing=f"Rulebook.Adopted for {forum}",
                cure=f"{forum}'s legal advisor adopts a rulebook",
            )
        ]
    else:
        results = []
        for rule_id, spec in book.rules.items():
            if rule_id == "PR-01":
                continue
            params = parse_params(spec)
            if params.only_for and item.country not in params.only_for:
                continue
            for r in REGISTRY[rule_id](ctx, params):
                outcome = r.outcome
                if params.severity is not None and outcome not in (Outcome.PASS, Outcome.UNKNOWN):
                    outcome = params.severity
                results.append(msgspec.structs.replace(r, rule=rule_id, outcome=outcome))
        if "PR-01" in book.rules:
            params = parse_params(book.rules["PR-01"])
            assert isinstance(params, Forfeiture)
            results = forfeit(results, item, forum, on, params)
    outcome = worst([r.outcome for r in results])
    verdict = CountryVerdict(evidence_id, forum, VERDICT_OF[outcome], outcome, tuple(results))
    memo[key] = verdict
    return verdict


def forfeit(
    results: list[RuleResult], item: ItemFacts, forum: str, on: datetime, params: Forfeiture
) -> list[RuleResult]:
    """PR-01: a failure not raised before the forum's court within the deadline (counted from
    the collection) is forfeited; before the deadline it stands, and PR-01 says so."""
    failed = [r for r in results if r.outcome is Outcome.FAIL and r.rule not in params.absolute]
    if not failed:
        return [*results, RuleResult("PR-01", Outcome.PASS, "no defect to raise")]
    deadline = item.collected_at + timedelta(days=params.deadline_days)
    raised = [
        d for d in item.defects_raised if d.country == forum and d.occurred_at <= min(deadline, on)
    ]
    out: list[RuleResult] = []
    for r in results:
        if r in failed and not any(d.rule in ("", r.rule) for d in raised) and on > deadline:
            r = msgspec.structs.replace(
                r,
                outcome=Outcome.FORFEITED,
                reason=f"{r.reason} — not raised by {deadline:%Y-%m-%d}: forfeited",
            )
        out.append(r)
    if raised:
        out.append(
            RuleResult(
                "PR-01", Outcome.PASS, "the defect was raised in time", tuple(d.ref for d in raised)
            )
        )
    elif on > deadline:
        out.append(
            RuleResult(
                "PR-01",
                Outcome.FORFEITED,
                f"no defect raised before {deadline:%Y-%m-%d}",
                missing="EvidenceItem.DefectRaised",
            )
        )
    else:
        out.append(
            RuleResult(
                "PR-01",
                Outcome.UNKNOWN,
                f"the defect may still be raised until {deadline:%Y-%m-%d}",
                missing="EvidenceItem.DefectRaised",
                cure="nothing yet: the deadline has not passed",
            )
        )
    return out


__all__ = ["Verdict", "evaluate", "forfeit", "matrix"]
