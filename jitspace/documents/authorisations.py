"""Legal authorisations: requests, the record and its row in the list, and the facts the
admissibility rules read about one (qualified, amended, extended, confirmed, annulled,
notified to a state and its objection)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.values import (
    AuthorisationKind,
    EvidenceKind,
    IssuerKind,
    ObjectionCovers,
)
from jitspace.documents.fields import (
    Instant,
    Name,
    PartyCode,
    Reason,
    ShortText,
    Struct,
    Terms,
    Text,
)


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


class NotificationOut(msgspec.Struct):
    """What is on record of notifying one state of the measure (EIO Art. 31)."""

    country: str
    sent_at: datetime | None = None
    received_at: datetime | None = None  # when the state acknowledged it
    objected_at: datetime | None = None
    objection_covers: ObjectionCovers | None = None
    objection_note: str = ""
    not_made_at: datetime | None = None  # recorded: no notification was made
    not_made_reason: str = ""


class EntrustmentOut(msgspec.Struct):
    """The host state entrusted the measure to a seconded member's party (AU-09)."""

    to_country: str
    entrusted_by: str
    allowed_by_host_law: bool
    legal_basis: str
    entrusted_at: datetime


class FormalityOut(msgspec.Struct):
    """A formality a forum asked for, and whether the issuing state met it (AU-11)."""

    formality: str
    by_country: str
    requested_by: str
    requested_at: datetime
    met: bool | None = None  # None: not reported yet
    reason: str = ""  # why not, when not met
    reported_at: datetime | None = None


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
    notifications: list[NotificationOut] = msgspec.field(default_factory=list)
    confirmed_at: datetime | None = None  # by a judge: an urgent order, an order to validate
    confirmed_by: str | None = None
    annulled_at: datetime | None = None  # by a court's ruling
    annulled_by: str | None = None  # the court and its ruling
    entrustments: list[EntrustmentOut] = msgspec.field(default_factory=list)
    formalities: list[FormalityOut] = msgspec.field(default_factory=list)


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
    annulled: bool = False  # by a court's ruling


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


StateCode = Annotated[
    PartyCode, Meta(description="the state's ISO 3166-1 alpha-2 code (not the issuing one)")
]


class NotificationCreate(Struct):
    to_country: StateCode
    occurred_at: Annotated[Instant | None, Meta(description="when it was sent (default: now)")] = (
        None
    )


class NotificationReceipt(Struct):
    to_country: StateCode
    occurred_at: Annotated[
        Instant | None,
        Meta(
            description="when the notified state acknowledged it: its objection period runs "
            "from then (default: now)"
        ),
    ] = None


class ObjectionCreate(Struct):
    by_country: StateCode
    covers: Annotated[
        ObjectionCovers,
        Meta(
            description="use_of_data: what was gathered may not be used (or only on its "
            "terms); all: the measure is to end too"
        ),
    ]
    note: Annotated[Text, Meta(description="the objecting state's terms, if any")] = ""
    occurred_at: Annotated[
        Instant | None, Meta(description="when the state objected (default: now)")
    ] = None


class NoNotificationCreate(Struct):
    to_country: StateCode
    reason: Reason
    occurred_at: Instant | None = None


class EntrustmentCreate(Struct):
    to_country: Annotated[
        PartyCode, Meta(description="the seconded member's party the measure was entrusted to")
    ]
    entrusted_by: Annotated[Name, Meta(description="the host state's authority that entrusted it")]
    allowed_by_host_law: Annotated[
        bool, Meta(description="whether the host state's law lets a seconded member carry it out")
    ]
    legal_basis: Annotated[ShortText, Meta(description="the provision relied on, if any")] = ""
    occurred_at: Annotated[Instant | None, Meta(description="when it was entrusted")] = None


class FormalitiesCreate(Struct):
    formalities: Annotated[
        list[Name],
        Meta(min_length=1, max_length=20, description="the formalities your party's forum asks"),
    ]
    requested_by: Annotated[Name, Meta(description="the authority that asked")]
    occurred_at: Annotated[Instant | None, Meta(description="when they were asked")] = None


class FormalityReport(Struct):
    formality: Annotated[Name, Meta(description="the formality, as it was asked")]
    by_country: Annotated[PartyCode, Meta(description="the forum that asked for it")]
    met: bool
    reason: Annotated[Text, Meta(description="why it was not met (empty: none given)")] = ""
    occurred_at: Annotated[Instant | None, Meta(description="when it was reported")] = None


class AuthorisationStatus(StrEnum):
    """Where an authorisation stands today."""

    IN_FORCE = "in_force"  # valid today, neither revoked nor annulled
    PENDING = "pending"  # valid from a later date
    EXPIRED = "expired"  # its validity ended
    REVOKED = "revoked"
    ANNULLED = "annulled"  # by a court's ruling


class AuthorisationSort(StrEnum):
    """The columns the authorisations can be sorted by."""

    VALID_FROM = "valid_from"
    VALID_UNTIL = "valid_until"
    REFERENCE = "reference"
    KIND = "kind"
    COUNTRY = "country"


class AuthorisationQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which page of the authorisations, in which order, of which."""

    limit: int = 100
    after: str | None = None  # the cursor a previous page returned as `next`
    sort: AuthorisationSort = AuthorisationSort.VALID_FROM
    descending: bool = False
    party: str | None = None  # the issuing party
    kind: AuthorisationKind | None = None
    status: AuthorisationStatus | None = None
    search: str | None = None  # in the reference or the authority


class AuthorisationPage(msgspec.Struct):
    items: list[AuthorisationSummary]
    next: str | None  # the cursor of the next page (`after=`), None on the last
    total: int  # how many authorisations match the filters
