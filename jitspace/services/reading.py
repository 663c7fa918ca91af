"""Reads of one record, and of an investigation as it stood at a point of the log.

The aggregate itself is read, never a read model, so what these answer is always current;
`history` replays the investigation's events up to a time or a log position (`as_of`).
Members only, as for every command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import JitAggregate, replay
from domain.errors import NotFound
from domain.investigation import Investigation
from jitspace.ledger.eventlog import EventLog
from jitspace.services.base import A, Workspace


@dataclass(frozen=True)
class History:
    """An investigation's records at a point of the log (`position`, 0 before it existed)."""

    position: int
    records: dict[UUID, JitAggregate]
    events: list[Any]  # the domain events replayed, in log order

    def record(self, cls: type[A], record_id: UUID) -> A:
        record = self.records.get(record_id)
        if not isinstance(record, cls):
            raise NotFound(f"no such {cls.noun} at that time", field="as_of")
        return record

    def all(self, cls: type[A]) -> list[A]:
        return [r for r in self.records.values() if isinstance(r, cls)]


class Reading(Workspace):
    def investigation_for(self, user_id: UUID, investigation_id: UUID) -> Investigation:
        """The investigation, if the user is one of its members; otherwise NotFound."""
        return self._acting(user_id, investigation_id, allow_closed=True)[0]

    def investigation(self, investigation_id: UUID) -> Investigation | None:
        """The investigation, whoever asks: for the access check, which then looks for the
        caller among its members (never handed to a caller as it is)."""
        return self._find(Investigation, investigation_id)

    def part_for(self, user_id: UUID, investigation_id: UUID, cls: type[A], record_id: UUID) -> A:
        investigation = self.investigation_for(user_id, investigation_id)
        return self._part(investigation, cls, record_id)

    def history(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        as_of: datetime | None = None,
        position: int | None = None,
    ) -> History:
        """The investigation's records as of a time (what had been recorded by then) and/or a
        log position, replayed from the log. Members only, as for the present."""
        self.investigation_for(user_id, investigation_id)
        assert isinstance(self.recorder, EventLog)
        events = self.recorder.select_investigation_events(
            investigation_id, up_to=position, recorded_by=as_of
        )
        domain_events = [self.mapper.to_domain_event(n) for n in events]
        return History(
            position=events[-1].id if events else 0,
            records=replay(domain_events),
            events=domain_events,
        )
