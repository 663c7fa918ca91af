"""AU rules: the lawfulness of the collection, under the collecting state's law, plus the
formalities the forum asked for."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import rule_settings as p
from domain.admissibility.facts import AuthorisationFacts, Formality, Notice
from domain.admissibility.results import Cure, Ref, RuleResult
from domain.admissibility.rules.context import (
    FAIL,
    OTHER_CHANNELS,
    PASS,
    RESTRICT,
    RISK,
    THE_AUTHORISATION,
    UNKNOWN,
    WARN,
    Context,
    authorisation_not_on_record,
    day,
    on_record,
    res,
    with_authorisation,
)
from domain.values import EU_BODIES, PARTY_CODE


def qualification(a: AuthorisationFacts) -> list[Ref]:
    """The authorisation and, once recorded, its qualification (issuer and offences)."""
    return [a.ref, *([a.qualified] if a.qualified else [])]


def issuer_not_recorded(a: AuthorisationFacts) -> list[RuleResult]:
    """The answer of a rule that turns on who issued the measure (AU-05, AU-12) before it is
    recorded."""
    return res(
        UNKNOWN,
        "who issued the measure is not recorded",
        [a.ref],
        missing="who issued the authorisation",
        cure="record the issuer and offences of the authorisation (its qualification)",
        action=on_record(Cure.QUALIFY_AUTHORISATION, a.ref),
    )


def au_01(ctx: Context, params: p.Coercive) -> list[RuleResult]:
    item = ctx.item
    method = item.method.lower()
    if not method.strip() and item.kind not in params.kinds:
        return res(
            UNKNOWN,
            "the collection method is not recorded",
            [item.ref],
            missing="how the item was collected (its method)",
            cure="amend the item to state its collection method",
        )
    coercive = item.kind in params.kinds or any(m in method for m in params.methods)
    if not coercive:
        return res(PASS, f"{item.method!r} is neither coercive nor covert", [item.ref])
    if item.authorisation_id is None:
        return res(
            FAIL,
            f"coercive or covert collection ({item.method}) with no authorisation",
            [item.ref],
            missing=THE_AUTHORISATION,
            cure="amend the item to name the authorisation it was collected under",
        )
    return res(PASS, "collected under an authorisation", [item.ref])


@with_authorisation
def au_02(ctx: Context, a: AuthorisationFacts, _: p.Params) -> list[RuleResult]:
    at = ctx.item.collected_at
    refs = [ctx.item.ref, a.ref]
    if a.revoked is not None and ctx.seen(a.revoked_at) and a.revoked_at and a.revoked_at <= at:
        return res(
            FAIL,
            f"collected on {day(at)}, after the authorisation was revoked",
            [*refs, a.revoked],
            cure="none: a new authorisation does not reach back",
        )
    if a.valid_from <= at <= a.valid_until:
        return res(
            PASS,
            f"collected on {day(at)} within the validity "
            f"{day(a.valid_from)} to {day(a.valid_until)}",
            refs,
        )
    end = a.valid_until
    for ext in sorted(a.extensions, key=lambda x: x.signed_at):
        if not ctx.seen(ext.signed_at):
            continue
        start = max(end, ext.signed_at)  # a renewal runs from its signature, never before
        if start <= at <= ext.valid_until:
            return res(
                PASS,
                f"collected on {day(at)} under the renewal signed {day(ext.signed_at)}",
                [*refs, ext.ref],
            )
        end = max(end, ext.valid_until)
    renewals = [e.ref for e in a.extensions if ctx.seen(e.signed_at)]
    return res(
        FAIL,
        f"collected on {day(at)}, outside the authorisation's validity "
        f"({day(a.valid_from)} to {day(a.valid_until)}); renewals are not "
        "retroactive",
        [*refs, *renewals],
        cure="none for this collection: only material collected within a valid order is covered",
    )


def _plain(text: str) -> str:
    """An identifier as compared: case, spaces and punctuation aside (`+33 6 12-34` and
    `+33612 34` are one number)."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _named(value: str, targets: tuple[str, ...]) -> bool:
    """Whether an identifier is among the targets: equal, or one spelt within the other (a
    target "Jean Dupont, +33 6 12 34 56 78" names the number)."""
    v = _plain(value)
    if len(v) < 3:
        return any(v == _plain(t) for t in targets)
    return any(v in _plain(t) or (len(_plain(t)) >= 3 and _plain(t) in v) for t in targets)


