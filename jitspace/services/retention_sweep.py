"""The retention sweep: the working `jitspace worker` deletes, on a schedule
(`JITSPACE_RETENTION_INTERVAL_SECONDS`), the files of every item whose deletion date has
passed (domain/retention.py), acting as the member `JITSPACE_RETENTION_AS` (a leader of the
investigations it sweeps: the deletion is on record as done by a person).

Each run, in each investigation the member leads:
- an item past its deletion date, with files and no legal hold, is deleted: the deletion is
  recorded, then the store deletes its files (jitspace/services/retention.py);
- an item under a legal hold is skipped, counted and logged;
- an item whose deletion is on record but whose files the store still holds (the store
  failed, or the process stopped, after the record) has them deleted now.
A run repeated (or the worker restarted, or another one taking over) records nothing twice:
the item refuses a second deletion, and a file already gone is not missed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from uuid import UUID

from anyio import to_thread

from domain.commands import DeleteUnderRetention
from domain.errors import DomainError
from domain.evidence import EvidenceItem
from jitspace.auth.identity import Identity
from jitspace.reads.queries import Queries
from jitspace.services.application import JITspace
from jitspace.services.base import VersionConflict
from jitspace.services.retention import Claims, live_claims
from jitspace.storage.blobs import BlobError, BlobStore
from jitspace.telemetry.metrics import RETENTION_SWEEP

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    """What one run did: items deleted, held ones skipped, files the store deleted."""

    deleted: list[UUID] = field(default_factory=list)
    held: list[UUID] = field(default_factory=list)
    files_removed: int = 0
    failed: list[UUID] = field(default_factory=list)  # the store kept their files: next run


async def sweep_retention(
    app: JITspace, queries: Queries, blobs: BlobStore, user_id: UUID
) -> SweepReport:
    """One run over the investigations the member belongs to."""
    report = SweepReport()
    claims = await to_thread.run_sync(live_claims, app)
    for summary in await queries.investigations_of(user_id):
        await _sweep_investigation(app, blobs, user_id, summary.id, claims, report)
    return report


async def _sweep_investigation(
    app: JITspace,
    blobs: BlobStore,
    user_id: UUID,
    jit: UUID,
    claims: Claims,
    report: SweepReport,
) -> None:
    # the items as the log has them, not as the read models do: those may lag behind
    history = await to_thread.run_sync(partial(app.history, user_id, jit))
    now = datetime.now(UTC)
    for item in history.all(EvidenceItem):
        if item.retention_deletion is not None:
            await _finish(app, blobs, item, claims, report)
            continue
        due = history.deletion_date_of(item)
        if not item.files or due is None or due.on > now:
            continue
        if item.legal_hold is not None:
            report.held.append(item.id)
            logger.info(
                "retention sweep: item %s (%s) is past its deletion date %s but under a legal "
                "hold since %s: kept",
                item.id,
                item.reference,
                due.on.date(),
                item.legal_hold.placed_at.date(),
            )
            continue
        command = DeleteUnderRetention(investigation_id=jit, evidence_id=item.id, occurred_at=now)
        try:
            await to_thread.run_sync(app.delete_under_retention, user_id, command, blobs, claims)
        except (DomainError, VersionConflict) as refused:  # not a leader here, or held meanwhile
            logger.warning("retention sweep: item %s not deleted: %s", item.id, refused)
            continue
        report.deleted.append(item.id)
        # the use case deletes the files; whatever the store kept is found by the next run


async def _finish(
    app: JITspace, blobs: BlobStore, item: EvidenceItem, claims: Claims, report: SweepReport
) -> None:
    """Delete what the store still holds of an item whose deletion is on record."""
    try:
        report.files_removed += await to_thread.run_sync(
            app.remove_deleted_files, item, blobs, claims
        )
    except BlobError as error:
        report.failed.append(item.id)
        logger.warning("retention sweep: the store kept item %s's files: %s", item.id, error)


async def sweep_on_schedule(
    app: JITspace, queries: Queries, blobs: BlobStore, identity: Identity, username: str
) -> SweepReport:
    user = await identity.find(username)
    if user is None:
        logger.error("retention sweep skipped: no user %r (JITSPACE_RETENTION_AS)", username)
        return SweepReport()
    report = await sweep_retention(app, queries, blobs, user.user_id)
    for action, items in (
        ("deleted", report.deleted),
        ("held", report.held),
        ("store_failed", report.failed),
    ):
        RETENTION_SWEEP.labels(action).inc(len(items))
    logger.info(
        "retention sweep: items deleted: %d; kept under a legal hold: %d; files deleted that "
        "earlier deletions left in the store: %d",
        len(report.deleted),
        len(report.held),
        report.files_removed,
    )
    return report
