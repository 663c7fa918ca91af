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
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.retention import DeletionDate
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

    def deletion_date_of(self, item: EvidenceItem) -> DeletionDate | None:
        """The item's deletion date as recorded at that point."""
        investigation = self.records.get(item.investigation_id)
        if not isinstance(investigation, Investigation):
            return None
        return item.deletion_date(investigation, self.records.get)


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

    def evidence_for(
        self, user_id: UUID, investigation_id: UUID, evidence_id: UUID
    ) -> tuple[EvidenceItem, DeletionDate | None]:
        """The item, with its deletion date as recorded now."""
        investigation = self.investigation_for(user_id, investigation_id)
        item = self._part(investigation, EvidenceItem, evidence_id)
        return item, self.deletion_date_of(investigation, item)

    def deletion_date_of(
        self, investigation: Investigation, item: EvidenceItem
    ) -> DeletionDate | None:
        """The item's deletion date as recorded now (domain/retention.py)."""
        return item.deletion_date(investigation, lambda i: self._find(JitAggregate, i))

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
