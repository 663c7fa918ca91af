"""IN rules: integrity (hashes at acquisition and re-verified, derivatives linked to their
parent)."""

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
    source_not_on_record,
)


def in_01(ctx: Context, params: p.HashRule) -> list[RuleResult]:
    item = ctx.item
    files = [*item.files, *(h for h in item.hashed_elsewhere)]
    if not files:
        if item.kind in params.digital_kinds:
            return res(
                UNKNOWN,
                "no hash of the acquired data is on record",
                [item.ref],
                missing=THE_DATA,
                cure="attach the acquired data (its SHA-256 is computed on upload)",
            )
        return res(PASS, "not digital", [item.ref])
    weak = [f for f in files if f.algorithm not in params.approved]
    if weak and len(weak) == len(files):
        algorithms = sorted({f.algorithm for f in weak})
        if set(algorithms) <= set(params.tolerated):
            return res(
                WARN,
                f"hashed with {' and '.join(algorithms)} only",
                [f.ref for f in weak],
                cure="re-hash with SHA-256",
            )
        return res(
            RISK,
            f"hashed with {' and '.join(algorithms)} only, which this forum does not approve",
            [f.ref for f in weak],
            cure="re-hash with SHA-256",
        )
    return res(PASS, "hashed with an approved algorithm at acquisition", [f.ref for f in files])


def in_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    bad = [c for c in item.checks if not c.ok and ctx.seen(c.at)]
    if bad:
        return res(
            FAIL,
            "a re-verification did not match the acquisition hash",
            [c.ref for c in bad],
            cure="use a copy that verifies",
        )
    d = item.derivation
    if d is not None and d.relation == "copy" and ctx.seen(d.occurred_at):
        if not item.files:
            return res(
                UNKNOWN,
                "the copy's own hash is not on record",
                [d.ref],
                missing=THE_DATA,
                cure="attach the copy",
            )
        if all(f.sha256 != d.parent_sha256 for f in item.files):
            return res(
                FAIL,
                f"the copy hashes to {item.files[0].sha256[:12]}…, its parent to "
                f"{d.parent_sha256[:12]}…",
                [d.ref, item.files[0].ref],
                cure="make and send a new copy that verifies",
            )
        return res(PASS, "the copy verifies against its parent's hash", [d.ref, item.files[0].ref])
    if not item.files:
        return res(PASS, "no files to verify", [item.ref])
    checks = [c for c in item.checks if ctx.seen(c.at)]
    moved = [h.occurred_at for h in item.handovers if ctx.seen(h.occurred_at)]
    if moved and not any(c.at >= moved[-1] for c in checks):
        return res(
            WARN,
            "not re-verified since the item last changed hands",
            [f.ref for f in item.files],
            missing="a re-verification of the files' hashes",
            cure="re-verify the files (verify the item's integrity)",
        )
    return res(PASS, "no mismatch on record", [c.ref for c in checks] or [item.files[0].ref])


def in_03(ctx: Context, params: p.Derivatives) -> list[RuleResult]:
    d = ctx.item.derivation
    if d is None or not ctx.seen(d.occurred_at):
        return res(PASS, "not derived from another item", [ctx.item.ref])
    parent = ctx.case.items.get(d.parent_id)
    verdict = ctx.parent_outcome(d.parent_id)
    if parent is None or verdict is None:
        return source_not_on_record(
            d, "the parent is not on record at that date", "the item it was derived from"
        )
    outcome, why = verdict
    if params.propagate and outcome is FAIL:
        return res(
            FAIL,
            f"derived from {parent.reference}, which fails: {why}",
            [d.ref],
            cure=f"redo it from a sound copy of {parent.reference}",
        )
    hashes = {f.sha256 for f in parent.files}
    if d.relation != "copy" and hashes and d.parent_sha256 not in hashes:
        return res(
            WARN,
            f"linked to a hash {parent.reference} does not have",
            [d.ref],
            cure="link the derivative to its parent's hash",
        )
    if not d.tool.strip() or not d.tool_version.strip():
        return res(
            WARN,
            "the tool or its version is not recorded",
            [d.ref],
            cure="record the tool and version",
        )
    return res(
        PASS,
        f"linked to {parent.reference} ({d.parent_sha256[:12]}…) with {d.tool} {d.tool_version}",
        [d.ref],
    )


def in_04(ctx: Context, params: p.Certificates) -> list[RuleResult]:
    if not params.certificate_required or not ctx.foreign:
        return res(PASS, "no authentication formality in this forum", [ctx.item.ref])
    certificates = [c for c in ctx.item.certificates if ctx.seen(c.occurred_at)]
    if certificates:
        c = certificates[-1]
        certified = f"certified by {c.certified_by} under {c.basis} on {day(c.occurred_at)}"
        if c.notice_given_at is None or not ctx.seen(c.notice_given_at):
            return res(
                WARN,
                f"{certified}; no notice of it to the adverse party is on record",
                [c.ref],
                cure="give the adverse party notice of the certificate, and record it",
            )
        return res(PASS, f"{certified}, notice given on {day(c.notice_given_at)}", [c.ref])
    if not ctx.item.files:
        return res(
            WARN,
            "no hash on record for a certificate to attest",
            [ctx.item.ref],
            cure="attach the data and obtain the originator's certificate",
        )
    return res(
        UNKNOWN,
        "no authentication certificate is on record",
        [ctx.item.ref],
        missing="a certificate of authenticity",
        cure="obtain the originator's certificate",
    )
