"""DI rules: disclosure to the defence."""

from __future__ import annotations

from domain import rule_settings as p
from domain.admissibility.results import RuleResult
from domain.admissibility.rules.context import (
    FAIL,
    PASS,
    RISK,
    UNKNOWN,
    WARN,
    Context,
    authorisation_not_on_record,
    day,
    res,
)
from domain.admissibility.rules.use import closed_words, consents_in_force, in_force


def di_01(ctx: Context, _: p.Params) -> list[RuleResult]:
    case = ctx.case.case
    uses = ctx.uses()
    if case is None or not uses:
        return res(
            UNKNOWN,
            f"no proceeding in {ctx.forum} is recorded: the disclosure duty cannot be assessed",
            [ctx.item.ref],
            missing=f"a proceeding in {ctx.forum} that uses the item",
            cure="record the use of the item in the proceeding",
        )
    covered = [
        r
        for r, at in zip(case.disclosures, case.disclosed_at, strict=True)
        if at >= ctx.item.recorded_at and at <= ctx.on
    ]
    if covered:
        return res(PASS, "reviewed and scheduled in a disclosure", covered)
    return res(
        RISK,
        "not yet in any disclosure",
        [u.ref for u in uses],
        missing="a disclosure that schedules the item",
        cure="produce a disclosure bundle that includes the item",
    )


def di_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    """Material whose originator restricts its disclosure (a condition attached to the item,
    or the authorisation's conditions) needs its consent to be disclosed: WARN until the
    originator consents to the disclosure to this forum, or the condition is met or lifted."""
    if not ctx.foreign:
        return res(PASS, "the forum's own material", [ctx.item.ref])
    a = ctx.authorisation()
    if ctx.item.authorisation_id is not None and a is None:
        return authorisation_not_on_record(
            ctx, "the authorisation whose conditions may restrict disclosure is not on record"
        )
    binding, closed = in_force(ctx, "disclosure")
    restrictions = [(c.ref, c.text) for c in binding]
    if a is not None and "disclos" in a.conditions.lower():
        restrictions.append((a.ref, a.conditions))
    origin = ctx.item.country
    if not restrictions:
        if closed:
            return res(
                PASS,
                f"{origin}'s disclosure conditions are met or lifted: {closed_words(closed)}",
                [ref for c in closed for ref in (c.ref, c.closed) if ref is not None],
            )
        return res(PASS, "no disclosure restriction on record", [ctx.item.ref])
    consents = consents_in_force(ctx, ctx.forum, "disclosure")
    said = "; ".join(text for _, text in restrictions)
    if consents:
        return res(
            PASS,
            f"{origin} restricts disclosure ({said}) and consented to disclose it in "
            f"{ctx.forum} on {day(consents[0].occurred_at)}",
            [*(r for r, _ in restrictions), consents[0].ref],
        )
    return res(
        WARN,
        f"{origin} restricts disclosure: {said}",
        [r for r, _ in restrictions],
        cure=f"{origin}'s consent to disclose",
    )


def di_03(ctx: Context, _: p.Params) -> list[RuleResult]:
    d = ctx.item.derivation
    if d is None or d.relation != "analysis":
        return res(PASS, "not an analysis of other data", [ctx.item.ref])
    # a derivation names an item of the same JIT recorded before it: the facts hold it
    parent = ctx.case.items[d.parent_id]
    if not parent.files:
        return res(
            FAIL,
            f"the raw data ({parent.reference}) is not held for the defence",
            [d.ref, parent.ref],
            cure="attach the raw data",
        )
    return res(
        PASS,
        f"the raw data ({parent.reference}) is held and can be disclosed",
        [d.ref, parent.files[0].ref],
    )
