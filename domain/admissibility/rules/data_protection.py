"""DP rules: data protection (deletion dates, processing logs)."""

from __future__ import annotations

from datetime import timedelta

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
    source_not_on_record,
)


def dp_01(ctx: Context, params: p.Retention) -> list[RuleResult]:
    item = ctx.item
    start = item.collected_at
    if item.derivation is not None:  # retention runs from the original's collection
        parent = ctx.case.items.get(item.derivation.parent_id)
        if parent is None:
            return source_not_on_record(
                item.derivation, "the original is not on record", "the original item"
            )
        start = parent.collected_at
    deadline = start + timedelta(days=params.retention_days)
    late = [u for u in item.uses if ctx.seen(u.occurred_at) and u.occurred_at > deadline]
    if late:
        return res(
            FAIL,
            f"used after the deletion date {day(deadline)}",
            [u.ref for u in late],
            cure="none",
        )
    if ctx.on > deadline and (item.destroyed is None or not ctx.seen(item.destroyed_at)):
        return res(
            RISK,
            f"kept past its deletion date {day(deadline)}",
            [item.ref],
            missing="the deletion of the data",
            cure="delete it, or record why it is kept",
        )
    return res(PASS, f"within its retention (until {day(deadline)})", [item.ref], until=deadline)


def dp_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    digital = item.kind in ("forensic_image", "intercepted_communication", "open_source_capture")
    if item.files:
        return res(PASS, "held in JITspace: every access is logged", [item.files[0].ref])
    if digital and item.children:
        return res(
            WARN,
            "derivatives were made from data held outside JITspace: no processing log is on record",
            [item.ref],
            cure="attach the data",
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
