"""The hash chain over the event log: its exact byte layout, in one place.

Every stored event gets three SHA-256 values, written in the same transaction as the event:

    state_sha256 = SHA-256(state)
    event_hash   = SHA-256(
        b"jitspace/event/v2\\x00"
        || position            8 bytes, unsigned big-endian (the log position, notification_id)
        || originator_id       16 bytes (the record's UUID, RFC 4122 byte order)
        || originator_version  8 bytes, unsigned big-endian
        || investigation_id    16 bytes (UUID)
        || recorded_at         8 bytes, signed big-endian: microseconds since
                               1970-01-01T00:00:00Z (the `recorded_at` column, which as-of
                               reads go by; PostgreSQL's timestamptz keeps microseconds, so the
                               stored value gives back exactly these bytes)
        || len(topic)          4 bytes, unsigned big-endian
        || topic               UTF-8 (e.g. b"domain.task:Task.Created")
        || state_sha256        32 bytes
    )
    chain_hash         = SHA-256(previous chain_hash || event_hash)
    investigation_hash = SHA-256(previous investigation_hash of the same investigation
                                 || event_hash)

The previous hash of the first event (of the log, or of an investigation) is 32 zero bytes.
`chain_hash` links every event of the log in log order; `investigation_hash` links the events
of one investigation, so that one investigation's history can be disclosed and checked
without the others'. The state enters only through its own hash: an event whose state is
redacted in a disclosure keeps its header and `state_sha256`, and the chain still verifies.
(`v2`: the recording time joined the header; events hashed with `v1` do not verify.)
"""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime, timedelta
from uuid import UUID

GENESIS = bytes(32)
EVENT_DOMAIN = b"jitspace/event/v2\x00"
_HEADER = struct.Struct(">Q16sQ16sqI")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def state_sha256(state: bytes) -> bytes:
    return hashlib.sha256(state).digest()


def microseconds(recorded_at: datetime) -> int:
    """`recorded_at` as the chain hashes it: whole microseconds since the Unix epoch, UTC."""
    if recorded_at.tzinfo is None:
        msg = "recorded_at must carry its time zone"
        raise ValueError(msg)
    since = recorded_at - _EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


def event_hash(
    position: int,
    originator_id: UUID,
    originator_version: int,
    investigation_id: UUID,
    recorded_at: datetime,
    topic: str,
    state_digest: bytes,
) -> bytes:
    return event_hash_of(
        position,
        originator_id,
        originator_version,
        investigation_id,
        recorded_at,
        topic.encode(),
        state_digest,
    )


def event_hash_of(
    position: int,
    originator_id: UUID,
    originator_version: int,
    investigation_id: UUID,
    recorded_at: datetime,
    topic: bytes,
    state_digest: bytes,
) -> bytes:
    """`event_hash` with the topic in UTF-8 already (a writer of many events encodes each
    topic once)."""
    header = _HEADER.pack(
        position,
        originator_id.bytes,
        originator_version,
        investigation_id.bytes,
        microseconds(recorded_at),
        len(topic),
    )
    return hashlib.sha256(b"".join((EVENT_DOMAIN, header, topic, state_digest))).digest()


def link(previous: bytes, this_event_hash: bytes) -> bytes:
    return hashlib.sha256(previous + this_event_hash).digest()
