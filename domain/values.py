"""Value objects shared by the aggregates. Their stored form is kept forever."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec
import pycountry

from domain.errors import RuleViolation

# ISO 3166-1 alpha-2 codes for states; EU bodies that take part in JITs by their own name.
PARTY_CODE = re.compile(r"[A-Z]{2}|EUROPOL|EUROJUST|OLAF|EPPO")
EU_BODIES = frozenset({"EUROPOL", "EUROJUST", "OLAF", "EPPO"})
# the fictitious states of the shipped illustrative rulebooks (codes ISO 3166 leaves to users)
ILLUSTRATIVE_STATES = frozenset({"XA", "XB"})
# the states a party may be: the codes ISO 3166-1 assigns (the standard as pycountry keeps it)
STATES = frozenset(country.alpha_2 for country in pycountry.countries) | ILLUSTRATIVE_STATES
# codes people use for a state that ISO 3166-1 spells otherwise, and what to use instead
OTHER_SPELLINGS = {
    "UK": "GB, the United Kingdom's",
    "EL": "GR, Greece's (EL is the EU's own abbreviation)",
}
SHA256_HEX = frozenset("0123456789abcdef")  # the digits of a SHA-256 as files record it


class Role(StrEnum):
    JIT_LEADER = "jit_leader"
    NATIONAL_MEMBER = "national_member"
    INVESTIGATOR = "investigator"
    ANALYST = "analyst"
    LEGAL_ADVISOR = "legal_advisor"
    PROSECUTOR = "prosecutor"
    OBSERVER = "observer"


class Actor(msgspec.Struct, frozen=True):
    """Who did something: the user, and the party and role they acted in."""

    user_id: UUID
    country: str
    role: Role


class Party(msgspec.Struct, frozen=True):
    """A state (or EU body) that is party to the JIT agreement."""

    country: str
    name: str
    lead_authority: str

    @property
    def is_eu_body(self) -> bool:
        return self.country in EU_BODIES


class Member(msgspec.Struct, frozen=True):
    """A user seconded to the JIT by one of its parties, in one role."""

    user_id: UUID
    name: str
    country: str
    role: Role


class EvidenceKind(StrEnum):
    SEIZED_DEVICE = "seized_device"
    FORENSIC_IMAGE = "forensic_image"
    INTERCEPTED_COMMUNICATION = "intercepted_communication"
    DOCUMENT = "document"
    WITNESS_STATEMENT = "witness_statement"
    SUSPECT_INTERVIEW = "suspect_interview"
    PHYSICAL_ITEM = "physical_item"
    OPEN_SOURCE_CAPTURE = "open_source_capture"
    FINANCIAL_RECORDS = "financial_records"
    ANALYSIS_REPORT = "analysis_report"


class SealCondition(StrEnum):
    """The state of an item's seal as its recipient finds it."""

    INTACT = "intact"
    BROKEN = "broken"
    ABSENT = "absent"


class AuthorisationKind(StrEnum):
    SEARCH_WARRANT = "search_warrant"
    INTERCEPTION_ORDER = "interception_order"
    PRODUCTION_ORDER = "production_order"
    MLA_REQUEST = "mla_request"
    EUROPEAN_INVESTIGATION_ORDER = "european_investigation_order"
    JIT_AGREEMENT_CLAUSE = "jit_agreement_clause"
    CONSENT_TO_OTHER_USE = "consent_to_other_use"


class Scope(msgspec.Struct, frozen=True):
    """What an authorisation covers. Empty means the document names nothing of that kind."""

    targets: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    evidence_kinds: tuple[EvidenceKind, ...] = ()


class IdentifierKind(StrEnum):
    """What an identifier names: whom (or what) an item concerns, or a measure targets."""

    PERSON = "person"
    PHONE_NUMBER = "phone_number"
    ACCOUNT = "account"
    DEVICE = "device"
    OTHER = "other"


class Identifier(msgspec.Struct, frozen=True):
    """A person, number, account or device, as the records spell it."""

    kind: IdentifierKind
    value: str


class RulingEffect(StrEnum):
    """What a forum's court ruled on an item (other than annulling the measure)."""

    EXCLUDED = "excluded"  # the item may not be used as evidence before that court
    ADMITTED = "admitted"  # the court admitted it


