"""Legal authorisations: requests, the record and its row in the list, and the facts the
admissibility rules read about one (qualified, amended, extended, confirmed, annulled)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.values import (
    AuthorisationKind,
    EvidenceKind,
    IssuerKind,
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
