"""The EvidenceItem aggregate: one item registered by a party, its files and its custody.

This module holds the item's events (their topics, `domain.evidence:EvidenceItem.<Event>`,
are stored with each event in the log), its state and what each event does to it, and the
commands that register the item, attach its files and set its handling restrictions. The
custody commands (custody, every download and re-hash of a file) are in
domain/evidence_custody.py; those that record facts for the admissibility rules in
domain/evidence_facts.py, and the forensic and handling facts (searches, examinations,
reviews, certificates, translations, processing logs, hashes made elsewhere) in
domain/evidence_handling.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import msgspec
from eventsourcing.domain import event
from eventsourcing.utils import get_topic

from domain.authorisation import LegalAuthorisation
from domain.base import JitAggregate, fields_of
from domain.commands import (
    AmendDescription,
    AttachFile,
    RegisterEvidence,
    RestrictHandling,
)
from domain.comments import Comment, Commentable, CommentEvent
from domain.errors import NotFound, PermissionDenied, RuleViolation
from domain.evidence_custody import CustodyCommands
from domain.evidence_facts import LegalFactCommands
from domain.evidence_handling import HandlingFactCommands
from domain.evidence_retention import RetentionCommands
from domain.handling import UNRESTRICTED, HandlingRestrictions
from domain.investigation import Investigation
from domain.values import (
    SHA256_HEX,
    Actor,
    Condition,
    ConditionKind,
    ConsentPurpose,
    ConsentRequest,
    DeletedFile,
    DerivationKind,
    DisclosureStep,
    EvidenceFile,
    EvidenceKind,
    HashAlgorithm,
    Identifier,
    LawyerPresence,
    LegalHold,
    PendingHandover,
    PrivilegeReviewResult,
    RetentionDeletion,
    RulingEffect,
    SealCondition,
    UsePurpose,
)


def reference_key(reference: str) -> str:
    """What makes two references the same: case, Unicode variants (full-width letters)
    and spacing aside, `FR-DOC-7`, `fr-doc-7` and ` FR-DOC-7 ` name one document."""
    return " ".join(unicodedata.normalize("NFKC", reference).casefold().split())


def reference_claim(reference: str) -> str:
    """The unique key an item's reference claims in its investigation (see eventlog.py)."""
    return f"evidence reference:{reference_key(reference)}"