_KIND_WORDS = {
    "person": ("a person", "persons"),
    "phone_number": ("a phone number", "phone numbers"),
    "account": ("an account", "accounts"),
    "device": ("a device", "devices"),
    "other": ("an identifier", "identifiers"),
}


def _counted(kinds: list[str]) -> str:
    """'a person and 2 phone numbers': what identifiers are, not who."""
    parts = []
    for kind, (one, many) in _KIND_WORDS.items():
        n = kinds.count(kind)
        if n:
            parts.append(one if n == 1 else f"{n} {many}")
    return " and ".join(parts)


@with_authorisation
def au_03(ctx: Context, a: AuthorisationFacts, params: p.Targets) -> list[RuleResult]:
    """The item concerns a target the authorisation names; otherwise it is an incidental
    find, which the forum's rulebook reads (`incidental_finds`): WARN where such finds are
    usable within limits (DE §108 StPO lets them be seized; §479(2) limits their use to
    offences the measure could have been ordered for), FAIL where they are excluded."""
    if not a.scope.targets:
        return res(PASS, "the authorisation names no targets: not limited to any", [a.ref])
    named = ", ".join(a.scope.targets)
    recorded = [c for c in ctx.item.concerns if ctx.seen(c.occurred_at)]
    if not recorded or not recorded[-1].identifiers:
        return res(
            UNKNOWN,
            f"the authorisation names {named}; whom the item concerns is not recorded",
            [a.ref],
            missing="whom the item concerns",
            cure="record whom the item concerns",
        )
    concerns = recorded[-1]
    refs = [a.ref, concerns.ref]
    # the reasons name the authorisation's targets, never whom the item concerns: that is
    # what the item is, which its handling restrictions may withhold from this forum's readers
    matched = [t for t in a.scope.targets if any(_named(v, (t,)) for _, v in concerns.identifiers)]
    if matched:
        return res(PASS, f"concerns {', '.join(matched)}, named in the authorisation", refs)
    whom = _counted([kind for kind, _ in concerns.identifiers])
    if params.incidental_finds is FAIL:
        return res(
            FAIL,
            f"an incidental find: it concerns {whom} the authorisation does not name "
            f"(it names {named}); this forum excludes incidental finds",
            refs,
            cure="none under this authorisation: an authorisation naming them",
        )
    return res(
        params.incidental_finds,
        f"an incidental find: it concerns {whom} the authorisation does not name "
        f"(it names {named}); usable only within this forum's limits for such finds",
        refs,
        cure="use it only for an offence the measure could have been ordered for",
    )


@with_authorisation
def au_04(ctx: Context, a: AuthorisationFacts, _: p.Params) -> list[RuleResult]:
    if not a.scope.methods:
        return res(
            UNKNOWN,
            "the authorisation's methods are not recorded",
            [a.ref],
            missing="the methods of the authorisation's scope",
            cure="amend the authorisation's scope with its methods",
        )
    method = ctx.item.method.lower()
    if any(m.lower() in method or method in m.lower() for m in a.scope.methods):
        return res(PASS, f"{ctx.item.method!r} is covered by the authorisation", [a.ref])
    return res(
        FAIL,
        f"{ctx.item.method!r} is not among the methods authorised ({', '.join(a.scope.methods)})",
        [ctx.item.ref, a.ref],
        cure="an authorisation covering this method",
    )


