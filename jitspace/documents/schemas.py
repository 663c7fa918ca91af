"""API contracts: msgspec Structs at the edge, separate from the domain objects.

Naming: `XCreate` is a request that creates an X, `X` the full record, `XSummary` a row of
a list. Limits on sizes are part of the contract (and of the OpenAPI document).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.permissions import Action
from domain.values import (
    PARTY_CODE,
    AuthorisationKind,
    DerivationKind,
    EvidenceKind,
    IssuerKind,
    LawyerPresence,
    Role,
    SealCondition,
    TaskStatus,
    UsePurpose,
)
from jitspace.documents.text import LINES

# every text a request carries is checked by one rule (jitspace.documents.text): no control
# characters, but line breaks and tabs in free text (LINES)
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=10_000, extra=LINES)]
Reason = Annotated[str, Meta(min_length=1, max_length=2_000, extra=LINES)]
Username = Annotated[str, Meta(min_length=1, max_length=100)]
Description = Annotated[str, Meta(min_length=1, max_length=10_000, extra=LINES)]
PartyCode = Annotated[
    str,
    Meta(
        pattern=f"^(?:{PARTY_CODE.pattern})$",
        description="ISO 3166-1 alpha-2 code of a state, or EUROPOL, EUROJUST, OLAF, EPPO",
        # what a refusal says (a field's own description may replace the one above)
        extra={
            "form": "an ISO 3166-1 alpha-2 code of a state in capitals (e.g. FR), or "
            "EUROPOL, EUROJUST, OLAF, EPPO"
        },
        examples=["FR"],
    ),
]
Instant = Annotated[datetime, Meta(tz=True, description="ISO 8601 with a time zone")]
Ids = Annotated[list[UUID], Meta(max_length=100)]
Terms = Annotated[list[Name], Meta(max_length=100)]


class Struct(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Requests refuse fields they do not know, so a typo is an error, not a silent no-op."""


# -- identity -------------------------------------------------------------------------------


class LoginCreate(Struct):
    username: Username
    password: Annotated[str, Meta(min_length=1, max_length=1_000)]


class SessionOut(msgspec.Struct):
    token: str
    token_type: str
    expires_at: datetime


class UserOut(msgspec.Struct):
    id: UUID
    username: str
    display_name: str


# -- investigations -------------------------------------------------------------------------


class PartyCreate(Struct):
    country: PartyCode
    name: Name
    lead_authority: Name


class InvestigationCreate(Struct):
    name: Name
    agreement_reference: Name
    purpose: Text
    period_start: date
    period_end: date
    parties: Annotated[list[PartyCreate], Meta(min_length=1, max_length=40)]
    country: Annotated[PartyCode, Meta(description="the party you act for; you lead the JIT")]


class MemberCreate(Struct):
    username: Username
    country: PartyCode
    role: Role
    occurred_at: Instant | None = None


class MemberRemoval(Struct):
    reason: Reason
    occurred_at: Instant | None = None


class InvestigationClosure(Struct):
    reason: Reason
    occurred_at: Instant | None = None


class PartyOut(msgspec.Struct):
    country: str
    name: str
    lead_authority: str


class MemberOut(msgspec.Struct):
    user_id: UUID
    name: str
    country: str
    role: Role


class ActorOut(msgspec.Struct):
    user_id: UUID
    country: str
    role: str


class Investigation(msgspec.Struct):
    id: UUID
    version: int
    name: str
    agreement_reference: str
    purpose: str
    period_start: date
    period_end: date
    status: str
    parties: list[PartyOut]
    members: list[MemberOut]
    # what the JIT agreement gives observers beyond the permission table
    observer_rights: list[Action] = msgspec.field(default_factory=list)


class RoleChange(Struct):
    role: Role
    reason: Reason
    occurred_at: Instant | None = None


class ObserverRightsUpdate(Struct):
    """What the JIT agreement gives its observers (Europol, Eurojust staff) beyond the
    permission table: replaces what was set; `[]` takes it all back."""

    rights: Annotated[list[Action], Meta(max_length=20)]
    agreement_clause: Annotated[
        Reason, Meta(description="the clause of the JIT agreement that gives these rights")
    ]


class InvestigationSummary(msgspec.Struct):
    id: UUID
    name: str
    agreement_reference: str
    status: str
    parties: list[str]
    my_country: str
    my_role: str
    version: int


# -- authorisations -------------------------------------------------------------------------


class ScopeIn(Struct):
    targets: Terms = msgspec.field(default_factory=list)
    places: Terms = msgspec.field(default_factory=list)
    methods: Terms = msgspec.field(default_factory=list)
    evidence_kinds: Annotated[list[EvidenceKind], Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )


