"""Evidence items: requests, the record (as the viewer's party may see it), its row in the
register, its files, and the facts the admissibility rules read about an item (seal opened,
interview, derivation, use, consent, defects, whom it concerns, where the target was, a
step on a disclosure schedule)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.rule_settings import Outcome
from domain.values import (
    PARTY_CODE,
    ConditionKind,
    ConsentPurpose,
    DerivationKind,
    DisclosureStep,
    EvidenceKind,
    HashAlgorithm,
    IdentifierKind,
    LawyerPresence,
    PrivilegeReviewResult,
    RulingEffect,
    UsePurpose,
)
from jitspace.documents.fields import (
    ActorOut,
    CommentOut,
    Description,
    FileName,
    Instant,
    MediaTypeText,
    Name,
    PartyCode,
    Reason,
    Sha256Hex,
    ShortText,
    Struct,
    Text,
)

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


class LegalHoldCreate(Struct):
    reason: Annotated[Reason, Meta(description="why the item must be kept")]
    reference: Annotated[
        ShortText, Meta(description="the order or decision that requires the hold, if any")
    ] = ""
    occurred_at: Instant | None = None


class LegalHoldRelease(Struct):
    reason: Annotated[Reason, Meta(description="why the item need no longer be kept")]
    occurred_at: Instant | None = None


class EvidenceAmendment(Struct):
    description: Description
    reason: Reason


class LegalHoldOut(msgspec.Struct):
    """A legal hold on the item: nothing of it is deleted while it is on."""

    placed_by: ActorOut
    placed_at: datetime
    # why, and the order or decision that requires it (empty: none named); None where you
    # may not read the legal file (an observer the JIT agreement gives no such right)
    reason: str | None
    reference: str | None


class RetentionDeletionOut(msgspec.Struct):
    """The item's files were deleted under retention (the item stays on record)."""

    deleted_by: ActorOut
    deleted_at: datetime
    deletion_date: datetime
    ground: str


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
    comments: list[CommentOut] = msgspec.field(default_factory=list)
    # when the item's data must be deleted (the earliest of the JIT agreement's retention and
    # its owning party's, from the collection), and that retention in words; None: no
    # retention on record
    deletion_date: datetime | None = None
    deletion_ground: str | None = None
    legal_hold: LegalHoldOut | None = None  # None: no hold on
    deleted_under_retention: RetentionDeletionOut | None = None


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
    legal_hold: bool = False  # a legal hold is on: nothing of it is deleted
    deleted_under_retention_at: datetime | None = None  # its files were deleted then


class LineageNode(msgspec.Struct):
    """One item of a lineage: the item, the item it was made from and how."""

    item: EvidenceSummary
    parent_id: UUID | None
    relation: DerivationKind | None
    depth: int  # 0 for the original, 1 for what was made from it, ...


class Lineage(msgspec.Struct):
    """The tree of items made from one another that an item belongs to: the original
    first, then each item followed by what was made from it (in the order registered)."""

    items: list[LineageNode]


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


Offence = Annotated[str, Meta(max_length=200)]


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
    to_country: Annotated[
        PartyCode,
        Meta(description="the party the consent covers; for an onward transfer, the state"),
    ]
    purpose: ConsentPurpose
    offence: Annotated[Offence, Meta(description="empty: any offence")] = ""
    conditions: Text = ""
    occurred_at: Instant | None = None


class ConsentWithdrawal(Struct):
    to_country: PartyCode
    purpose: ConsentPurpose
    reason: Reason
    offence: Offence = ""
    occurred_at: Instant | None = None


OptionalPartyCode = Annotated[
    str,
    Meta(
        pattern=f"^(?:{PARTY_CODE.pattern})?$",
        extra={"form": "empty, or an ISO 3166-1 alpha-2 code of a state in capitals (e.g. FR)"},
    ),
]


class ConsentRequestCreate(Struct):
    purpose: Annotated[
        ConsentPurpose, Meta(description="the use, the disclosure or the onward transfer asked")
    ]
    offence: Annotated[Offence, Meta(description="empty: any offence")] = ""
    to_country: Annotated[
        OptionalPartyCode,
        Meta(description="an onward transfer: the state it would go to; otherwise empty"),
    ] = ""
    note: Text = ""
    occurred_at: Instant | None = None


class ConsentRefusal(Struct):
    to_country: Annotated[PartyCode, Meta(description="the party whose request is refused")]
    purpose: ConsentPurpose
    reason: Reason
    offence: Offence = ""
    occurred_at: Instant | None = None


