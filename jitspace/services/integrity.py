"""Re-hashing every stored evidence file a member can see, and recording each result.

Behind `jitspace evidence verify`, and the working `jitspace worker`'s scheduled
re-verification (`JITSPACE_EVIDENCE_VERIFY_INTERVAL_SECONDS`). The caller acts as a named
member, so each verification is on record as done by a person; an investigation they are not
a member of is skipped. A mismatch is recorded as `EvidenceItem.IntegrityViolated` (the web
page notifies the team of it); the scheduled run also logs it as an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from uuid import UUID

from anyio import to_thread

from domain.commands import VerifyFiles
from domain.errors import DomainError
from domain.evidence import EvidenceItem
from jitspace.auth.identity import Identity
from jitspace.reads.queries import Queries
from jitspace.services.application import JITspace
from jitspace.storage.blobs import BlobStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileResult:
    investigation_id: UUID
    reference: str
    file_name: str
    sha256: str
    integrity: str


async def verify_all(
    app: JITspace,
    queries: Queries,
    blobs: BlobStore,
    user_id: UUID,
    investigation_id: UUID | None = None,
) -> list[FileResult]:
    investigations = [i.id for i in await queries.investigations_of(user_id)]
    if investigation_id is not None:
        investigations = [i for i in investigations if i == investigation_id]
    results: list[FileResult] = []
    for jit in investigations:
        results.extend(await _verify_investigation(app, blobs, user_id, jit))
    return results


async def _verify_investigation(
    app: JITspace, blobs: BlobStore, user_id: UUID, jit: UUID
) -> list[FileResult]:
    """Re-hash the files of every item of one investigation that has any."""
    # the items as the log has them, not as the read models do: those may lag behind
    history = await to_thread.run_sync(partial(app.history, user_id, jit))
    results: list[FileResult] = []
    for stored in history.all(EvidenceItem):
        if stored.files:
            results.extend(await _verify_item(app, blobs, user_id, jit, stored.id))
    return results


async def _verify_item(
    app: JITspace, blobs: BlobStore, user_id: UUID, jit: UUID, evidence_id: UUID
) -> list[FileResult]:
    command = VerifyFiles(investigation_id=jit, evidence_id=evidence_id)
    try:
        item = await to_thread.run_sync(app.verify_evidence_files, user_id, command, blobs)
    except DomainError:
        return []  # closed investigation, or no files after all
    return [
        FileResult(jit, item.reference, f.name, f.sha256, f.integrity) for f in item.files.values()
    ]


async def verify_on_schedule(
    app: JITspace, queries: Queries, blobs: BlobStore, identity: Identity, username: str
) -> list[FileResult]:
    user = await identity.find(username)
    if user is None:
        logger.error(
            "scheduled re-verification of evidence files skipped: no user %r "
            "(JITSPACE_EVIDENCE_VERIFY_AS)",
            username,
        )
        return []
    results = await verify_all(app, queries, blobs, user.user_id)
    violated = [r for r in results if r.integrity == "violated"]
    for r in violated:
        logger.error(
            "evidence file altered or missing: investigation %s, item %s, file %s "
            "(recorded sha256 %s); recorded as an integrity violation",
            r.investigation_id,
            r.reference,
            r.file_name,
            r.sha256,
        )
    logger.info(
        "scheduled re-verification: %d evidence files verified, %d integrity violations",
        len(results),
        len(violated),
    )
    return results
