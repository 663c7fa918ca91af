"""How events are stored: msgspec encoding and a group-committing PostgreSQL recorder.

Stored row layout (table `jitspace_events`), kept forever:

    notification_id   bigserial  position in the log (commit order, gaps possible)
    originator_id     uuid       aggregate id
    originator_version bigint    aggregate version (1, 2, ...)
    topic             text       "module:Class.Event" of the event class
    state             bytea      the event's fields as compact JSON (msgspec)
    investigation_id  uuid       the investigation the event belongs to
    recorded_at       timestamptz when the event was recorded (its `timestamp`), for as-of reads;
                                 covered by event_hash, to the microsecond
    event_hash        bytea      SHA-256 of the event's header and state hash
    chain_hash        bytea      links the event to the one before it in the log
    investigation_hash bytea     links the event to the one before it in its investigation
                                 (the byte layout of the three hashes is in chain.py)

Writers commit in groups: concurrent commands queue their events, one committer thread
takes everything queued, and writes it in one transaction that holds the table's
EXCLUSIVE lock (so commit order equals log order and a reader tailing the log never skips
an event), checks optimistic-concurrency conflicts per command under that lock, takes the
positions and the heads of the hash chains, hashes the accepted events, inserts them with
one statement and commits once: no committed event exists without its chain links. A
command that conflicts gets its own IntegrityError; the others in its group are not
affected.

Unique keys: an event may name a key no other record of its investigation may hold (an
evidence item's reference: `unique_key` on the event class). Table `<events>_unique_keys`
holds each key with the record that holds it, written in the same transaction as the event
and checked under the same lock, so of two commands claiming one key, in one group or in
two processes, exactly one is recorded; the other gets KeyTaken, naming the holder.

An import records many records in one transaction without holding their events all at
once: `insert_in_one_transaction` takes the events batch by batch and inserts each batch as
the committer inserts a group (positions, conflicts, unique keys, both chains), under the
same lock, held until the last batch commits; a failure anywhere records none of them.
"""

from __future__ import annotations

import queue
import struct
import threading
import typing
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    Mapper,
    MapperDeserialisationError,
    Notification,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import get_topic, resolve_topic, retry
from psycopg.errors import UniqueViolation
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

from domain.evidence import EvidenceItem
from jitspace.ledger import chain
from jitspace.ledger.chain import GENESIS

# the topic of the events that set an evidence item's handling restrictions
HANDLING_TOPIC = get_topic(EvidenceItem.HandlingRestricted)

_ENVELOPE = frozenset({"originator_id", "originator_version"})
# the events that claim a unique key (EvidenceItem.Registered: the item's reference)
KEYED_TOPICS = (get_topic(EvidenceItem.Registered),)


LAST_POSITION = 2**63 - 1  # bigint's largest


@dataclass(frozen=True)
class InvestigationStoredEvent(StoredEvent):
    """A stored event with the investigation it belongs to, written to its own column."""

    investigation_id: UUID = field(kw_only=True)
    recorded_at: datetime = field(kw_only=True)
    # a key no other record of the investigation may hold (not stored with the event)
    unique_key: str | None = field(default=None, kw_only=True)


class Moved(IntegrityError):
    """A record the command decided on (without changing it) has changed since."""


class KeyTaken(IntegrityError):
    """Another record of the investigation holds the unique key an event claims."""

    def __init__(self, key: str, holder_id: UUID) -> None:
        super().__init__(f"{key!r} is held by record {holder_id}")
        self.key = key
        self.holder_id = holder_id


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
    """Encodes events as compact JSON with msgspec and decodes them typed, by their class.

    An event class whose stored form changed says so as the library does: `class_version`
    (stored with each event of a later version than 1) and a static `upcast_vN_vM` method
    for each step, applied to the state of an older event as it is read. Stored events
    are never rewritten: the hash chain covers their stored bytes."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        return InvestigationStoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=msgspec.json.encode(state),
            investigation_id=state["investigation_id"],
            recorded_at=state["timestamp"],
            unique_key=getattr(domain_event, "unique_key", None),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        try:
            if getattr(cls, "class_version", 1) > 1:
                decoded = _upcast(cls, msgspec.json.decode(stored_event.state))
            else:
                decoded = msgspec.json.decode(stored_event.state, type=event_state_type(cls))
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
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


def _upcast(cls: Any, state: dict[str, Any]) -> msgspec.Struct:
    """The state of an event stored by an earlier version of its class, brought up to the
    class's version by its upcasters, step by step, then typed."""
    version = state.pop("class_version", 1)
    while version < cls.class_version:
        getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
        version += 1
    return msgspec.convert(state, type=event_state_type(cls))


