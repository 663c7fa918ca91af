"""LA rules: language (interviews in a language understood, translations); and the PR rules
of procedure: PR-01, forfeiture, which `verdict.forfeit` applies; PR-02, facts recorded late."""

from __future__ import annotations

from datetime import timedelta

from domain import rule_settings as p
from domain.admissibility.facts import Interview
from domain.admissibility.results import RuleResult
from domain.admissibility.rules.context import (
    PASS,
    RISK,
    UNKNOWN,
    WARN,
    Context,
    day,
    interview_rule,
    not_understood,
    res,
    understood,
)
from domain.wording import fact


@interview_rule
def la_01(ctx: Context, i: Interview, _: p.Params) -> list[RuleResult]:
    if not understood(i):
        return not_understood(
            i,
            f"interviewed in {i.interview_language}, which the suspect "
            f"({i.suspect_language}) does not speak, with no interpreter",
        )
    return res(PASS, "interviewed in a language understood", [i.ref])


def la_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    d = ctx.item.derivation
    if d is None or d.relation != "translation":
        return res(PASS, "not a translation", [ctx.item.ref])
    if not d.made_by.strip():
        return res(RISK, "the translator is not identified", [d.ref], cure="record the translator")
    if d.parent_id not in ctx.case.items:
        return res(
            UNKNOWN,
            "the source is not on record",
            [d.ref],
            missing="the translated source document",
            cure="register the source document",
        )
    return res(PASS, f"translated by {d.made_by} from {d.parent_sha256[:12]}…", [d.ref])


def pr_01(ctx: Context, _: p.Forfeiture) -> list[RuleResult]:
    """Applied by `verdict.evaluate` to the other rules' failures: see `forfeit`."""
    return []


def pr_02(ctx: Context, params: p.LateRecords) -> list[RuleResult]:
    """A fact about the item (or about the authorisation it was collected under) recorded
    more than `days` after it happened is a back-dated record the court may ask about: WARN
    with both dates, on any date asked once the fact had happened (what the team knew at a
    point of the log is asked with `as_of`, which replays the log to it). The registration
    is not one (it states when the item was collected, often long before the team shared
    it), nor the recording of an authorisation (when it was issued)."""
    a = ctx.authorisation()
    records = ctx.item.late + (a.late if a is not None else [])
    late = sorted(
        (
            r
            for r in records
            if ctx.seen(r.occurred_at)
            and r.recorded_at - r.occurred_at > timedelta(days=params.days)
        ),
        key=lambda r: r.occurred_at,
    )
    if not late:
        return res(PASS, f"every fact recorded within {params.days} days of happening")
    listed = "; ".join(
        f"{fact(r.ref.event)} on {day(r.occurred_at)}, recorded on {day(r.recorded_at)}"
        for r in late
    )
    return res(
        WARN,
        f"recorded more than {params.days} days after it happened: {listed}",
        [r.ref for r in late],
        cure="none needed to use it: be ready to explain the delay, the court may ask",
    )