@with_authorisation
def au_05(ctx: Context, a: AuthorisationFacts, params: p.Competence) -> list[RuleResult]:
    if not a.issuer:
        return issuer_not_recorded(a)
    refs = qualification(a)
    if a.issuer != "judge" and a.kind in params.judge_required_for:
        return res(
            FAIL,
            f"a {a.kind} needs a judge; it was issued by a {a.issuer}",
            refs,
            cure="a judge's order",
        )
    confirmed_at = a.confirmed_by_judge_at if ctx.seen(a.confirmed_by_judge_at) else None
    if confirmed_at is not None and a.confirmed is not None:
        refs.append(a.confirmed)
    start = params.content_orders_need_judge_from
    if (
        start is not None
        and a.kind == "production_order"
        and a.issuer != "judge"
        and ctx.item.kind in params.content_data_kinds
        and ctx.item.collected_at.date() >= start
        and confirmed_at is None
    ):
        return res(
            FAIL,
            f"a production order for content data issued by a {a.issuer} after "
            f"{start}, with no judge's validation",
            [*refs, ctx.item.ref],
            missing="a judge's validation of the order",
            cure="validation of the order by a judge",
            action=on_record(Cure.CONFIRM_AUTHORISATION, a.ref),
        )
    if a.urgent:
        deadline = a.issued_at + timedelta(hours=params.urgent_confirmation_hours)
        if confirmed_at is None and ctx.on <= deadline:
            return res(
                UNKNOWN,
                f"an urgent order: a judge may still confirm it until {day(deadline)}",
                refs,
                missing="the judge's confirmation of the urgent order",
                cure="record the judge's confirmation, if it was given in time",
                action=on_record(Cure.CONFIRM_AUTHORISATION, a.ref),
                until=deadline,
            )
        if confirmed_at is None or confirmed_at > deadline:
            late = f", confirmed only on {day(confirmed_at)}" if confirmed_at else ""
            return res(
                FAIL,
                f"an urgent order not confirmed within {params.urgent_confirmation_hours} "
                f"hours{late}",
                refs,
                missing="" if confirmed_at else "the judge's confirmation of the urgent order",
                cure="none once the time has passed",
            )
    confirmation = f", confirmed by a judge on {day(confirmed_at)}" if confirmed_at else ""
    return res(PASS, f"issued by a competent {a.issuer}{confirmation}", refs)


@with_authorisation
def au_06(ctx: Context, a: AuthorisationFacts, params: p.Catalogue) -> list[RuleResult]:
    """The measure was ordered for an offence of its catalogue (or above its threshold), and
    each use of what it gathered in the forum serves such an offence: the same data may be
    usable for one offence and not another (DE §100a(2), §479(2) StPO)."""
    if not params.has_catalogue(a.kind):
        return res(PASS, f"no offence catalogue for a {a.kind}", [a.ref])
    if not a.offences:
        return res(
            UNKNOWN,
            "the offences the measure was ordered for are not recorded",
            [a.ref],
            missing="the offences the authorisation was issued for",
            cure="record the offences in the authorisation's qualification",
            action=on_record(Cure.QUALIFY_AUTHORISATION, a.ref),
        )
    inside = [o for o in a.offences if params.allows(a.kind, o)]
    refs = qualification(a)
    if not inside:
        return res(
            FAIL,
            f"{', '.join(a.offences)} not in the catalogue of a {a.kind}",
            refs,
            cure="none: the measure was not available for this offence",
        )
    out = res(PASS, f"ordered for {', '.join(inside)}, in the catalogue", refs)
    for u in ctx.uses():
        if not u.offence.strip():
            out += res(
                UNKNOWN,
                f"the offence {u.proceeding} serves is not named",
                [u.ref],
                missing="the offence the use serves",
                cure="record the use again with its offence",
                use=u.proceeding,
            )
        elif params.allows(a.kind, u.offence):
            out += res(
                PASS,
                f"{u.offence} is in the catalogue of a {a.kind}",
                [u.ref],
                use=u.proceeding,
            )
        else:
            out += res(
                FAIL,
                f"used for {u.offence}, not in the catalogue of a {a.kind}: what the measure "
                "gathered is not usable for that offence",
                [*refs, u.ref],
                cure=f"use it only for an offence of the catalogue ({', '.join(inside)})",
                use=u.proceeding,
            )
    return out


def au_07(ctx: Context, _: p.Params) -> list[RuleResult]:
    """No ruling annulled the measure (a ruling of the collecting state's courts: it holds in
    every forum), and the forum's own courts did not exclude the item. The forum's latest
    ruling on the item decides where it came after the annulment (its court ruled knowing
    it); an admission is shown, and leaves the other rules' flags as they are (an appeal
    may revisit it)."""
    mine = [r for r in ctx.item.rulings if r.country == ctx.forum and ctx.seen(r.occurred_at)]
    last = max(mine, key=lambda r: r.occurred_at) if mine else None
    annulled: list[RuleResult] = []
    if ctx.item.authorisation_id is not None:
        a = ctx.authorisation()
        if a is None and last is None:
            return authorisation_not_on_record(
                ctx, "the authorisation the item was collected under is not on record at that date"
            )
        if a is not None and a.annulled is not None and ctx.seen(a.annulled_at):
            annulled = res(
                FAIL,
                "a ruling annulled the measure",
                [a.ref, a.annulled],
                cure="none: the ruling must be overturned",
            )
            assert a.annulled_at is not None
            if last is None or last.occurred_at < a.annulled_at:
                return annulled
    if last is not None and last.effect == "excluded":
        return res(
            FAIL,
            f"{last.court} excluded the item on {day(last.occurred_at)} ({last.ruling})",
            [last.ref],
            cure="none: the ruling must be overturned on appeal",
        )
    if last is not None:
        return res(
            PASS,
            f"{last.court} admitted the item on {day(last.occurred_at)} ({last.ruling})",
            [last.ref],
        )
    return res(
        PASS,
        "no ruling annulling the measure or excluding the item is on record",
        [ctx.item.ref],
        missing="a ruling annulling the measure",
    )