class EvidenceItem(
    JitAggregate,
    CustodyCommands,
    LegalFactCommands,
    HandlingFactCommands,
    RetentionCommands,
    Commentable,
):
    class Registered(JitAggregate.Created):
        reference: str
        country: str
        kind: EvidenceKind
        description: str
        occurred_at: datetime
        collected_by: str
        place: str
        method: str
        authorisation_id: UUID | None

        @property
        def unique_key(self) -> str:
            """No other record of the investigation may hold this key: references are
            unique within an investigation (the event log enforces it, see eventlog.py)."""
            return reference_claim(self.reference)

    class DescriptionAmended(JitAggregate.Event):
        description: str
        reason: str

    class FileAttached(JitAggregate.Event):
        file_id: UUID
        name: str
        media_type: str
        sha256: str
        size: int
        storage_key: str

    class Collected(JitAggregate.Event):
        """The actor took the item into custody when it was collected."""

        place: str
        note: str
        occurred_at: datetime

    class Sealed(JitAggregate.Event):
        seal_number: str
        occurred_at: datetime

    class HandedOver(JitAggregate.Event):
        recipient_id: UUID
        reason: str
        occurred_at: datetime

    class TransferredToParty(JitAggregate.Event):
        country: str
        recipient_id: UUID
        reason: str
        occurred_at: datetime

    class Received(JitAggregate.Event):
        """The named recipient took the item over and says what state it arrived in."""

        sender_id: UUID
        seal_condition: SealCondition
        seal_number: str
        packaging: str
        occurred_at: datetime

    class Stored(JitAggregate.Event):
        location: str
        occurred_at: datetime

    class Accessed(JitAggregate.Event):
        """A file was downloaded; when is the event's own (recorded) time."""

        file_id: UUID
        purpose: str
        first_byte: int
        last_byte: int

    class IntegrityVerified(JitAggregate.Event):
        file_id: UUID
        sha256: str
        size: int

    class IntegrityViolated(JitAggregate.Event):
        file_id: UUID
        expected_sha256: str
        found_sha256: str | None  # None: the store no longer holds the file
        found_size: int | None

    class Returned(JitAggregate.Event):
        returned_to: str
        reason: str
        occurred_at: datetime

    class Destroyed(JitAggregate.Event):
        method: str
        reason: str
        occurred_at: datetime

    # -- retention (domain/evidence_retention.py) -----------------------------------------

    class LegalHoldPlaced(JitAggregate.Event):
        """The item is kept whatever its deletion date, until the hold is released."""

        reason: str
        reference: str  # the order or decision that requires it; empty: none named
        occurred_at: datetime

    class LegalHoldReleased(JitAggregate.Event):
        reason: str
        occurred_at: datetime

    class DeletedUnderRetention(JitAggregate.Event):
        """The item's files were deleted: its deletion date had passed (`ground`: the
        retention that set it) with no legal hold on. The item stays on record."""

        files: tuple[DeletedFile, ...]
        deletion_date: datetime
        ground: str
        occurred_at: datetime

    # -- facts the admissibility rules read -----------------------------------------------

    class SealOpened(JitAggregate.Event):
        """The seal found on opening the package, and who authorised the opening."""

        seal_number: str
        authorised_by: str
        occurred_at: datetime

    class InterviewRecorded(JitAggregate.Event):
        """How the interview this item records was conducted (Dirs 2010/64, 2012/13, 2013/48)."""

        suspect_language: str
        interview_language: str
        interpreter: str  # empty: none
        caution_given: bool
        lawyer: LawyerPresence
        ill_treatment_alleged: bool
        occurred_at: datetime

    class Derived(JitAggregate.Event):
        """This item was made from another one: a copy, an extraction, an analysis, a
        translation; linked to the hash of the parent it was made from."""

        parent_id: UUID
        parent_sha256: str
        relation: DerivationKind
        tool: str
        tool_version: str
        made_by: str
        occurred_at: datetime

    class UsedInProceeding(JitAggregate.Event):
        country: str
        proceeding: str
        offence: str
        purpose: UsePurpose
        occurred_at: datetime

    class ConsentGranted(JitAggregate.Event):
        """The originating party consents to another party's use (Art. 13(10)(b)), to a
        disclosure, or to an onward transfer; it answers the open request it covers. (The
        purpose is a `ConsentPurpose`: the `UsePurpose` values stored before it read alike.)"""

        to_country: str
        purpose: ConsentPurpose
        offence: str  # empty: any offence
        conditions: str
        occurred_at: datetime

    class ConsentWithdrawn(JitAggregate.Event):
        to_country: str
        purpose: ConsentPurpose
        offence: str
        reason: str
        occurred_at: datetime

    class ConsentRequested(JitAggregate.Event):
        """`by_country` asks the originating party to consent to a use, a disclosure or an
        onward transfer (to `to_country`: the asking party, or the state it would go to)."""

        by_country: str
        to_country: str
        purpose: ConsentPurpose
        offence: str  # empty: any offence
        note: str
        occurred_at: datetime

    class ConsentRefused(JitAggregate.Event):
        """The originating party refused the open request of `to_country`."""

        to_country: str
        purpose: ConsentPurpose
        offence: str
        reason: str
        occurred_at: datetime

    class ConditionAttached(JitAggregate.Event):
        """The originating party (the sender) attached a condition to the item: on its use,
        its onward transfer or its disclosure, binding `to_country` (empty: every
        recipient). `number` names it on the item (1, 2, ...)."""

        number: int
        kind: ConditionKind
        text: str
        to_country: str
        occurred_at: datetime

    class ConditionMet(JitAggregate.Event):
        number: int
        note: str
        occurred_at: datetime

    class ConditionLifted(JitAggregate.Event):
        """The originating party lifted its condition."""

        number: int
        reason: str
        occurred_at: datetime

    class SentOnward(JitAggregate.Event):
        """The item (or a copy) was transferred on to a state outside the JIT (US-05)."""

        to_country: str
        recipient: str
        reason: str
        occurred_at: datetime

    class ConcernsRecorded(JitAggregate.Event):
        """Whom the item concerns (persons, numbers, accounts, devices): replaces the list on
        record (AU-03 compares it with the targets the authorisation names)."""

        identifiers: tuple[Identifier, ...]
        occurred_at: datetime

    class TargetLocated(JitAggregate.Event):
        """The state on whose territory the measure's target was when it ran (AU-10)."""

        country: str
        occurred_at: datetime

    class RulingRecorded(JitAggregate.Event):
        """A ruling of `country`'s court on the item (other than annulling the measure, an
        event of the authorisation): it excluded or admitted it (AU-07, in that forum)."""

        country: str
        court: str
        ruling: str
        effect: RulingEffect
        note: str
        occurred_at: datetime

    class TerritoryRecorded(JitAggregate.Event):
        """The state on whose territory the item was collected (AU-08: inside the JIT, a
        state of its parties at the time)."""

        country: str
        occurred_at: datetime

    class DisclosureStepRecorded(JitAggregate.Event):
        """A step of the item on `country`'s disclosure schedule (a common-law forum's:
        reviewed, scheduled as used or unused material, disclosed to the defence; DI-01)."""

        country: str
        step: DisclosureStep
        note: str
        occurred_at: datetime

    class DefectRaised(JitAggregate.Event):
        """A defect of the item raised before a forum's court (a nullity motion, an objection).
        `rule` names the catalogue rule it invokes; empty: every defect of the item."""

        country: str
        rule: str
        note: str
        occurred_at: datetime

    # -- forensic and handling facts (domain/evidence_handling.py) --------------------------

    class PrivilegeReviewed(JitAggregate.Event):
        """A review of the item for privileged or core-private content (DE §100d): who
        reviewed it, and whether such content was found, and deleted."""

        reviewed_by: str
        result: PrivilegeReviewResult
        note: str
        occurred_at: datetime

    class SearchRecorded(JitAggregate.Event):
        """The record of the search that collected the item (FR CPP Art. 57): the witnesses
        present, whether an inventory was made, who signed the record."""

        witnesses: tuple[str, ...]
        inventory_made: bool
        signed_by: tuple[str, ...]
        note: str
        occurred_at: datetime

    class ExaminationRecorded(JitAggregate.Event):
        """How the data was acquired or examined (ACPO principles 1-2): through a
        write-blocker, or by live access and why; the examiner and their competence."""

        write_blocked: bool
        live_access_reason: str
        examiner: str
        competence: str
        occurred_at: datetime

    class CertificateRecorded(JitAggregate.Event):
        """A certificate of authenticity of the item (FRE 902(11), (13), (14) style): who
        certified it, when, under which provision, the hash it attests, and when notice was
        given to the adverse party (None: not yet)."""

        certified_by: str
        basis: str
        sha256: str
        notice_given_at: datetime | None
        occurred_at: datetime

    class Translated(JitAggregate.Event):
        """The item was translated: into which language, by whom, from which of its files
        (the source's hash), into which item (None: not registered)."""

        language: str
        translator: str
        source_sha256: str
        translation_id: UUID | None
        occurred_at: datetime

    class ProcessingLogRecorded(JitAggregate.Event):
        """Where the log of the processing of data held outside JITspace is kept (LED
        Art. 25), and by whom."""

        kept_by: str
        kept_in: str
        occurred_at: datetime

    class HashedElsewhere(JitAggregate.Event):
        """The data was hashed at acquisition outside JITspace, with this algorithm."""

        algorithm: HashAlgorithm
        digest: str
        hashed_by: str
        tool: str
        occurred_at: datetime

    class VerifiedElsewhere(JitAggregate.Event):
        """The data was re-hashed outside JITspace; `matched`: the digest equals the one
        recorded at acquisition with the same algorithm (JITspace compares them)."""

        algorithm: HashAlgorithm
        digest: str
        matched: bool
        verified_by: str
        tool: str
        occurred_at: datetime

    class HandlingRestricted(JitAggregate.Event):
        """The originating party set who may read the item and download its files."""

        restrictions: HandlingRestrictions
        occurred_at: datetime

    class Commented(CommentEvent):
        """A member's comment (withheld with what the item is)."""

    noun = "evidence item"
    id_field = "evidence_id"

    @event(Registered)
    def __init__(
        self,
        investigation_id: UUID,
        actor: Actor,
        reference: str,
        country: str,
        kind: EvidenceKind,
        description: str,
        occurred_at: datetime,
        collected_by: str,
        place: str,
        method: str,
        authorisation_id: UUID | None,
    ) -> None:
        self.investigation_id = investigation_id
        self.reference = reference
        self.country = country
        self.kind = kind
        self.description = description
        self.collected_at = occurred_at
        self.collected_by = collected_by
        self.place = place
        self.method = method
        self.authorisation_id = authorisation_id
        self.registered_by = actor
        self.files: dict[UUID, EvidenceFile] = {}
        self.holding_country = country
        self.custodian_id: UUID | None = None
        self.custody_started = False
        self.handover: PendingHandover | None = None
        self.seal_number: str | None = None
        self.location: str | None = None
        self.disposal: str | None = None
        self.parent_id: UUID | None = None
        self.relation: DerivationKind | None = None  # how it was made from its parent
        self.consents: set[tuple[str, ConsentPurpose, str]] = set()
        self.consent_requests: dict[tuple[str, ConsentPurpose, str], ConsentRequest] = {}
        self.conditions: dict[int, Condition] = {}
        self.concerns: tuple[Identifier, ...] = ()
        self.target_country: str | None = None
        self.hashed_elsewhere: set[tuple[HashAlgorithm, str]] = set()
        self.territory: str | None = None  # where it was collected, if recorded
        self.rulings: dict[str, RulingEffect] = {}  # forum -> its court's latest ruling
        # (forum, step, when) of the item's disclosure schedules, in the order recorded
        self.disclosure_steps: list[tuple[str, DisclosureStep, datetime]] = []
        self.handling = UNRESTRICTED
        self.comments: list[Comment] = []
        self.legal_hold: LegalHold | None = None
        self.retention_deletion: RetentionDeletion | None = None

    @classmethod
    def register(
        cls,
        investigation: Investigation,
        actor: Actor,
        command: RegisterEvidence,
        authorisation: LegalAuthorisation | None = None,
    ) -> EvidenceItem:
        """Register an item collected by the actor's party (its originating party), under the
        authorisation the command names (loaded), if any."""
        investigation.check_can_act(actor)
        if authorisation is not None:
            authorisation.check_belongs_to(investigation, field="authorisation_id")
        cls._check_registration(command)
        return cls(
            investigation_id=investigation.id,
            actor=actor,
            **fields_of(
                cls.Registered,
                command,
                country=actor.country,
                authorisation_id=authorisation.id if authorisation else None,
            ),
        )

    @classmethod
    def register_many(
        cls,
        investigation: Investigation,
        actor: Actor,
        registrations: Iterable[tuple[RegisterEvidence, LegalAuthorisation | None]],
    ) -> Iterator[EvidenceItem]:
        """Register many items, as `register` registers each (an import): the same rules and
        the same event, the actor's standing and each authorisation checked once for all.
        Each item is made from its Registered event as a replay makes it, without the
        library's general path to a new record (its arguments inspected, the event's fields
        sorted out), which costs more than the rest of a registration."""
        investigation.check_can_act(actor)
        checked: set[UUID] = set()
        topic = get_topic(cls)
        for command, authorisation in registrations:
            if authorisation is not None and authorisation.id not in checked:
                authorisation.check_belongs_to(investigation, field="authorisation_id")
                checked.add(authorisation.id)
            cls._check_registration(command)
            fields: dict[str, Any] = {
                "originator_topic": topic,
                "originator_id": uuid4(),
                "originator_version": cls.INITIAL_VERSION,
                "timestamp": cls.Registered.create_timestamp(),
                "investigation_id": investigation.id,
                "actor": actor,
                "reference": command.reference,
                "country": actor.country,
                "kind": command.kind,
                "description": command.description,
                "occurred_at": command.occurred_at,
                "collected_by": command.collected_by,
                "place": command.place,
                "method": command.method,
                "authorisation_id": authorisation.id if authorisation else None,
            }
            registered = cls.Registered(**fields)
            item = registered.mutate(None)
            assert isinstance(item, cls)
            item.pending_events.append(registered)
            yield item

    @staticmethod
    def _check_registration(command: RegisterEvidence) -> None:
        if not command.description.strip():
            raise RuleViolation("describe the item", field="description")
        if not reference_key(command.reference):
            raise RuleViolation("give the item's reference", field="reference")

    def amend_description(
        self, investigation: Investigation, actor: Actor, command: AmendDescription
    ) -> None:
        self._check_acting(investigation, actor)
        if actor.country != self.country:
            raise RuleViolation(
                "only the originating party amends an item's description", field="description"
            )
        if command.description == self.description:
            raise RuleViolation("the description is unchanged", field="description")
        self._record(self.DescriptionAmended, actor, command)

    @event(DescriptionAmended)
    def _description_amended(self, description: str) -> None:
        self.description = description

    # -- files ----------------------------------------------------------------------------

    def attach_file(self, investigation: Investigation, actor: Actor, command: AttachFile) -> None:
        """Record a file the store already holds in full."""
        self.check_may_attach_file(investigation, actor)
        if command.size <= 0:
            raise RuleViolation("the file is empty: an empty file is not evidence", field="body")
        if len(command.sha256) != 64 or not set(command.sha256) <= SHA256_HEX:
            raise RuleViolation("a file is recorded with its SHA-256 in hex", field="sha256")
        if any(f.sha256 == command.sha256 for f in self.files.values()):
            raise RuleViolation("this file is already attached to the item", field="body")
        self._record(self.FileAttached, actor, command)

    def check_may_attach_file(self, investigation: Investigation, actor: Actor) -> None:
        """Who may attach a file: checked before the store takes any byte, and again when
        the file is recorded."""
        self._check_acting(investigation, actor)
        if actor.country != self.country and actor.user_id != self.custodian_id:
            raise PermissionDenied(
                "only the originating party or the current custodian attaches files"
            )
        self._check_not_deleted("no file is attached to it any more")

    def check_file(self, file_id: UUID) -> EvidenceFile:
        """The file, still stored: Gone if it was deleted under retention."""
        file = self.files.get(file_id)
        if file is None:
            raise NotFound("no such file of this evidence item", field="file_id")
        self.check_not_deleted()
        return file

    @property
    def integrity_violated(self) -> bool:
        return any(f.integrity == "violated" for f in self.files.values())

    # -- handling restrictions ------------------------------------------------------------

    def restrict_handling(
        self, investigation: Investigation, actor: Actor, command: RestrictHandling
    ) -> None:
        """The originating party sets who may read the item and download its files."""
        restrictions = command.restrictions
        self._check_acting(investigation, actor)
        if actor.country != self.country:
            raise PermissionDenied(
                "only the originating party sets an item's handling restrictions"
            )
        self._check_restrictions(investigation, restrictions)
        if restrictions == self.handling:
            raise RuleViolation("these are the item's restrictions already", field="body")
        self._record(self.HandlingRestricted, actor, command)

    def _check_restrictions(
        self, investigation: Investigation, restrictions: HandlingRestrictions
    ) -> None:
        """The restrictions name other parties of the JIT, and let read what they let have."""
        for name in ("description_to", "files_to"):
            for index, country in enumerate(getattr(restrictions, name) or ()):
                if country not in investigation.parties or country == self.country:
                    raise RuleViolation(
                        f"{country} is not another party of this JIT",
                        field=f"{name}[{index}]",
                    )
        if restrictions.files_to is not None and restrictions.description_to is not None:
            unread = set(restrictions.files_to) - set(restrictions.description_to)
            if unread:
                raise RuleViolation(
                    f"{', '.join(sorted(unread))} may download the files but not read the item: "
                    "list them in description_to too",
                    field="files_to",
                )

    def may_read(self, country: str) -> bool:
        """Whether a party may read what the item is (its handling restrictions)."""
        return self.handling.may_read(self.country, country)

    def check_may_download(self, country: str) -> None:
        """Raise PermissionDenied unless the item's handling restrictions let a party
        download its files."""
        consented = any(to == country for to, _, _ in self.consents)
        self.handling.check_may_download(self.country, country, consented=consented)

    def may_download(self, country: str) -> bool:
        try:
            self.check_may_download(country)
        except PermissionDenied:
            return False
        return True

    # -- what each event does to the item (the library hands each method the event's fields
    # it names; custody commands: domain/evidence_custody.py; facts for the admissibility
    # rules: domain/evidence_facts.py) ------------------------------------------------------

    @event(Derived)
    def _derived(self, parent_id: UUID, relation: DerivationKind) -> None:
        self.parent_id = parent_id
        self.relation = relation

    @event(ConcernsRecorded)
    def _concerns_recorded(self, identifiers: tuple[Identifier, ...]) -> None:
        self.concerns = identifiers

    @event(TargetLocated)
    def _target_located(self, country: str) -> None:
        self.target_country = country

    @event(HashedElsewhere)
    def _hashed_elsewhere(self, algorithm: HashAlgorithm, digest: str) -> None:
        self.hashed_elsewhere.add((algorithm, digest))

    @event(RulingRecorded)
    def _ruling_recorded(self, country: str, effect: RulingEffect) -> None:
        self.rulings[country] = effect

    @event(TerritoryRecorded)
    def _territory_recorded(self, country: str) -> None:
        self.territory = country

    @event(DisclosureStepRecorded)
    def _disclosure_step_recorded(
        self, country: str, step: DisclosureStep, occurred_at: datetime
    ) -> None:
        self.disclosure_steps.append((country, step, occurred_at))

    @event(ConsentGranted)
    def _consent_granted(self, to_country: str, purpose: ConsentPurpose, offence: str) -> None:
        self.consents.add((to_country, purpose, offence))
        self.consent_requests.pop((to_country, purpose, offence), None)

    @event(ConsentWithdrawn)
    def _consent_withdrawn(self, to_country: str, purpose: ConsentPurpose, offence: str) -> None:
        self.consents.discard((to_country, purpose, offence))

    @event(ConsentRequested)
    def _consent_requested(
        self,
        by_country: str,
        to_country: str,
        purpose: ConsentPurpose,
        offence: str,
        occurred_at: datetime,
    ) -> None:
        key = (to_country, purpose, offence)
        self.consent_requests[key] = ConsentRequest(
            by_country, to_country, purpose, offence, occurred_at
        )

    @event(ConsentRefused)
    def _consent_refused(self, to_country: str, purpose: ConsentPurpose, offence: str) -> None:
        self.consent_requests.pop((to_country, purpose, offence), None)

    @event(ConditionAttached)
    def _condition_attached(
        self, number: int, kind: ConditionKind, text: str, to_country: str, occurred_at: datetime
    ) -> None:
        self.conditions[number] = Condition(number, kind, text, to_country, occurred_at)

    @event(ConditionMet)
    def _condition_met(self, number: int, occurred_at: datetime) -> None:
        self.conditions[number] = msgspec.structs.replace(
            self.conditions[number], met_at=occurred_at
        )

    @event(ConditionLifted)
    def _condition_lifted(self, number: int, occurred_at: datetime) -> None:
        self.conditions[number] = msgspec.structs.replace(
            self.conditions[number], lifted_at=occurred_at
        )

    @event(HandlingRestricted)
    def _handling_restricted(self, restrictions: HandlingRestrictions) -> None:
        self.handling = restrictions

    @event(FileAttached)
    def _file_attached(
        self,
        file_id: UUID,
        name: str,
        media_type: str,
        sha256: str,
        size: int,
        storage_key: str,
    ) -> None:
        self.files[file_id] = EvidenceFile(file_id, name, media_type, sha256, size, storage_key)

    @event(IntegrityVerified)
    def _integrity_verified(self, file_id: UUID) -> None:
        file = self.files[file_id]
        if file.integrity != "violated":  # a violation stays on record: never repaired
            self.files[file_id] = msgspec.structs.replace(file, integrity="verified")

    @event(IntegrityViolated)
    def _integrity_violated(self, file_id: UUID) -> None:
        self.files[file_id] = msgspec.structs.replace(self.files[file_id], integrity="violated")

    @event(Collected)
    def _collected(self, actor: Actor) -> None:
        self.custody_started = True
        self.custodian_id = actor.user_id

    @event(Sealed)
    def _sealed(self, seal_number: str) -> None:
        self.seal_number = seal_number

    @event(SealOpened)
    def _seal_opened(self) -> None:
        self.seal_number = None  # open: it takes a new seal to be sealed again

    @event(HandedOver)
    def _handed_over(self, recipient_id: UUID, occurred_at: datetime) -> None:
        self.handover = PendingHandover(recipient_id, None, occurred_at)

    @event(TransferredToParty)
    def _transferred_to_party(
        self, country: str, recipient_id: UUID, occurred_at: datetime
    ) -> None:
        self.handover = PendingHandover(recipient_id, country, occurred_at)

    @event(Received)
    def _received(self, actor: Actor) -> None:
        assert self.handover is not None
        if self.handover.country is not None:
            self.holding_country = self.handover.country
        self.custodian_id = actor.user_id
        self.handover = None

    @event(Stored)
    def _stored(self, location: str) -> None:
        self.location = location

    @event(Returned)
    def _returned(self) -> None:
        self.disposal = "returned"
        self.custodian_id = None

    @event(LegalHoldPlaced)
    def _legal_hold_placed(
        self, actor: Actor, reason: str, reference: str, occurred_at: datetime
    ) -> None:
        self.legal_hold = LegalHold(actor, occurred_at, reason, reference)

    @event(LegalHoldReleased)
    def _legal_hold_released(self) -> None:
        self.legal_hold = None

    @event(DeletedUnderRetention)
    def _deleted_under_retention(
        self, actor: Actor, deletion_date: datetime, ground: str, occurred_at: datetime
    ) -> None:
        self.retention_deletion = RetentionDeletion(actor, occurred_at, deletion_date, ground)

    @event(Destroyed)
    def _destroyed(self) -> None:
        self.disposal = "destroyed"
        self.custodian_id = None
