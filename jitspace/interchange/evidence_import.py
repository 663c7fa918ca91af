"""An import of evidence items, in whichever form it comes: CASE/UCO JSON-LD
(`case_import.py`) or the plain JSON lines and CSV (`plain_import.py`), told apart by
`importing.form_of`; one step for the API and the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from anyio import to_thread

from jitspace.interchange.case_import import import_case
from jitspace.interchange.importing import (
    CASE,
    ImportResult,
    Progress,
    Recorded,
    form_of,
    quiet,
    unheard,
)
from jitspace.interchange.plain_import import import_plain
from jitspace.reads.records import Reading
from jitspace.services.application import JITspace
from jitspace.storage.blobs import BlobStore


async def import_evidence(
    app: JITspace,
    blobs: BlobStore,
    user_id: UUID,
    reading: Reading,
    path: Path,
    *,
    media_type: str = "",
    name: str = "",
    max_bytes: int,
    progress: Progress = quiet,
    recorded: Callable[[Recorded], object] = unheard,
) -> ImportResult:
    """Import the file at `path` (its media type, or its name, tells a file alone's form)."""
    form = await to_thread.run_sync(lambda: form_of(path, media_type, name))
    if form == CASE:
        return await import_case(
            app,
            blobs,
            user_id,
            reading,
            path,
            max_bytes=max_bytes,
            progress=progress,
            recorded=recorded,
        )
    return await import_plain(
        app,
        blobs,
        user_id,
        reading,
        path,
        form,
        max_bytes=max_bytes,
        progress=progress,
        recorded=recorded,
    )
