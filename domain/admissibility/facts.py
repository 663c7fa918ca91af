"""The facts the admissibility rules read, folded from an investigation's events.

`CaseFile.apply(event)` takes the investigation's events in log order (live, one at a time, or
replayed as of a point of the log) and answers which evidence items the event may change the
verdicts of. Every fact keeps the event it comes from (`Ref`) and when it happened, so a rule
can say what it rests on and a verdict can be asked for any date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from domain.admissibility.results import Ref
from domain.authorisation import LegalAuthorisation
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.rule_settings import RuleSpec
from domain.rulebook import Rulebook
from domain.values import Scope

ANY_ITEM = UUID(int=0)
# a fact recorded later than this after it happened is kept as a late record (PR-02): the
# shortest delay a rulebook may flag (`rule_settings.LateRecords`)
LATE_AFTER = timedelta(days=1)
EVERY_ITEM = frozenset({ANY_ITEM})  # an event that may change every item's verdicts


def ref(e: Any) -> Ref:
    return Ref(e.originator_id, e.originator_version, type(e).__name__)


class Extension(msgspec.Struct, gc=False):
    ref: Ref
    signed_at: datetime
    valid_until: datetime


class Notice(msgspec.Struct, gc=False):
    """What is on record of notifying one state of a measure on its territory (AU-10)."""

    country: str
    sent: Ref | None = None
    sent_at: datetime | None = None
    received: Ref | None = None
    received_at: datetime | None = None
    objection: Ref | None = None
    objected_at: datetime | None = None
    covers: str = ""  # what the objection covers: "use_of_data" or "all"
    note: str = ""
    not_made: Ref | None = None  # recorded: no notification was made
    not_made_at: datetime | None = None
    reason: str = ""  # why none was made


class Entrusted(msgspec.Struct, gc=False):
    """The host state entrusted the measure to a seconded member's party (AU-09)."""

    ref: Ref
    country: str
    entrusted_by: str
    allowed: bool
    legal_basis: str
    occurred_at: datetime


class Formality(msgspec.Struct, gc=False):
    """A formality a forum asked for, and what the issuing state reported of it (AU-11)."""

    ref: Ref
    name: str
    forum: str
    requested_by: str
    requested_at: datetime
    report: Ref | None = None
    met: bool = False
    reason: str = ""
    reported_at: datetime | None = None


class LateRecord(msgspec.Struct, gc=False):
    """A fact recorded more than a day after it happened, with both dates (PR-02)."""

    ref: Ref
    occurred_at: datetime
    recorded_at: datetime


def late(e: Any, into: list[LateRecord]) -> None:
    """Keep the event among the late records if it was recorded long after it happened."""
    occurred = getattr(e, "occurred_at", None)
    if isinstance(occurred, datetime) and e.timestamp - occurred > LATE_AFTER:
        into.append(LateRecord(ref(e), occurred, e.timestamp))


class AuthorisationFacts(msgspec.Struct, gc=False):
    ref: Ref
    kind: str
    country: str
    authority: str
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime
    scope: Scope
    conditions: str
    issuer: str = ""  # empty: not recorded
    offences: tuple[str, ...] = ()
    urgent: bool = False
    qualified: Ref | None = None
    extensions: list[Extension] = msgspec.field(default_factory=list)
    revoked: Ref | None = None
    revoked_at: datetime | None = None
    annulled: Ref | None = None  # a ruling annulled the measure
    annulled_at: datetime | None = None
    confirmed_by_judge_at: datetime | None = None  # an urgent order, an order to validate
    confirmed: Ref | None = None
    notices: dict[str, Notice] = msgspec.field(default_factory=dict)  # by state
    entrustments: dict[str, Entrusted] = msgspec.field(default_factory=dict)  # by party
    formalities: list[Formality] = msgspec.field(default_factory=list)
    late: list[LateRecord] = msgspec.field(default_factory=list)  # PR-02

    def notice(self, country: str) -> Notice:
        return self.notices.setdefault(country, Notice(country))


