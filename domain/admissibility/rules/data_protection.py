"""DP rules: data protection (deletion dates, processing logs)."""

from __future__ import annotations

from domain import rule_settings as p
from domain.admissibility.results import RuleResult
from domain.admissibility.rules.context import (
    FAIL,
    PASS,
    RISK,
    THE_DATA,
    UNKNOWN,
    WARN,
    Context,
    day,
    res,
)
from domain.retention import deletion_date, retention_days_of


def dp_01(ctx: Context, _: p.Retention) -> list[RuleResult]:
    """The item's deletion date is the one the retention sweep executes (domain/retention.py):
    the earliest of the JIT agreement's retention and its owning party's (DP-01 of that
    party's rulebook), from the collection (a derived item's: its original's)."""
    item = ctx.item
    start = item.collected_at
    if item.derivation is not None:  # retention runs from the original's collection
        # a derivation names an item of the same JIT recorded before it: the facts hold it
        start = ctx.case.items[item.derivation.parent_id].collected_at
    owner_book = ctx.case.rulebooks.get(item.country)
    deadline = deletion_date(
        start,
        owner=item.country,
        owner_days=retention_days_of(owner_book.rules) if owner_book else None,
        agreement_days=ctx.case.case.retention_days if ctx.case.case else None,
        derived=item.derivation is not None,
    )
    if deadline is None:
        return res(
            PASS,
            f"no deletion date: neither the JIT agreement nor {item.country}'s rulebook sets "
            "a retention",
            [item.ref],
        )
    late = [u for u in item.uses if ctx.seen(u.occurred_at) and u.occurred_at > deadline.on]
    if late:
        return res(
            FAIL,
            f"used after the deletion date {day(deadline.on)} ({deadline.ground})",
            [u.ref for u in late],
            cure="none",
        )
    if ctx.on > deadline.on and (item.destroyed is None or not ctx.seen(item.destroyed_at)):
        return res(
            RISK,
            f"kept past its deletion date {day(deadline.on)} ({deadline.ground})",
            [item.ref],
            missing="the deletion of the data",
            cure="delete it, or record why it is kept",
        )
    return res(
        PASS,
        f"within its retention (until {day(deadline.on)}: {deadline.ground})",
        [item.ref],
        until=deadline.on,
    )


def dp_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    digital = item.kind in ("forensic_image", "intercepted_communication", "open_source_capture")
    if item.files:
        # its access log in JITspace is its processing log: every download, with who, when, why
        return res(PASS, "held in JITspace: every access is logged", [item.files[0].ref])
    logs = [log for log in item.processing_logs if ctx.seen(log.occurred_at)]
    if logs:
        return res(
            PASS,
            f"processed outside JITspace; its log is kept by {logs[-1].kept_by} "
            f"({logs[-1].kept_in})",
            [logs[-1].ref],
        )
    if digital and item.children:
        return res(
            WARN,
            "derivatives were made from data held outside JITspace: no processing log is on record",
            [item.ref],
            cure="attach the data, or record where its processing log is kept",
        )
    if digital:
        return res(
            UNKNOWN,
            "the data is processed outside JITspace: its logs are not on record",
            [item.ref],
            missing=THE_DATA,
            cure="attach the data, or record where its processing logs are",
        )
    return res(PASS, "not digital data", [item.ref])
