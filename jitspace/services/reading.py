"""Reads of one record, and of an investigation as it stood at a point of the log.

The aggregate itself is read, never a read model, so what these answer is always current;
`history` replays the investigation's events up to a time or a log position (`as_of`).
Members only, as for every command.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import JitAggregate, replay
from domain.errors import NotFound
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.retention import DeletionDate
from domain.rulebook import Rulebook
from jitspace.ledger.eventlog import EventLog
from jitspace.services.base import A, Workspace


class History:
    """An investigation's records at a point of the log (`position`, 0 before it existed).

    Each record is replayed from its own events up to that point when a read first asks for
    it (an indexed query by record and position), so a read of one record costs what that
    record's history costs, not the investigation's. `events` and `all` replay the whole
    investigation to that point: for the scheduled work that goes through every item."""

    def __init__(self, reading: Reading, investigation_id: UUID, position: int) -> None:
        self._reading = reading
        self.investigation_id = investigation_id
        self.position = position
        self._found: dict[UUID, JitAggregate | None] = {}
        self._events: list[Any] | None = None
        self._records: dict[UUID, JitAggregate] | None = None

    def find(self, record_id: UUID) -> JitAggregate | None:
        """The investigation's record then (None: not on record then, or not of this
        investigation)."""
        if self._records is not None:
            return self._records.get(record_id)
        if record_id not in self._found:
            self._found[record_id] = replay(self._events_of([record_id])).get(record_id)
        return self._found[record_id]

    def record(self, cls: type[A], record_id: UUID) -> A:
        record = self.find(record_id)
        if not isinstance(record, cls):
            raise NotFound(f"no such {cls.noun} at that time", field="as_of")
        return record

    def deletion_date_of(self, item: EvidenceItem) -> DeletionDate | None:
        """The item's deletion date as recorded at that point."""
        investigation = self.find(item.investigation_id)
        if not isinstance(investigation, Investigation):
            return None
        return item.deletion_date(investigation, self.find)

    def custody_events(self, evidence_id: UUID) -> list[Any]:
        """What the item's chain of custody is computed from, in log order: the item's events,
        the investigation's (membership periods) and its parties' rulebooks (custody gaps)."""
        investigation = self.find(self.investigation_id)
        parties = investigation.parties if isinstance(investigation, Investigation) else {}
        books = [Rulebook.id_for(self.investigation_id, country) for country in parties]
        return self._events_of([self.investigation_id, *books, evidence_id])

    @property
    def events(self) -> list[Any]:
        """The investigation's events replayed, in log order, to that point."""
        if self._events is None:
            self._events = self._events_of(None)
        return self._events

    def all(self, cls: type[A]) -> list[A]:
        """Every record of the class then (the whole investigation replayed: for the scheduled
        work that goes through every item)."""
        if self._records is None:
            self._records = replay(self.events)
        return [r for r in self._records.values() if isinstance(r, cls)]

    def _events_of(self, records: list[UUID] | None) -> list[Any]:
        log = self._reading.recorder
        assert isinstance(log, EventLog)
        stored = log.select_investigation_events(
            self.investigation_id, up_to=self.position, records=records
        )
        return [self._reading.mapper.to_domain_event(n) for n in stored]


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
        """The investigation's records as of a time (the last event recorded by then) and/or a
        log position, each replayed from the log when first read. Members only, as for the
        present."""
        self.investigation_for(user_id, investigation_id)
        assert isinstance(self.recorder, EventLog)
        return History(
            self, investigation_id, self.recorder.position_as_of(investigation_id, as_of, position)
        )
