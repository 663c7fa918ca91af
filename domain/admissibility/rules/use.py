"""US rules: the use of the evidence (the JIT's purpose, other offences and consent,
conditions, speciality, onward transfer, UK intercept product)."""

from __future__ import annotations

from domain import rule_settings as p
from domain.admissibility.facts import Consent, ConsentAsked, SenderCondition, Use
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


def consents_in_force(ctx: Context, to: str, purpose: str, offence: str = "") -> list[Consent]:
    """Consents of the originating party in force for `to`'s `purpose` (for `offence`), as
    of the date, in order."""
    state: dict[tuple[str, str], Consent | None] = {}
    for c in ctx.item.consents:
        if (
            ctx.seen(c.occurred_at)
            and c.to_country == to
            and c.purpose == purpose
            and c.offence in ("", offence)
        ):
            state[(c.purpose, c.offence)] = c if c.granted else None
    return [c for c in state.values() if c is not None]


def _asked(ctx: Context, to: str, purpose: str, offence: str = "") -> ConsentAsked | None:
    """The last request for that consent as of the date, if any."""
    asked = [
        a
        for a in ctx.item.consent_requests
        if ctx.seen(a.occurred_at)
        and a.to_country == to
        and a.purpose == purpose
        and a.offence in ("", offence)
    ]
    return asked[-1] if asked else None


def us_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    """Another offence or procedure needs the originating party's prior consent; an
    emergency use, its consent after (Conv. Art. 13(10)(b)-(c)). Without consent: RESTRICT,
    saying whether it was asked for; refused: FAIL for that use."""
    uses = ctx.uses("other_offence", "other_procedure", "emergency")
    if not ctx.foreign or not uses:
        return res(
            PASS, "no use beyond the JIT's purpose of another party's evidence", [ctx.item.ref]
        )
    out: list[RuleResult] = []
    for u in uses:
        consents = consents_in_force(ctx, u.country, u.purpose, u.offence)
        what = u.offence or u.purpose
        if not consents:
            out += _without_consent(ctx, u, what)
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


def _without_consent(ctx: Context, u: Use, what: str) -> list[RuleResult]:
    asked = _asked(ctx, u.country, u.purpose, u.offence)
    origin = ctx.item.country
    answered = asked is not None and asked.answer is not None and ctx.seen(asked.answered_at)
    if asked is not None and asked.answer is not None and answered and not asked.granted:
        assert asked.answered_at is not None
        return res(
            FAIL,
            f"used for {what}, but {origin} refused its consent on "
            f"{day(asked.answered_at)} ({asked.reason}): not usable for it",
            [u.ref, asked.ref, asked.answer],
            cure="withdraw the item from this proceeding; use it for the JIT's purpose",
            use=u.proceeding,
        )
    if asked is not None and not answered:
        return res(
            RESTRICT,
            f"used on {day(u.occurred_at)} for {what}; {asked.by_country} asked "
            f"{origin}'s consent on {day(asked.occurred_at)}, not answered yet: usable only "
            "for the JIT's purpose until then",
            [u.ref, asked.ref],
            missing=f"{origin}'s answer to the request",
            cure=f"{origin} answers the request",
            action=on_record(
                Cure.GRANT_CONSENT,
                ctx.item.ref,
                decided_by=origin,
                to_country=u.country,
                purpose=u.purpose,
                offence=u.offence,
            ),
            use=u.proceeding,
        )
    return res(
        RESTRICT,
        f"used on {day(u.occurred_at)} for {what} without {origin}'s consent: usable only "
        "for the JIT's purpose",
        [u.ref],
        missing=f"{origin}'s consent",
        cure=f"ask {origin} for consent",
        action=on_record(
            Cure.GRANT_CONSENT,
            ctx.item.ref,
            decided_by=origin,
            to_country=u.country,
            purpose=u.purpose,
            offence=u.offence,
        ),
        use=u.proceeding,
    )


def in_force(ctx: Context, kind: str) -> tuple[list[SenderCondition], list[SenderCondition]]:
    """The sender's conditions of `kind` binding the forum: those in force as of the date,
    and those met or lifted by then."""
    mine = [
        c
        for c in ctx.item.conditions
        if c.kind == kind and c.to_country in ("", ctx.forum) and ctx.seen(c.occurred_at)
    ]
    return [c for c in mine if c.binds(ctx.forum, ctx.on)], [
        c for c in mine if not c.binds(ctx.forum, ctx.on)
    ]