class Handover(msgspec.Struct, gc=False):
    ref: Ref
    occurred_at: datetime
    to_country: str  # empty: within the party
    receipt: Ref | None = None
    received_at: datetime | None = None
    seal_found: str = ""
    seal_condition: str = ""


class Seal(msgspec.Struct, gc=False):
    ref: Ref
    number: str
    occurred_at: datetime
    opened: bool = False  # an opening, not a sealing
    authorised_by: str = ""


class FileFact(msgspec.Struct, gc=False):
    ref: Ref
    sha256: str
    algorithm: str = "sha256"


class Check(msgspec.Struct, gc=False):
    """A re-hash of a file: matched or not."""

    ref: Ref
    ok: bool
    at: datetime


class Access(msgspec.Struct, gc=False):
    ref: Ref
    actor_id: UUID
    role: str
    at: datetime
    purpose: str


class Interview(msgspec.Struct, gc=False):
    ref: Ref
    suspect_language: str
    interview_language: str
    interpreter: str
    caution_given: bool
    lawyer: str
    ill_treatment_alleged: bool
    occurred_at: datetime


class Derivation(msgspec.Struct, gc=False):
    ref: Ref
    parent_id: UUID
    parent_sha256: str
    relation: str
    tool: str
    tool_version: str
    made_by: str
    occurred_at: datetime


class Use(msgspec.Struct, gc=False):
    ref: Ref
    country: str
    proceeding: str
    offence: str
    purpose: str
    occurred_at: datetime


class Consent(msgspec.Struct, gc=False):
    ref: Ref
    to_country: str
    purpose: str
    offence: str
    granted: bool  # False: withdrawn
    conditions: str
    occurred_at: datetime


class ConsentAsked(msgspec.Struct, gc=False):
    """A request for the originating party's consent, and its answer once given."""

    ref: Ref
    by_country: str
    to_country: str
    purpose: str
    offence: str
    occurred_at: datetime
    answer: Ref | None = None
    granted: bool = False
    answered_at: datetime | None = None
    reason: str = ""  # a refusal's


class SenderCondition(msgspec.Struct, gc=False):
    """A condition the sender attached to the item, and when it was met or lifted."""

    ref: Ref
    number: int
    kind: str  # use | onward_transfer | disclosure
    text: str
    to_country: str  # empty: every recipient
    occurred_at: datetime
    closed: Ref | None = None
    closed_at: datetime | None = None
    lifted: bool = False  # closed by the sender lifting it (else: met)

    def binds(self, country: str, at: datetime) -> bool:
        """In force for `country` at `at` (as known then)."""
        return (
            self.to_country in ("", country)
            and self.occurred_at <= at
            and (self.closed_at is None or self.closed_at > at)
        )


class Onward(msgspec.Struct, gc=False):
    """The item was sent on to a state outside the JIT (US-05)."""

    ref: Ref
    by_country: str
    to_country: str
    recipient: str
    occurred_at: datetime


class DefectRaised(msgspec.Struct, gc=False):
    ref: Ref
    country: str
    rule: str
    occurred_at: datetime


class Concerns(msgspec.Struct, gc=False):
    """Whom the item concerns, as recorded at `occurred_at` (a later record replaces it)."""

    ref: Ref
    identifiers: tuple[tuple[str, str], ...]  # (kind, value)
    occurred_at: datetime


class TargetLocation(msgspec.Struct, gc=False):
    ref: Ref
    country: str
    occurred_at: datetime


class PrivilegeReview(msgspec.Struct, gc=False):
    ref: Ref
    reviewed_by: str
    result: str  # PrivilegeReviewResult's value
    occurred_at: datetime


class SearchRecord(msgspec.Struct, gc=False):
    ref: Ref
    witnesses: tuple[str, ...]
    inventory_made: bool
    signed_by: tuple[str, ...]
    occurred_at: datetime


class Examination(msgspec.Struct, gc=False):
    ref: Ref
    write_blocked: bool
    live_access_reason: str
    examiner: str
    competence: str
    occurred_at: datetime