def au_08(ctx: Context, _: p.Params) -> list[RuleResult]:
    """Collected inside the JIT (Convention Art. 13(1),(8)): by one of its parties while it
    was one (after it joined, before it left), within the agreement's period as extended by
    amendments signed by then (an extension is not retroactive: a collection in a lapse
    stays outside), and on the territory of a state that was a party then (where the
    territory is recorded; not recorded, the collecting party's own is assumed); or through
    another legal channel (an MLA request, an EIO)."""
    case, item = ctx.case.case, ctx.item
    assert case is not None  # an item is registered only in an opened JIT
    a = ctx.authorisation()
    if a is not None and a.kind in OTHER_CHANNELS:
        return res(PASS, f"collected through another legal channel ({a.kind})", [a.ref])
    when = item.collected_at.date()
    cure = "an MLA request or EIO covering the collection"
    if item.country not in case.parties:
        return res(
            FAIL,
            f"{item.country} is not a party of the JIT",
            [item.ref, case.ref],
            cure="an MLA request or EIO",
        )
    outside = _outside_membership(ctx, item.country, "collected")
    if outside:
        return outside
    if when < case.period_start:
        return res(
            FAIL,
            f"collected on {when}, before the JIT's period began ({case.period_start})",
            [item.ref, case.ref],
            cure=cure,
        )
    if when > case.period_end:
        signed = [x for x in case.extensions if ctx.seen(x.signed_at)]
        covering = [x for x in signed if x.signed_at <= item.collected_at and x.period_end >= when]
        if not covering:
            late = [x for x in signed if x.period_end >= when]
            lapse = (
                f"; the extension until {late[0].period_end} was signed on "
                f"{day(late[0].signed_at)}, after it, and is not retroactive"
                if late
                else ""
            )
            return res(
                FAIL,
                f"collected on {when}, outside the JIT's period ({case.period_start} to "
                f"{case.period_end}){lapse}",
                [item.ref, case.ref, *(x.ref for x in late)],
                cure=cure,
            )
    t = item.territory
    if t is not None and ctx.seen(t.occurred_at) and t.country != item.country:
        if t.country not in case.parties:
            return res(
                FAIL,
                f"collected in {t.country}, which is not a party of the JIT",
                [item.ref, t.ref],
                cure=f"an MLA request or EIO to {t.country}",
            )
        outside = _outside_membership(ctx, t.country, f"collected in {t.country}")
        if outside:
            return outside
    where = f" in {t.country}" if t is not None and ctx.seen(t.occurred_at) else ""
    return res(
        PASS,
        f"collected{where} within the JIT's period by one of its parties",
        [item.ref, case.ref] + ([t.ref] if where and t is not None else []),
    )


def _outside_membership(ctx: Context, country: str, what: str) -> list[RuleResult]:
    """FAIL when the item was collected before `country` joined the JIT or after it left
    (`what`: the collection, in the rule's words); empty when it was a party then."""
    case, item = ctx.case.case, ctx.item
    assert case is not None
    joined = case.parties.get(country)
    if joined is not None and item.collected_at < joined:
        return res(
            FAIL,
            f"{what} before {country} joined the JIT ({day(joined)})",
            [item.ref, case.ref],
            cure="an MLA request or EIO covering the collection",
        )
    left = case.left.get(country)
    if left is not None and ctx.seen(left) and item.collected_at >= left:
        return res(
            FAIL,
            f"{what} after {country} left the JIT ({day(left)})",
            [item.ref, case.left_refs[country]],
            cure="an MLA request or EIO covering the collection",
        )
    return []


