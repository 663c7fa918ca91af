"""An evidence item's deletion date: the one computation that DP-01 judges by and that the
retention sweep executes (jitspace/services/retention.py), so the two never disagree.

The date is the earliest that the law binding the item sets: the JIT agreement's retention
(recorded on the investigation, `Investigation.RetentionAgreed`) and the retention of the
item's owning party, the country that collected it (the `retention_days` of DP-01 in that
party's rulebook). Both run from the collection; a copy, extraction or analysis runs from
its original's collection (deriving an item does not restart the clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from domain.rule_settings import Retention, RuleSpec, parse_params


class DeletionDate(NamedTuple):
    """When the item's data must be deleted, and the retention that says so, in words."""

    on: datetime
    ground: str


def deletion_date(
    collected_at: datetime,
    *,
    owner: str,
    owner_days: int | None,
    agreement_days: int | None,
    derived: bool = False,
) -> DeletionDate | None:
    """The earliest deletion date of the retentions on record, counted from `collected_at`
    (the original's collection, for a derived item); None if none is on record."""
    start = "its original's collection" if derived else "its collection"
    dates: list[DeletionDate] = []
    if agreement_days is not None:
        dates.append(
            DeletionDate(
                collected_at + timedelta(days=agreement_days),
                f"the JIT agreement's retention of {agreement_days} days from {start}",
            )
        )
    if owner_days is not None:
        dates.append(
            DeletionDate(
                collected_at + timedelta(days=owner_days),
                f"{owner}'s retention of {owner_days} days from {start} (DP-01 of its rulebook)",
            )
        )
    return min(dates, key=lambda d: d.on) if dates else None


def retention_days_of(rules: Mapping[str, RuleSpec]) -> int | None:
    """The retention a party's rulebook sets (DP-01's `retention_days`); None if it has no
    DP-01."""
    spec = rules.get("DP-01")
    if spec is None:
        return None
    params = parse_params(spec)
    assert isinstance(params, Retention)
    return params.retention_days
