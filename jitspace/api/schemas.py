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

from domain.values import PARTY_CODE, AuthorisationKind, EvidenceKind, Role, TaskStatus

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=10_000)]
Reason = Annotated[str, Meta(min_length=1, max_length=2_000)]
PartyCode = Annotated[
    str,
    Meta(
        pattern=f"^(?:{PARTY_CODE.pattern})$",
        description="ISO 3166-1 alpha-2 code of a state, or EUROPOL, EUROJUST, OLAF, EPPO",
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
    username: Annotated[str, Meta(min_length=1, max_length=100)]
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
    username: Annotated[str, Meta(min_length=1, max_length=100)]
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


class EvidenceCreate(Struct):
    reference: Annotated[Name, Meta(description="the originating party's own reference")]
    kind: EvidenceKind
    description: Annotated[str, Meta(min_length=1, max_length=10_000)]
    occurred_at: Annotated[Instant, Meta(description="when the item was collected")]
    collected_by: Name
    place: Name
    method: Name
    authorisation_id: UUID | None = None


class EvidenceAmendment(Struct):
    description: Annotated[str, Meta(min_length=1, max_length=10_000)]
    reason: Reason


class Evidence(msgspec.Struct):
    id: UUID
    version: int
    investigation_id: UUID
    reference: str
    country: str
    kind: EvidenceKind
    description: str
    collected_at: datetime
    collected_by: str
    place: str
    method: str
    authorisation_id: UUID | None
    registered_at: datetime
    registered_by: ActorOut


class EvidenceSummary(msgspec.Struct):
    id: UUID
    reference: str
    country: str
    kind: EvidenceKind
    description: str
    collected_at: datetime
    registered_at: datetime
    authorisation_id: UUID | None
    version: int


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


class EventPage(msgspec.Struct):
    events: list[EventOut]
    last_position: int
