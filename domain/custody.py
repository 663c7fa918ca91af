"""The custody rules: who held an item at every moment, and the stretches no one did.

An item has a custodian from the moment a member takes it into custody at its collection;
a handover (or a transfer to another party) leaves it with none until the recipient records
the receipt (domain/evidence_custody.py). From those moments and the longest stretch an item
may spend with no custodian (`gap`: CU-01's `gap_hours`, as a rulebook sets it), `defects`
finds the custody defects:

- NO_CUSTODY: no custodian on record since the collection;
- LATE_CUSTODY: custody taken up more than `gap` after the collection;
- LONG_TRANSIT: received more than `gap` after it was handed over;
- NOT_RECEIVED: handed over, and no receipt on record.

An access by someone who was not a member of the team at that moment is a defect too
(CU-04): `member_at` says whether someone was one.

The custody register (projections/custody.py) and the admissibility rules CU-01, CU-02 and
CU-04 (domain/admissibility/rules/custody.py) both ask these functions, so the register and
a verdict that reads the same gap find the same defects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from domain.rule_settings import CustodyGap, RuleSpec, parse_params
from domain.rulebook import Rulebook
from domain.wording import Named

RULE = "CU-01"  # the rule whose `gap_hours` is the gap
DEFAULT_GAP = CustodyGap().gap  # the catalogue's, where no rulebook sets one


class Transfer(NamedTuple):
    """A handover or a transfer to another party, and its receipt."""

    handed_at: datetime
    received_at: datetime | None = None  # None: no receipt on record


class Lapse(StrEnum):
    NO_CUSTODY = "no custody"
    LATE_CUSTODY = "late custody"
    LONG_TRANSIT = "long transit"
    NOT_RECEIVED = "not received"


class CustodyDefect(NamedTuple):
    """A stretch with no custodian: from `start`, until `end` (None: it lasts)."""

    lapse: Lapse
    start: datetime
    end: datetime | None
    transfer: int | None = None  # the transfer at fault, by its index, if one is


def defects(
    collected_at: datetime,
    custody_at: datetime | None,
    transfers: Sequence[Transfer],
    gap: timedelta,
) -> list[CustodyDefect]:
    """The custody defects of an item collected at `collected_at`, taken into custody at
    `custody_at` (None: not on record) and then handed over as `transfers` say, in order.

    Those a later moment closes come first, in the order of their end (custody taken up,
    transfers received); those that last follow: a transfer awaiting its receipt, then no
    custody on record. A stretch of exactly `gap` is no defect."""
    found: list[CustodyDefect] = []
    if custody_at is not None and custody_at - collected_at > gap:
        found.append(CustodyDefect(Lapse.LATE_CUSTODY, collected_at, custody_at))
    for index, t in enumerate(transfers):
        if t.received_at is not None and t.received_at - t.handed_at > gap:
            found.append(CustodyDefect(Lapse.LONG_TRANSIT, t.handed_at, t.received_at, index))
    found += [
        CustodyDefect(Lapse.NOT_RECEIVED, t.handed_at, None, index)
        for index, t in enumerate(transfers)
        if t.received_at is None
    ]
    if custody_at is None:
        found.append(CustodyDefect(Lapse.NO_CUSTODY, collected_at, None))
    return found


class Period(Named, Protocol):
    """A membership as the roster records it, from joining until leaving."""

    @property
    def joined_at(self) -> datetime: ...
    @property
    def left_at(self) -> datetime | None: ...  # None: still a member


def member_at(roster: Iterable[Period], user_id: UUID, at: datetime) -> bool:
    """Whether the user was a member of the team at that moment (a member leaves at
    `left_at`: not a member from then on)."""
    return any(
        m.user_id == user_id and m.joined_at <= at and (m.left_at is None or at < m.left_at)
        for m in roster
    )


def gap_of(rules: Mapping[str, RuleSpec]) -> timedelta:
    """The gap a rulebook's rules set: its CU-01's, or the catalogue's if it has no CU-01."""
    spec = rules.get(RULE)
    if spec is None:
        return DEFAULT_GAP
    params = parse_params(spec)
    assert isinstance(params, CustodyGap)
    return params.gap


def gap_set_by(e: Any) -> tuple[str, timedelta] | None:
    """The party whose gap a rulebook event sets, and the gap; None if it changes none."""
    if isinstance(e, Rulebook.Adopted):
        return e.country, gap_of({spec.rule: spec for spec in e.rules})
    if isinstance(e, Rulebook.RuleSet) and e.spec.rule == RULE:
        return e.country, gap_of({RULE: e.spec})
    if isinstance(e, Rulebook.RuleRemoved) and e.rule == RULE:
        return e.country, DEFAULT_GAP
    return None
