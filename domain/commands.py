"""What a member asks the team to record: one value per command, each field written once.

A command names the records it is about (the investigation, and the record of it that it
changes) and what the member says; whoever sends it is the acting user, said apart. The API
converts its request documents into commands (jitspace/api/commands.py); the application
loads what a command names and hands the command to the aggregate, whose event records the
command's fields under the same names (`JitAggregate._record`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from domain.handling import UNRESTRICTED, HandlingRestrictions
from domain.permissions import Action
from domain.values import (
    AuthorisationKind,
    ConditionKind,
    ConsentPurpose,
    DerivationKind,
    DisclosureStep,
    EvidenceKind,
    HashAlgorithm,
    Identifier,
    IssuerKind,
    LawyerPresence,
    Member,
    ObjectionCovers,
    Party,
    PrivilegeReviewResult,
    Role,
    RulingEffect,
    Scope,
    SealCondition,
    TaskStatus,
    UsePurpose,
)


class Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A command to one investigation (a field it does not know is an error, not lost).
    `investigation_version`: the investigation's version on which the caller's access was
    decided; the command is recorded only if that is still its latest (None: the access is
    the investigation's as the command reads it)."""

    investigation_id: UUID
    investigation_version: int | None = None


class Change(Command, frozen=True, kw_only=True):
    """A change to a record on file; refused if the record is no longer at the version the
    member last read (None: whatever its version)."""

    expected_version: int | None = None


# -- the investigation: its parties and members ----------------------------------------------