@with_authorisation
def au_09(ctx: Context, a: AuthorisationFacts, _: p.Params) -> list[RuleResult]:
    """A seconded member carries out a measure of the host state only when the host state
    entrusted it, before the measure, as its law allows (Conv. Art. 13(6))."""
    if a.country == ctx.item.country:
        return res(PASS, "collected by the party whose law authorised it", [a.ref, ctx.item.ref])
    if ctx.item.country in EU_BODIES:
        return res(
            FAIL,
            f"a measure under {a.country}'s law carried out by "
            f"{ctx.item.country} staff, who take no coercive measures",
            [a.ref],
            cure=f"{a.country}'s officers carry out the measure",
        )
    entrusted = a.entrustments.get(ctx.item.country)
    if entrusted is None or not ctx.seen(entrusted.occurred_at):
        return res(
            UNKNOWN,
            f"collected by {ctx.item.country} under {a.country}'s authorisation: "
            "that the measure was entrusted to a seconded member is not recorded",
            [a.ref, ctx.item.ref],
            missing="the host state's entrustment",
            cure="record the entrustment under the host state's law",
        )
    refs = [a.ref, entrusted.ref, ctx.item.ref]
    basis = f" ({entrusted.legal_basis})" if entrusted.legal_basis else ""
    if not entrusted.allowed:
        return res(
            FAIL,
            f"{entrusted.entrusted_by} entrusted the measure to {ctx.item.country}, but "
            f"{a.country}'s law does not allow a seconded member to carry it out{basis}",
            refs,
            cure=f"none for this collection: {a.country}'s officers carry out the measure",
        )
    if entrusted.occurred_at > ctx.item.collected_at:
        return res(
            FAIL,
            f"collected on {day(ctx.item.collected_at)}, before {entrusted.entrusted_by} "
            f"entrusted the measure to {ctx.item.country} on {day(entrusted.occurred_at)}",
            refs,
            cure="none: an entrustment does not reach back",
        )
    return res(
        PASS,
        f"entrusted to {ctx.item.country} by {entrusted.entrusted_by} on "
        f"{day(entrusted.occurred_at)}, as {a.country}'s law allows{basis}",
        refs,
    )


def _abroad(ctx: Context, a: AuthorisationFacts) -> tuple[list[str], list[Ref]]:
    """The states other than the authorising one where the target was: the item's recorded
    location (the last one as of the date), else the places the authorisation names."""
    located = [t for t in ctx.item.target_locations if ctx.seen(t.occurred_at)]
    if located:
        where = located[-1]
        return ([where.country] if where.country != a.country else []), [where.ref]
    return [c for c in a.scope.places if PARTY_CODE.fullmatch(c) and c != a.country], []


@with_authorisation
def au_10(ctx: Context, a: AuthorisationFacts, params: p.Notification) -> list[RuleResult]:
    """The interception of a target on another state's territory is notified to that state,
    which may object within `objection_hours` (EIO Art. 31; the 2000 Convention's Art. 20).

    C-670/22 (30 April 2024) holds that such a measure must be notified to the state where
    the target is, that Art. 31 also protects the persons intercepted, and that a court must
    disregard evidence the accused cannot comment on effectively when it is likely to weigh
    decisively (EIO Art. 14(7)); whether other defects exclude is left to national law. So:
    - notified, no objection within the window (counted from the state's receipt, else from
      the sending): PASS once the window has closed; RISK until then (time alone ends it);
    - objected within the window: RESTRICT, usable only as the objecting state allows; FAIL
      for a use in any party's proceedings after the objection, and for material gathered
      after an objection to the whole measure (it was to end);
    - an objection after the window: WARN (not binding under Art. 31(3), but on record);
    - recorded that no notification was made: to a party of the JIT, RISK (it knew of the
      team's work, but was not told of this measure: the court weighs it); to a state
      outside the JIT, FAIL (neither the JIT agreement nor a notification gave a basis for a
      measure on its territory, as AU-08 reads a collection outside the JIT);
    - nothing on record: UNKNOWN for a party of the JIT, RISK for a state outside it."""
    abroad, located = _abroad(ctx, a)
    if a.kind != "interception_order" or not abroad:
        return res(PASS, "no interception of a target abroad", [a.ref, *located])
    parties = ctx.case.case.parties if ctx.case.case else {}
    out: list[RuleResult] = []
    for state in abroad:
        out += _notified(ctx, a, state, state in parties, params, [a.ref, *located])
    return out


