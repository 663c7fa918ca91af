"""Plain imports as a team sends them: JSON lines or CSV, alone or in a zip with files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support import Jit, Person

JSONL = {"Content-Type": "application/x-ndjson"}
CSV = {"Content-Type": "text/csv"}
ZIP = {"Content-Type": "application/zip"}
CHAT = b"the suspect's chat database\n"
PHOTO = b"\xff\xd8\xff a photograph\n"


def collected(days_ago: int = 3) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0).isoformat()


def row(reference: str, **fields: Any) -> dict[str, Any]:
    """An item as a forensic tool writes a row of it (`fields` replace or add any field)."""
    return {
        "reference": reference,
        "kind": "document",
        "description": f"extracted item {reference}",
        "occurred_at": collected(),
        "collected_by": "Capitaine Martin",
        "place": "Lyon",
        "method": "logical extraction",
        **fields,
    }


def with_file(reference: str, path: str, data: bytes, **fields: Any) -> dict[str, Any]:
    return row(reference, file=path, sha256=hashlib.sha256(data).hexdigest(), **fields)


def json_lines(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def csv_text(rows: list[dict[str, Any]], columns: list[str] | None = None) -> bytes:
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def zipped(document_name: str, document: bytes, files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as written:
        written.writestr(document_name, document)
        for name, data in files.items():
            written.writestr(name, data)
    return out.getvalue()


def send(person: Person, jit: Jit, body: bytes, headers: dict[str, str]) -> Any:
    return person.post(jit.path("/evidence/imports"), content=body, headers=headers)


def recorded_items(person: Person, jit: Jit) -> dict[str, dict[str, Any]]:
    """Each item as recorded, by reference, with its files (name, media type, SHA-256, size)."""
    register = person.get(jit.path("/evidence"))
    assert register.status_code == 200, register.text
    items = {}
    for summary in register.json():
        item = person.get(jit.path(f"/evidence/{summary['id']}")).json()
        item["files"] = sorted(
            (f["name"], f["media_type"], f["sha256"], f["size"]) for f in item["files"]
        )
        items[item["reference"]] = item
    return items