class ObjectionCovers(StrEnum):
    """What a notified state's objection (EIO Art. 31(3)) covers."""

    USE_OF_DATA = "use_of_data"  # the material gathered may not be used (or only on terms)
    ALL = "all"  # the measure itself: it is to end, and nothing gathered used


class StateNotification(msgspec.Struct, frozen=True):
    """What an authorisation's record holds of notifying one state of the measure (EIO
    Art. 31): sent, acknowledged, objected to; or that none was made, and why."""

    country: str
    sent_at: datetime | None = None
    received_at: datetime | None = None
    objected_at: datetime | None = None
    objection_covers: ObjectionCovers | None = None
    objection_note: str = ""
    not_made_at: datetime | None = None
    not_made_reason: str = ""


class Entrustment(msgspec.Struct, frozen=True):
    """The host state entrusted the measure to a seconded member's party (Conv. Art. 13(6))."""

    to_country: str
    entrusted_by: str
    allowed_by_host_law: bool
    legal_basis: str
    entrusted_at: datetime


class FormalityRequest(msgspec.Struct, frozen=True):
    """A formality a forum asked the executing state to follow (Conv. Art. 4, EIO Art. 9(2)),
    and, once reported, whether it was met and why not."""

    formality: str
    by_country: str
    requested_by: str
    requested_at: datetime
    met: bool | None = None  # None: not reported yet
    reason: str = ""
    reported_at: datetime | None = None


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


def check_party_code(code: str, *, field: str) -> None:
    if not PARTY_CODE.fullmatch(code):
        raise RuleViolation(
            f"{code!r} is not a party code: use an ISO 3166-1 alpha-2 country code "
            f"(e.g. 'FR') or one of {', '.join(sorted(EU_BODIES))}",
            field=field,
        )
    if code not in EU_BODIES and code not in STATES:
        instead = OTHER_SPELLINGS.get(code)
        raise RuleViolation(
            f"{code!r} is not the ISO 3166-1 alpha-2 code of a state"
            + (f": use {instead}" if instead else " (e.g. 'FR', 'GB', 'GR')"),
            field=field,
        )


def check_state_code(code: str, *, field: str) -> None:
    """A state's code (ISO 3166-1 alpha-2), as party codes are checked; an EU body is none."""
    check_party_code(code, field=field)
    if code in EU_BODIES:
        raise RuleViolation(f"{code} is not a state: name a state by its ISO code", field=field)


def check_period(start: date, end: date, *, field: str) -> None:
    if end <= start:
        raise RuleViolation(
            f"the period must end after it starts ({start.isoformat()} to {end.isoformat()})",
            field=field,
        )


class IssuerKind(StrEnum):
    """Who issued a measure: the competence rules (AU-05, AU-12) turn on it."""

    JUDGE = "judge"
    PROSECUTOR = "prosecutor"
    POLICE = "police"
    OTHER = "other"


class DisclosureStep(StrEnum):
    """A step of a common-law forum's disclosure schedule for one item (CPIA s.3, 7A and
    its Code of Practice): reviewed by the disclosure officer, relevant or not; scheduled as
    used (the prosecution relies on it) or unused material; disclosed to the defence."""

    REVIEWED = "reviewed"  # reviewed: relevant, to be scheduled
    NOT_RELEVANT = "not_relevant"  # reviewed: not relevant to the case
    SCHEDULED_USED = "scheduled_used"
    SCHEDULED_UNUSED = "scheduled_unused"
    DISCLOSED = "disclosed"  # disclosed to the defence

    @property
    def words(self) -> str:
        """The step as a lawyer reads it: "scheduled as unused material"."""
        return _DISCLOSURE_WORDS[self]


_DISCLOSURE_WORDS = {
    DisclosureStep.REVIEWED: "reviewed as relevant",
    DisclosureStep.NOT_RELEVANT: "reviewed as not relevant",
    DisclosureStep.SCHEDULED_USED: "scheduled as used material",
    DisclosureStep.SCHEDULED_UNUSED: "scheduled as unused material",
    DisclosureStep.DISCLOSED: "disclosed to the defence",
}
SCHEDULED = frozenset({DisclosureStep.SCHEDULED_USED, DisclosureStep.SCHEDULED_UNUSED})


class UsePurpose(StrEnum):
    """What a party uses evidence for (2000 MLA Convention Art. 13(10))."""

    JIT = "jit"  # the JIT's own purpose
    OTHER_OFFENCE = "other_offence"
    OTHER_PROCEDURE = "other_procedure"
    EMERGENCY = "emergency"  # an immediate and serious threat to public security


