"""LA rules: language (interviews in a language understood, translations); and PR-01,
forfeiture, which `verdict.forfeit` applies."""

from __future__ import annotations

from domain import rule_settings as p
from domain.admissibility.facts import Interview
from domain.admissibility.results import RuleResult
from domain.admissibility.rules.context import (
    PASS,
    RISK,
    UNKNOWN,
    Context,
    interview_rule,
    not_understood,
    res,
    understood,
)


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