class OpenInvestigation(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Open a JIT: its founder (the acting user) leads it, for the party `country`."""

    founder_name: str
    country: str
    name: str
    agreement_reference: str
    purpose: str
    period_start: date
    period_end: date
    parties: tuple[Party, ...]
    occurred_at: datetime


class AddParty(Change, frozen=True, kw_only=True):
    party: Party
    occurred_at: datetime


class AddMember(Change, frozen=True, kw_only=True):
    member: Member
    occurred_at: datetime


class RemoveMember(Change, frozen=True, kw_only=True):
    user_id: UUID
    reason: str
    occurred_at: datetime


class ChangeMemberRole(Change, frozen=True, kw_only=True):
    user_id: UUID
    role: Role
    reason: str
    occurred_at: datetime


class SetObserverRights(Change, frozen=True, kw_only=True):
    rights: frozenset[Action]
    agreement_clause: str
    occurred_at: datetime


class ExtendAgreement(Change, frozen=True, kw_only=True):
    """The JIT agreement extended, signed at `occurred_at`, until `period_end`."""

    period_end: date
    reason: str
    occurred_at: datetime


class RecordPartyDeparture(Change, frozen=True, kw_only=True):
    """A party leaves the JIT (its agreement ends for that party at `occurred_at`)."""

    country: str
    reason: str
    occurred_at: datetime


class AgreeRetention(Change, frozen=True, kw_only=True):
    """The retention the JIT agreement sets for the team's evidence, from each item's
    collection (it replaces the one agreed before)."""

    retention_days: int
    agreement_clause: str
    occurred_at: datetime


class CloseInvestigation(Change, frozen=True, kw_only=True):
    reason: str
    occurred_at: datetime


class Disclose(Command, frozen=True, kw_only=True):
    """Hand out the history up to a time (`as_of`) or a log position, and record it."""

    purpose: str
    as_of: datetime | None = None
    up_to_position: int | None = None
    withhold_parties: frozenset[str] = frozenset()
    include_files: bool = False


class RecordDisclosure(Command, frozen=True, kw_only=True):
    """What a disclosure bundle handed out holds (the application builds it)."""

    purpose: str
    as_of: datetime | None
    up_to_position: int
    head_hash: str
    bundle_sha256: str
    events: int
    withheld: int


# -- legal authorisations -----------------------------------------------------------------


class RecordAuthorisation(Command, frozen=True, kw_only=True):
    kind: AuthorisationKind
    country: str
    authority: str
    reference: str
    occurred_at: datetime
    valid_from: datetime
    valid_until: datetime
    scope: Scope = Scope()
    conditions: str = ""


class AuthorisationChange(Change, frozen=True, kw_only=True):
    authorisation_id: UUID


class RevokeAuthorisation(AuthorisationChange, frozen=True, kw_only=True):
    reason: str
    occurred_at: datetime


class QualifyAuthorisation(AuthorisationChange, frozen=True, kw_only=True):
    issuer: IssuerKind
    offences: tuple[str, ...] = ()
    urgent: bool = False


class AmendAuthorisation(AuthorisationChange, frozen=True, kw_only=True):
    scope: Scope
    conditions: str
    reason: str
    occurred_at: datetime


class ExtendAuthorisation(AuthorisationChange, frozen=True, kw_only=True):
    valid_until: datetime
    reason: str
    occurred_at: datetime


class ConfirmAuthorisation(AuthorisationChange, frozen=True, kw_only=True):
    judge: str
    occurred_at: datetime


class AnnulAuthorisation(AuthorisationChange, frozen=True, kw_only=True):
    court: str
    ruling: str
    occurred_at: datetime


class SendNotification(AuthorisationChange, frozen=True, kw_only=True):
    to_country: str
    occurred_at: datetime  # when it was sent


class RecordNotificationReceipt(AuthorisationChange, frozen=True, kw_only=True):
    to_country: str
    occurred_at: datetime  # when the notified state acknowledged it


class RaiseObjection(AuthorisationChange, frozen=True, kw_only=True):
    by_country: str
    covers: ObjectionCovers
    note: str = ""
    occurred_at: datetime


class RecordNoNotification(AuthorisationChange, frozen=True, kw_only=True):
    to_country: str
    reason: str
    occurred_at: datetime


class EntrustMeasure(AuthorisationChange, frozen=True, kw_only=True):
    to_country: str  # the seconded member's party
    entrusted_by: str  # the host state's authority
    allowed_by_host_law: bool
    legal_basis: str = ""
    occurred_at: datetime


class RequestFormalities(AuthorisationChange, frozen=True, kw_only=True):
    formalities: tuple[str, ...]
    requested_by: str  # the forum's authority that asked
    occurred_at: datetime


class ReportFormality(AuthorisationChange, frozen=True, kw_only=True):
    formality: str
    by_country: str  # the forum that requested it
    met: bool
    reason: str = ""  # why not, when not met
    occurred_at: datetime


# -- rulebooks ------------------------------------------------------------------------------


class AdoptRulebook(Command, frozen=True, kw_only=True):
    """Adopt a rulebook shipped with JITspace (`source`, e.g. "de") as `country`'s."""

    country: str
    source: str


class RulebookChange(Change, frozen=True, kw_only=True):
    country: str  # the forum country whose rulebook it is


class SetRule(RulebookChange, frozen=True, kw_only=True):
    rule: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    reason: str


class RemoveRule(RulebookChange, frozen=True, kw_only=True):
    rule: str
    reason: str


# -- evidence items: registration, description, handling, files ---------------------------


class RegisterEvidence(Command, frozen=True, kw_only=True):
    reference: str
    kind: EvidenceKind
    description: str
    occurred_at: datetime  # when it was collected
    collected_by: str
    place: str
    method: str
    authorisation_id: UUID | None = None
    handling: HandlingRestrictions = UNRESTRICTED


class EvidenceChange(Change, frozen=True, kw_only=True):
    evidence_id: UUID


class RestrictHandling(EvidenceChange, frozen=True, kw_only=True):
    restrictions: HandlingRestrictions
    occurred_at: datetime


class AmendDescription(EvidenceChange, frozen=True, kw_only=True):
    description: str
    reason: str


class AttachFile(EvidenceChange, frozen=True, kw_only=True):
    """Record a file the store holds in full."""

    file_id: UUID
    name: str
    media_type: str
    sha256: str
    size: int
    storage_key: str


class ImportedFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A file of an imported item, which the store already holds in full."""

    name: str
    media_type: str
    sha256: str
    size: int
    storage_key: str


class ImportedItem(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    item: RegisterEvidence
    files: tuple[ImportedFile, ...] = ()


class ImportEvidence(Command, frozen=True, kw_only=True):
    """Register items with their files at once, all of them or none (an import). The items
    may be a stream, read once as they are recorded (an import of a large file)."""

    items: Iterable[ImportedItem]


class VerifyFiles(EvidenceChange, frozen=True, kw_only=True):
    """Re-hash every stored file of the item and record what each gave."""


class RecordAccess(EvidenceChange, frozen=True, kw_only=True):
    """A download of a file, whole or the bytes `first_byte` to `last_byte`."""

    file_id: UUID
    purpose: str
    first_byte: int
    last_byte: int


# -- custody ------------------------------------------------------------------------------


class RecordCollection(EvidenceChange, frozen=True, kw_only=True):
    place: str
    note: str = ""
    occurred_at: datetime


class SealEvidence(EvidenceChange, frozen=True, kw_only=True):
    seal_number: str
    occurred_at: datetime


class HandOver(EvidenceChange, frozen=True, kw_only=True):
    recipient_id: UUID
    reason: str
    occurred_at: datetime


class TransferToParty(EvidenceChange, frozen=True, kw_only=True):
    country: str
    recipient_id: UUID
    reason: str
    occurred_at: datetime


class ReceiveEvidence(EvidenceChange, frozen=True, kw_only=True):
    seal_condition: SealCondition
    seal_number: str = ""
    packaging: str = ""
    occurred_at: datetime


class StoreEvidence(EvidenceChange, frozen=True, kw_only=True):
    location: str
    occurred_at: datetime


class ReturnEvidence(EvidenceChange, frozen=True, kw_only=True):
    returned_to: str
    reason: str
    occurred_at: datetime


class DestroyEvidence(EvidenceChange, frozen=True, kw_only=True):
    method: str
    reason: str
    occurred_at: datetime


# -- retention: legal holds and deletion -----------------------------------------------------


class PlaceLegalHold(EvidenceChange, frozen=True, kw_only=True):
    """Keep the item whatever its deletion date (litigation, a court order, an appeal)."""

    reason: str
    reference: str = ""  # the order or decision that requires it, if any
    occurred_at: datetime


class ReleaseLegalHold(EvidenceChange, frozen=True, kw_only=True):
    reason: str
    occurred_at: datetime


class DeleteUnderRetention(EvidenceChange, frozen=True, kw_only=True):
    """Delete the item's files: its deletion date has passed and no legal hold is on."""

    occurred_at: datetime


# -- facts the admissibility rules read -----------------------------------------------------


class RecordSealOpening(EvidenceChange, frozen=True, kw_only=True):
    seal_number: str
    authorised_by: str = ""  # empty: no one
    occurred_at: datetime


class RecordInterview(EvidenceChange, frozen=True, kw_only=True):
    suspect_language: str
    interview_language: str
    caution_given: bool
    lawyer: LawyerPresence
    interpreter: str = ""  # empty: none
    ill_treatment_alleged: bool = False
    occurred_at: datetime


class RecordDerivation(EvidenceChange, frozen=True, kw_only=True):
    parent_id: UUID
    parent_sha256: str
    relation: DerivationKind
    tool: str
    tool_version: str
    made_by: str
    occurred_at: datetime


class RecordUse(EvidenceChange, frozen=True, kw_only=True):
    proceeding: str
    purpose: UsePurpose
    offence: str = ""
    occurred_at: datetime


class GrantConsent(EvidenceChange, frozen=True, kw_only=True):
    to_country: str
    purpose: ConsentPurpose
    offence: str = ""  # empty: any offence
    conditions: str = ""
    occurred_at: datetime


class WithdrawConsent(EvidenceChange, frozen=True, kw_only=True):
    to_country: str
    purpose: ConsentPurpose
    offence: str = ""
    reason: str
    occurred_at: datetime


class RequestConsent(EvidenceChange, frozen=True, kw_only=True):
    purpose: ConsentPurpose
    offence: str = ""  # empty: any offence
    to_country: str = ""  # onward transfer: the state it would go to; else the asking party
    note: str = ""
    occurred_at: datetime


class RefuseConsent(EvidenceChange, frozen=True, kw_only=True):
    to_country: str  # the party whose request is refused
    purpose: ConsentPurpose
    offence: str = ""
    reason: str
    occurred_at: datetime


class AttachCondition(EvidenceChange, frozen=True, kw_only=True):
    kind: ConditionKind
    text: str
    to_country: str = ""  # empty: every recipient
    occurred_at: datetime


class MeetCondition(EvidenceChange, frozen=True, kw_only=True):
    number: int
    note: str
    occurred_at: datetime


class LiftCondition(EvidenceChange, frozen=True, kw_only=True):
    number: int
    reason: str
    occurred_at: datetime


class SendOnward(EvidenceChange, frozen=True, kw_only=True):
    to_country: str  # a state outside the JIT
    recipient: str  # the authority it went to
    reason: str
    occurred_at: datetime


class RecordConcerns(EvidenceChange, frozen=True, kw_only=True):
    identifiers: tuple[Identifier, ...]  # replaces those on record; empty: no one named
    occurred_at: datetime


class RecordTargetLocation(EvidenceChange, frozen=True, kw_only=True):
    country: str
    occurred_at: datetime


class RecordDisclosureStep(EvidenceChange, frozen=True, kw_only=True):
    step: DisclosureStep
    note: str = ""
    occurred_at: datetime


class RecordRuling(EvidenceChange, frozen=True, kw_only=True):
    court: str
    ruling: str  # its reference
    effect: RulingEffect
    note: str = ""
    occurred_at: datetime


class RecordTerritory(EvidenceChange, frozen=True, kw_only=True):
    country: str  # the state on whose territory the item was collected
    occurred_at: datetime


class RaiseDefect(EvidenceChange, frozen=True, kw_only=True):
    rule: str = ""  # empty: every defect of the item
    note: str = ""
    occurred_at: datetime


# forensic and handling facts (domain/evidence_handling.py)


class RecordPrivilegeReview(EvidenceChange, frozen=True, kw_only=True):
    reviewed_by: str
    result: PrivilegeReviewResult
    note: str = ""
    occurred_at: datetime


class RecordSearch(EvidenceChange, frozen=True, kw_only=True):
    witnesses: tuple[str, ...]  # empty: none present
    inventory_made: bool
    signed_by: tuple[str, ...]  # empty: no one signed the record
    note: str = ""
    occurred_at: datetime


class RecordExamination(EvidenceChange, frozen=True, kw_only=True):
    write_blocked: bool  # False: live access to the original
    live_access_reason: str = ""
    examiner: str
    competence: str = ""  # empty: not recorded
    occurred_at: datetime


class RecordCertificate(EvidenceChange, frozen=True, kw_only=True):
    certified_by: str
    basis: str  # the provision it is made under, e.g. FRE 902(14)
    sha256: str = ""  # the hash it attests; empty: the record as a whole
    notice_given_at: datetime | None = None  # None: no notice to the adverse party yet
    occurred_at: datetime


class RecordTranslation(EvidenceChange, frozen=True, kw_only=True):
    language: str
    translator: str = ""  # empty: not identified
    source_sha256: str = ""  # empty: not linked to the source's hash
    translation_id: UUID | None = None  # the item that holds the translation, if registered
    occurred_at: datetime


class RecordProcessingLog(EvidenceChange, frozen=True, kw_only=True):
    kept_by: str
    kept_in: str
    occurred_at: datetime


class RecordExternalHash(EvidenceChange, frozen=True, kw_only=True):
    algorithm: HashAlgorithm
    digest: str
    hashed_by: str
    tool: str
    occurred_at: datetime


class RecordExternalVerification(EvidenceChange, frozen=True, kw_only=True):
    algorithm: HashAlgorithm
    digest: str
    verified_by: str
    tool: str
    occurred_at: datetime


# -- tasks ----------------------------------------------------------------------------------


class CreateTask(Command, frozen=True, kw_only=True):
    title: str
    description: str = ""
    due_on: date | None = None
    evidence_ids: tuple[UUID, ...] = ()
    authorisation_ids: tuple[UUID, ...] = ()


class TaskChange(Change, frozen=True, kw_only=True):
    task_id: UUID


class EditTask(TaskChange, frozen=True, kw_only=True):
    title: str
    due_on: date | None = None


class AssignTask(TaskChange, frozen=True, kw_only=True):
    assignee_id: UUID


class ChangeTaskStatus(TaskChange, frozen=True, kw_only=True):
    status: TaskStatus
    note: str = ""


class CommentOnEvidence(EvidenceChange, frozen=True, kw_only=True):
    """A comment on an item, mentioning members; `written_at` is when the member sent it."""

    comment_id: UUID
    comment: str
    mentions: tuple[UUID, ...] = ()
    written_at: datetime


class CommentOnTask(TaskChange, frozen=True, kw_only=True):
    """A comment on a task, mentioning members; `written_at` is when the member sent it."""

    comment_id: UUID
    comment: str
    mentions: tuple[UUID, ...] = ()
    written_at: datetime