class AuthorisationCreate(Struct):
    kind: AuthorisationKind
    country: Annotated[PartyCode, Meta(description="issuing jurisdiction, a party of the JIT")]
    authority: Name
    reference: Name
    occurred_at: Annotated[Instant, Meta(description="when the authorisation was issued")]
    valid_from: Instant
    valid_until: Instant
    scope: ScopeIn = msgspec.field(default_factory=ScopeIn)
    conditions: Text = ""


class AuthorisationRevocation(Struct):
    reason: Reason
    occurred_at: Instant | None = None


class ScopeOut(msgspec.Struct):
    targets: list[str]
    places: list[str]
    methods: list[str]
    evidence_kinds: list[EvidenceKind]


class Authorisation(msgspec.Struct):
    id: UUID
    version: int
    investigation_id: UUID
    kind: AuthorisationKind
    country: str
    authority: str
    reference: str
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime
    scope: ScopeOut
    conditions: str
    revoked_at: datetime | None
    revoked_reason: str | None
    confirmed_at: datetime | None = None  # by a judge: an urgent order, an order to validate
    confirmed_by: str | None = None
    annulled_at: datetime | None = None  # by a court's ruling
    annulled_by: str | None = None  # the court and its ruling


class AuthorisationSummary(msgspec.Struct):
    id: UUID
    kind: AuthorisationKind
    country: str
    authority: str
    reference: str
    valid_from: datetime
    valid_until: datetime
    revoked: bool
    version: int


# -- evidence -------------------------------------------------------------------------------


Parties = Annotated[list[PartyCode], Meta(max_length=50)]


class HandlingCreate(Struct):
    """Handling restrictions of the originating party (it is never restricted itself)."""

    description_to: (
        Annotated[
            Parties,
            Meta(
                description="the other parties that may read the item's description, place, "
                "notes, file names and storage location; absent: every party"
            ),
        ]
        | None
    ) = None
    files_to: (
        Annotated[
            Parties,
            Meta(
                description="the other parties that may download its files; absent: those that "
                "may read it"
            ),
        ]
        | None
    ) = None
    consent_first: Annotated[
        bool,
        Meta(description="another party downloads only once it has the originator's consent"),
    ] = False


class Handling(msgspec.Struct):
    description_to: list[str] | None
    files_to: list[str] | None
    consent_first: bool


class EvidenceCreate(Struct):
    reference: Annotated[Name, Meta(description="the originating party's own reference")]
    kind: EvidenceKind
    description: Description
    occurred_at: Annotated[Instant, Meta(description="when the item was collected")]
    collected_by: Name
    place: Name
    method: Name
    authorisation_id: UUID | None = None
    handling: HandlingCreate | None = None


class EvidenceAmendment(Struct):
    description: Description
    reason: Reason


class Evidence(msgspec.Struct):
    id: UUID
    version: int
    investigation_id: UUID
    reference: str
    country: str
    kind: EvidenceKind
    # None where the originating party withholds it from your party (listed in `withheld`)
    description: str | None
    collected_at: datetime
    collected_by: str
    place: str | None
    method: str
    authorisation_id: UUID | None
    registered_at: datetime
    registered_by: ActorOut
    files: list[EvidenceFileOut] = msgspec.field(default_factory=list)
    holding_country: str = ""
    custodian_id: UUID | None = None
    awaiting_receipt_by: UUID | None = None
    seal_number: str | None = None
    location: str | None = None  # None also where withheld (listed in `withheld`)
    disposal: str | None = None
    integrity_violated: bool = False
    withheld: list[str] = msgspec.field(default_factory=list)
    # the item's handling restrictions: shown to the originating party only
    handling: Handling | None = None


class EvidenceSummary(msgspec.Struct):
    id: UUID
    reference: str
    country: str
    kind: EvidenceKind
    description: str | None  # None: withheld from your party by the originating party
    collected_at: datetime
    registered_at: datetime
    authorisation_id: UUID | None
    version: int
    custody_status: str = "no custodian"
    custodian_id: UUID | None = None
    holding_country: str = ""
    integrity: str = "no files"
    custody_defects: int = 0
    withheld: list[str] = msgspec.field(default_factory=list)


# -- evidence files and custody ---------------------------------------------------------------

Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$", description="SHA-256, lowercase hex")]


class EvidenceFileOut(msgspec.Struct):
    id: UUID
    name: str | None  # None: withheld from your party by the originating party
    media_type: str
    sha256: str
    size: int
    integrity: str


class EvidenceFileStored(msgspec.Struct):
    """The answer to an upload: the file as recorded, and the item's new version."""

    evidence_id: UUID
    version: int
    file: EvidenceFileOut


class CollectionCreate(Struct):
    place: Name
    note: Text = ""
    occurred_at: Instant | None = None


