"""How events are stored: msgspec encoding and a group-committing PostgreSQL recorder.

Stored row layout (table `jitspace_events`), kept forever:

    notification_id   bigserial  position in the log (commit order, gaps possible)
    originator_id     uuid       aggregate id
    originator_version bigint    aggregate version (1, 2, ...)
    topic             text       "module:Class.Event" of the event class
    state             bytea      the event's fields as compact JSON (msgspec)
    investigation_id  uuid       the investigation the event belongs to

Writers commit in groups: concurrent commands queue their events, one committer thread
takes everything queued, and writes it in one transaction that holds the table's
EXCLUSIVE lock (so commit order equals log order and a reader tailing the log never skips
an event), checks optimistic-concurrency conflicts per command under that lock, inserts
all accepted events with one statement and commits once. A command that conflicts gets
its own IntegrityError; the others in its group are not affected.
"""

from __future__ import annotations

import queue
import threading
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    IntegrityError,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import get_topic, resolve_topic
from psycopg.sql import SQL, Identifier

_ENVELOPE = frozenset({"originator_id", "originator_version"})


@dataclass(frozen=True)
class InvestigationStoredEvent(StoredEvent):
    """A stored event with the investigation it belongs to, written to its own column."""

    investigation_id: UUID = field(kw_only=True)


@cache
def event_state_type(cls: type[Any]) -> type[msgspec.Struct]:
    """A msgspec Struct with the stored fields of an event class, for typed decoding."""
    hints = typing.get_type_hints(cls)
    fields = [
        (name, hint)
        for name, hint in hints.items()
        if name not in _ENVELOPE and typing.get_origin(hint) is not typing.ClassVar
    ]
    return msgspec.defstruct(f"{cls.__qualname__}State", fields)


class MsgspecMapper(Mapper[UUID]):
    """Encodes events as compact JSON with msgspec and decodes them typed, by their class."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        return InvestigationStoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=msgspec.json.encode(state),
            investigation_id=state["investigation_id"],
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        try:
            decoded = msgspec.json.decode(stored_event.state, type=event_state_type(cls))
        except msgspec.DecodeError as error:
            msg = (
                f"stored event {stored_event.originator_id} v{stored_event.originator_version} "
                f"({stored_event.topic}) does not decode: {error}"
            )
            raise MapperDeserialisationError(msg) from error
        state = msgspec.structs.asdict(decoded)
        originator_id = stored_event.originator_id
        state["originator_id"] = (
            originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
        )
        state["originator_version"] = stored_event.originator_version
        domain_event: DomainEventProtocol[UUID] = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event


class _Pending:
    __slots__ = ("done", "error", "events", "ids")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.ids: list[int] = []
        self.error: BaseException | None = None
        self.done = threading.Event()


class EventLog(PostgresApplicationRecorder):
    """The application recorder of JITspace: the investigation column and group commit."""

    max_group = 512

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        table = Identifier(self.datastore.schema), Identifier(self.events_table_name)
        self.sql_create_statements[self.create_table_statement_index] = SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} ("
            "notification_id bigserial NOT NULL, "
            "originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, "
            "topic text NOT NULL, "
            "state bytea NOT NULL, "
            "investigation_id uuid NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))"
        ).format(*table)
        self.sql_create_statements.append(
            SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {}.{} (investigation_id, notification_id)"
            ).format(Identifier(f"{self.events_table_name}_investigation_idx"), *table)
        )
        self._select_conflicts = SQL(
            "SELECT originator_id, originator_version FROM {}.{} "
            "WHERE (originator_id, originator_version) IN "
            "(SELECT * FROM unnest(%s::uuid[], %s::bigint[]))"
        ).format(*table)
        self._insert_group = SQL(
            "INSERT INTO {}.{} "
            "(originator_id, originator_version, topic, state, investigation_id) "
            "SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[], %s::uuid[]) "
            "RETURNING originator_id, originator_version, notification_id"
        ).format(*table)
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._committer: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        pending = _Pending(stored_events)
        self._ensure_committer()
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        return pending.ids

    def stop(self) -> None:
        """Commit what is queued, then stop the committer thread."""
        if self._committer is not None:
            self._queue.put(None)
            self._committer.join(timeout=10)
            self._committer = None

    def _ensure_committer(self) -> None:
        if self._committer is None:
            with self._start_lock:
                if self._committer is None:
                    self._committer = threading.Thread(
                        target=self._commit_forever, name="jitspace-committer", daemon=True
                    )
                    self._committer.start()

    def _commit_forever(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < self.max_group:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                group.append(more)
            self._commit_group(group)

    def _commit_group(self, group: list[_Pending]) -> None:
        accepted: list[_Pending] = []
        try:
            with self.datastore.transaction(commit=True) as curs:
                self._lock_table(curs)
                self._notify_channel(curs)
                keys = [(e.originator_id, e.originator_version) for p in group for e in p.events]
                curs.execute(
                    self._select_conflicts,
                    ([k[0] for k in keys], [k[1] for k in keys]),
                    prepare=True,
                )
                taken = {(row["originator_id"], row["originator_version"]) for row in curs}
                for pending in group:
                    mine = [(e.originator_id, e.originator_version) for e in pending.events]
                    if any(k in taken for k in mine) or len(set(mine)) != len(mine):
                        pending.error = IntegrityError(
                            "another command changed this record first (version conflict)"
                        )
                        continue
                    taken.update(mine)
                    accepted.append(pending)
                events = [e for p in accepted for e in p.events]
                if events:
                    curs.execute(
                        self._insert_group,
                        (
                            [e.originator_id for e in events],
                            [e.originator_version for e in events],
                            [e.topic for e in events],
                            [e.state for e in events],
                            [_investigation_of(e) for e in events],
                        ),
                        prepare=True,
                    )
                    ids = {
                        (row["originator_id"], row["originator_version"]): row["notification_id"]
                        for row in curs
                    }
            for pending in accepted:
                pending.ids = [ids[(e.originator_id, e.originator_version)] for e in pending.events]
        except BaseException as error:  # every waiting command learns the group failed
            for pending in accepted:
                pending.error = error
            for pending in group:
                if pending.error is None:
                    pending.error = error
        finally:
            for pending in group:
                pending.done.set()


def _investigation_of(stored_event: StoredEvent) -> UUID:
    if not isinstance(stored_event, InvestigationStoredEvent):
        msg = "events reach the log through MsgspecMapper, which names their investigation"
        raise TypeError(msg)
    return stored_event.investigation_id