class ConsentPurpose(StrEnum):
    """What the originating party's consent (or its request) covers: a use (the values of
    `UsePurpose`, as consents stored before disclosure and onward transfer were named), the
    disclosure of the item (DI-02), or its transfer on to a state outside the JIT (US-05)."""

    JIT = "jit"
    OTHER_OFFENCE = "other_offence"
    OTHER_PROCEDURE = "other_procedure"
    EMERGENCY = "emergency"
    DISCLOSURE = "disclosure"
    ONWARD_TRANSFER = "onward_transfer"


class ConditionKind(StrEnum):
    """What a condition the sender attaches to an item binds (Conv. Art. 13(10)(d), 23(4);
    LED Art. 35(1)(c))."""

    USE = "use"  # how, or for what, the recipient may use it (US-03)
    ONWARD_TRANSFER = "onward_transfer"  # whether it may be sent on (US-05)
    DISCLOSURE = "disclosure"  # whether it may be disclosed (DI-02)


class ConsentRequest(msgspec.Struct, frozen=True):
    """A party's request for the originating party's consent, open until answered."""

    by_country: str  # the party that asks
    to_country: str  # whom the consent would cover: the asking party, or for an onward
    # transfer the state the item would go to
    purpose: ConsentPurpose
    offence: str
    requested_at: datetime


class Condition(msgspec.Struct, frozen=True):
    """A condition the originating party attached to the item, binding one party (or every
    recipient), in force until met or lifted."""

    number: int
    kind: ConditionKind
    text: str
    to_country: str  # empty: every recipient
    attached_at: datetime
    met_at: datetime | None = None
    lifted_at: datetime | None = None

    @property
    def in_force(self) -> bool:
        return self.met_at is None and self.lifted_at is None


class DerivationKind(StrEnum):
    COPY = "copy"
    EXTRACTION = "extraction"
    ANALYSIS = "analysis"
    TRANSLATION = "translation"


class LawyerPresence(StrEnum):
    PRESENT = "present"
    WAIVED = "waived"
    ABSENT = "absent"


class PrivilegeReviewResult(StrEnum):
    """What a review of an item for privileged or core-private content found (DE §100d)."""

    NOTHING_PRIVILEGED = "nothing_privileged"
    DELETED = "privileged_deleted"  # found, and deleted
    NOT_DELETED = "privileged_not_deleted"  # found, and still in the item


class HashAlgorithm(StrEnum):
    """An algorithm a file was hashed with outside JITspace (JITspace itself: SHA-256)."""

    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"
    SHA3_256 = "sha3-256"
    SHA3_512 = "sha3-512"

    @property
    def hex_digits(self) -> int:
        """How many hex digits a digest of the algorithm has."""
        return _HEX_DIGITS[self]


_HEX_DIGITS = {
    HashAlgorithm.MD5: 32,
    HashAlgorithm.SHA1: 40,
    HashAlgorithm.SHA256: 64,
    HashAlgorithm.SHA384: 96,
    HashAlgorithm.SHA512: 128,
    HashAlgorithm.SHA3_256: 64,
    HashAlgorithm.SHA3_512: 128,
}


class EvidenceFile(msgspec.Struct, frozen=True):
    """A file of the item, as the store held it when it was attached."""

    file_id: UUID
    name: str
    media_type: str
    sha256: str
    size: int
    storage_key: str
    integrity: str = "unverified"  # unverified | verified | violated


class LegalHold(msgspec.Struct, frozen=True):
    """A legal hold on an item: it is kept whatever its deletion date until released."""

    placed_by: Actor
    placed_at: datetime
    reason: str
    reference: str  # the order or decision that requires it; empty: none named


class DeletedFile(msgspec.Struct, frozen=True):
    """A file deleted under retention, as it was recorded when attached."""

    file_id: UUID
    sha256: str
    size: int


class RetentionDeletion(msgspec.Struct, frozen=True):
    """The item's files were deleted under retention."""

    deleted_by: Actor
    deleted_at: datetime
    deletion_date: datetime
    ground: str


class PendingHandover(msgspec.Struct, frozen=True):
    """A handover (or transfer to another party) not yet received by its recipient."""

    recipient_id: UUID
    country: str | None
    occurred_at: datetime
