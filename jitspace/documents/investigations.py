"""An investigation (a JIT), its parties and members: requests and records."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.permissions import Action
from domain.values import (
    Role,
)
from jitspace.documents.fields import (
    Instant,
    Name,
    PartyCode,
    Reason,
    Struct,
    Text,
    Username,
)


class PartyCreate(Struct):
    country: PartyCode
    name: Name
    lead_authority: Name


class PartyJoining(Struct):
    """A state (or EU body) joins the JIT after its opening, by an amendment signed at
    `occurred_at` (AU-08: what it collected before is outside the JIT)."""

    country: PartyCode
    name: Name
    lead_authority: Name
    occurred_at: Instant | None = None


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
    left_at: datetime | None = None  # when the party left the JIT, if it did
    joined_at: datetime | None = None  # when it joined, if after the opening (None: a founder)
    departure_reason: str | None = None  # why it left, as recorded


class ExtensionOut(msgspec.Struct):
    """An amendment of the JIT agreement that extended its period."""

    previous_end: date
    period_end: date
    signed_at: datetime
    reason: str


class MemberOut(msgspec.Struct):
    user_id: UUID
    name: str
    country: str
    role: Role


class MembershipOut(msgspec.Struct):
    """Your membership of an investigation, and the actions it lets you take."""

    user_id: UUID
    name: str
    country: str
    role: Role
    actions: list[Action]


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
    # the JIT agreement's retention of the team's evidence, in days from each item's
    # collection (None: it sets none)
    retention_days: int | None = None
    # the amendments that extended the agreement's period, in the order signed into the record
    extensions: list[ExtensionOut] = msgspec.field(default_factory=list)


class RoleChange(Struct):
    role: Role
    reason: Reason
    occurred_at: Instant | None = None


class AgreementExtension(Struct):
    """An amendment of the JIT agreement extending its period (signed at `occurred_at`)."""

    period_end: Annotated[date, Meta(description="the last day of the extended period")]
    reason: Annotated[Reason, Meta(description="the amendment: its reference, who signed it")]
    occurred_at: Instant | None = None


class PartyDeparture(Struct):
    """A party leaves the JIT: what it collects from then on is outside the JIT (AU-08)."""

    country: PartyCode
    reason: Reason
    occurred_at: Instant | None = None


class RetentionAgreement(Struct):
    """The retention the JIT agreement sets for the team's evidence: each item's data is
    deleted this many days after its collection, or earlier if its party's law says so."""

    retention_days: Annotated[int, Meta(ge=1, le=36_500)]
    agreement_clause: Annotated[
        Reason, Meta(description="the clause of the JIT agreement that sets the retention")
    ]
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


class InvestigationSort(StrEnum):
    OPENED_AT = "opened_at"
    NAME = "name"


class InvestigationQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which page of your investigations, in which order, of which."""

    limit: int = 100
    after: str | None = None  # the cursor a previous page returned as `next`
    sort: InvestigationSort = InvestigationSort.OPENED_AT
    descending: bool = True  # the latest opened first
    status: Literal["open", "closed"] | None = None
    search: str | None = None  # in the name or the agreement's reference


class InvestigationPage(msgspec.Struct):
    items: list[InvestigationSummary]
    next: str | None  # the cursor of the next page (`after=`), None on the last
    total: int  # how many investigations match the filters