class _Pending:
    __slots__ = ("done", "error", "events", "ids", "unchanged")

    def __init__(
        self, events: Sequence[StoredEvent], unchanged: Sequence[tuple[UUID, int]] = ()
    ) -> None:
        self.events = events
        # records the command decided on without changing them, at their versions then
        self.unchanged = unchanged
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
            "recorded_at timestamptz NOT NULL, "
            "event_hash bytea NOT NULL, "
            "chain_hash bytea NOT NULL, "
            "investigation_hash bytea NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))"
        ).format(*table)
        self.sql_create_statements.append(
            SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {}.{} (investigation_id, notification_id)"
            ).format(Identifier(f"{self.events_table_name}_investigation_idx"), *table)
        )
        # every read of an investigation's events looks up its items' handling restrictions:
        # a small partial index keeps that a lookup whatever the size of the investigation
        self.sql_create_statements.append(
            SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {}.{} (investigation_id, notification_id) "
                "WHERE topic = {}"
            ).format(
                Identifier(f"{self.events_table_name}_handling_idx"),
                *table,
                Literal(HANDLING_TOPIC),
            )
        )
        # an investigation's last event recorded by a time (`as_of`), found at once: made by a
        # migration (jitspace/migrations.py), as every index added after the first schema
        self.recorded_index = SQL(
            "CREATE INDEX IF NOT EXISTS {} ON {}.{} "
            "(investigation_id, recorded_at, notification_id)"
        ).format(Identifier(f"{self.events_table_name}_recorded_idx"), *table)
        # one round trip: the log's head, new positions, conflicts, and the heads of the
        # investigations' chains: those this process does not know, or all of them if another
        # process has written since this one last did (the log's head is not where it left it)
        self._prepare_group = SQL(
            "SELECT h.notification_id AS head_position, h.chain_hash AS head, "
            "ARRAY(SELECT nextval(pg_get_serial_sequence(%(table)s, 'notification_id')) "
            "      FROM generate_series(1, %(count)s)) AS positions, "
            "ARRAY(SELECT coalesce((SELECT investigation_hash FROM {0}.{1} "
            "      WHERE investigation_id = i.id ORDER BY notification_id DESC LIMIT 1), '') "
            "      FROM unnest(CASE WHEN h.notification_id IS NOT DISTINCT FROM %(known_at)s "
            "      THEN %(unknown)s::uuid[] ELSE %(all)s::uuid[] END) "
            "      WITH ORDINALITY AS i(id, n) ORDER BY i.n) AS investigation_heads, "
            "c.taken_ids, c.taken_versions "
            "FROM (SELECT array_agg(originator_id) AS taken_ids, "
            "      array_agg(originator_version) AS taken_versions FROM {0}.{1} "
            "      WHERE (originator_id, originator_version) IN "
            "      (SELECT * FROM unnest(%(ids)s::uuid[], %(versions)s::bigint[]))) AS c "
            "LEFT JOIN LATERAL (SELECT notification_id, chain_hash FROM {0}.{1} "
            "      ORDER BY notification_id DESC LIMIT 1) AS h ON true"
        ).format(*table)
        # the heads of the investigations' chains as of log position `_heads_at`, as this
        # process last wrote them: valid while the log's head is still at that position
        self._heads: dict[UUID, bytes] = {}
        self._heads_at: int | None = None
        self._qualified_name = f"{self.datastore.schema}.{self.events_table_name}"
        # loading a record reads only what the mapper needs, not the hash columns
        self.select_events_statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {}.{} "
            "WHERE originator_id = %s"
        ).format(*table)
        # as of a time: the log up to the investigation's last event recorded by then, found
        # on the index of recorded times (`recorded_index`); as of a position: its last event
        # at or before it, on the index by investigation and position. Either is found at
        # once, whatever the length of the history before or after it.
        self._select_recorded_by = SQL(
            "SELECT notification_id FROM {0}.{1} WHERE investigation_id = %(investigation)s "
            "AND recorded_at <= %(by)s ORDER BY recorded_at DESC, notification_id DESC LIMIT 1"
        ).format(*table)
        self._select_up_to = SQL(
            "SELECT notification_id FROM {0}.{1} WHERE investigation_id = %(investigation)s "
            "AND notification_id <= %(up_to)s ORDER BY notification_id DESC LIMIT 1"
        ).format(*table)
        # the investigation's events up to a position (a prefix of the log), or only those of
        # some of its records (each record's own events, on the key of the table)
        self._select_investigation_events = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {0}.{1} WHERE investigation_id = %(investigation)s "
            "AND notification_id <= %(up_to)s "
            "AND (%(records)s::uuid[] IS NULL OR originator_id = ANY(%(records)s)) "
            "ORDER BY notification_id"
        ).format(*table)
        # reading the log in order (subscriptions, projections, the live feed's catch-up)
        # takes what a notification has, not the hash columns, as tuples, not dictionaries
        self._select_notifications = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {}.{} WHERE notification_id >= %(start)s AND notification_id <= %(stop)s "
            "AND (%(all)s OR topic = ANY(%(topics)s)) ORDER BY notification_id LIMIT %(limit)s"
        ).format(*table)
        keys = (
            Identifier(self.datastore.schema),
            Identifier(f"{self.events_table_name}_unique_keys"),
        )
        self._create_unique_keys = SQL(
            "CREATE TABLE {}.{} (investigation_id uuid NOT NULL, key text NOT NULL, "
            "holder_id uuid NOT NULL, PRIMARY KEY (investigation_id, key))"
        ).format(*keys)
        self._unique_keys_exist = SQL("SELECT to_regclass({}) IS NOT NULL AS present").format(
            Literal(f"{self.datastore.schema}.{self.events_table_name}_unique_keys")
        )
        self._select_holders = SQL(
            "SELECT investigation_id, key, holder_id FROM {}.{} "
            "WHERE (investigation_id, key) IN (SELECT * FROM unnest(%s::uuid[], %s::text[]))"
        ).format(*keys)
        self._select_held = SQL(
            "SELECT key, holder_id FROM {}.{} WHERE investigation_id = %s AND key = ANY(%s)"
        ).format(*keys)
        self._select_keyed_events = SQL(
            "SELECT originator_id, originator_version, topic, state, investigation_id "
            "FROM {}.{} WHERE topic = ANY(%s) ORDER BY notification_id"
        ).format(*table)
        self._insert_keys = SQL(
            "INSERT INTO {}.{} (investigation_id, key, holder_id) "
            "SELECT * FROM unnest(%s::uuid[], %s::text[], %s::uuid[])"
        ).format(*keys)
        self._insert_group = SQL(
            "INSERT INTO {}.{} (notification_id, originator_id, originator_version, topic, "
            "state, investigation_id, recorded_at, event_hash, chain_hash, investigation_hash) "
            "SELECT * FROM unnest(%s::bigint[], %s::uuid[], %s::bigint[], %s::text[], "
            "%s::bytea[], %s::uuid[], %s::timestamptz[], %s::bytea[], %s::bytea[], %s::bytea[])"
        ).format(*table)
        self._copy_events = SQL(
            "COPY {}.{} (notification_id, originator_id, originator_version, topic, state, "
            "investigation_id, recorded_at, event_hash, chain_hash, investigation_hash) "
            "FROM STDIN (FORMAT BINARY)"
        ).format(*table)
        # an import's claims, written by COPY straight into the keys' table; if one is held,
        # written again beside it (a table dropped at commit) to find which, by one join
        self._copy_keys = SQL(
            "COPY {}.{} (investigation_id, key, holder_id) FROM STDIN (FORMAT BINARY)"
        ).format(*keys)
        self._create_claims = SQL(
            "CREATE TEMPORARY TABLE IF NOT EXISTS jitspace_claims (investigation_id uuid "
            "NOT NULL, key text NOT NULL, holder_id uuid NOT NULL) ON COMMIT DROP"
        )
        self._copy_claims = SQL(
            "COPY jitspace_claims (investigation_id, key, holder_id) FROM STDIN (FORMAT BINARY)"
        )
        self._held_claims = SQL(
            "SELECT c.key, k.holder_id FROM jitspace_claims AS c JOIN {}.{} AS k "
            "USING (investigation_id, key) LIMIT 1"
        ).format(*keys)
        # an import's positions, taken at once: the table's lock is held, and every writer
        # takes positions only under it
        self._take_positions = SQL(
            "SELECT h.chain_hash AS head, setval(s.sequence, nextval(s.sequence) + "
            "%(count)s - 1) AS last "
            "FROM (SELECT pg_get_serial_sequence(%(table)s, 'notification_id') AS sequence) "
            "AS s LEFT JOIN LATERAL (SELECT chain_hash FROM {0}.{1} "
            "      ORDER BY notification_id DESC LIMIT 1) AS h ON true"
        ).format(*table)
        self._investigation_head = SQL(
            "SELECT investigation_hash FROM {}.{} WHERE investigation_id = %s "
            "ORDER BY notification_id DESC LIMIT 1"
        ).format(*table)
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._committer: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._stopped = False
        # instrumentation (read by benchmarks): transactions committed, events in them
        self.groups_committed = 0
        self.events_committed = 0

    def create_table(self) -> None:
        super().create_table()
        self._create_unique_keys_table()

    def _create_unique_keys_table(self) -> None:
        """Create the unique keys' table, filled from the events a log already holds (the
        first record to claim a key holds it), under the lock the committers take."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self._unique_keys_exist)
            if _fetched(curs)["present"]:
                return
            self._lock_table(curs)
            curs.execute(self._unique_keys_exist)  # another process may have made it meanwhile
            if _fetched(curs)["present"]:
                return
            curs.execute(self._create_unique_keys)
            held: dict[tuple[UUID, str], UUID] = {}
            curs.execute(self._select_keyed_events, [list(KEYED_TOPICS)])
            for row in curs.fetchall():
                key = getattr(_decode(row), "unique_key", None)
                if key is not None:
                    held.setdefault((row["investigation_id"], key), row["originator_id"])
            if held:
                investigations, keys = zip(*held, strict=True)
                curs.execute(
                    self._insert_keys, [list(investigations), list(keys), list(held.values())]
                )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """The library's, leaner (`_select_notifications`)."""
        first = 1 if start is None else start if inclusive_of_start else start + 1
        params = {
            "start": first,
            "stop": LAST_POSITION if stop is None else stop,
            "all": not topics,
            "topics": list(topics),
            "limit": limit,
        }
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row) as curs,
        ):
            curs.execute(self._select_notifications, params, prepare=True)
            return [
                Notification(
                    id=position,
                    originator_id=originator_id,
                    originator_version=version,
                    topic=topic,
                    state=bytes(state),
                )
                for position, originator_id, version, topic, state in curs.fetchall()
            ]

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        unchanged: Sequence[tuple[UUID, int]] = (),
        **kwargs: Any,
    ) -> Sequence[int] | None:
        """Record the events, in the next group; `unchanged`: records (id, version) the
        command decided on without changing them, which must still be at those versions
        when the group commits (else Moved, and nothing of the command is recorded)."""
        if not stored_events:
            return []
        pending = _Pending(stored_events, unchanged)
        with self._start_lock:  # never queued behind a stop: it would wait forever
            if self._stopped:
                msg = "the event log is closed"
                raise OperationalError(msg)
            if self._committer is None:
                self._committer = threading.Thread(
                    target=self._commit_forever, name="jitspace-committer", daemon=True
                )
                self._committer.start()
            self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        return pending.ids

    def insert_in_one_transaction(self, batches: Iterable[Sequence[StoredEvent]]) -> int:
        """Insert the events of every batch, in one transaction: all of them or none (an
        import of new records). Each batch takes its positions, is chained from where the
        batch before left the chains, claims its unique keys and is written by COPY; the
        batches are made as they are asked for, so they need not be held all at once. Other
        commands wait for the table's lock until the last batch commits. The number of events
        inserted; KeyTaken if a key an event claims is held (or claimed twice). A record's
        version recorded twice breaks the table's primary key: nothing is inserted."""
        inserted = 0
        head = GENESIS
        heads: dict[UUID, bytes] = {}
        with (
            closing(_made_ahead(batches)) as made,
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._lock_table(curs)
            self._notify_channel(curs)
            for batch in made:
                events = list(batch)
                if not events:
                    continue
                curs.execute(
                    self._take_positions,
                    {"table": self._qualified_name, "count": len(events)},
                    prepare=True,
                )
                taken = _fetched(curs)
                if not inserted:  # the lock is held: later batches chain on from the last
                    head = bytes(taken["head"] or GENESIS)
                for investigation_id in dict.fromkeys(_investigation_of(e) for e in events):
                    if investigation_id not in heads:
                        curs.execute(self._investigation_head, [investigation_id])
                        found = curs.fetchone()
                        heads[investigation_id] = (
                            bytes(found["investigation_hash"]) if found else GENESIS
                        )
                self._claim_keys(conn, curs, events)
                last = taken["last"]
                positions = list(range(last - len(events) + 1, last + 1))
                copied, head = _copied(_linked(events, positions, head, heads))
                with curs.copy(self._copy_events) as copy:  # many rows: COPY beats an INSERT
                    copy.write(copied)
                inserted += len(events)
        return inserted

    def held_keys(self, investigation_id: UUID, keys: Sequence[str]) -> dict[str, UUID]:
        """Which of the keys a record of the investigation holds, with the record holding it
        (an import asks before it stores anything; the insert checks again under the lock)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select_held, [investigation_id, list(keys)], prepare=True)
            return {row["key"]: row["holder_id"] for row in curs.fetchall()}

    def _claim_keys(self, conn: Any, curs: Any, events: list[StoredEvent]) -> None:
        """Record the unique keys the events claim, or KeyTaken if one is held or claimed
        twice among them: written by COPY into the keys' table (a savepoint around it); if
        its key refuses one, written again beside it to name the key and its holder."""
        claims = [
            (e.investigation_id, e.unique_key, _uuid(e.originator_id))
            for e in events
            if isinstance(e, InvestigationStoredEvent) and e.unique_key is not None
        ]
        if not claims:
            return
        if len(_unique_keys(events)) != len(claims):  # two records of the batch claim one key
            seen: dict[tuple[UUID, str], UUID] = {}
            for investigation_id, key, holder in claims:
                if seen.setdefault((investigation_id, key), holder) != holder:
                    raise KeyTaken(key, seen[investigation_id, key])
        parts = [_COPY_SIGNATURE]
        for investigation_id, key, holder in claims:
            encoded = key.encode()
            parts.append(_CLAIM_START.pack(3, 16, investigation_id.bytes, len(encoded)))
            parts.append(encoded)
            parts.append(_CLAIM_END.pack(16, holder.bytes))
        parts.append(_COPY_TRAILER)
        copied = b"".join(parts)
        try:
            with conn.transaction(), curs.copy(self._copy_keys) as copy:
                copy.write(copied)
            return
        except UniqueViolation:
            pass  # the savepoint is undone: which key, held by whom?
        curs.execute(self._create_claims)
        with curs.copy(self._copy_claims) as copy:
            copy.write(copied)
        curs.execute(self._held_claims)
        held = _fetched(curs)
        raise KeyTaken(held["key"], held["holder_id"])

    def position_as_of(
        self, investigation_id: UUID, recorded_by: datetime | None, up_to: int | None
    ) -> int:
        """The log position of the investigation's last event recorded by `recorded_by`, or
        at or before position `up_to`; the earlier of the two if both are named; its last
        event if neither is; 0 if there is none."""
        params = {
            "investigation": investigation_id,
            "by": recorded_by,
            "up_to": LAST_POSITION if up_to is None else up_to,
        }
        statements = [self._select_recorded_by] if recorded_by is not None else []
        if up_to is not None or recorded_by is None:
            statements.append(self._select_up_to)
        positions = []
        with self.datastore.transaction(commit=False) as curs:
            for statement in statements:
                curs.execute(statement, params, prepare=True)
                row = curs.fetchone()
                positions.append(0 if row is None else int(row["notification_id"]))
        return min(positions)

    def select_investigation_events(
        self, investigation_id: UUID, *, up_to: int, records: Sequence[UUID] | None = None
    ) -> list[Notification]:
        """The investigation's events in log order up to a position: all of them, or those
        of `records` only."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                self._select_investigation_events,
                {
                    "investigation": investigation_id,
                    "up_to": up_to,
                    "records": None if records is None else list(records),
                },
                prepare=True,
            )
            return [
                Notification(
                    id=row["notification_id"],
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]

    def stop(self) -> None:
        """Commit what is queued, then stop the committer thread; later commands fail."""
        with self._start_lock:
            self._stopped = True
            committer, self._committer = self._committer, None
        if committer is not None:
            self._queue.put(None)
            committer.join(timeout=10)
        # anything queued behind the stop learns that it was not recorded
        while True:
            try:
                pending = self._queue.get_nowait()
            except queue.Empty:
                return
            if pending is not None:
                pending.error = OperationalError("the event log closed before this was recorded")
                pending.done.set()

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

    def _holders(self, curs: Any, events: list[StoredEvent]) -> dict[tuple[UUID, str], UUID]:
        """Who holds the unique keys the events claim (none: no query)."""
        wanted = list(_unique_keys(events))
        if not wanted:
            return {}
        curs.execute(
            self._select_holders,
            [[i for i, _ in wanted], [k for _, k in wanted]],
            prepare=True,
        )
        return {(r["investigation_id"], r["key"]): r["holder_id"] for r in curs.fetchall()}

    def _chained(
        self,
        events: list[StoredEvent],
        positions: list[int],
        head: bytes,
        investigation_heads: dict[UUID, bytes],
    ) -> tuple[list[Any], ...]:
        return chained_rows(events, positions, head, investigation_heads)

    def _commit_group(self, group: list[_Pending]) -> None:
        accepted: list[_Pending] = []
        try:
            # pipelined: the statements up to the prepare query travel together, and the
            # insert with the commit; two round trips (and GIL hand-overs) per group
            with (
                self.datastore.get_connection() as conn,
                conn.pipeline(),
                conn.transaction(),
                conn.cursor() as curs,
            ):
                self._lock_table(curs)
                self._notify_channel(curs)
                events = [e for p in group for e in p.events]
                investigations = list(dict.fromkeys(_investigation_of(e) for e in events))
                unknown = [i for i in investigations if i not in self._heads]
                # a record decided on at version v has moved if its version v + 1 exists:
                # looked up with the versions the events take, in the same statement
                moved_if = [(i, v + 1) for p in group for i, v in p.unchanged]
                curs.execute(
                    self._prepare_group,
                    {
                        "table": self._qualified_name,
                        "count": len(events),
                        "known_at": self._heads_at,
                        "unknown": unknown,
                        "all": investigations,
                        "ids": [e.originator_id for e in events] + [i for i, _ in moved_if],
                        "versions": [e.originator_version for e in events]
                        + [v for _, v in moved_if],
                    },
                    prepare=True,
                )
                prepared = curs.fetchone()
                assert prepared is not None
                known = prepared["head_position"] == self._heads_at
                heads = dict(self._heads) if known else {}
                heads.update(
                    (i, bytes(h) or GENESIS)
                    for i, h in zip(
                        unknown if known else investigations,
                        prepared["investigation_heads"],
                        strict=True,
                    )
                )
                taken = set(
                    zip(prepared["taken_ids"] or (), prepared["taken_versions"] or (), strict=True)
                )
                holders = self._holders(curs, events)
                claimed: list[tuple[UUID, str, UUID]] = []
                for pending in group:
                    mine = [(e.originator_id, e.originator_version) for e in pending.events]
                    # first: the command was decided on what has changed since (it may be
                    # the record it changes, then also in conflict)
                    if any((i, v + 1) in taken for i, v in pending.unchanged):
                        pending.error = Moved(
                            "a record this command decided on changed before it was recorded"
                        )
                        continue
                    if any(k in taken for k in mine) or len(set(mine)) != len(mine):
                        pending.error = IntegrityError(
                            "another command changed this record first (version conflict)"
                        )
                        continue
                    keys = _unique_keys(pending.events)
                    held = [(k, holders[k]) for k, r in keys.items() if holders.get(k, r) != r]
                    if held:
                        (_, key), holder = held[0]
                        pending.error = KeyTaken(key, holder)
                        continue
                    holders.update(keys)
                    claimed.extend((i, k, h) for (i, k), h in keys.items())
                    taken.update(mine)
                    accepted.append(pending)
                if claimed:
                    curs.execute(self._insert_keys, [list(c) for c in zip(*claimed, strict=True)])
                rows = self._chained(
                    [e for p in accepted for e in p.events],
                    sorted(prepared["positions"]),
                    prepared["head"] or GENESIS,
                    heads,
                )
                if rows:
                    curs.execute(self._insert_group, rows, prepare=True)
            # committed: the heads are those of the log as this transaction left it
            self._heads = heads
            self._heads_at = max(rows[0]) if rows else prepared["head_position"]
            if rows:
                self.groups_committed += 1
                self.events_committed += len(rows[0])
            position = iter(rows[0] if rows else ())
            for pending in accepted:
                pending.ids = [next(position) for _ in pending.events]
        except BaseException as error:  # every waiting command learns the group failed
            for pending in accepted:
                pending.error = error
            for pending in group:
                if pending.error is None:
                    pending.error = error
        finally:
            for pending in group:
                pending.done.set()


def chained_rows(
    events: list[StoredEvent],
    positions: list[int],
    head: bytes,
    investigation_heads: dict[UUID, bytes],
) -> tuple[list[Any], ...]:
    """The columns of the rows to insert, hashed and linked in log order."""
    columns: tuple[list[Any], ...] = tuple([] for _ in range(10))
    for row in _linked(events, positions, head, investigation_heads):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return columns if events else ()


def _linked(
    events: list[StoredEvent],
    positions: list[int],
    head: bytes,
    investigation_heads: dict[UUID, bytes],
) -> Iterator[tuple[Any, ...]]:
    """The rows to insert (the log's columns, in order), hashed and linked in log order:
    the one place events are chained (`investigation_heads` is left at the rows' last heads)."""
    topics: dict[str, bytes] = {}
    # conflicting commands leave their positions unused: gaps in the log are normal
    for position, event in zip(positions, events, strict=False):
        investigation_id = _investigation_of(event)
        assert isinstance(event, InvestigationStoredEvent)
        assert isinstance(event.originator_id, UUID)
        topic = topics.get(event.topic)
        if topic is None:
            topic = topics[event.topic] = event.topic.encode()
        digest = chain.event_hash_of(
            position,
            event.originator_id,
            event.originator_version,
            investigation_id,
            event.recorded_at,
            topic,
            chain.state_sha256(event.state),
        )
        head = chain.link(head, digest)
        investigation_heads[investigation_id] = linked = chain.link(
            investigation_heads[investigation_id], digest
        )
        yield (
            position,
            event.originator_id,
            event.originator_version,
            event.topic,
            event.state,
            investigation_id,
            event.recorded_at,
            digest,
            head,
            linked,
        )


# PostgreSQL's binary COPY: a signature, then each row as its field count and each field as
# its length and bytes (bigint and timestamptz as 8 bytes, uuid as 16), then a trailer
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_ROW_START = struct.Struct(">hiqi16siqi")  # fields; position; originator; version; topic's length
_ROW_END = struct.Struct(">i16siqi32si32si32s")  # investigation; recorded_at; the three hashes
_LENGTH = struct.Struct(">i")
_CLAIM_START = struct.Struct(">hi16si")  # fields; investigation; the key's length
_CLAIM_END = struct.Struct(">i16s")  # the holder
_PG_EPOCH = 946_684_800_000_000  # 2000-01-01 in microseconds since 1970, PostgreSQL's zero


def _copied(rows: Iterable[tuple[Any, ...]]) -> tuple[bytes, bytes]:
    """The rows (`_linked`) as a binary COPY of the log's columns, and the chain's last head:
    packed here, a row at a time, rather than value by value by the driver."""
    parts = [_COPY_SIGNATURE]
    head = b""
    topics: dict[str, bytes] = {}
    for (
        position,
        originator,
        version,
        topic,
        state,
        investigation,
        at,
        digest,
        head,
        linked,
    ) in rows:
        encoded = topics.get(topic)
        if encoded is None:
            encoded = topics[topic] = topic.encode()
        parts.append(
            _ROW_START.pack(10, 8, position, 16, originator.bytes, 8, version, len(encoded))
        )
        parts.append(encoded)
        parts.append(_LENGTH.pack(len(state)))
        parts.append(state)
        parts.append(
            _ROW_END.pack(
                16,
                investigation.bytes,
                8,
                chain.microseconds(at) - _PG_EPOCH,
                32,
                digest,
                32,
                head,
                32,
                linked,
            )
        )
    parts.append(_COPY_TRAILER)
    return b"".join(parts), head


def _unique_keys(events: Sequence[StoredEvent]) -> dict[tuple[UUID, str], UUID]:
    """The unique keys the events claim, by (investigation, key), with the claiming record."""
    return {
        (e.investigation_id, e.unique_key): _uuid(e.originator_id)
        for e in events
        if isinstance(e, InvestigationStoredEvent) and e.unique_key is not None
    }


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _fetched(curs: Any) -> dict[str, Any]:
    row: dict[str, Any] | None = curs.fetchone()
    assert row is not None
    return row


def _decode(row: dict[str, Any]) -> DomainEventProtocol[UUID]:
    """A stored row as its domain event (the mapper needs no transcoder: msgspec decodes)."""
    stored = StoredEvent(
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=bytes(row["state"]),
    )
    return MsgspecMapper(transcoder=None).to_domain_event(stored)  # type: ignore[arg-type]


def _investigation_of(stored_event: StoredEvent) -> UUID:
    if not isinstance(stored_event, InvestigationStoredEvent):
        msg = "events reach the log through MsgspecMapper, which names their investigation"
        raise TypeError(msg)
    return stored_event.investigation_id


_DONE = object()


def _made_ahead(
    batches: Iterable[Sequence[StoredEvent]],
) -> Generator[Sequence[StoredEvent], None, None]:
    """The batches, each made in a thread of its own while the one before is written (the
    database's work and the making of the next batch overlap): one batch ahead at most, so
    memory holds two. An error making a batch is raised here; leaving stops the making."""
    made: queue.Queue[Any] = queue.Queue(maxsize=1)
    stopping = threading.Event()

    def hand(made_: tuple[Any, BaseException | None]) -> bool:
        """Put on the queue, unless the writer left meanwhile."""
        while not stopping.is_set():
            try:
                made.put(made_, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for batch in batches:
                if not hand((batch, None)):
                    return
            hand((_DONE, None))
        except BaseException as error:  # handed to the writer, which raises it
            hand((None, error))

    maker = threading.Thread(target=make, name="jitspace-import-batches", daemon=True)
    maker.start()
    try:
        while True:
            batch, error = made.get()
            if error is not None:
                raise error
            if batch is _DONE:
                return
            yield batch
    finally:
        stopping.set()
        maker.join()
