"""Sweeping the blob store: what failed uploads left, after a grace period, on record.

An upload stores the whole file before its item records it (jitspace/services/uploads.py). What a
failed upload leaves is removed here: partial files and multipart uploads (`sweep`), and
whole files that no `EvidenceItem.FileAttached` event of the log claims (their record was
refused, or the process died in between). Only files older than the grace period go: a
younger one may be an upload whose record is still on its way.

Each removed file is written to the security log, not to the event log: it was claimed by
no record, so it belongs to no investigation's chain; it is a fact about the system, which
the operator reads with `jitspace security-log --kind unclaimed_file_removed`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from anyio import to_thread
from eventsourcing.utils import get_topic

from domain.evidence import EvidenceItem
from jitspace.auth.security_log import SecurityLog
from jitspace.services.application import JITspace
from jitspace.storage.blobs import BlobStore, RemovedBlob

logger = logging.getLogger(__name__)
FILE_ATTACHED = get_topic(EvidenceItem.FileAttached)
PAGE = 1000
# a process runs for weeks: it sweeps when it starts, then this often
SWEEP_EVERY = timedelta(hours=1)


def claimed_keys(app: JITspace) -> set[str]:
    """The storage key of every file any evidence item records."""
    keys: set[str] = set()
    after = 0
    while page := app.recorder.select_notifications(
        after, PAGE, topics=[FILE_ATTACHED], inclusive_of_start=False
    ):
        for notification in page:
            attached = app.mapper.to_domain_event(notification)
            assert isinstance(attached, EvidenceItem.FileAttached)
            keys.add(attached.storage_key)
        after = page[-1].id
    return keys


async def sweep_blob_store(
    app: JITspace, blobs: BlobStore, security_log: SecurityLog, older_than: timedelta
) -> list[RemovedBlob]:
    await to_thread.run_sync(blobs.sweep, older_than)
    removed = await to_thread.run_sync(
        lambda: blobs.remove_unclaimed(claimed_keys(app), older_than)
    )
    for blob in removed:
        await security_log.record(
            "unclaimed_file_removed",
            detail=f"{blobs.location}/{blob.key} ({blob.size} bytes, stored "
            f"{blob.stored_at:%Y-%m-%d %H:%M:%S} UTC): claimed by no evidence record",
        )
    return removed