def _notified(
    ctx: Context,
    a: AuthorisationFacts,
    state: str,
    party: bool,
    params: p.Notification,
    refs: list[Ref],
) -> list[RuleResult]:
    n = a.notices.get(state)
    hours = params.objection_hours
    if n is None or not (ctx.seen(n.sent_at) or ctx.seen(n.not_made_at)):
        if party:
            return res(
                UNKNOWN,
                f"target on the territory of {state}: the notification (EIO Art. 31) is not "
                "recorded",
                refs,
                missing=f"a notification to {state}, or that none was made",
                cure=f"notify {state} and record any objection within {hours} h",
            )
        return res(
            RISK,
            f"target on the territory of {state}, outside the JIT: no notification on record",
            refs,
            missing="a notification (EIO Art. 31)",
            cure=f"notify {state}; respect any objection",
        )
    if n.sent_at is None or not ctx.seen(n.sent_at):
        assert n.not_made is not None
        refs = [*refs, n.not_made]
        if party:
            return res(
                RISK,
                f"no notification was made to {state}, a party of the JIT ({n.reason}): "
                "the court weighs it (C-670/22)",
                refs,
                cure=f"notify {state} now and record its answer",
            )
        return res(
            FAIL,
            f"no notification was made to {state}, outside the JIT ({n.reason}): nothing "
            "gave a basis for a measure on its territory",
            refs,
            cure="none for what was gathered: a notification cannot reach back",
        )
    assert n.sent is not None
    refs.append(n.sent)
    start = n.sent_at
    if n.received is not None and n.received_at is not None and ctx.seen(n.received_at):
        start = n.received_at
        refs.append(n.received)
    deadline = start + timedelta(hours=hours)
    if n.objection is not None and n.objected_at is not None and ctx.seen(n.objected_at):
        return _objected(ctx, n, state, deadline, [*refs, n.objection], hours)
    if ctx.on < deadline:
        return res(
            RISK,
            f"{state} was notified on {day(n.sent_at)}: its objection window is open until "
            f"{day(deadline)}",
            refs,
            missing=f"{state}'s answer",
            cure=f"wait for the end of the window; record an objection from {state}, if any",
            until=deadline,
        )
    return res(
        PASS, f"{state} was notified on {day(n.sent_at)} and did not object within {hours} h", refs
    )


def _objected(
    ctx: Context, n: Notice, state: str, deadline: datetime, refs: list[Ref], hours: int
) -> list[RuleResult]:
    assert n.objected_at is not None
    terms = f" ({n.note})" if n.note else ""
    if n.objected_at > deadline:
        return res(
            WARN,
            f"{state} objected on {day(n.objected_at)}, after the {hours} h window: "
            f"not binding, but on record{terms}",
            refs,
            cure=f"consider {state}'s position before using the item",
        )
    if n.covers == "all" and ctx.item.collected_at > n.objected_at:
        return res(
            FAIL,
            f"gathered on {day(ctx.item.collected_at)}, after {state} objected to the "
            f"measure on {day(n.objected_at)}",
            [*refs, ctx.item.ref],
            cure="none: the measure was to end on the objection",
        )
    used_after: list[RuleResult] = []
    for u in ctx.item.uses:  # by any party: the objection binds them all
        if ctx.seen(u.occurred_at) and u.occurred_at > n.objected_at:
            used_after += res(
                FAIL,
                f"used by {u.country} on {day(u.occurred_at)} after {state} objected on "
                f"{day(n.objected_at)}{terms}",
                [*refs, u.ref],
                cure=f"withdraw the item from the proceeding, or obtain {state}'s consent",
                use=u.proceeding,
            )
    if used_after:
        return used_after
    what = "the measure" if n.covers == "all" else "the use of the data"
    return res(
        RESTRICT,
        f"{state} objected to {what} on {day(n.objected_at)}, within {hours} h: usable "
        f"only as {state} allows{terms}",
        refs,
        cure=f"obtain {state}'s consent to the use",
    )


