"""One small pure function per rule type of the catalogue (DOMAIN.md), in a registry.

Each reads the facts of one item (as of a date) for one forum country and answers rule
results: an outcome, the reason, the events it rests on, what is missing, what would cure it.
A rule that does not concern the item passes, saying so; a rule whose facts are not on
record answers UNKNOWN and names the missing fact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.admissibility import params as p
from domain.admissibility.facts import AuthorisationFacts, CaseFile, ItemFacts
from domain.admissibility.results import Outcome, Ref, RuleResult
from domain.values import EU_BODIES, PARTY_CODE
from domain.wording import person, span

PASS, WARN, RISK, FAIL = Outcome.PASS, Outcome.WARN, Outcome.RISK, Outcome.FAIL
RESTRICT, UNKNOWN = Outcome.RESTRICT, Outcome.UNKNOWN
INTERVIEW_KINDS = ("suspect_interview", "witness_statement")
NO_ID = UUID(int=0)


def day(at: datetime) -> str:
    """The date of a moment, as reasons print it (several times faster than strftime)."""
    return at.date().isoformat()


@dataclass(frozen=True)
class Context:
    """One question: this item, before this forum, on this date."""

    item: ItemFacts
    case: CaseFile
    forum: str
    on: datetime
    parent_outcome: Callable[[UUID], tuple[Outcome, str] | None]  # in the same forum

    def authorisation(self) -> AuthorisationFacts | None:
        a = self.case.authorisations.get(self.item.authorisation_id or NO_ID)
        return a if a is not None and a.issued_at <= self.on else None

    def seen(self, at: datetime | None) -> bool:
        return at is not None and at <= self.on

    @property
    def foreign(self) -> bool:
        """The item comes from another party than the forum."""
        return self.item.country != self.forum


Rule = Callable[[Context, Any], list[RuleResult]]


def res(
    outcome: Outcome,
    reason: str,
    rests_on: tuple[Ref, ...] | list[Ref] = (),
    *,
    missing: str = "",
    cure: str = "",
    use: str = "",
    until: datetime | None = None,
) -> list[RuleResult]:
    return [RuleResult("", outcome, reason, tuple(rests_on), missing, cure, use, until)]


def _with_authorisation(
    check: Callable[[Context, AuthorisationFacts, Any], list[RuleResult]],
) -> Rule:
    """Rules about the authorisation: pass when none is referenced (AU-01 judges that),
    unknown when the one referenced is not on record as of the date."""

    def rule(ctx: Context, params: Any) -> list[RuleResult]:
        if ctx.item.authorisation_id is None:
            return res(PASS, "no authorisation referenced (AU-01 judges whether one is needed)")
        a = ctx.authorisation()
        if a is None:
            return res(
                UNKNOWN,
                "the authorisation the item was collected under is not on record at that date",
                [ctx.item.ref],
                missing="the authorisation the item was collected under",
                cure="record the authorisation",
            )
        return check(ctx, a, params)

    return rule


# -- AU: lawfulness of the collection ------------------------------------------------------


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
            missing="the authorisation the item was collected under",
            cure="amend the item to name the authorisation it was collected under",
        )
    return res(PASS, "collected under an authorisation", [item.ref])


def _au_02(ctx: Context, a: AuthorisationFacts, _: p.Params) -> list[RuleResult]:
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


def _au_03(ctx: Context, a: AuthorisationFacts, params: p.Targets) -> list[RuleResult]:
    if not a.scope.targets:
        return res(PASS, "the authorisation names no targets: not limited to any", [a.ref])
    return res(
        UNKNOWN,
        f"the authorisation names {', '.join(a.scope.targets)}; the item's target is not recorded",
        [a.ref],
        missing="the item's target",
        cure="record whom the item concerns",
    )


def _au_04(ctx: Context, a: AuthorisationFacts, _: p.Params) -> list[RuleResult]:
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


def _au_05(ctx: Context, a: AuthorisationFacts, params: p.Competence) -> list[RuleResult]:
    if not a.issuer:
        return res(
            UNKNOWN,
            "who issued the measure is not recorded",
            [a.ref],
            missing="who issued the authorisation",
            cure="record the issuer and offences of the authorisation (its qualification)",
        )
    refs = [a.ref, *([a.qualified] if a.qualified else [])]
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


def _au_06(ctx: Context, a: AuthorisationFacts, params: p.Catalogue) -> list[RuleResult]:
    catalogue = params.offences.get(a.kind)
    if catalogue is None:
        return res(PASS, f"no offence catalogue for a {a.kind}", [a.ref])
    if not a.offences:
        return res(
            UNKNOWN,
            "the offences the measure was ordered for are not recorded",
            [a.ref],
            missing="the offences the authorisation was issued for",
            cure="record the offences in the authorisation's qualification",
        )
    inside = [o for o in a.offences if o in catalogue]
    refs = [a.ref, *([a.qualified] if a.qualified else [])]
    if inside:
        return res(PASS, f"ordered for {', '.join(inside)}, in the catalogue", refs)
    return res(
        FAIL,
        f"{', '.join(a.offences)} not in the catalogue of a {a.kind}",
        refs,
        cure="none: the measure was not available for this offence",
    )


def _au_07(ctx: Context, a: AuthorisationFacts, _: p.Params) -> list[RuleResult]:
    if a.annulled is not None and ctx.seen(a.annulled_at):
        return res(
            FAIL,
            "a ruling annulled the measure",
            [a.ref, a.annulled],
            cure="none: the ruling must be overturned",
        )
    return res(
        PASS,
        "no ruling annulling the measure is on record",
        [a.ref],
        missing="a ruling annulling the measure",
    )


def au_08(ctx: Context, _: p.Params) -> list[RuleResult]:
    case, item = ctx.case.case, ctx.item
    if case is None:
        return res(
            UNKNOWN,
            "the JIT is not on record",
            missing="the JIT's opening (its agreement)",
            cure="open the JIT in JITspace with its agreement",
        )
    a = ctx.authorisation()
    if a is not None and a.kind in ("mla_request", "european_investigation_order"):
        return res(PASS, f"collected through another legal channel ({a.kind})", [a.ref])
    day = item.collected_at.date()
    joined = case.parties.get(item.country)
    if item.country not in case.parties:
        return res(
            FAIL,
            f"{item.country} is not a party of the JIT",
            [item.ref, case.ref],
            cure="an MLA request or EIO",
        )
    if not case.period_start <= day <= case.period_end:
        return res(
            FAIL,
            f"collected on {day}, outside the JIT's period "
            f"({case.period_start} to {case.period_end})",
            [item.ref, case.ref],
            cure="an MLA request or EIO covering the collection",
        )
    if joined is not None and item.collected_at < joined:
        return res(
            FAIL,
            f"collected before {item.country} joined the JIT",
            [item.ref, case.ref],
            cure="an MLA request or EIO covering the collection",
        )
    return res(
        PASS, "collected within the JIT's period by one of its parties", [item.ref, case.ref]
    )


def _au_09(ctx: Context, a: AuthorisationFacts, _: p.Params) -> list[RuleResult]:
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
    return res(
        UNKNOWN,
        f"collected by {ctx.item.country} under {a.country}'s authorisation: "
        "that the measure was entrusted to a seconded member is not recorded",
        [a.ref, ctx.item.ref],
        missing="the host state's entrustment",
        cure="record the entrustment under the host state's law",
    )


def _au_10(ctx: Context, a: AuthorisationFacts, params: p.Notification) -> list[RuleResult]:
    parties = ctx.case.case.parties if ctx.case.case else {}
    abroad = [c for c in a.scope.places if PARTY_CODE.fullmatch(c) and c != a.country]
    if a.kind != "interception_order" or not abroad:
        return res(PASS, "no interception of a target abroad", [a.ref])
    outside = [c for c in abroad if c not in parties]
    if outside:
        return res(
            RISK,
            f"target on the territory of {', '.join(outside)}, outside the JIT: "
            "no notification on record",
            [a.ref],
            missing="a notification (EIO Art. 31)",
            cure=f"notify {', '.join(outside)}; respect any objection",
        )
    return res(
        UNKNOWN,
        f"target on the territory of {', '.join(abroad)}: the notification "
        "(EIO Art. 31) is not recorded",
        [a.ref],
        missing=f"a notification to {', '.join(abroad)}",
        cure=f"notify {', '.join(abroad)} and record any objection within "
        f"{params.objection_hours} h",
    )


def au_11(ctx: Context, params: p.Formalities) -> list[RuleResult]:
    if not params.formalities or not ctx.foreign:
        return res(PASS, "no formality requested by this forum", [ctx.item.ref])
    a = ctx.authorisation()
    if ctx.item.authorisation_id is None:
        return res(
            RISK,
            f"{ctx.forum}'s formalities ({', '.join(params.formalities)}) were "
            "not carried by any request",
            [ctx.item.ref],
            cure="record that the formalities were met, or why they were not",
        )
    if a is not None and all(f.lower() in a.conditions.lower() for f in params.formalities):
        return res(PASS, "the authorisation's conditions carry the formalities", [a.ref])
    return res(
        UNKNOWN,
        f"{ctx.forum} requested {', '.join(params.formalities)}: whether they "
        "were met is not recorded",
        [ctx.item.ref],
        missing="the formalities' record",
        cure="record that the formalities were met, or the reason they were not",
    )


def _au_12(ctx: Context, a: AuthorisationFacts, params: p.DomesticMeasure) -> list[RuleResult]:
    if not ctx.foreign or a.kind not in params.judge_required_for:
        return res(PASS, f"{ctx.forum} would not need more to order this measure", [a.ref])
    if not a.issuer:
        return res(
            UNKNOWN,
            "who issued the measure is not recorded",
            [a.ref],
            missing="who issued the authorisation",
            cure="record the issuer and offences of the authorisation (its qualification)",
        )
    refs = [a.ref, *([a.qualified] if a.qualified else [])]
    if a.issuer == "judge":
        return res(PASS, "ordered by a judge, as it would be here", refs)
    return res(
        RISK,
        f"a {a.kind} by a {a.issuer}: in {ctx.forum} only a judge may order it",
        refs,
        cure=f"argue equivalence, or obtain a judge's order in {ctx.forum}",
    )


# -- CO: conduct of the collection --------------------------------------------------------


def _interview_rule(check: Callable[[Context, Any, Any], list[RuleResult]]) -> Rule:
    def rule(ctx: Context, params: Any) -> list[RuleResult]:
        if ctx.item.kind not in INTERVIEW_KINDS:
            return res(PASS, "not an interview", [ctx.item.ref])
        interview = ctx.item.interview
        if interview is None or not ctx.seen(interview.occurred_at):
            return res(
                UNKNOWN,
                "how the interview was conducted is not recorded",
                [ctx.item.ref],
                missing="the interview record",
                cure="record the interview's caution, lawyer and interpreter",
            )
        return check(ctx, interview, params)

    return rule


def _co_01(ctx: Context, i: Any, _: p.Params) -> list[RuleResult]:
    if i.ill_treatment_alleged:
        return res(
            FAIL, "ill-treatment is alleged (ECHR Art. 3): absolute exclusion", [i.ref], cure="none"
        )
    return res(PASS, "no ill-treatment on record", [i.ref])


def _co_02(ctx: Context, i: Any, params: p.InterviewRights) -> list[RuleResult]:
    if i.suspect_language != i.interview_language and not i.interpreter:
        return res(
            FAIL,
            f"interviewed in {i.interview_language}, the suspect speaks "
            f"{i.suspect_language}, no interpreter",
            [i.ref],
            cure="none for this interview: interview again with an interpreter",
        )
    if not i.caution_given:
        return res(
            FAIL,
            "no caution before the interview",
            [i.ref],
            cure="interview again after the caution",
        )
    if i.lawyer == "absent":
        return res(
            params.no_lawyer,
            "no lawyer and no recorded waiver",
            [i.ref],
            cure="interview again with a lawyer, or record the waiver",
        )
    return res(PASS, "caution, lawyer and interpreter as required", [i.ref])


def co_03(ctx: Context, _: p.Params) -> list[RuleResult]:
    if ctx.item.kind != "intercepted_communication":
        return res(PASS, "not intercepted content", [ctx.item.ref])
    raised = [d for d in ctx.item.defects_raised if d.rule == "CO-03" and ctx.seen(d.occurred_at)]
    if raised:
        return res(
            FAIL,
            "privileged or core-private content is said to be in it",
            [d.ref for d in raised],
            cure="delete the content and show it was not used",
        )
    return res(
        UNKNOWN,
        "the review for privileged or core-private content is not recorded",
        [ctx.item.ref],
        missing="a privilege review",
        cure="record the review and the deletion of privileged content",
    )


def co_04(ctx: Context, _: p.Params) -> list[RuleResult]:
    if "search" not in ctx.item.method.lower():
        return res(PASS, "not a search", [ctx.item.ref])
    return res(
        UNKNOWN,
        "the search's witnesses and inventory are not recorded",
        [ctx.item.ref],
        missing="the search record (witnesses, inventory)",
        cure="record the search's witnesses and inventory",
    )


def co_05(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    d = item.derivation
    if d is not None and d.relation in ("copy", "extraction", "analysis"):
        if not d.made_by.strip():
            return res(
                WARN,
                "the examiner who made the copy is not recorded",
                [d.ref],
                cure="record the examiner",
            )
        return res(PASS, f"made by {d.made_by}", [d.ref])
    if item.kind not in ("forensic_image", "seized_device"):
        return res(PASS, "not a digital acquisition", [item.ref])
    if not item.collected_by.strip():
        return res(RISK, "the examiner is not recorded", [item.ref], cure="record the examiner")
    return res(PASS, f"acquired by {item.collected_by}", [item.ref])


# -- CU: custody --------------------------------------------------------------------------


def cu_01(ctx: Context, params: p.CustodyGap) -> list[RuleResult]:
    item = ctx.item
    if item.collection is None or not ctx.seen(item.custody_at):
        return res(
            UNKNOWN,
            "no custodian on record since the collection",
            [item.ref],
            missing="who took the item into custody",
            cure="record who took the item into custody",
        )
    gap = timedelta(hours=params.gap_hours)
    assert item.custody_at is not None
    if item.custody_at - item.collected_at > gap:
        return res(
            RISK,
            f"no custodian for {span(item.custody_at - item.collected_at)} after the collection",
            [item.ref, item.collection],
            cure="statements of who held the item meanwhile",
        )
    for h in item.handovers:
        if (
            h.received_at is not None
            and ctx.seen(h.received_at)
            and (h.received_at - h.occurred_at > gap)
        ):
            assert h.receipt is not None
            return res(
                WARN,
                f"in transit for {span(h.received_at - h.occurred_at)}",
                [h.ref, h.receipt],
                cure="a statement of the carrier",
            )
    return res(PASS, "a custodian at every moment", [item.collection])


def cu_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    handovers = [h for h in item.handovers if ctx.seen(h.occurred_at)]
    open_ = [h for h in handovers if h.receipt is None or not ctx.seen(h.received_at)]
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
    if case is None:
        return res(
            UNKNOWN,
            "membership not on record",
            missing="the JIT's opening (its agreement)",
            cure="open the JIT in JITspace with its agreement",
        )
    for a in accesses:
        member = any(
            m.user_id == a.actor_id
            and m.joined_at <= a.at
            and (m.left_at is None or a.at < m.left_at)
            for m in case.members
        )
        if not member:
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


# -- IN: integrity --------------------------------------------------------------------------


def in_01(ctx: Context, params: p.HashRule) -> list[RuleResult]:
    item = ctx.item
    files = [f for f in item.files]
    if not files:
        if item.kind in params.digital_kinds:
            return res(
                UNKNOWN,
                "no hash of the acquired data is on record",
                [item.ref],
                missing="the data itself (a file attached to the item)",
                cure="attach the acquired data (its SHA-256 is computed on upload)",
            )
        return res(PASS, "not digital", [item.ref])
    weak = [f for f in files if f.algorithm not in params.approved]
    if weak and len(weak) == len(files):
        return res(
            WARN,
            f"hashed with {weak[0].algorithm} only",
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
                missing="the data itself (a file attached to the item)",
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
        return res(
            UNKNOWN,
            "the parent is not on record at that date",
            [d.ref],
            missing="the item it was derived from",
            cure="register the item it was derived from",
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


# -- US: use ----------------------------------------------------------------------------------


def _uses(ctx: Context, *purposes: str) -> list[Any]:
    return [
        u
        for u in ctx.item.uses
        if u.country == ctx.forum and u.purpose in purposes and ctx.seen(u.occurred_at)
    ]


def us_01(ctx: Context, _: p.Params) -> list[RuleResult]:
    uses = _uses(ctx, "jit")
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


def _consents(ctx: Context, use: Any) -> list[Any]:
    """Consents of the originating party in force for this use, as of the date, in order."""
    state: dict[tuple[str, str], Any] = {}
    for c in ctx.item.consents:
        if (
            ctx.seen(c.occurred_at)
            and c.to_country == use.country
            and c.purpose
            in (use.purpose, "other_procedure" if use.purpose == "other_procedure" else use.purpose)
            and c.offence in ("", use.offence)
        ):
            state[(c.purpose, c.offence)] = c if c.granted else None
    return [c for c in state.values() if c is not None]


def us_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    uses = _uses(ctx, "other_offence", "other_procedure", "emergency")
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
    if a is None or a.kind not in ("mla_request", "european_investigation_order"):
        return res(PASS, "received within the JIT, not by mutual legal assistance", [ctx.item.ref])
    other = _uses(ctx, "other_offence", "other_procedure")
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
        return res(
            UNKNOWN,
            "the JIT's parties are not on record",
            missing="the JIT's opening (its agreement)",
            cure="open the JIT in JITspace with its agreement",
        )
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
    return res(
        PASS,
        f"foreign-initiated interception ({a.country}): admissible subject to fairness",
        [a.ref],
    )


# -- DI: disclosure --------------------------------------------------------------------------


def di_01(ctx: Context, _: p.Params) -> list[RuleResult]:
    case = ctx.case.case
    uses = [u for u in ctx.item.uses if u.country == ctx.forum and ctx.seen(u.occurred_at)]
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
    if not ctx.foreign:
        return res(PASS, "the forum's own material", [ctx.item.ref])
    if ctx.item.authorisation_id is not None and ctx.authorisation() is None:
        return res(
            UNKNOWN,
            "the authorisation whose conditions may restrict disclosure is not on record",
            [ctx.item.ref],
            missing="the authorisation the item was collected under",
            cure="record the authorisation",
        )
    a = ctx.authorisation()
    if a is not None and "disclos" in a.conditions.lower():
        return res(
            WARN,
            f"{ctx.item.country} restricts disclosure: {a.conditions}",
            [a.ref],
            cure=f"{ctx.item.country}'s consent to disclose",
        )
    return res(PASS, "no disclosure restriction on record", [ctx.item.ref])


def di_03(ctx: Context, _: p.Params) -> list[RuleResult]:
    d = ctx.item.derivation
    if d is None or d.relation != "analysis":
        return res(PASS, "not an analysis of other data", [ctx.item.ref])
    parent = ctx.case.items.get(d.parent_id)
    if parent is None:
        return res(
            UNKNOWN,
            "the raw data is not on record",
            [d.ref],
            missing="the raw data it analyses",
            cure="register the raw data it analyses",
        )
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


# -- DP: data protection ------------------------------------------------------------------------


def dp_01(ctx: Context, params: p.Retention) -> list[RuleResult]:
    item = ctx.item
    start = item.collected_at
    if item.derivation is not None:  # retention runs from the original's collection
        parent = ctx.case.items.get(item.derivation.parent_id)
        if parent is None:
            return res(
                UNKNOWN,
                "the original is not on record",
                [item.derivation.ref],
                missing="the original item",
                cure="register the original item",
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
            missing="the data itself (a file attached to the item)",
            cure="attach the data, or record where its processing logs are",
        )
    return res(PASS, "not digital data", [item.ref])


# -- LA: language -----------------------------------------------------------------------------


def _la_01(ctx: Context, i: Any, _: p.Params) -> list[RuleResult]:
    if i.suspect_language != i.interview_language and not i.interpreter:
        return res(
            FAIL,
            f"interviewed in {i.interview_language}, which the suspect "
            f"({i.suspect_language}) does not speak, with no interpreter",
            [i.ref],
            cure="none for this interview: interview again with an interpreter",
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


REGISTRY: dict[str, Rule] = {
    "AU-01": au_01,
    "AU-02": _with_authorisation(_au_02),
    "AU-03": _with_authorisation(_au_03),
    "AU-04": _with_authorisation(_au_04),
    "AU-05": _with_authorisation(_au_05),
    "AU-06": _with_authorisation(_au_06),
    "AU-07": _with_authorisation(_au_07),
    "AU-08": au_08,
    "AU-09": _with_authorisation(_au_09),
    "AU-10": _with_authorisation(_au_10),
    "AU-11": au_11,
    "AU-12": _with_authorisation(_au_12),
    "CO-01": _interview_rule(_co_01),
    "CO-02": _interview_rule(_co_02),
    "CO-03": co_03,
    "CO-04": co_04,
    "CO-05": co_05,
    "CU-01": cu_01,
    "CU-02": cu_02,
    "CU-03": cu_03,
    "CU-04": cu_04,
    "IN-01": in_01,
    "IN-02": in_02,
    "IN-03": in_03,
    "IN-04": in_04,
    "US-01": us_01,
    "US-02": us_02,
    "US-03": us_03,
    "US-04": us_04,
    "US-05": us_05,
    "US-06": us_06,
    "DI-01": di_01,
    "DI-02": di_02,
    "DI-03": di_03,
    "DP-01": dp_01,
    "DP-02": dp_02,
    "LA-01": _interview_rule(_la_01),
    "LA-02": la_02,
    "PR-01": pr_01,
}
assert REGISTRY.keys() == p.RULE_TYPES.keys()

# Rules that read neither the forum (nor whether the item is foreign to it, nor its uses
# there) nor a parent's verdict in it: their results on an item and date are the same in
# every forum whose rulebook sets them alike, so they are worked out once for all of them.
FORUM_FREE = frozenset(
    {
        "AU-01",
        "AU-02",
        "AU-03",
        "AU-04",
        "AU-05",
        "AU-06",
        "AU-07",
        "AU-08",
        "AU-09",
        "AU-10",
        "CO-01",
        "CO-02",
        "CO-03",
        "CO-04",
        "CO-05",
        "CU-01",
        "CU-02",
        "CU-03",
        "CU-04",
        "IN-01",
        "IN-02",
        "US-05",
        "US-06",
        "DI-03",
        "DP-01",
        "DP-02",
        "LA-01",
        "LA-02",
    }
)
assert REGISTRY.keys() >= FORUM_FREE
