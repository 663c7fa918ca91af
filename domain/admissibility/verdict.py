"""A forum's verdict on one item: every rule of its rulebook, the worst definite outcome
decides (the rules that lack facts are listed beside it; UNKNOWN only where nothing but
missing facts keeps the item from passing).

The same functions answer for the live projection and for any past date replayed from the
log, so both give the same verdict. Verdicts are risk flags for lawyers: the court decides.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID

import msgspec

from domain.admissibility.facts import CaseFile, ItemFacts, RulebookFacts
from domain.admissibility.results import (
    VERDICT_OF,
    CountryVerdict,
    RuleResult,
    Verdict,
    worst,
)
from domain.admissibility.rules import FORUM_FREE, REGISTRY, Context, Rule, day
from domain.rule_settings import Forfeiture, Outcome, Params, parse_params
from domain.values import EU_BODIES

Memo = dict[tuple[UUID, str], CountryVerdict | None]
Shared = dict[UUID, dict[tuple[str, int], list[RuleResult]]]  # item -> (rule, variant) ->
PASS, UNKNOWN, FAIL, FORFEITED = Outcome.PASS, Outcome.UNKNOWN, Outcome.FAIL, Outcome.FORFEITED
replace = msgspec.structs.replace


class BookRule(NamedTuple):
    """One rule of a book ready to apply: its check and parsed parameters, the parties it
    applies to (empty: all) and the outcome its failures take (None: the rule's own), and
    for a forum-free rule which of the rule's variants (parameters) it is."""

    rule: str
    check: Rule
    params: Params
    only_for: frozenset[str]
    severity: Outcome | None
    variant: tuple[str, int] | None


class Book(NamedTuple):
    """A forum's rulebook ready to apply."""

    rules: tuple[BookRule, ...]
    forfeiture: Forfeiture | None  # PR-01, applied to the other rules' results


def book_of(rulebook: RulebookFacts, variants: dict[str, list[Params]] | None = None) -> Book:
    """`variants` gathers the forum-free rules' parameters across the books made with it:
    forums that set a rule alike get the same variant of it."""
    variants = {} if variants is None else variants
    rules: list[BookRule] = []
    for rule_id, spec in rulebook.rules.items():
        if rule_id == "PR-01":
            continue
        params = parse_params(spec)
        variant = None
        if rule_id in FORUM_FREE:
            seen = variants.setdefault(rule_id, [])
            if params not in seen:
                seen.append(params)
            variant = (rule_id, seen.index(params))
        only_for = frozenset(params.only_for)
        rules.append(
            BookRule(rule_id, REGISTRY[rule_id], params, only_for, params.severity, variant)
        )
    forfeiture = rulebook.rules.get("PR-01")
    parsed = parse_params(forfeiture) if forfeiture is not None else None
    assert parsed is None or isinstance(parsed, Forfeiture)
    return Book(tuple(rules), parsed)


def books_of(case: CaseFile) -> dict[str, Book]:
    """Every forum's rulebook, parsed once for all the verdicts asked together."""
    variants: dict[str, list[Params]] = {}
    return {country: book_of(book, variants) for country, book in case.rulebooks.items()}


def matrix(case: CaseFile, on: datetime, items: set[UUID] | None = None) -> list[CountryVerdict]:
    """Every (item, country) verdict on date `on`: items collected by then, every party."""
    due = dict.fromkeys(case.items if items is None else items, on)
    return [v for v, _ in matrix_due(case, due)]


def matrix_due(
    case: CaseFile, due: Mapping[UUID, datetime]
) -> Iterator[tuple[CountryVerdict, datetime]]:
    """Each item's verdict in every party on the item's own date; items not collected by
    then have none. The rulebooks are parsed once for all of them."""
    # the forums are the team's states: an EU body (Europol, Eurojust...) is a party with no
    # courts of its own
    countries = sorted(c for c in case.case.parties if c not in EU_BODIES) if case.case else []
    books = books_of(case)
    memos: dict[datetime, tuple[Memo, Shared]] = {}  # verdicts depend on the date asked
    for evidence_id, on in due.items():
        memo, shared = memos.setdefault(on, ({}, {}))
        for country in countries:
            v = evaluate(case, evidence_id, country, on, memo, books, shared)
            if v is not None:
                yield v, on


def evaluate(
    case: CaseFile,
    evidence_id: UUID,
    forum: str,
    on: datetime,
    memo: Memo | None = None,
    books: Mapping[str, Book] | None = None,
    shared: Shared | None = None,
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
    if books is None:
        rulebook = case.rulebooks.get(forum)
        books = {} if rulebook is None else {forum: book_of(rulebook)}

    def parent_outcome(parent_id: UUID) -> tuple[Outcome, str] | None:
        v = evaluate(case, parent_id, forum, on, memo, books, shared)
        if v is None:
            return None
        failed = [r for r in v.results if r.outcome is v.outcome]
        return v.outcome, "; ".join(f"{r.rule} {r.reason}" for r in failed[:2])

    ctx = Context(item, case, forum, on, parent_outcome)
    book = books.get(forum)
    if book is None:
        results: list[RuleResult] = [
            RuleResult(
                "RULEBOOK",
                UNKNOWN,
                f"{forum} has no rulebook in this JIT",
                missing=f"Rulebook.Adopted for {forum}",
                cure=f"{forum}'s legal advisor adopts a rulebook",
            )
        ]
    else:
        results = []
        country = item.country
        mine = None if shared is None else shared.setdefault(evidence_id, {})
        for rule_id, check, params, only_for, severity, variant in book.rules:
            if only_for and country not in only_for:
                continue
            if variant is not None and mine is not None:
                done = mine.get(variant)
                if done is not None:
                    results += done
                    continue
            if severity is None:
                answered = [replace(r, rule=rule_id) for r in check(ctx, params)]
            else:
                answered = [
                    replace(r, rule=rule_id)
                    if r.outcome is PASS or r.outcome is UNKNOWN
                    else replace(r, rule=rule_id, outcome=severity)
                    for r in check(ctx, params)
                ]
            results += answered
            if variant is not None and mine is not None:
                mine[variant] = answered
        if book.forfeiture is not None:
            results = forfeit(results, item, forum, on, book.forfeiture)
    outcome = worst([r.outcome for r in results])
    verdict = CountryVerdict(evidence_id, forum, VERDICT_OF[outcome], outcome, tuple(results))
    memo[key] = verdict
    return verdict


NO_DEFECT = RuleResult("PR-01", PASS, "no defect to raise")

# Failures that a court has already ruled on: nothing is left for the defence to raise, so
# no deadline can forfeit them, whatever the rulebook's `absolute` list says (AU-07: a
# ruling annulled the measure).
RULED_BY_A_COURT = frozenset({"AU-07"})


def forfeit(
    results: list[RuleResult], item: ItemFacts, forum: str, on: datetime, params: Forfeiture
) -> list[RuleResult]:
    """PR-01: a failure not raised before the forum's court within the deadline (counted from
    the collection) is forfeited; before the deadline it stands, and PR-01 says so."""
    failed = [
        r
        for r in results
        if r.outcome is FAIL and r.rule not in params.absolute and r.rule not in RULED_BY_A_COURT
    ]
    if not failed:
        return [*results, NO_DEFECT]
    deadline = item.collected_at + timedelta(days=params.deadline_days)
    raised = [
        d for d in item.defects_raised if d.country == forum and d.occurred_at <= min(deadline, on)
    ]
    unraised = [r for r in failed if not any(d.rule in ("", r.rule) for d in raised)]
    # failures not raised yet are forfeited when the deadline passes, with no new event
    pending = on <= deadline and bool(unraised)
    out = [
        replace(
            r, outcome=FORFEITED, reason=f"{r.reason} — not raised by {day(deadline)}: forfeited"
        )
        if on > deadline and r in unraised
        else r
        for r in results
    ]
    if raised:
        out.append(
            RuleResult(
                "PR-01",
                PASS,
                "the defect was raised in time",
                tuple(d.ref for d in raised),
                until=deadline if pending else None,
            )
        )
    elif on > deadline:
        out.append(
            RuleResult(
                "PR-01",
                FORFEITED,
                f"no defect raised before {day(deadline)}",
                missing="a defect raised before the court",
            )
        )
    else:
        out.append(
            RuleResult(
                "PR-01",
                UNKNOWN,
                f"the defect may still be raised until {day(deadline)}",
                missing="a defect raised before the court",
                cure="nothing yet: the deadline has not passed",
                until=deadline,
            )
        )
    return out


__all__ = ["Book", "Verdict", "books_of", "evaluate", "forfeit", "matrix", "matrix_due"]
