"""CU rules: the chain of custody (custodians, transfers and their receipts, seals,
accesses)."""

from __future__ import annotations

from datetime import timedelta

from domain import custody
from domain import rule_settings as p
from domain.admissibility.facts import Handover
from domain.admissibility.results import Cure, RuleResult
from domain.admissibility.rules.context import (
    PASS,
    RISK,
    UNKNOWN,
    WARN,
    Context,
    day,
    on_record,
    res,
)
from domain.custody import CustodyDefect, Lapse, Transfer
from domain.wording import person, span


def custody_of(ctx: Context, gap: timedelta) -> tuple[list[Handover], list[CustodyDefect]]:
    """The item's handovers as of the date, and its custody defects then with this gap (the
    rules of domain/custody.py, which the custody register applies too)."""
    item = ctx.item
    handovers = [h for h in item.handovers if ctx.seen(h.occurred_at)]
    transfers = [
        Transfer(h.occurred_at, h.received_at if h.receipt and ctx.seen(h.received_at) else None)
        for h in handovers
    ]
    custody_at = item.custody_at if item.collection and ctx.seen(item.custody_at) else None
    return handovers, custody.defects(item.collected_at, custody_at, transfers, gap)


def cu_01(ctx: Context, params: p.CustodyGap) -> list[RuleResult]:
    item = ctx.item
    handovers, found = custody_of(ctx, params.gap)
    first = {d.lapse: d for d in reversed(found)}  # the first defect of each kind
    if Lapse.NO_CUSTODY in first or item.collection is None:
        return res(
            UNKNOWN,
            "no custodian on record since the collection",
            [item.ref],
            missing="who took the item into custody",
            cure="record who took the item into custody",
            action=on_record(Cure.RECORD_COLLECTION, item.ref),
        )
    late = first.get(Lapse.LATE_CUSTODY)
    if late is not None:
        assert late.end is not None
        return res(
            RISK,
            f"no custodian for {span(late.end - late.start)} after the collection",
            [item.ref, item.collection],
            cure="statements of who held the item meanwhile",
        )
    transit = first.get(Lapse.LONG_TRANSIT)
    if transit is not None:
        assert transit.end is not None and transit.transfer is not None
        h = handovers[transit.transfer]
        assert h.receipt is not None
        return res(
            WARN,
            f"in transit for {span(transit.end - transit.start)}",
            [h.ref, h.receipt],
            cure="a statement of the carrier",
        )
    return res(PASS, "a custodian at every moment", [item.collection])


def cu_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    handovers, found = custody_of(ctx, timedelta.max)  # receipts are judged here, not gaps
    open_ = [
        handovers[d.transfer]
        for d in found
        if d.lapse is Lapse.NOT_RECEIVED and d.transfer is not None
    ]
    if not open_:
        return res(
            PASS,
            f"{len(handovers)} transfer(s), each received",
            [x for h in handovers for x in (h.ref, h.receipt) if x is not None],
        )
    h = open_[-1]
    checks = [c for c in item.checks if ctx.seen(c.at) and c.at >= h.occurred_at]
    cure = "the recipient records the receipt"
    if item.files and checks and all(c.ok for c in checks):
        return res(
            WARN,
            f"handed over on {day(h.occurred_at)} with no receipt; the hash "
            "re-verified since matches",
            [h.ref, *(c.ref for c in checks)],
            missing="the recipient's receipt",
            cure=cure,
        )
    return res(
        RISK,
        f"handed over on {day(h.occurred_at)} with no receipt",
        [h.ref],
        missing="the recipient's receipt",
        cure=cure,
    )


def cu_03(ctx: Context, params: p.SealRule) -> list[RuleResult]:
    item = ctx.item
    seals = [s for s in item.seals if ctx.seen(s.occurred_at)]
    sealed = [s for s in seals if not s.opened]
    if not sealed:
        return res(PASS, "never sealed", [item.ref])
    number = sealed[-1].number
    found = [(s.ref, s.number) for s in seals if s.opened] + [
        (h.receipt, h.seal_found)
        for h in item.handovers
        if h.receipt is not None and ctx.seen(h.received_at) and h.seal_condition == "intact"
    ]
    for where, seen in found:
        if seen != number:
            return res(
                params.mismatch,
                f"sealed as {number!r}, found as {seen!r}",
                [sealed[-1].ref, where],
                cure="explain the discrepancy (a statement of the sealing officer and the lab)",
            )
    broken = [h for h in item.handovers if h.receipt and h.seal_condition in ("broken", "absent")]
    if broken:
        assert broken[0].receipt is not None
        return res(
            params.mismatch,
            "the seal was found broken or missing",
            [broken[0].receipt],
            cure="explain the broken seal",
        )
    unauthorised = [s for s in seals if s.opened and not s.authorised_by.strip()]
    if unauthorised:
        return res(
            RISK,
            "opened with no recorded authorisation",
            [unauthorised[0].ref],
            cure="record who authorised the opening",
        )
    return res(PASS, f"seal {number!r} intact wherever checked", [sealed[-1].ref])


def cu_04(ctx: Context, params: p.AccessRoles) -> list[RuleResult]:
    case = ctx.case.case
    accesses = [a for a in ctx.item.accesses if ctx.seen(a.at)]
    if not accesses:
        return res(PASS, "no access on record", [ctx.item.ref])
    assert case is not None  # an item is registered only in an opened JIT, members and all
    for a in accesses:
        if not custody.member_at(case.members, a.actor_id, a.at):
            return res(
                RISK,
                f"accessed by {person(case.members, a.actor_id)}, not a member at "
                f"{a.at:%Y-%m-%d %H:%M} UTC",
                [a.ref],
                cure="explain the access",
            )
        if a.role not in params.roles:
            return res(WARN, f"accessed by a {a.role}", [a.ref], cure="justify the access")
    return res(
        PASS, f"{len(accesses)} access(es), each logged by a member", [a.ref for a in accesses]
    )
