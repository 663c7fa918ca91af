"""US rules: the use of the evidence (the JIT's purpose, other offences and consent,
conditions, speciality, onward transfer, UK intercept product)."""

from __future__ import annotations

from domain import rule_settings as p
from domain.admissibility.facts import Consent, Use
from domain.admissibility.results import Cure, RuleResult
from domain.admissibility.rules.context import (
    FAIL,
    OTHER_CHANNELS,
    PASS,
    RESTRICT,
    RISK,
    UNKNOWN,
    WARN,
    Context,
    day,
    no_jit,
    on_record,
    res,
)


def us_01(ctx: Context, _: p.Params) -> list[RuleResult]:
    uses = ctx.uses("jit")
    if not uses:
        return res(PASS, "usable for the JIT's purpose", [ctx.item.ref])
    purpose = ctx.case.case.purpose.lower() if ctx.case.case else ""
    out: list[RuleResult] = []
    for u in uses:
        if not u.offence.strip():
            out += res(
                UNKNOWN,
                "the offence of the proceeding is not named",
                [u.ref],
                missing="the offence the use serves",
                cure="name the offence",
                use=u.proceeding,
            )
        elif u.offence.lower() in purpose or purpose in u.offence.lower():
            out += res(PASS, f"used for the JIT's purpose ({u.offence})", [u.ref], use=u.proceeding)
        else:
            out += res(
                RESTRICT,
                f"declared as the JIT's purpose, but {u.offence!r} is not "
                f"{purpose!r}: another offence (US-02)",
                [u.ref],
                cure="record the use as for another offence, with consent",
                use=u.proceeding,
            )
    return out


def _consents(ctx: Context, use: Use) -> list[Consent]:
    """Consents of the originating party in force for this use, as of the date, in order."""
    state: dict[tuple[str, str], Consent | None] = {}
    for c in ctx.item.consents:
        if (
            ctx.seen(c.occurred_at)
            and c.to_country == use.country
            and c.purpose == use.purpose
            and c.offence in ("", use.offence)
        ):
            state[(c.purpose, c.offence)] = c if c.granted else None
    return [c for c in state.values() if c is not None]


def us_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    uses = ctx.uses("other_offence", "other_procedure", "emergency")
    if not ctx.foreign or not uses:
        return res(
            PASS, "no use beyond the JIT's purpose of another party's evidence", [ctx.item.ref]
        )
    out: list[RuleResult] = []
    for u in uses:
        consents = _consents(ctx, u)
        if not consents:
            out += res(
                RESTRICT,
                f"used on {day(u.occurred_at)} for {u.offence or u.purpose} "
                f"without {ctx.item.country}'s consent: usable only for the JIT's purpose",
                [u.ref],
                missing=f"{ctx.item.country}'s consent",
                cure=f"ask {ctx.item.country} for consent",
                action=on_record(
                    Cure.GRANT_CONSENT,
                    ctx.item.ref,
                    decided_by=ctx.item.country,
                    to_country=u.country,
                    purpose=u.purpose,
                    offence=u.offence,
                ),
                use=u.proceeding,
            )
        elif consents[0].occurred_at <= u.occurred_at or u.purpose == "emergency":
            out += res(
                PASS,
                f"consent of {day(consents[0].occurred_at)} covers the use",
                [u.ref, consents[0].ref],
                use=u.proceeding,
            )
        else:
            out += res(
                WARN,
                f"used on {day(u.occurred_at)}, consent given only on "
                f"{day(consents[0].occurred_at)}",
                [u.ref, consents[0].ref],
                cure="none needed for later use; the earlier use may be questioned",
                use=u.proceeding,
            )
    return out


def us_03(ctx: Context, _: p.Params) -> list[RuleResult]:
    if not ctx.foreign:
        return res(PASS, "the forum's own evidence", [ctx.item.ref])
    a = ctx.authorisation()
    conditions = [(a.ref, a.conditions)] if a is not None and a.conditions.strip() else []
    conditions += [
        (c.ref, c.conditions)
        for c in ctx.item.consents
        if c.granted
        and c.to_country == ctx.forum
        and c.conditions.strip()
        and ctx.seen(c.occurred_at)
    ]
    if not conditions:
        return res(PASS, "no condition set by the sender", [ctx.item.ref])
    return res(
        RESTRICT,
        "usable only under the sender's conditions: " + "; ".join(text for _, text in conditions),
        [r for r, _ in conditions],
        cure="respect the conditions, or ask the sender to lift them",
    )


def us_04(ctx: Context, _: p.Params) -> list[RuleResult]:
    a = ctx.authorisation()
    if a is None or a.kind not in OTHER_CHANNELS:
        return res(PASS, "received within the JIT, not by mutual legal assistance", [ctx.item.ref])
    other = ctx.uses("other_offence", "other_procedure")
    if not other:
        return res(PASS, "used within the request's purpose", [a.ref])
    return res(
        RESTRICT,
        "received by MLA: speciality bars other uses without consent",
        [a.ref, *(u.ref for u in other)],
        cure="the requested state's consent",
    )


def us_05(ctx: Context, _: p.Params) -> list[RuleResult]:
    case = ctx.case.case
    if case is None:
        return no_jit("the JIT's parties are not on record")
    outside = [
        u for u in ctx.item.uses if u.country not in case.parties and ctx.seen(u.occurred_at)
    ]
    if outside:
        return res(
            FAIL,
            f"used in {outside[0].country}, outside the JIT, without the "
            "originator's authorisation",
            [u.ref for u in outside],
            cure=f"{ctx.item.country}'s authorisation of the onward transfer",
        )
    return res(
        PASS,
        "no onward transfer to a third country or non-party on record",
        [ctx.item.ref],
        missing="a transfer to a third country",
    )


def us_06(ctx: Context, params: p.UkIntercept) -> list[RuleResult]:
    if ctx.item.kind != "intercepted_communication":
        return res(PASS, "not intercept product", [ctx.item.ref])
    a = ctx.authorisation()
    if a is None:
        return res(
            UNKNOWN,
            "where the interception was conducted is not recorded",
            [ctx.item.ref],
            missing="the interception order",
            cure="link the interception order",
        )
    if a.country in params.uk_parties or ctx.item.country in params.uk_parties:
        return res(
            FAIL,
            "intercept product of UK interception-related conduct (IPA s.56)",
            [a.ref],
            cure="none: use the underlying facts by other evidence",
        )
    # admissible, but only at the court's discretion: a flag for the legal advisor to weigh
    # and to filter on, not words inside a pass
    return res(
        RISK,
        f"foreign-initiated interception ({a.country}): admissible subject to the court's "
        "fairness discretion (PACE s.78)",
        [a.ref],
        cure="show the court how the interception was authorised and conducted abroad",
    )