def au_11(ctx: Context, params: p.Formalities) -> list[RuleResult]:
    """The formalities this forum asked for (recorded on the authorisation, or set in its
    rulebook) were met, or the issuing state said why not (Conv. Art. 4, EIO Art. 9(2)): met,
    PASS; not met with a reason, RISK (the court weighs it); not met with none, FAIL."""
    if not ctx.foreign:
        return res(PASS, "no formality requested by this forum", [ctx.item.ref])
    a = ctx.authorisation()
    asked = [
        f for f in (a.formalities if a else []) if f.forum == ctx.forum and ctx.seen(f.requested_at)
    ]
    names = {f.name.casefold() for f in asked}
    standing = [f for f in params.formalities if f.casefold() not in names]
    if not asked and not standing:
        return res(PASS, "no formality requested by this forum", [ctx.item.ref])
    if ctx.item.authorisation_id is None:
        return res(
            RISK,
            f"{ctx.forum}'s formalities ({', '.join(params.formalities)}) were "
            "not carried by any request",
            [ctx.item.ref],
            cure="record that the formalities were met, or why they were not",
        )
    out: list[RuleResult] = []
    for f in asked:
        out += _formality(ctx, f)
    if standing and a is not None and all(f.lower() in a.conditions.lower() for f in standing):
        out += res(PASS, "the authorisation's conditions carry the formalities", [a.ref])
    elif standing:
        out += res(
            UNKNOWN,
            f"{ctx.forum} requires {', '.join(standing)}: whether they were met is not recorded",
            [ctx.item.ref],
            missing="the formalities' record",
            cure="record the request of the formalities, and whether they were met",
        )
    return out


def _formality(ctx: Context, f: Formality) -> list[RuleResult]:
    asked = f"{f.name!r}, asked by {f.requested_by} on {day(f.requested_at)}"
    if f.report is None or not ctx.seen(f.reported_at):
        return res(
            UNKNOWN,
            f"{asked}: whether it was met is not recorded",
            [f.ref],
            missing="the issuing state's report of the formality",
            cure="record whether the formality was met, or why not",
        )
    refs = [f.ref, f.report]
    if f.met:
        return res(PASS, f"{asked}: met", refs)
    if f.reason.strip():
        return res(
            RISK,
            f"{asked}: not met ({f.reason}); the court weighs the reason",
            refs,
            cure="show the court why the formality could not be met",
        )
    return res(
        FAIL,
        f"{asked}: not met, and no reason was given",
        refs,
        cure="none unless the issuing state explains why it was not met",
    )


@with_authorisation
def au_12(ctx: Context, a: AuthorisationFacts, params: p.DomesticMeasure) -> list[RuleResult]:
    """The forum could have ordered the same measure domestically: by the same kind of
    issuer (RISK where only a judge could), and for the offence each use serves (its own
    catalogue: RESTRICT, usable for other offences only; `severity = "FAIL"` excludes)."""
    if not ctx.foreign:
        return res(PASS, f"{ctx.forum}'s own measure", [a.ref])
    out: list[RuleResult] = []
    if a.kind in params.judge_required_for:
        if not a.issuer:
            return issuer_not_recorded(a)
        if a.issuer == "judge":
            out += res(PASS, "ordered by a judge, as it would be here", qualification(a))
        else:
            out += res(
                RISK,
                f"a {a.kind} by a {a.issuer}: in {ctx.forum} only a judge may order it",
                qualification(a),
                cure=f"argue equivalence, or obtain a judge's order in {ctx.forum}",
            )
    if params.has_catalogue(a.kind):
        out += _domestic_offences(ctx, a, params)
    return out or res(PASS, f"{ctx.forum} would not need more to order this measure", [a.ref])


def _domestic_offences(
    ctx: Context, a: AuthorisationFacts, params: p.DomesticMeasure
) -> list[RuleResult]:
    out: list[RuleResult] = []
    for u in ctx.uses():
        if not u.offence.strip():
            out += res(
                UNKNOWN,
                f"the offence {u.proceeding} serves is not named: whether {ctx.forum} could "
                "have ordered the measure for it cannot be told",
                [u.ref],
                missing="the offence the use serves",
                cure="record the use again with its offence",
                use=u.proceeding,
            )
        elif params.allows(a.kind, u.offence):
            out += res(
                PASS,
                f"{ctx.forum} could order a {a.kind} for {u.offence}",
                [a.ref, u.ref],
                use=u.proceeding,
            )
        else:
            out += res(
                RESTRICT,
                f"{ctx.forum} could not order a {a.kind} for {u.offence}: usable only for "
                "offences it could have been ordered for here",
                [a.ref, u.ref],
                cure="use it for an offence this forum could have ordered the measure for",
                use=u.proceeding,
            )
    return out