class ConditionCreate(Struct):
    kind: Annotated[
        ConditionKind, Meta(description="what it binds: the use, an onward transfer, disclosure")
    ]
    text: Annotated[Reason, Meta(description="the condition, as the sender set it")]
    to_country: Annotated[
        OptionalPartyCode, Meta(description="the party it binds; empty: every recipient")
    ] = ""
    occurred_at: Instant | None = None


class ConditionMet(Struct):
    number: Annotated[int, Meta(ge=1, description="the condition's number on the item")]
    note: Annotated[Reason, Meta(description="how it was met")]
    occurred_at: Instant | None = None


class ConditionLifting(Struct):
    number: Annotated[int, Meta(ge=1, description="the condition's number on the item")]
    reason: Reason
    occurred_at: Instant | None = None


class OnwardTransferCreate(Struct):
    to_country: Annotated[
        PartyCode, Meta(description="the state outside the JIT it was sent to (ISO 3166-1)")
    ]
    recipient: Annotated[Name, Meta(description="the authority it was sent to")]
    reason: Reason
    occurred_at: Instant | None = None


class IdentifierIn(Struct):
    kind: Annotated[IdentifierKind, Meta(description="what the value names")]
    value: Annotated[Name, Meta(description="the person's name, the number, the account...")]


class ConcernsCreate(Struct):
    identifiers: Annotated[
        list[IdentifierIn],
        Meta(max_length=50, description="whom the item concerns: replaces the list on record"),
    ]
    occurred_at: Instant | None = None


class TargetLocationCreate(Struct):
    country: Annotated[
        PartyCode,
        Meta(
            description="the state (ISO 3166-1 alpha-2) where the target was when the measure ran"
        ),
    ]
    occurred_at: Instant | None = None


class RulingCreate(Struct):
    court: Annotated[ShortText, Meta(description="the court of your party that ruled")]
    ruling: Annotated[ShortText, Meta(description="the ruling's reference")]
    effect: Annotated[RulingEffect, Meta(description="excluded or admitted the item")]
    note: Text = ""
    occurred_at: Annotated[Instant | None, Meta(description="the ruling's date (default: now)")] = (
        None
    )


class TerritoryCreate(Struct):
    country: Annotated[
        PartyCode,
        Meta(description="the state (ISO 3166-1 alpha-2) on whose territory it was collected"),
    ]
    occurred_at: Instant | None = None


class DisclosureStepCreate(Struct):
    step: Annotated[
        DisclosureStep,
        Meta(
            description="the item's step on your party's disclosure schedule: reviewed "
            "(relevant), not_relevant, scheduled_used, scheduled_unused, or disclosed (to "
            "the defence)"
        ),
    ]
    note: Text = ""
    occurred_at: Instant | None = None


class DefectCreate(Struct):
    rule: Annotated[
        str, Meta(pattern=r"^([A-Z]{2}-[0-9]{2})?$", description="empty: every defect")
    ] = ""
    note: Text = ""
    occurred_at: Instant | None = None


# -- forensic and handling facts (domain/evidence_handling.py) -------------------------------

Names = Annotated[list[Name], Meta(max_length=50)]
HexDigest = Annotated[
    str, Meta(pattern="^[0-9a-fA-F]{32,128}$", description="the digest, in hexadecimal")
]


class PrivilegeReviewCreate(Struct):
    reviewed_by: Annotated[Name, Meta(description="who reviewed the content (a judge, ...)")]
    result: Annotated[PrivilegeReviewResult, Meta(description="what the review found and did")]
    note: Text = ""
    occurred_at: Instant | None = None


class SearchRecordCreate(Struct):
    witnesses: Annotated[Names, Meta(description="the witnesses present; empty: none")]
    inventory_made: Annotated[bool, Meta(description="an inventory of what was seized was made")]
    signed_by: Annotated[Names, Meta(description="who signed the search record; empty: no one")]
    note: Text = ""
    occurred_at: Annotated[Instant | None, Meta(description="when the search was made")] = None


class ExaminationCreate(Struct):
    write_blocked: Annotated[
        bool, Meta(description="acquired through a write-blocker; false: live access")
    ]
    examiner: Annotated[Name, Meta(description="who acquired or examined the data")]
    competence: Annotated[
        ShortText, Meta(description="the examiner's qualification; empty: not recorded")
    ] = ""
    live_access_reason: Annotated[
        ShortText, Meta(description="why the original was accessed live; empty: none given")
    ] = ""
    occurred_at: Instant | None = None