class SealCreate(Struct):
    seal_number: Name
    occurred_at: Instant | None = None


class HandoverCreate(Struct):
    recipient_id: Annotated[UUID, Meta(description="the member who is to receive the item")]
    reason: Reason
    occurred_at: Instant | None = None


class TransferCreate(Struct):
    country: Annotated[PartyCode, Meta(description="the party of the JIT that takes the item")]
    recipient_id: Annotated[UUID, Meta(description="the member of that party who receives it")]
    reason: Reason
    occurred_at: Instant | None = None


class ReceiptCreate(Struct):
    seal_condition: SealCondition
    seal_number: Annotated[str, Meta(max_length=200)] = ""
    packaging: Annotated[Text, Meta(description="the state of the packaging on arrival")] = ""
    occurred_at: Instant | None = None


class StorageCreate(Struct):
    location: Name
    occurred_at: Instant | None = None


class ReturnCreate(Struct):
    returned_to: Name
    reason: Reason
    occurred_at: Instant | None = None


class DestructionCreate(Struct):
    method: Name
    reason: Reason
    occurred_at: Instant | None = None


class FileVerification(msgspec.Struct):
    file_id: UUID
    name: str | None  # None: withheld from your party by the originating party
    expected_sha256: str
    integrity: str


class VerificationOut(msgspec.Struct):
    evidence_id: UUID
    version: int
    files: list[FileVerification]
    withheld: list[str] = msgspec.field(default_factory=list)


class CustodyDefect(msgspec.Struct):
    code: str
    message: str
    version: int | None = None


class CustodyEntry(msgspec.Struct):
    version: int
    kind: str
    actor_id: UUID
    actor_country: str
    actor_role: str
    occurred_at: datetime
    recorded_at: datetime
    custodian_id: UUID | None
    details: dict[str, Any]


class CustodyChain(msgspec.Struct):
    evidence_id: UUID
    version: int
    status: str
    custodian_id: UUID | None
    holding_country: str
    integrity: str
    defects: list[CustodyDefect]
    entries: list[CustodyEntry]
    # what the originating party withholds from your party (set to null in each step's
    # details), e.g. `entries.details.place`
    withheld: list[str] = msgspec.field(default_factory=list)


# -- tasks ----------------------------------------------------------------------------------


class TaskCreate(Struct):
    title: Name
    description: Text = ""
    due_on: date | None = None
    evidence_ids: Ids = msgspec.field(default_factory=list)
    authorisation_ids: Ids = msgspec.field(default_factory=list)


class TaskAssignment(Struct):
    assignee_id: UUID


class TaskStatusChange(Struct):
    status: TaskStatus
    note: Text = ""


class Task(msgspec.Struct):
    id: UUID
    version: int
    investigation_id: UUID
    title: str
    description: str
    due_on: date | None
    status: TaskStatus
    assignee_id: UUID | None
    evidence_ids: list[UUID]
    authorisation_ids: list[UUID]
    created_at: datetime
    created_by: ActorOut


class TaskSummary(msgspec.Struct):
    id: UUID
    title: str
    status: TaskStatus
    assignee_id: UUID | None
    due_on: date | None
    created_at: datetime
    version: int


# -- the log --------------------------------------------------------------------------------


class EventOut(msgspec.Struct):
    position: int
    type: str
    aggregate_id: UUID
    aggregate_version: int
    investigation_id: UUID
    recorded_at: datetime
    actor: ActorOut
    data: dict[str, Any]
    # fields of `data` withheld from you (set to null): what an item is, where its
    # originating party does not let your party read it; every field of the legal file
    # (authorisations, rulebooks, consents, uses, defects) if you may not see it
    withheld: list[str] = msgspec.field(default_factory=list)


class EventPage(msgspec.Struct):
    events: list[EventOut]
    last_position: int


# -- admissibility: the facts the rules read, rulebooks, verdicts ------------------------------

RuleId = Annotated[str, Meta(pattern=r"^[A-Z]{2}-[0-9]{2}$", examples=["AU-02"])]
Offence = Annotated[str, Meta(max_length=200)]
ShortText = Annotated[str, Meta(max_length=200)]


class AuthorisationQualification(Struct):
    issuer: Annotated[IssuerKind, Meta(description="who issued the measure")]
    offences: Annotated[list[Name], Meta(max_length=50)] = msgspec.field(default_factory=list)
    urgent: bool = False


class AuthorisationAmendment(Struct):
    scope: ScopeIn
    reason: Reason
    conditions: Text = ""
    occurred_at: Instant | None = None


class AuthorisationExtension(Struct):
    valid_until: Annotated[Instant, Meta(description="the renewal's new end of validity")]
    reason: Reason
    occurred_at: Annotated[
        Instant | None, Meta(description="when the renewal was signed: it does not reach back")
    ] = None


