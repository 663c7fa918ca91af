"""Rulebooks (shipped and adopted), and the admissibility matrix with its explanations
(risk flags for lawyers, not rulings)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.admissibility.results import Cure
from domain.values import UsePurpose
from jitspace.documents.evidence import EvidenceSummary
from jitspace.documents.fields import (
    PartyCode,
    Reason,
    Struct,
)

# what every rulebook and verdict the API publishes says of itself
NOTICE = (
    "Verdicts are risk flags for lawyers, not rulings: the court decides. Shipped rulebooks "
    "are illustrative examples, not legal advice."
)


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


class CureAction(msgspec.Struct, omit_defaults=True):
    """A cure the explanation offers to record, on the record `record_id` (an item or an
    authorisation): a judge's confirmation, the authorisation's qualification, a consent
    (decided by the members of `decided_by`, for that use), or the item's collection."""

    cure: Cure
    record_id: UUID
    decided_by: str = ""
    to_country: str = ""
    purpose: UsePurpose | None = None
    offence: str = ""


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
    action: CureAction | None = None


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
    # the rules that lack facts to decide, beside a definite outcome (a verdict is its worst
    # definite outcome; UNKNOWN only where nothing but missing facts keeps it from passing)
    unknown: list[str] = msgspec.field(default_factory=list)


class AdmissibilityMatrix(msgspec.Struct):
    investigation_id: UUID
    notice: str
    cells: list[AdmissibilityCell]


class MatrixRow(msgspec.Struct):
    """One item of the matrix: the item as the register lists it, its cell in each country."""

    item: EvidenceSummary
    cells: list[AdmissibilityCell]


class MatrixPage(msgspec.Struct):
    """A page of the matrix, in the register's order and with its filters (`next`: the cursor
    of the next page, None on the last; `total`: the items that match)."""

    notice: str
    items: list[MatrixRow]
    next: str | None
    total: int


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
