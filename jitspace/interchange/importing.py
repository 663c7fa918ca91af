"""What every import of evidence items shares, whatever its form (CASE/UCO, JSON lines, CSV):
the input checked whole first, the files stored, then every item recorded in one transaction
of the log (all or none); if recording fails, the files the import stored and no record
claims are removed, and once recorded they are protected (the store's legal hold).

`form_of` tells the form (`evidence_import.py` then runs its import): an archive (zip) by
the document at its top (`*.jsonld`/`*.json`: CASE; `*.jsonl`/`*.ndjson`: JSON lines;
`*.csv`: CSV), a file alone by its media type (`application/ld+json`: CASE;
`application/x-ndjson`, `application/jsonl`: JSON lines; `text/csv`: CSV), else by its
name's extension; anything else is read as CASE.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple
from uuid import UUID

from anyio import to_thread

from domain.commands import ImportedItem, ImportEvidence
from domain.errors import Violations
from domain.evidence import EvidenceItem
from jitspace.services.application import JITspace
from jitspace.services.blob_sweep import claimed_keys
from jitspace.services.evidence import IMPORT_BATCH
from jitspace.storage.blobs import BlobStore

ZIP_MAGIC = b"PK\x03\x04"
# progress: (step, done, of)
Progress = Callable[[str, int, int], None]


def quiet(step: str, done: int, of: int) -> None:
    pass


class Recorded(NamedTuple):
    """An item an import recorded."""

    id: UUID
    reference: str
    files: int


def unheard(item: Recorded) -> None:
    pass


@dataclass
class ImportResult:
    items: int
    files_stored: int
    events: int


CASE, JSON_LINES, CSV = "case", "jsonl", "csv"
_BY_EXTENSION = {
    ".jsonld": CASE,
    ".json": CASE,
    ".jsonl": JSON_LINES,
    ".ndjson": JSON_LINES,
    ".csv": CSV,
}
_BY_MEDIA_TYPE = {
    "application/ld+json": CASE,
    "application/x-ndjson": JSON_LINES,
    "application/jsonl": JSON_LINES,
    "application/x-jsonlines": JSON_LINES,
    "text/csv": CSV,
}


def is_zip(path: Path) -> bool:
    with path.open("rb") as head:
        return head.read(4) == ZIP_MAGIC


def top_document(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The one document at the top of an archive (its form by its extension), or Violations."""
    documents = [
        i
        for i in archive.infolist()
        if "/" not in i.filename and i.filename.lower().endswith(tuple(_BY_EXTENSION))
    ]
    if len(documents) != 1:
        raise Violations(
            "the archive holds no one document to import",
            [
                (
                    "body",
                    "put exactly one document at the top of the archive: a CASE/UCO JSON-LD "
                    "graph (*.jsonld or *.json), JSON lines (*.jsonl) or CSV (*.csv), "
                    f"not {len(documents)}",
                )
            ],
        )
    return documents[0]


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise Violations(
            "the archive is broken", [("body", "not a readable zip archive")]
        ) from None


def form_of(path: Path, media_type: str = "", name: str = "") -> str:
    """Which form of import the file is (CASE, JSON_LINES or CSV): see the module's text."""
    if is_zip(path):
        with open_zip(path) as archive:
            document = top_document(archive).filename.lower()
        return _BY_EXTENSION[Path(document).suffix]
    media_type = media_type.partition(";")[0].strip().lower()
    if media_type in _BY_MEDIA_TYPE:
        return _BY_MEDIA_TYPE[media_type]
    return _BY_EXTENSION.get(Path(name).suffix.lower(), CASE)


async def record_items(
    app: JITspace,
    blobs: BlobStore,
    user_id: UUID,
    investigation_id: UUID,
    items: Iterable[ImportedItem],
    stored_keys: list[str],
    *,
    found_keys: list[str] = [],  # noqa: B006 (never changed)
    count: int,
    progress: Progress,
    recorded: Callable[[Recorded], object],
) -> int:
    """Record the items (`count` of them) in one transaction of the log, with a progress line
    per batch; the number of events. If that fails, the files the import stored (`stored_keys`)
    that no record claims are removed; once recorded, they are protected, and so are those it
    found in the store (`found_keys`)."""
    done = 0

    def heard(item: EvidenceItem) -> None:
        nonlocal done
        recorded(Recorded(item.id, item.reference, len(item.files)))
        done += 1
        if done % IMPORT_BATCH == 0 or done == count:
            progress("items recorded", done, count)

    command = ImportEvidence(investigation_id=investigation_id, items=items)
    try:
        events = await to_thread.run_sync(partial(app.import_evidence, user_id, command, heard))
    except BaseException:
        await to_thread.run_sync(discard, app, blobs, stored_keys)
        raise
    progress("events recorded", events, events)
    for key in [*stored_keys, *found_keys]:
        await to_thread.run_sync(blobs.protect, key)
    return events


def discard(app: JITspace, blobs: BlobStore, keys: list[str]) -> None:
    """Remove the files an import stored, but any a record claims (the same bytes, which the
    directory store keeps once, attached meanwhile by another upload)."""
    if not keys:
        return
    claimed = claimed_keys(app)
    for key in keys:
        if key not in claimed:
            blobs.discard(key)