def closed_words(closed: list[SenderCondition]) -> str:
    return "; ".join(
        f"{c.text!r} {'lifted' if c.lifted else 'met'} on {day(c.closed_at)}"
        for c in closed
        if c.closed_at is not None
    )


def us_03(ctx: Context, _: p.Params) -> list[RuleResult]:
    """The conditions the sender set on the use of its material bind the forum until met
    or lifted (Conv. Art. 13(10)(d), 23(4)): the authorisation's, a consent's, and those
    attached to the item."""
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
    binding, closed = in_force(ctx, "use")
    conditions += [(c.ref, c.text) for c in binding]
    if not conditions:
        if closed:
            return res(
                PASS,
                f"the sender's conditions are met or lifted: {closed_words(closed)}",
                [ref for c in closed for ref in (c.ref, c.closed) if ref is not None],
            )
        return res(PASS, "no condition set by the sender", [ctx.item.ref])
    return res(
        RESTRICT,
        "usable only under the sender's conditions: " + "; ".join(text for _, text in conditions),
        [r for r, _ in conditions],
        cure="respect the conditions and record them met, or ask the sender to lift them",
    )


def us_04(ctx: Context, _: p.Params) -> list[RuleResult]:
    """Material received by mutual legal assistance serves the request's purpose only
    (speciality), unless the requested state consents to another use."""
    a = ctx.authorisation()
    if a is None or a.kind not in OTHER_CHANNELS:
        return res(PASS, "received within the JIT, not by mutual legal assistance", [ctx.item.ref])
    other = ctx.uses("other_offence", "other_procedure")
    if not other:
        return res(PASS, "used within the request's purpose", [a.ref])
    out: list[RuleResult] = []
    for u in other:
        consents = consents_in_force(ctx, u.country, u.purpose, u.offence)
        if consents:
            out += res(
                PASS,
                f"received by MLA; {ctx.item.country} consented to this use on "
                f"{day(consents[0].occurred_at)}",
                [a.ref, u.ref, consents[0].ref],
                use=u.proceeding,
            )
        else:
            out += res(
                RESTRICT,
                "received by MLA: speciality bars other uses without consent",
                [a.ref, u.ref],
                cure=f"{ctx.item.country}'s consent, as the requested state",
                use=u.proceeding,
            )
    return out


def us_05(ctx: Context, _: p.Params) -> list[RuleResult]:
    """A transfer on to a third country or a non-party needs the originator's authorisation
    (its consent to that onward transfer) before it (LED Art. 35(1)(c))."""
    parties = ctx.case.case.parties if ctx.case.case else {}
    outside = [u for u in ctx.item.uses if u.country not in parties and ctx.seen(u.occurred_at)]
    if outside:
        return res(
            FAIL,
            f"used in {outside[0].country}, outside the JIT, without the "
            "originator's authorisation",
            [u.ref for u in outside],
            cure=f"{ctx.item.country}'s authorisation of the onward transfer",
        )
    sent = [
        o for o in ctx.item.onward if ctx.seen(o.occurred_at) and o.by_country != ctx.item.country
    ]
    out: list[RuleResult] = []
    for o in sent:
        binding = [  # the sender's conditions on onward transfer that bound the sender then
            c
            for c in ctx.item.conditions
            if c.kind == "onward_transfer" and c.binds(o.by_country, o.occurred_at)
        ]
        consents = consents_in_force(ctx, o.to_country, "onward_transfer")
        before = [c for c in consents if c.occurred_at <= o.occurred_at]
        if before:
            out += res(
                PASS,
                f"sent on to {o.recipient} ({o.to_country}) on {day(o.occurred_at)} with "
                f"{ctx.item.country}'s authorisation of {day(before[0].occurred_at)}",
                [o.ref, before[0].ref],
            )
            continue
        terms = "; the sender's condition: " + "; ".join(c.text for c in binding)
        out += res(
            FAIL,
            f"{o.by_country} sent it on to {o.recipient} ({o.to_country}), outside the JIT, "
            f"on {day(o.occurred_at)} without {ctx.item.country}'s prior authorisation"
            + (terms if binding else ""),
            [o.ref, *(c.ref for c in binding)],
            cure=f"none for that transfer: {ctx.item.country} authorises further ones first",
        )
    return out or res(
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