class Certificate(msgspec.Struct, gc=False):
    ref: Ref
    certified_by: str
    basis: str
    sha256: str
    notice_given_at: datetime | None
    occurred_at: datetime


class Translation(msgspec.Struct, gc=False):
    ref: Ref
    language: str
    translator: str
    source_sha256: str
    occurred_at: datetime


class ProcessingLog(msgspec.Struct, gc=False):
    ref: Ref
    kept_by: str
    kept_in: str
    occurred_at: datetime


class Ruling(msgspec.Struct, gc=False):
    """A forum's court's ruling on the item: it excluded or admitted it (AU-07)."""

    ref: Ref
    country: str
    court: str
    ruling: str
    effect: str  # a `RulingEffect`
    occurred_at: datetime


class ScheduleStep(msgspec.Struct, gc=False):
    """A step of the item on one forum's disclosure schedule (DI-01)."""

    ref: Ref
    country: str
    step: str  # a `DisclosureStep`
    occurred_at: datetime


class ItemFacts(msgspec.Struct, gc=False):
    ref: Ref
    evidence_id: UUID
    reference: str
    country: str  # the originating (collecting) party
    kind: str
    method: str
    collected_by: str
    collected_at: datetime
    recorded_at: datetime
    authorisation_id: UUID | None
    collection: Ref | None = None
    custody_at: datetime | None = None
    handovers: list[Handover] = msgspec.field(default_factory=list)
    seals: list[Seal] = msgspec.field(default_factory=list)
    files: list[FileFact] = msgspec.field(default_factory=list)
    checks: list[Check] = msgspec.field(default_factory=list)
    accesses: list[Access] = msgspec.field(default_factory=list)
    interview: Interview | None = None
    derivation: Derivation | None = None
    uses: list[Use] = msgspec.field(default_factory=list)
    consents: list[Consent] = msgspec.field(default_factory=list)
    consent_requests: list[ConsentAsked] = msgspec.field(default_factory=list)
    conditions: list[SenderCondition] = msgspec.field(default_factory=list)
    onward: list[Onward] = msgspec.field(default_factory=list)
    defects_raised: list[DefectRaised] = msgspec.field(default_factory=list)
    concerns: list[Concerns] = msgspec.field(default_factory=list)  # each replaces the last
    target_locations: list[TargetLocation] = msgspec.field(default_factory=list)
    destroyed: Ref | None = None
    destroyed_at: datetime | None = None
    children: list[UUID] = msgspec.field(default_factory=list)
    # forensic and handling facts (domain/evidence_handling.py)
    privilege_reviews: list[PrivilegeReview] = msgspec.field(default_factory=list)
    searches: list[SearchRecord] = msgspec.field(default_factory=list)  # the last counts
    examinations: list[Examination] = msgspec.field(default_factory=list)  # the last counts
    certificates: list[Certificate] = msgspec.field(default_factory=list)  # the last counts
    translations: list[Translation] = msgspec.field(default_factory=list)
    processing_logs: list[ProcessingLog] = msgspec.field(default_factory=list)
    hashed_elsewhere: list[FileFact] = msgspec.field(default_factory=list)  # `sha256`: digest
    late: list[LateRecord] = msgspec.field(default_factory=list)  # PR-02
    schedule: list[ScheduleStep] = msgspec.field(default_factory=list)  # DI-01
    territory: TargetLocation | None = None  # the state it was collected in (AU-08)
    rulings: list[Ruling] = msgspec.field(default_factory=list)  # AU-07


class Membership(msgspec.Struct, gc=False):
    user_id: UUID
    role: str
    joined_at: datetime
    left_at: datetime | None = None
    name: str = ""  # as reasons name people (facts stored before it: "")
    country: str = ""


class PeriodExtension(msgspec.Struct, gc=False):
    """An amendment of the JIT agreement, signed at `signed_at`, extending it to `period_end`."""

    ref: Ref
    signed_at: datetime
    period_end: date


