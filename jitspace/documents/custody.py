"""The chain of custody: the steps a member records, and the chain as the register builds it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.values import (
    SealCondition,
)
from jitspace.documents.fields import (
    Instant,
    Name,
    PartyCode,
    Reason,
    Struct,
    Text,
)


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


class CustodyDefect(msgspec.Struct):
    code: str
    message: str  # in English
    version: int | None = None  # the step at fault, if one is
    # the message's wording (`reason`) and what fills it (`facts`: times in ISO 8601 UTC,
    # lengths in seconds, people by user id, files by SHA-256), to word it in another language
    reason: str = ""
    facts: dict[str, str] = msgspec.field(default_factory=dict)


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


class AuditEntry(msgspec.Struct):
    """One defect of one item's chain of custody."""

    evidence_id: UUID
    reference: str
    defect: CustodyDefect


class AuditGroup(msgspec.Struct):
    """The items with one kind of defect (`reason`; `code` the register's coarser one)."""

    code: str
    reason: str
    entries: list[AuditEntry]


class CustodyAudit(msgspec.Struct):
    """Every custody defect of the investigation, grouped by kind, the largest group first;
    `items`: how many items have at least one."""

    items: int
    groups: list[AuditGroup]


def custody_audit(found: list[tuple[UUID, str, list[CustodyDefect]]]) -> CustodyAudit:
    """The audit of items (id, reference, defects), in the order given."""
    groups: dict[str, AuditGroup] = {}
    for evidence_id, reference, defects in found:
        for defect in defects:
            kind = defect.reason or defect.code
            group = groups.setdefault(kind, AuditGroup(defect.code, kind, []))
            group.entries.append(AuditEntry(evidence_id, reference, defect))
    ordered = sorted(groups.values(), key=lambda g: (-len(g.entries), g.reason))
    return CustodyAudit(sum(1 for _, _, d in found if d), ordered)


class AuditedItem(msgspec.Struct):
    """An item whose chain of custody has a defect, with its defects."""

    evidence_id: UUID
    reference: str
    defects: list[CustodyDefect]


class CustodyAuditSort(StrEnum):
    REFERENCE = "reference"
    DEFECTS = "defects"  # how many defects the item's chain has


class CustodyAuditQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which page of the custody audit (its items), in which order, of which."""

    limit: int = 100
    after: str | None = None  # the cursor a previous page returned as `next`
    sort: CustodyAuditSort = CustodyAuditSort.REFERENCE
    descending: bool = False
    code: str | None = None  # items with a defect of this code
    search: str | None = None  # in the reference


class CustodyAuditPage(msgspec.Struct):
    items: list[AuditedItem]
    next: str | None  # the cursor of the next page (`after=`), None on the last
    total: int  # how many items match the filters
