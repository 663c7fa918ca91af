"""Uploading an evidence file: stream it into the blob store, then record it; or send it in
parts, over as many requests and reconnections as it takes (an upload session), then record
it the same way.

The order is what makes the record trustworthy: whether the caller may attach a file to the
item is checked first, with the rules of the record itself (nothing is stored for a
non-member, another party's item or a closed investigation), and the store holds the whole
file before the item records it. If the record then fails (the item changed meanwhile), the
stored file stays: files of the directory store are named by their content, so it may be the
very file another upload of the same bytes has just recorded, and deleting it would lose that
evidence. An unrecorded file is claimed by no record and has no legal hold; only a recorded
file is put under legal hold. The blob sweep (jitspace/services/blob_sweep.py) removes unclaimed
files once they are older than any upload can take.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from uuid import UUID, uuid4

import msgspec
from anyio import to_thread

from domain.commands import AttachFile
from domain.errors import RuleViolation
from domain.evidence import EvidenceItem
from domain.values import EvidenceFile
from jitspace.documents.evidence import UploadCreate
from jitspace.services.application import JITspace
from jitspace.storage.blobs import BlobError, BlobStore, StoredBlob, TooLarge
from jitspace.storage.blobs.receiving import store_stream
from jitspace.storage.upload_sessions import UploadPart, UploadSession, UploadSessions
from jitspace.telemetry.metrics import count_upload

# the size of each part of an upload session (the last holds the rest): small enough that a
# dropped connection loses little, large enough that a 64 GiB file takes 8,192 requests
PART_SIZE = 8 * 1024 * 1024


class PartsMissing(BlobError):
    """The session cannot complete: parts have not arrived (409)."""


async def upload_evidence_file(
    app: JITspace,
    blobs: BlobStore,
    max_bytes: int,
    user_id: UUID,
    investigation_id: UUID,
    evidence_id: UUID,
    body: AsyncIterator[bytes],
    *,
    name: str,
    media_type: str,
    declared_sha256: str | None,
) -> tuple[EvidenceItem, EvidenceFile]:
    await to_thread.run_sync(
        app.check_may_attach_evidence_file, user_id, investigation_id, evidence_id
    )
    blob = await receive(blobs, body, "file", max_bytes=max_bytes, declared_sha256=declared_sha256)
    attached = attach_stored(investigation_id, evidence_id, blob, name=name, media_type=media_type)
    recorded = await to_thread.run_sync(app.attach_evidence_file, user_id, attached)
    await to_thread.run_sync(blobs.protect, blob.key)
    return recorded


async def receive(
    blobs: BlobStore,
    body: AsyncIterator[bytes],
    kind: str,
    *,
    max_bytes: int,
    declared_sha256: str | None,
) -> StoredBlob:
    """Store the body as it streams in, counting its bytes and how long they took."""
    started = time.perf_counter()
    blob = await store_stream(blobs, body, max_bytes=max_bytes, declared_sha256=declared_sha256)
    count_upload(kind, blob.size, time.perf_counter() - started)
    return blob


def attach_stored(
    investigation_id: UUID, evidence_id: UUID, blob: StoredBlob, *, name: str, media_type: str
) -> AttachFile:
    """The command that records a file the store holds in full, under a new id."""
    return AttachFile(
        investigation_id=investigation_id,
        evidence_id=evidence_id,
        file_id=uuid4(),
        name=name,
        media_type=media_type,
        sha256=blob.sha256,
        size=blob.size,
        storage_key=blob.key,
    )


async def open_upload(
    app: JITspace,
    sessions: UploadSessions,
    max_bytes: int,
    user_id: UUID,
    investigation_id: UUID,
    evidence_id: UUID,
    wanted: UploadCreate,
) -> UploadSession:
    """A session to send the file `wanted` in parts, if the user may attach it."""
    await to_thread.run_sync(
        app.check_may_attach_evidence_file, user_id, investigation_id, evidence_id
    )
    if wanted.size > max_bytes:
        raise TooLarge(f"the file is larger than the limit of {max_bytes} bytes", field="size")
    sha256 = wanted.sha256.lower() if wanted.sha256 else None
    new = msgspec.structs.replace(wanted, sha256=sha256)
    return await sessions.open(user_id, investigation_id, evidence_id, new, PART_SIZE)


async def receive_part(
    blobs: BlobStore,
    sessions: UploadSessions,
    session: UploadSession,
    number: int,
    body: AsyncIterator[bytes],
    declared_sha256: str,
) -> UploadPart:
    """Store part `number` whole and checked against its SHA-256, then note it in the
    session; a part sent again replaces the first."""
    if not 1 <= number <= session.part_count:
        raise RuleViolation(f"this upload has parts 1 to {session.part_count}", field="number")
    expected = session.expected_size(number)
    blob = await receive(blobs, body, "part", max_bytes=expected, declared_sha256=declared_sha256)
    if blob.size != expected:
        raise RuleViolation(
            f"part {number} holds {expected} bytes; {blob.size} arrived", field="body"
        )
    part = UploadPart(number, blob.key, blob.sha256, blob.size)
    await sessions.keep_part(session.upload_id, part)
    return part


async def complete_upload(
    app: JITspace,
    blobs: BlobStore,
    sessions: UploadSessions,
    max_bytes: int,
    user_id: UUID,
    session: UploadSession,
) -> tuple[EvidenceItem, EvidenceFile]:
    """Join the parts into the whole file, hashed as it is stored (and checked against the
    SHA-256 the session was opened with), then record it as a direct upload is."""
    if missing := session.missing:
        shown = ", ".join(str(n) for n in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise PartsMissing(f"parts not received yet: {shown}; send them, then complete")

    def whole() -> Iterator[bytes]:
        for part in session.parts:
            yield from blobs.read(part.storage_key)

    await to_thread.run_sync(
        app.check_may_attach_evidence_file, user_id, session.investigation_id, session.evidence_id
    )
    blob = await to_thread.run_sync(
        lambda: blobs.put(whole(), max_bytes=max_bytes, declared_sha256=session.sha256)
    )
    attached = attach_stored(
        session.investigation_id,
        session.evidence_id,
        blob,
        name=session.name,
        media_type=session.media_type,
    )
    recorded = await to_thread.run_sync(app.attach_evidence_file, user_id, attached)
    await to_thread.run_sync(blobs.protect, blob.key)
    await sessions.end(session.upload_id)
    return recorded