class AuthorisationConfirmation(Struct):
    judge: Annotated[ShortText, Meta(description="the judge (or court) who confirmed it")]
    occurred_at: Annotated[
        Instant | None, Meta(description="when the judge confirmed it (default: now)")
    ] = None


class AuthorisationAnnulment(Struct):
    court: Annotated[ShortText, Meta(description="the court whose ruling annulled it")]
    ruling: Annotated[ShortText, Meta(description="the ruling's reference")]
    occurred_at: Annotated[Instant | None, Meta(description="the ruling's date (default: now)")] = (
        None
    )


class SealOpeningCreate(Struct):
    seal_number: Annotated[ShortText, Meta(description="the number on the seal found")]
    authorised_by: Annotated[ShortText, Meta(description="empty: no one")] = ""
    occurred_at: Instant | None = None


class InterviewCreate(Struct):
    suspect_language: Name
    interview_language: Name
    caution_given: bool
    lawyer: LawyerPresence
    interpreter: Annotated[ShortText, Meta(description="empty: none")] = ""
    ill_treatment_alleged: bool = False
    occurred_at: Instant | None = None


class DerivationCreate(Struct):
    parent_id: UUID
    parent_sha256: Sha256
    relation: DerivationKind
    tool: Name
    tool_version: Name
    made_by: Name
    occurred_at: Instant | None = None


class UseCreate(Struct):
    proceeding: Name
    purpose: UsePurpose
    offence: Offence = ""
    occurred_at: Instant | None = None


class ConsentCreate(Struct):
    to_country: PartyCode
    purpose: UsePurpose
    offence: Annotated[Offence, Meta(description="empty: any offence")] = ""
    conditions: Text = ""
    occurred_at: Instant | None = None


class ConsentWithdrawal(Struct):
    to_country: PartyCode
    purpose: UsePurpose
    reason: Reason
    offence: Offence = ""
    occurred_at: Instant | None = None


class DefectCreate(Struct):
    rule: Annotated[
        str, Meta(pattern=r"^([A-Z]{2}-[0-9]{2})?$", description="empty: every defect")
    ] = ""
    note: Text = ""
    occurred_at: Instant | None = None


class RulebookCreate(Struct):
    country: Annotated[PartyCode, Meta(description="the forum country whose rulebook it is")]
    source: Annotated[
        str,
        Meta(
            pattern=r"^[a-z]{2,10}$",
            description="a rulebook shipped with JITspace (illustrative): be, de, fr, gb, nl, "
            "xa, xb",
        ),
    ]


class RuleSetCreate(Struct):
    rule: Annotated[str, Meta(min_length=1, max_length=20)]
    reason: Reason
    params: Annotated[dict[str, Any], Meta(max_length=50)] = msgspec.field(default_factory=dict)


class RuleRemoval(Struct):
    reason: Reason


class RuleOut(msgspec.Struct):
    rule: str
    check: str
    params: dict[str, Any]


class ShippedRulebook(msgspec.Struct):
    """A rulebook shipped with JITspace, that a country's legal advisor may adopt."""

    source: str  # what `POST /investigations/{id}/rulebooks` names as `source`
    jurisdiction: str
    version: str
    title: str
    notice: str
    illustrative: bool
    sha256: str
    rules: list[RuleOut]


class Rulebook(msgspec.Struct):
    id: UUID
    version: int
    country: str
    source_name: str
    source_version: str
    source_sha256: str
    rules: list[RuleOut]
    notice: str


class EventRef(msgspec.Struct):
    record_id: UUID
    version: int
    event: str


class RuleResultOut(msgspec.Struct):
    rule: str
    outcome: str
    reason: str
    rests_on: list[EventRef]
    missing: str
    cure: str
    use: str
    # a deadline: from then on, time alone changes this result
    until: datetime | None = None


class AdmissibilityCell(msgspec.Struct):
    """One item in one country: the verdict, the rules at fault, the date it is for."""

    evidence_id: UUID
    reference: str
    country: str
    verdict: str
    outcome: str
    reasons: list[str]
    evaluated_on: datetime
    # when a deadline passes and changes the verdict with no new event; the matrix is
    # evaluated again then
    changes_on: datetime | None = None


class AdmissibilityMatrix(msgspec.Struct):
    investigation_id: UUID
    notice: str
    cells: list[AdmissibilityCell]


class CountryExplanation(msgspec.Struct):
    country: str
    verdict: str
    outcome: str
    evaluated_on: datetime
    results: list[RuleResultOut]
    changes_on: datetime | None = None


class ItemAdmissibility(msgspec.Struct):
    evidence_id: UUID
    reference: str
    notice: str
    countries: list[CountryExplanation]