class CertificateCreate(Struct):
    certified_by: Annotated[Name, Meta(description="the custodian or qualified person")]
    basis: Annotated[Name, Meta(description="the provision, e.g. FRE 902(14)")]
    sha256: Annotated[
        str,
        Meta(pattern="^([0-9a-f]{64})?$", description="the hash it attests; empty: the record"),
    ] = ""
    notice_given_at: Annotated[
        Instant | None,
        Meta(description="when notice was given to the adverse party; absent: not yet"),
    ] = None
    occurred_at: Annotated[Instant | None, Meta(description="when it was certified")] = None


class TranslationCreate(Struct):
    language: Annotated[Name, Meta(description="the language translated into")]
    translator: Annotated[ShortText, Meta(description="empty: not identified")] = ""
    source_sha256: Annotated[
        str,
        Meta(
            pattern="^([0-9a-f]{64})?$",
            description="the SHA-256 of the item's file translated; empty: not linked",
        ),
    ] = ""
    translation_id: Annotated[
        UUID | None, Meta(description="the item that holds the translation, if registered")
    ] = None
    occurred_at: Instant | None = None


class ProcessingLogCreate(Struct):
    kept_by: Annotated[Name, Meta(description="who keeps the log of processing")]
    kept_in: Annotated[Name, Meta(description="the system or register that holds it")]
    occurred_at: Instant | None = None


class ExternalHashCreate(Struct):
    algorithm: HashAlgorithm
    digest: HexDigest
    hashed_by: Name
    tool: Annotated[Name, Meta(description="the tool and its version")]
    occurred_at: Annotated[Instant | None, Meta(description="when it was hashed")] = None


class ExternalVerificationCreate(Struct):
    algorithm: HashAlgorithm
    digest: HexDigest
    verified_by: Name
    tool: Annotated[Name, Meta(description="the tool and its version")]
    occurred_at: Annotated[Instant | None, Meta(description="when it was re-hashed")] = None


class RegisterSort(StrEnum):
    """The columns the register can be sorted by."""

    REGISTERED_AT = "registered_at"
    REFERENCE = "reference"
    KIND = "kind"
    COUNTRY = "country"
    COLLECTED_AT = "collected_at"
    # the item's worst admissibility outcome in any of the team's countries (for those who
    # may see admissibility)
    WORST = "worst"


class RegisterQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which page of the register, in which order, of which items."""

    limit: int = 100
    after: str | None = None  # the cursor a previous page returned as `next`
    sort: RegisterSort = RegisterSort.REGISTERED_AT
    descending: bool = False
    party: str | None = None  # the originating party
    kind: EvidenceKind | None = None
    custodian: UUID | None = None
    restricted: bool | None = None  # items with handling restrictions in force (or without)
    authorisation: UUID | None = None  # items collected under this authorisation
    outcome: Outcome | None = None  # the admissibility outcome in `forum`
    # a rule (its code) that flags the item in `forum`: its result there is not PASS
    rule: str | None = None
    forum: str | None = None
    search: str | None = None  # in references, and in the descriptions you may read
    # items whose admissibility outcomes differ between the team's countries (or agree)
    disagreeing: bool | None = None

    @property
    def judged(self) -> bool:
        """Whether the query reads admissibility: only those who may see it ask it."""
        return (
            self.outcome is not None
            or self.rule is not None
            or self.forum is not None
            or self.disagreeing is not None
            or self.sort is RegisterSort.WORST
        )


class EvidencePage(msgspec.Struct):
    items: list[EvidenceSummary]
    # the cursor of the next page (`after=`), None on the last; pages are in a fixed order of
    # the sort column then the item's id, so items registered meanwhile neither repeat nor
    # push others out of it: they show where they sort, on a later page if after the cursor
    next: str | None
    # how many items match the filters
    total: int


class UploadCreate(Struct):
    """A file to send in parts (an upload session): what it is, and its size in bytes."""

    name: FileName
    size: Annotated[int, Meta(ge=1, description="the file's size in bytes")]
    media_type: MediaTypeText = "application/octet-stream"
    sha256: Annotated[
        Sha256Hex | None,
        Meta(description="the SHA-256 you computed: if the joined parts differ, 422"),
    ] = None


class UploadPartOut(msgspec.Struct):
    number: int
    size: int
    sha256: str


class UploadSessionOut(msgspec.Struct):
    """An upload session: send each part (`part_size` bytes, the last the rest) to
    `.../parts/{number}`, in any order, again if it failed; then complete it."""

    id: UUID
    evidence_id: UUID
    name: str
    media_type: str
    size: int
    part_size: int
    part_count: int
    parts: list[UploadPartOut]  # those received, each checked against its SHA-256
    missing: list[int]  # the numbers of the parts still to send
    received_bytes: int
    expires_at: datetime
