"""The ledger: signed checkpoints of the hash chain, and verification of the stored log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID

import msgspec
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from jitspace.eventlog import EventLog
from jitspace.signing import SigningKey, load_public_key, verify_signature
from jitspace.verification import Entry, Finding, Head, StoredRow, stored_entry, verify_stored

LOG_SCOPE = "log"
STATEMENT_FORMAT = "jitspace/checkpoint/v1"


class CheckpointStatement(msgspec.Struct, frozen=True, kw_only=True):
    """What a checkpoint signs: the exact JSON bytes of this, as stored, are the message."""

    format: str = STATEMENT_FORMAT
    scope: str  # "log", or the id of the investigation whose chain it covers
    position: int
    head_hash: str  # hex
    signed_at: datetime
    key_id: str


class Checkpoint(msgspec.Struct, frozen=True):
    statement: bytes  # exactly the signed bytes
    signature: bytes
    public_key_pem: str

    @property
    def fields(self) -> CheckpointStatement:
        return msgspec.json.decode(self.statement, type=CheckpointStatement)

    def head(self) -> Head:
        fields = self.fields
        return Head(position=fields.position, head_hash=bytes.fromhex(fields.head_hash))

    def is_signed(self) -> bool:
        return verify_signature(
            load_public_key(self.public_key_pem), self.signature, self.statement
        )


class NothingToSign(LookupError):
    """The log (or the investigation) has no event to sign yet."""


class VerificationReport(msgspec.Struct):
    scope: str
    events_checked: int
    checkpoints_checked: int
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings


class Ledger:
    """Checkpoints stored beside the events, and the verification of both."""

    table = "jitspace_checkpoints"

    def __init__(self, recorder: EventLog, key: SigningKey) -> None:
        self.recorder = recorder
        self.datastore = recorder.datastore
        self.key = key
        self._events = Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)
        self._checkpoints = Identifier(recorder.datastore.schema), Identifier(self.table)

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {}.{} ("
                    "checkpoint_id bigserial PRIMARY KEY, scope text NOT NULL, "
                    "position bigint NOT NULL, statement bytea NOT NULL, "
                    "signature bytea NOT NULL, public_key text NOT NULL)"
                ).format(*self._checkpoints)
            )

    def checkpoint(
        self, investigation_id: UUID | None = None, up_to: int | None = None
    ) -> Checkpoint:
        """Sign the head of the log (or of one investigation's chain), as of `up_to`."""
        column = "chain_hash" if investigation_id is None else "investigation_hash"
        query = SQL(
            "SELECT notification_id, {} AS head FROM {}.{} "
            "WHERE (%(investigation)s::uuid IS NULL OR investigation_id = %(investigation)s) "
            "AND notification_id <= coalesce(%(up_to)s::bigint, 9223372036854775807) "
            "ORDER BY notification_id DESC LIMIT 1"
        ).format(Identifier(column), *self._events)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(query, {"investigation": investigation_id, "up_to": up_to})
            row = curs.fetchone()
            if row is None:
                msg = "the log holds no event yet: there is nothing to sign"
                raise NothingToSign(msg)
            position, head = row["notification_id"], bytes(row["head"])
            scope = LOG_SCOPE if investigation_id is None else str(investigation_id)
            statement = msgspec.json.encode(
                CheckpointStatement(
                    scope=scope,
                    position=position,
                    head_hash=head.hex(),
                    signed_at=datetime.now(UTC),
                    key_id=self.key.key_id,
                )
            )
            checkpoint = Checkpoint(statement, self.key.sign(statement), self.key.public_pem)
            curs.execute(
                SQL(
                    "INSERT INTO {}.{} (scope, position, statement, signature, public_key) "
                    "VALUES (%s, %s, %s, %s, %s)"
                ).format(*self._checkpoints),
                (scope, position, checkpoint.statement, checkpoint.signature, self.key.public_pem),
            )
        return checkpoint

    def position_as_of(
        self, investigation_id: UUID, as_of: datetime | None, up_to: int | None
    ) -> int:
        """The log position of the investigation's last event recorded by `as_of` / `up_to`."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT coalesce(max(notification_id), 0) AS position FROM {}.{} "
                    "WHERE investigation_id = %s "
                    "AND recorded_at <= coalesce(%s::timestamptz, 'infinity') "
                    "AND notification_id <= coalesce(%s::bigint, 9223372036854775807)"
                ).format(*self._events),
                (investigation_id, as_of, up_to),
            )
            row = curs.fetchone()
            assert row is not None
            return int(row["position"])

    def checkpoints(self, scope: str = LOG_SCOPE) -> list[Checkpoint]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT statement, signature, public_key FROM {}.{} WHERE scope = %s "
                    "ORDER BY checkpoint_id"
                ).format(*self._checkpoints),
                (scope,),
            )
            return [
                Checkpoint(bytes(r["statement"]), bytes(r["signature"]), r["public_key"])
                for r in curs.fetchall()
            ]

    def entries(
        self, investigation_id: UUID | None = None, up_to: int | None = None
    ) -> Iterator[Entry]:
        """The stored events in log order, streamed, as the verifier sees them."""
        return map(stored_entry, self._rows(investigation_id, up_to))

    def _rows(self, investigation_id: UUID | None, up_to: int | None) -> Iterator[StoredRow]:
        """The stored events in log order, streamed, as plain rows (see `StoredRow`)."""
        column = "chain_hash" if investigation_id is None else "investigation_hash"
        query = SQL(
            "SELECT notification_id, originator_id, originator_version, investigation_id, "
            "topic, state, event_hash, {} AS link FROM {}.{} "
            "WHERE (%(investigation)s::uuid IS NULL OR investigation_id = %(investigation)s) "
            "AND notification_id <= coalesce(%(up_to)s::bigint, 9223372036854775807) "
            "ORDER BY notification_id"
        ).format(Identifier(column), *self._events)
        # tuples in binary: no dict per row, no hex decoding of bytea, no parsing of uuids
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor(name="jitspace_entries", binary=True, row_factory=tuple_row) as curs,
        ):
            curs.itersize = 10_000
            curs.execute(query, {"investigation": investigation_id, "up_to": up_to})
            yield from curs

    def verify(self, investigation_id: UUID | None = None) -> VerificationReport:
        """Check the stored events against their chain and every checkpoint of that chain."""
        scope = LOG_SCOPE if investigation_id is None else str(investigation_id)
        checkpoints = self.checkpoints(scope)
        findings: list[Finding] = []
        heads: list[Head] = []
        for checkpoint in checkpoints:
            fields = checkpoint.fields
            # a checkpoint counts only if this ledger's own key signed it: whoever can write
            # to the database could otherwise sign a rewritten history with a key of their own
            if fields.key_id != self.key.key_id or checkpoint.public_key_pem != self.key.public_pem:
                findings.append(
                    Finding(
                        "checkpoint",
                        fields.position,
                        f"the checkpoint at position {fields.position} is signed with key "
                        f"{fields.key_id}, not with this ledger's key {self.key.key_id}",
                    )
                )
            elif not checkpoint.is_signed() or fields.scope != scope:
                findings.append(
                    Finding(
                        "checkpoint",
                        fields.position,
                        f"the checkpoint at position {fields.position} is not validly signed",
                    )
                )
            else:
                heads.append(checkpoint.head())
        checked, found = verify_stored(self._rows(investigation_id, None), heads)
        findings.extend(found)
        return VerificationReport(scope, checked, len(checkpoints), findings)
