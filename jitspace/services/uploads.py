"""Uploading an evidence file: stream it into the blob store, then record it.

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

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

from anyio import to_thread

from domain.commands import AttachFile
from domain.evidence import EvidenceItem
from domain.values import EvidenceFile
from jitspace.services.application import JITspace
from jitspace.storage.blobs import BlobStore, StoredBlob
from jitspace.storage.blobs.receiving import store_stream


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
    blob = await store_stream(blobs, body, max_bytes=max_bytes, declared_sha256=declared_sha256)
    attached = attach_stored(investigation_id, evidence_id, blob, name=name, media_type=media_type)
    recorded = await to_thread.run_sync(app.attach_evidence_file, user_id, attached)
    await to_thread.run_sync(blobs.protect, blob.key)
    return recorded


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
