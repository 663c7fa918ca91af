"""The hash chain over the event log: its exact byte layout, in one place.

Every stored event gets three SHA-256 values, written in the same transaction as the event:

    state_sha256 = SHA-256(state)
    event_hash   = SHA-256(
        b"jitspace/event/v1\\x00"
        || position            8 bytes, unsigned big-endian (the log position, notification_id)
        || originator_id       16 bytes (the record's UUID, RFC 4122 byte order)
        || originator_version  8 bytes, unsigned big-endian
        || investigation_id    16 bytes (UUID)
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
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

GENESIS = bytes(32)
EVENT_DOMAIN = b"jitspace/event/v1\x00"
_HEADER = struct.Struct(">Q16sQ16sI")


def state_sha256(state: bytes) -> bytes:
    return hashlib.sha256(state).digest()


def event_hash(
    position: int,
    originator_id: UUID,
    originator_version: int,
    investigation_id: UUID,
    topic: str,
    state_digest: bytes,
) -> bytes:
    topic_bytes = topic.encode()
    header = _HEADER.pack(
        position, originator_id.bytes, originator_version, investigation_id.bytes, len(topic_bytes)
    )
    return hashlib.sha256(EVENT_DOMAIN + header + topic_bytes + state_digest).digest()


def link(previous: bytes, this_event_hash: bytes) -> bytes:
    return hashlib.sha256(previous + this_event_hash).digest()
