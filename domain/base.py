"""The base every JITspace aggregate and event shares.

Every event carries the investigation it belongs to and the actor who caused it; the
library adds `timestamp`, the time the event was recorded. Facts that users report also
carry `occurred_at`, the time they say it happened: both times matter in court.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import cache
from typing import Any, ClassVar, Protocol
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate

from domain.errors import NotFound
from domain.values import Actor


class Investigating(Protocol):
    """What a record asks of the investigation it belongs to (domain/investigation.py)."""

    @property
    def id(self) -> UUID: ...

    def check_can_act(self, actor: Actor) -> None: ...


class JitAggregate(Aggregate):
    investigation_id: UUID
    # what a record of the kind is called in answers, and the field commands name it by
    noun: ClassVar[str] = "record"
    id_field: ClassVar[str] = "id"

    class Event(Aggregate.Event):
        investigation_id: UUID
        actor: Actor

    class Created(Event, Aggregate.Created):
        pass

    def check_belongs_to(self, investigation: Investigating, *, field: str = "") -> None:
        """NotFound unless the record is the investigation's: `field` names the id at fault,
        by default the field commands name the record by."""
        if self.investigation_id != investigation.id:
            raise NotFound(
                f"no such {self.noun} in this investigation", field=field or self.id_field
            )

    def _check_acting(self, investigation: Investigating, actor: Actor) -> None:
        """The record is the investigation's, and the actor may act in it."""
        self.check_belongs_to(investigation)
        investigation.check_can_act(actor)

    def _record(
        self,
        event_class: type[Aggregate.Event],
        actor: Actor,
        command: msgspec.Struct | None = None,
        **fields: Any,
    ) -> None:
        """Trigger `event_class` for `actor`: it records the fields of `command` it has under
        the same names, then `fields` (what the aggregate adds or decides itself)."""
        recorded = fields_of(event_class, command, **fields)
        self.trigger_event(
            event_class, **recorded, investigation_id=self.investigation_id, actor=actor
        )


def fields_of(
    event_class: type[Aggregate.Event], command: msgspec.Struct | None, **decided: Any
) -> dict[str, Any]:
    """The fields of `command` that `event_class` records (by name), then `decided`: what
    the aggregate sets itself. A command's other fields say whom it addresses (ids, the
    expected version)."""
    names = _field_names(event_class) - {"investigation_id"} - decided.keys()
    given = command.__struct_fields__ if command is not None else ()
    return {**{n: getattr(command, n) for n in given if n in names}, **decided}


@cache
def _field_names(event_class: type[Aggregate.Event]) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(event_class))


def replay(events: Iterable[Any]) -> dict[UUID, JitAggregate]:
    """The records that events (in log order, of any records) describe, by record id."""
    records: dict[UUID, JitAggregate] = {}
    for event in events:
        records[event.originator_id] = event.mutate(records.get(event.originator_id))
    return records
