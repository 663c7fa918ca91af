"""The base every JITspace aggregate and event shares.

Every event carries the investigation it belongs to and the actor who caused it; the
library adds `timestamp`, the time the event was recorded. Facts that users report also
carry `occurred_at`, the time they say it happened: both times matter in court.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.values import Actor


class JitAggregate(Aggregate):
    investigation_id: UUID

    class Event(Aggregate.Event):
        investigation_id: UUID
        actor: Actor

    class Created(Event, Aggregate.Created):
        pass


def replay(events: Iterable[Any]) -> dict[UUID, JitAggregate]:
    """The records that events (in log order, of any records) describe, by record id."""
    records: dict[UUID, JitAggregate] = {}
    for event in events:
        records[event.originator_id] = event.mutate(records.get(event.originator_id))
    return records
