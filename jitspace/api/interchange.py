"""Evidence exchanged with forensic tools as CASE/UCO JSON-LD: the investigation's evidence,
custody and provenance exported, and items imported with their files from an extraction."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Stream

from domain.permissions import Action
from jitspace.api.access import CurrentAudience
from jitspace.api.dependencies import BASE, CurrentUser, RecordsAsOf, RuntimeDep
from jitspace.interchange.case_export import MEDIA_TYPE, case_chunks
from jitspace.interchange.evidence_import import import_evidence
from jitspace.interchange.importing import Recorded
from jitspace.storage.blobs import TooLarge


class ImportedItemOut(msgspec.Struct):
    id: UUID
    reference: str
    files: int


class CaseImport(msgspec.Struct):
    """What an import recorded: every item, in one transaction of the log."""

    items: list[ImportedItemOut]
    files_stored: int
    events: int


class CaseController(Controller):
    path = f"{BASE}/evidence"
    tags = ["evidence"]

    @get("/case", access=Action.VIEW_EVIDENCE, media_type=MEDIA_TYPE)
    async def export(self, records: RecordsAsOf, audience: CurrentAudience) -> Stream:
        """The evidence you may read, with its files' hashes, custody and provenance, as a
        CASE/UCO JSON-LD graph (CASE 1.5); items withheld from your party are left out."""
        return Stream(
            await case_chunks(records, audience),
            media_type=MEDIA_TYPE,
            headers={"Content-Disposition": 'attachment; filename="evidence.jsonld"'},
        )

    @post(
        "/imports",
        access=Action.REGISTER_EVIDENCE,
        request_max_body_size=None,
        status_code=201,
    )
    async def import_items(
        self,
        request: Request[Any, Any, Any],
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> CaseImport:
        """Register your party's items from a forensic extraction, all of them or none. The
        body is a CASE/UCO JSON-LD graph (`application/ld+json`), JSON lines
        (`application/x-ndjson`, one item per line) or CSV (`text/csv`, a header row), alone
        or at the top of a zip archive (`application/zip`) with the items' files: for CASE
        under `files/<sha256>`, for JSON lines and CSV at the path a row names (`file`). A
        problem anywhere (each listed in `errors`: the node's place and `@id` in a CASE
        graph, the line in JSON lines and CSV) records nothing and leaves no file stored."""
        limit = runtime.settings.max_upload_bytes
        recorded: list[Recorded] = []
        with tempfile.TemporaryDirectory() as folder:
            archive = Path(folder) / "import"
            await _receive(request, archive, limit)
            result = await import_evidence(
                runtime.app,
                runtime.blobs,
                user.user_id,
                await runtime.records.at(user.user_id, investigation_id),
                archive,
                media_type=request.headers.get("content-type", ""),
                max_bytes=limit,
                recorded=recorded.append,
            )
        return CaseImport(
            items=[ImportedItemOut(i.id, i.reference, i.files) for i in recorded],
            files_stored=result.files_stored,
            events=result.events,
        )


async def _receive(request: Request[Any, Any, Any], target: Path, limit: int) -> None:
    """The request body in a file, streamed (an archive can be large); no more than `limit`."""
    size = 0
    with target.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"the archive is larger than the limit of {limit} bytes")
            await to_thread.run_sync(out.write, chunk)
