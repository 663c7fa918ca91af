"""The ledger: signed checkpoints of the hash chain, and verification of the stored log."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from jitspace.ledger.eventlog import EventLog
from jitspace.ledger.verification import (
    Entry,
    Finding,
    Head,
    StoredRow,
    stored_entry,
    verify_stored,
)
from jitspace.ledger.witness import Witness
from jitspace.settings import Settings
from jitspace.signing import SigningKey, load_public_key, verify_signature

LOG_SCOPE = "log"
STATEMENT_FORMAT = "jitspace/checkpoint/v1"

logger = logging.getLogger(__name__)


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

    def document(self) -> CheckpointDocument:
        return CheckpointDocument(
            statement=self.statement.decode(),
            signature=base64.b64encode(self.signature).decode(),
            public_key_pem=self.public_key_pem,
        )


class CheckpointDocument(msgspec.Struct, frozen=True):
    """A checkpoint as it leaves the database: a line of the witness file, the answer of
    `GET /ledger/checkpoints/latest`, `checkpoint.json` in a disclosure bundle."""

    statement: str  # the signed JSON, exactly
    signature: str  # base64
    public_key_pem: str

    def checkpoint(self) -> Checkpoint:
        """The checkpoint; ValueError if the document cannot be one."""
        checkpoint = Checkpoint(
            self.statement.encode(),
            base64.b64decode(self.signature, validate=True),
            self.public_key_pem,
        )
        try:
            checkpoint.fields  # noqa: B018 (its statement must read)
        except msgspec.DecodeError as error:
            msg = f"its statement cannot be read: {error}"
            raise ValueError(msg) from error
        load_public_key(self.public_key_pem)  # ValueError if it is no Ed25519 key
        return checkpoint


class NothingToSign(LookupError):
    """The log (or the investigation) has no event to sign yet."""


class LogRewritten(Exception):
    """The log no longer holds a head its signer witnessed: nothing more is signed."""


class VerificationReport(msgspec.Struct):
    scope: str
    events_checked: int
    checkpoints_checked: int
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings


def create_checkpoints_table(recorder: EventLog) -> Composed:
    """The statement that makes the signed checkpoints' table beside the log's events."""
    return SQL(
        "CREATE TABLE IF NOT EXISTS {}.{} ("
        "checkpoint_id bigserial PRIMARY KEY, scope text NOT NULL, "
        "position bigint NOT NULL, statement bytea NOT NULL, "
        "signature bytea NOT NULL, public_key text NOT NULL)"
    ).format(Identifier(recorder.datastore.schema), Identifier(Ledger.table))


class Ledger:
    """Checkpoints stored beside the events, and the verification of both."""

    table = "jitspace_checkpoints"

    def __init__(
        self,
        recorder: EventLog,
        key: SigningKey,
        witness: Witness,
        *,
        checkpoint_interval_seconds: float = 0,
    ) -> None:
        self.recorder = recorder
        self.datastore = recorder.datastore
        self.key = key
        self.witness = witness
        # the log's head is signed this often (0: only on demand): older events must be signed
        self.checkpoint_interval = timedelta(seconds=checkpoint_interval_seconds)
        self._events = Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)
        self._checkpoints = Identifier(recorder.datastore.schema), Identifier(self.table)

    @classmethod
    def from_settings(cls, recorder: EventLog, settings: Settings) -> Ledger:
        return cls(
            recorder,
            settings.signing_key(),
            Witness(settings.witness_path()),
            checkpoint_interval_seconds=settings.checkpoint_interval_seconds,
        )

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(create_checkpoints_table(self.recorder))

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
            self._check_witnessed_head(curs)
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
            if scope == LOG_SCOPE:
                # on disk before the row commits: a witnessed checkpoint may lack its row (if
                # the commit fails: verify names it), a committed one never lacks its line
                self.witness.append(msgspec.json.encode(checkpoint.document()))
        return checkpoint

    def _check_witnessed_head(self, curs: Any) -> None:
        """Refuse to sign unless the log still holds the head last written to the witness
        file: else the signer would vouch for a rewritten history whose checkpoints were
        deleted from the database. (A rewrite that leaves that stored hash in place breaks a
        link, which `verify` names.)"""
        line = self.witness.last()
        if line is None:
            return
        try:
            witnessed = msgspec.json.decode(line, type=CheckpointDocument).checkpoint()
            fields = witnessed.fields
            valid = witnessed.public_key_pem == self.key.public_pem and witnessed.is_signed()
        except (msgspec.DecodeError, ValueError):
            valid = False
        if not valid:
            msg = (
                f"the last line of the witness file {self.witness.path} is not a checkpoint "
                "signed with this ledger's key: nothing is signed until it is looked into "
                "(`jitspace verify`)"
            )
            raise LogRewritten(msg)
        curs.execute(
            SQL("SELECT chain_hash FROM {}.{} WHERE notification_id = %s").format(*self._events),
            (fields.position,),
        )
        row = curs.fetchone()
        if row is None or bytes(row["chain_hash"]).hex() != fields.head_hash:
            msg = (
                f"the log no longer holds the head signed at position {fields.position} on "
                f"{fields.signed_at:%Y-%m-%d %H:%M:%S %Z} (witness file {self.witness.path}): "
                "it was rewritten or cut; nothing is signed until it is looked into "
                "(`jitspace verify`)"
            )
            raise LogRewritten(msg)

    def chain_hash_at(self, position: int) -> bytes | None:
        """The log's stored chain hash at a position (None: no event there), for whoever
        kept a signed head of it to compare."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT chain_hash FROM {}.{} WHERE notification_id = %s").format(
                    *self._events
                ),
                (position,),
            )
            row = curs.fetchone()
        return None if row is None else bytes(row["chain_hash"])

    def latest(self) -> Checkpoint | None:
        """The newest checkpoint of the whole log."""
        found = self._select_checkpoints(
            "WHERE scope = %s ORDER BY checkpoint_id DESC LIMIT 1", (LOG_SCOPE,)
        )
        return found[0] if found else None

    def position_as_of(
        self, investigation_id: UUID, as_of: datetime | None, up_to: int | None
    ) -> int:
        """The log position of the investigation's last event recorded by `as_of` / `up_to`."""
        return self.recorder.position_as_of(investigation_id, as_of, up_to)

    def checkpoints(self, scope: str | None = LOG_SCOPE) -> list[Checkpoint]:
        """The stored checkpoints of a scope ("log", an investigation's id; None: all)."""
        if scope is None:
            return self._select_checkpoints("ORDER BY checkpoint_id", ())
        return self._select_checkpoints("WHERE scope = %s ORDER BY checkpoint_id", (scope,))

    def _select_checkpoints(self, where: str, params: tuple[object, ...]) -> list[Checkpoint]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT statement, signature, public_key FROM {}.{} ").format(
                    *self._checkpoints
                )
                + SQL(where),
                params,
            )
            return [
                Checkpoint(bytes(r["statement"]), bytes(r["signature"]), r["public_key"])
                for r in curs.fetchall()
            ]

    def entries(
        self,
        investigation_id: UUID | None = None,
        up_to: int | None = None,
        *,
        topic: str | None = None,
    ) -> Iterator[Entry]:
        """The stored events in log order (of one topic only, if named), streamed, as the
        verifier sees them: linked in the log's chain, or with an investigation, in its
        chain."""
        link = "log" if investigation_id is None else "investigation"
        rows = self._rows(investigation_id, up_to, topic)
        return (stored_entry(row, link=link) for row in rows)

    def _rows(
        self, investigation_id: UUID | None, up_to: int | None, topic: str | None = None
    ) -> Iterator[StoredRow]:
        """The stored events in log order, streamed, as plain rows (see `StoredRow`)."""
        query = SQL(
            "SELECT notification_id, originator_id, originator_version, investigation_id, "
            "recorded_at, topic, state, event_hash, chain_hash, investigation_hash FROM {}.{} "
            "WHERE (%(investigation)s::uuid IS NULL OR investigation_id = %(investigation)s) "
            "AND notification_id <= coalesce(%(up_to)s::bigint, 9223372036854775807) "
            "AND (%(topic)s::text IS NULL OR topic = %(topic)s) "
            "ORDER BY notification_id"
        ).format(*self._events)
        # tuples in binary: no dict per row, no hex decoding of bytea, no parsing of uuids
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor(name="jitspace_entries", binary=True, row_factory=tuple_row) as curs,
        ):
            # the reader may take its time between fetches (an export replays each batch of
            # rows before it asks for the next): the library's idle timeout would end the stream
            conn.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            curs.itersize = 10_000
            curs.execute(query, {"investigation": investigation_id, "up_to": up_to, "topic": topic})
            yield from curs

    def verify(
        self, investigation_id: UUID | None = None, against: Sequence[Checkpoint] = ()
    ) -> VerificationReport:
        """Check the stored events against their chains and every checkpoint of them: those
        in the database, those in the witness file (the whole log only) and `against` (the
        heads someone kept: a saved checkpoint, an earlier disclosure bundle's).

        The whole log: the log's chain and every investigation's chain. One investigation:
        its chain."""
        whole_log = investigation_id is None
        scope = LOG_SCOPE if whole_log else str(investigation_id)
        findings: list[Finding] = []
        stored: list[Checkpoint] = []
        for checkpoint in self.checkpoints(None if whole_log else scope):
            try:
                checkpoint.fields  # noqa: B018 (a row written by anyone: its statement must read)
            except msgspec.DecodeError as error:
                findings.append(
                    Finding("checkpoint", 0, f"a stored checkpoint cannot be read: {error}")
                )
                continue
            stored.append(checkpoint)
        heads: dict[UUID | None, list[Head]] = {}
        signed: set[bytes] = set()  # statements already counted
        log_heads: list[Checkpoint] = []

        def count(checkpoint: Checkpoint, source: str) -> None:
            fields = checkpoint.fields
            finding = self._not_ours(checkpoint, source)
            if finding is not None:
                findings.append(finding)
            elif whole_log or fields.scope == scope:
                if checkpoint.statement not in signed:
                    signed.add(checkpoint.statement)
                    key = None if fields.scope == LOG_SCOPE else UUID(fields.scope)
                    heads.setdefault(key, []).append(checkpoint.head())
                    if key is None:
                        log_heads.append(checkpoint)
            else:
                findings.append(
                    Finding(
                        "checkpoint",
                        fields.position,
                        f"{source} covers {_scope_name(fields.scope)}, not investigation "
                        f"{investigation_id}: check it against the whole log",
                    )
                )

        for checkpoint in stored:
            count(checkpoint, f"the checkpoint at position {checkpoint.fields.position}")
        if whole_log:
            findings.extend(self._witnessed(stored, count))
        for checkpoint in against:
            count(checkpoint, f"the checkpoint kept at position {checkpoint.fields.position}")
        checked, found = verify_stored(
            lambda: self._rows(investigation_id, None), heads, whole_log=whole_log
        )
        findings.extend(found)
        if whole_log:
            findings.extend(self._unsigned(max((c.fields.position for c in log_heads), default=0)))
        findings.sort(key=lambda f: (f.position, f.kind))
        return VerificationReport(scope, checked, len(signed), findings)

    def _not_ours(self, checkpoint: Checkpoint, source: str) -> Finding | None:
        """Why a checkpoint does not count, if it does not."""
        fields = checkpoint.fields
        # a checkpoint counts only if this ledger's own key signed it: whoever can write to
        # the database could otherwise sign a rewritten history with a key of their own
        if fields.key_id != self.key.key_id or checkpoint.public_key_pem != self.key.public_pem:
            return Finding(
                "checkpoint",
                fields.position,
                f"{source} is signed with key {fields.key_id}, not with this ledger's key "
                f"{self.key.key_id}",
            )
        if not checkpoint.is_signed():
            return Finding("checkpoint", fields.position, f"{source} is not validly signed")
        return None

    def _witnessed(
        self, stored: Sequence[Checkpoint], count: Callable[[Checkpoint, str], None]
    ) -> list[Finding]:
        """Count the checkpoints of the witness file, and name each one the database lost
        and each of the database's log checkpoints the file does not have."""
        findings: list[Finding] = []
        # (checkpoints signed with another key are named as such, not counted)
        ours = [
            c
            for c in stored
            if c.fields.scope == LOG_SCOPE and self._not_ours(c, "a stored checkpoint") is None
        ]
        in_database = {c.statement for c in ours}
        witnessed: set[bytes] = set()
        where = f"the witness file {self.witness.path}"
        for number, line in enumerate(self.witness.lines(), start=1):
            try:
                checkpoint = msgspec.json.decode(line, type=CheckpointDocument).checkpoint()
            except (msgspec.DecodeError, ValueError) as error:
                findings.append(
                    Finding("witness", 0, f"line {number} of {where} is not a checkpoint: {error}")
                )
                continue
            fields = checkpoint.fields
            witnessed.add(checkpoint.statement)
            count(checkpoint, f"the checkpoint on line {number} of {where}")
            if checkpoint.statement not in in_database:
                findings.append(
                    Finding(
                        "checkpoint",
                        fields.position,
                        f"the checkpoint of the log up to position {fields.position}, signed "
                        f"on {fields.signed_at:%Y-%m-%d %H:%M:%S %Z}, is in {where} but no "
                        "longer in the database: it was deleted there",
                    )
                )
        for checkpoint in ours:
            fields = checkpoint.fields
            if checkpoint.statement not in witnessed:
                findings.append(
                    Finding(
                        "witness",
                        fields.position,
                        f"the checkpoint of the log up to position {fields.position}, signed "
                        f"on {fields.signed_at:%Y-%m-%d %H:%M:%S %Z}, is not in {where}: "
                        "another signer wrote it, or the file was replaced or cut",
                    )
                )
        return findings

    def _unsigned(self, covered: int) -> list[Finding]:
        """The events after the last signed head of the log that should have been signed by
        now: the head is signed every interval, so nothing recorded more than two intervals
        ago may lack a checkpoint. A log whose checkpoints were all deleted fails here."""
        if not self.checkpoint_interval:
            return []
        overdue = 2 * self.checkpoint_interval
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT count(*) AS events, max(notification_id) AS last FROM {}.{} "
                    "WHERE notification_id > %s AND recorded_at < %s"
                ).format(*self._events),
                (covered, datetime.now(UTC) - overdue),
            )
            row = curs.fetchone()
        if row is None or not row["events"]:
            return []
        return [
            Finding(
                "unsigned",
                row["last"],
                f"{row['events']} event(s) up to position {row['last']} were recorded more than "
                f"{overdue.total_seconds():.0f} s ago, yet no signed checkpoint covers them (the "
                f"log's head is signed every {self.checkpoint_interval.total_seconds():.0f} s): "
                "checkpoints were deleted, or no process signed the log; if it is known to be "
                "genuine, sign it with `jitspace checkpoint`",
            )
        ]


def _scope_name(scope: str) -> str:
    return "the whole log" if scope == LOG_SCOPE else f"investigation {scope}"


async def keep_checkpoints(ledger: Ledger, interval: float) -> None:
    """Sign the head of the log every `interval` seconds, when it has moved."""
    signed: int | None = None
    while True:
        try:
            head = await to_thread.run_sync(ledger.recorder.max_notification_id)
            if head is not None and head != signed:
                signed = (await to_thread.run_sync(ledger.checkpoint)).fields.position
        except LogRewritten as error:
            logger.error("refusing to sign the log: %s", error)
        except Exception:
            logger.exception("could not sign a checkpoint; trying again later")
        await asyncio.sleep(interval)