class CaseFacts(msgspec.Struct, gc=False):
    """The investigation itself: its period, parties, members and disclosures."""

    ref: Ref
    purpose: str
    period_start: date
    period_end: date
    parties: dict[str, datetime | None]  # country -> joined at (None: a founding party)
    members: list[Membership] = msgspec.field(default_factory=list)
    disclosures: list[Ref] = msgspec.field(default_factory=list)
    disclosed_at: list[datetime] = msgspec.field(default_factory=list)
    retention_days: int | None = None  # the JIT agreement's (None: it sets none)
    extensions: list[PeriodExtension] = msgspec.field(default_factory=list)  # AU-08
    left: dict[str, datetime] = msgspec.field(default_factory=dict)  # party -> when it left
    left_refs: dict[str, Ref] = msgspec.field(default_factory=dict)


class RulebookFacts(msgspec.Struct, gc=False):
    country: str
    source: str  # the shipped file it was adopted from, with version and SHA-256
    rules: dict[str, RuleSpec]
    refs: dict[str, Ref]  # rule id -> the event that set it


class CaseFile(msgspec.Struct, gc=False):
    """Everything the rules read for one investigation."""

    case: CaseFacts | None = None
    items: dict[UUID, ItemFacts] = msgspec.field(default_factory=dict)
    authorisations: dict[UUID, AuthorisationFacts] = msgspec.field(default_factory=dict)
    rulebooks: dict[str, RulebookFacts] = msgspec.field(default_factory=dict)

    def apply(self, e: Any) -> frozenset[UUID]:
        """Fold one event in; the items whose verdicts it may change (EVERY_ITEM: all)."""
        if isinstance(e, EvidenceItem.Event):
            return self._apply_item(e)
        if isinstance(e, LegalAuthorisation.Event):
            self._apply_authorisation(e)
            return frozenset(
                i.evidence_id for i in self.items.values() if i.authorisation_id == e.originator_id
            )
        if isinstance(e, Rulebook.Event):
            self._apply_rulebook(e)
            return EVERY_ITEM
        if isinstance(e, Investigation.Event):
            return self._apply_investigation(e)
        return frozenset()

    @staticmethod
    def case_changed(e: Any) -> bool:
        """Whether `apply` may change the facts of the investigation but its items (its
        authorisations, rulebooks, parties, members, disclosures): what a store of them
        rewrites. A task's events change nothing."""
        return isinstance(e, (LegalAuthorisation.Event, Rulebook.Event, Investigation.Event))

    @staticmethod
    def items_changed(e: Any) -> tuple[UUID, ...]:
        """The items whose own facts `apply` changes with the event (the rest of the facts
        belong to the whole investigation): what a store of the facts item by item rewrites."""
        if isinstance(e, EvidenceItem.Derived):
            return (e.originator_id, e.parent_id)  # the parent gains a child
        if isinstance(e, EvidenceItem.Event):
            return (e.originator_id,)
        return ()

    def affected(self, evidence_ids: frozenset[UUID]) -> set[UUID]:
        """The items and every item derived from them, down the line (IN-03)."""
        if evidence_ids is EVERY_ITEM or ANY_ITEM in evidence_ids:
            return set(self.items)
        seen: set[UUID] = set()
        todo = [i for i in evidence_ids if i in self.items]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.items[current].children)
        return seen

    # -- folds ----------------------------------------------------------------------------

    def _apply_investigation(self, e: Any) -> frozenset[UUID]:
        if isinstance(e, Investigation.Opened):
            self.case = CaseFacts(
                ref(e),
                e.purpose,
                e.period_start,
                e.period_end,
                {p.country: None for p in e.parties},
            )
            return frozenset()
        assert self.case is not None
        if isinstance(e, Investigation.PartyJoined):
            self.case.parties[e.party.country] = e.occurred_at
        elif isinstance(e, Investigation.MemberAdded):
            self.case.members.append(
                Membership(
                    e.member.user_id,
                    e.member.role.value,
                    e.occurred_at,
                    name=e.member.name,
                    country=e.member.country,
                )
            )
        elif isinstance(e, Investigation.MemberRemoved):
            for m in self.case.members:
                if m.user_id == e.user_id and m.left_at is None:
                    m.left_at = e.occurred_at
        elif isinstance(e, Investigation.DisclosureProduced):
            self.case.disclosures.append(ref(e))
            self.case.disclosed_at.append(e.timestamp)
        elif isinstance(e, Investigation.AgreementExtended):
            self.case.extensions.append(PeriodExtension(ref(e), e.occurred_at, e.period_end))
        elif isinstance(e, Investigation.PartyLeft):
            self.case.left[e.country] = e.occurred_at
            self.case.left_refs[e.country] = ref(e)
        elif isinstance(e, Investigation.RetentionAgreed):
            self.case.retention_days = e.retention_days
        else:
            return frozenset()
        return EVERY_ITEM

    def _apply_authorisation(self, e: Any) -> None:
        if isinstance(e, LegalAuthorisation.Recorded):
            self.authorisations[e.originator_id] = AuthorisationFacts(
                ref(e),
                e.kind.value,
                e.country,
                e.authority,
                e.occurred_at,
                e.valid_from,
                e.valid_until,
                e.scope,
                e.conditions,
            )
            return
        a = self.authorisations[e.originator_id]
        late(e, a.late)
        if isinstance(e, LegalAuthorisation.Qualified):
            a.issuer, a.offences, a.urgent, a.qualified = (
                e.issuer.value,
                tuple(e.offences),
                e.urgent,
                ref(e),
            )
        elif isinstance(e, LegalAuthorisation.Amended):
            a.scope, a.conditions = e.scope, e.conditions
        elif isinstance(e, LegalAuthorisation.Extended):
            a.extensions.append(Extension(ref(e), e.occurred_at, e.valid_until))
        elif isinstance(e, LegalAuthorisation.Revoked):
            a.revoked, a.revoked_at = ref(e), e.occurred_at
        elif isinstance(e, LegalAuthorisation.Confirmed):
            a.confirmed, a.confirmed_by_judge_at = ref(e), e.occurred_at
        elif isinstance(e, LegalAuthorisation.Annulled):
            a.annulled, a.annulled_at = ref(e), e.occurred_at
        elif isinstance(e, LegalAuthorisation.NotificationSent):
            n = a.notice(e.to_country)
            n.sent, n.sent_at = ref(e), e.occurred_at
        elif isinstance(e, LegalAuthorisation.NotificationReceived):
            n = a.notice(e.to_country)
            n.received, n.received_at = ref(e), e.occurred_at
        elif isinstance(e, LegalAuthorisation.ObjectionRaised):
            n = a.notice(e.by_country)
            n.objection, n.objected_at = ref(e), e.occurred_at
            n.covers, n.note = e.covers.value, e.note
        elif isinstance(e, LegalAuthorisation.NoNotificationMade):
            n = a.notice(e.to_country)
            n.not_made, n.not_made_at, n.reason = ref(e), e.occurred_at, e.reason
        elif isinstance(e, LegalAuthorisation.MeasureEntrusted):
            a.entrustments[e.to_country] = Entrusted(
                ref(e),
                e.to_country,
                e.entrusted_by,
                e.allowed_by_host_law,
                e.legal_basis,
                e.occurred_at,
            )
        elif isinstance(e, LegalAuthorisation.FormalitiesRequested):
            a.formalities += [
                Formality(ref(e), name, e.by_country, e.requested_by, e.occurred_at)
                for name in e.formalities
            ]
        elif isinstance(e, LegalAuthorisation.FormalityReported):
            for f in a.formalities:
                if (f.forum, f.name) == (e.by_country, e.formality) and f.report is None:
                    f.report, f.met, f.reason, f.reported_at = (
                        ref(e),
                        e.met,
                        e.reason,
                        e.occurred_at,
                    )

    def _apply_rulebook(self, e: Any) -> None:
        if isinstance(e, Rulebook.Adopted):
            self.rulebooks[e.country] = RulebookFacts(
                e.country,
                f"{e.source_name} {e.source_version} (sha256 {e.source_sha256[:12]}…)",
                {r.rule: r for r in e.rules},
                {r.rule: ref(e) for r in e.rules},
            )
            return
        book = self.rulebooks[e.country]
        if isinstance(e, Rulebook.RuleSet):
            book.rules[e.spec.rule] = e.spec
            book.refs[e.spec.rule] = ref(e)
        elif isinstance(e, Rulebook.RuleRemoved):
            book.rules.pop(e.rule, None)
            book.refs.pop(e.rule, None)

    def _apply_item(self, e: Any) -> frozenset[UUID]:
        r = ref(e)
        if isinstance(e, EvidenceItem.Registered):
            self.items[e.originator_id] = ItemFacts(
                r,
                e.originator_id,
                e.reference,
                e.country,
                e.kind.value,
                e.method,
                e.collected_by,
                e.occurred_at,
                e.timestamp,
                e.authorisation_id,
            )
            return frozenset({e.originator_id})
        item = self.items[e.originator_id]
        # the registration states when the item was collected, often well before it was
        # shared with the team: not a late record; every later fact about it may be
        late(e, item.late)
        at = getattr(e, "occurred_at", e.timestamp)
        if isinstance(e, EvidenceItem.Collected):
            item.collection, item.custody_at = r, at
        elif isinstance(e, EvidenceItem.Sealed):
            item.seals.append(Seal(r, e.seal_number, at))
        elif isinstance(e, EvidenceItem.SealOpened):
            item.seals.append(
                Seal(r, e.seal_number, at, opened=True, authorised_by=e.authorised_by)
            )
        elif isinstance(e, EvidenceItem.HandedOver):
            item.handovers.append(Handover(r, at, ""))
        elif isinstance(e, EvidenceItem.TransferredToParty):
            item.handovers.append(Handover(r, at, e.country))
        elif isinstance(e, EvidenceItem.Received):
            if item.handovers and item.handovers[-1].receipt is None:
                h = item.handovers[-1]
                h.receipt, h.received_at = r, at
                h.seal_found, h.seal_condition = e.seal_number, e.seal_condition.value
        elif isinstance(e, EvidenceItem.FileAttached):
            item.files.append(FileFact(r, e.sha256))
        elif isinstance(e, EvidenceItem.IntegrityVerified):
            item.checks.append(Check(r, True, at))
        elif isinstance(e, EvidenceItem.IntegrityViolated):
            item.checks.append(Check(r, False, at))
        elif isinstance(e, EvidenceItem.Accessed):
            item.accesses.append(Access(r, e.actor.user_id, e.actor.role.value, at, e.purpose))
        elif isinstance(e, EvidenceItem.InterviewRecorded):
            item.interview = Interview(
                r,
                e.suspect_language,
                e.interview_language,
                e.interpreter,
                e.caution_given,
                e.lawyer.value,
                e.ill_treatment_alleged,
                at,
            )
        elif isinstance(e, EvidenceItem.Derived):
            item.derivation = Derivation(
                r,
                e.parent_id,
                e.parent_sha256,
                e.relation.value,
                e.tool,
                e.tool_version,
                e.made_by,
                at,
            )
            self.items[e.parent_id].children.append(item.evidence_id)
            # the parent's verdicts may read what was made from it (DP-02)
            return frozenset({e.originator_id, e.parent_id})
        elif isinstance(e, EvidenceItem.UsedInProceeding):
            item.uses.append(Use(r, e.country, e.proceeding, e.offence, e.purpose.value, at))
        elif isinstance(e, EvidenceItem.ConsentGranted):
            item.consents.append(
                Consent(r, e.to_country, e.purpose.value, e.offence, True, e.conditions, at)
            )
            _answer(item, e, r, at, granted=True)
        elif isinstance(e, EvidenceItem.ConsentRequested):
            item.consent_requests.append(
                ConsentAsked(r, e.by_country, e.to_country, e.purpose.value, e.offence, at)
            )
        elif isinstance(e, EvidenceItem.ConsentRefused):
            _answer(item, e, r, at, granted=False, reason=e.reason)
        elif isinstance(e, EvidenceItem.ConditionAttached):
            item.conditions.append(
                SenderCondition(r, e.number, e.kind.value, e.text, e.to_country, at)
            )
        elif isinstance(e, (EvidenceItem.ConditionMet, EvidenceItem.ConditionLifted)):
            for c in item.conditions:
                if c.number == e.number:
                    c.closed, c.closed_at = r, at
                    c.lifted = isinstance(e, EvidenceItem.ConditionLifted)
        elif isinstance(e, EvidenceItem.SentOnward):
            item.onward.append(Onward(r, e.actor.country, e.to_country, e.recipient, at))
        elif isinstance(e, EvidenceItem.ConsentWithdrawn):
            item.consents.append(
                Consent(r, e.to_country, e.purpose.value, e.offence, False, "", at)
            )
        elif isinstance(e, EvidenceItem.RulingRecorded):
            item.rulings.append(Ruling(r, e.country, e.court, e.ruling, e.effect.value, at))
        elif isinstance(e, EvidenceItem.TerritoryRecorded):
            item.territory = TargetLocation(r, e.country, at)
        elif isinstance(e, EvidenceItem.DisclosureStepRecorded):
            item.schedule.append(ScheduleStep(r, e.country, e.step.value, at))
        elif isinstance(e, EvidenceItem.DefectRaised):
            item.defects_raised.append(DefectRaised(r, e.country, e.rule, at))
        elif isinstance(e, EvidenceItem.ConcernsRecorded):
            named = tuple((i.kind.value, i.value) for i in e.identifiers)
            item.concerns.append(Concerns(r, named, at))
        elif isinstance(e, EvidenceItem.TargetLocated):
            item.target_locations.append(TargetLocation(r, e.country, at))
        elif isinstance(e, EvidenceItem.PrivilegeReviewed):
            item.privilege_reviews.append(PrivilegeReview(r, e.reviewed_by, e.result.value, at))
        elif isinstance(e, EvidenceItem.SearchRecorded):
            item.searches.append(SearchRecord(r, e.witnesses, e.inventory_made, e.signed_by, at))
        elif isinstance(e, EvidenceItem.ExaminationRecorded):
            item.examinations.append(
                Examination(r, e.write_blocked, e.live_access_reason, e.examiner, e.competence, at)
            )
        elif isinstance(e, EvidenceItem.CertificateRecorded):
            item.certificates.append(
                Certificate(r, e.certified_by, e.basis, e.sha256, e.notice_given_at, at)
            )
        elif isinstance(e, EvidenceItem.Translated):
            item.translations.append(Translation(r, e.language, e.translator, e.source_sha256, at))
        elif isinstance(e, EvidenceItem.ProcessingLogRecorded):
            item.processing_logs.append(ProcessingLog(r, e.kept_by, e.kept_in, at))
        elif isinstance(e, EvidenceItem.HashedElsewhere):
            item.hashed_elsewhere.append(FileFact(r, e.digest, e.algorithm.value))
        elif isinstance(e, EvidenceItem.VerifiedElsewhere):
            item.checks.append(Check(r, e.matched, at))
        elif isinstance(e, (EvidenceItem.Destroyed, EvidenceItem.DeletedUnderRetention)):
            item.destroyed, item.destroyed_at = r, at
        else:
            return frozenset()
        return frozenset({e.originator_id})


def _answer(
    item: ItemFacts, e: Any, r: Ref, at: datetime, *, granted: bool, reason: str = ""
) -> None:
    """A grant or refusal answers the open request it covers (same party, purpose, offence)."""
    for asked in reversed(item.consent_requests):
        if (asked.to_country, asked.purpose, asked.offence) == (
            e.to_country,
            e.purpose.value,
            e.offence,
        ):
            if asked.answer is None:
                asked.answer, asked.granted, asked.answered_at = r, granted, at
                asked.reason = reason
            return
