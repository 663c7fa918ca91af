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
from domain.values import DisclosureStep

# the steps of a disclosure schedule, as the facts keep them (`DisclosureStep`'s values)
SCHEDULED_STEPS = ("scheduled_used", "scheduled_unused")
REVIEW_STEPS = ("reviewed", "not_relevant")


def di_01(ctx: Context, _: p.Params) -> list[RuleResult]:
    """A common-law forum's duty to record, review and schedule relevant material (CPIA
    s.3, 7A), read on the date asked from the item's steps on the forum's own schedule:
    - scheduled (as used or unused material), or disclosed to the defence: PASS, and so is
      an item in a disclosure bundle produced while it was used;
    - used in the forum's proceedings (relevant, as the prosecution relies on it) but not on
      the schedule by that date: FAIL;
    - reviewed as relevant and not yet scheduled (nor used): RISK, until it is scheduled;
    - reviewed as not relevant, and not used: PASS;
    - neither reviewed nor used: UNKNOWN (whether it is relevant is not on record)."""
    steps = sorted(
        (s for s in ctx.item.schedule if s.country == ctx.forum and ctx.seen(s.occurred_at)),
        key=lambda s: s.occurred_at,
    )
    on_schedule = [s for s in steps if s.step in SCHEDULED_STEPS or s.step == "disclosed"]
    if on_schedule:
        said = "; ".join(
            f"{DisclosureStep(s.step).words} on {day(s.occurred_at)}" for s in on_schedule
        )
        return res(
            PASS, f"on {ctx.forum}'s disclosure schedule: {said}", [s.ref for s in on_schedule]
        )
    uses = ctx.uses()
    case = ctx.case.case
    if case is not None and uses:
        covered = [
            r
            for r, at in zip(case.disclosures, case.disclosed_at, strict=True)
            if at >= ctx.item.recorded_at and at <= ctx.on
        ]
        if covered:
            return res(PASS, "reviewed and scheduled in a disclosure", covered)
    reviews = [s for s in steps if s.step in REVIEW_STEPS]
    if uses:
        first = min(uses, key=lambda u: u.occurred_at)
        return res(
            FAIL,
            f"used in {first.proceeding} since {day(first.occurred_at)}, but not on "
            f"{ctx.forum}'s disclosure schedule on {day(ctx.on)}",
            [u.ref for u in uses] + [s.ref for s in reviews],
            cure="schedule the item as used material",
        )
    if reviews and reviews[-1].step == "reviewed":
        last = reviews[-1]
        return res(
            RISK,
            f"reviewed as relevant on {day(last.occurred_at)}, not yet on {ctx.forum}'s "
            "disclosure schedule",
            [last.ref],
            cure="schedule the item as used or unused material",
        )
    if reviews:
        last = reviews[-1]
        return res(PASS, f"reviewed as not relevant on {day(last.occurred_at)}", [last.ref])
    return res(
        UNKNOWN,
        f"not reviewed for {ctx.forum}'s disclosure schedule, nor used in its proceedings: "
        "whether it is relevant is not on record",
        [ctx.item.ref],
        missing=f"the review of the item for {ctx.forum}'s disclosure schedule",
        cure="record the disclosure officer's review of the item",
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
