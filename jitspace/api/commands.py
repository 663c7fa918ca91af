"""A request's document, converted into the command the application takes.

The command's fields are the document's, by name; what the path, the headers or the caller
add, or what the API spells otherwise, is given by keyword. When a reported fact happened
(`occurred_at`) follows one rule: as the user gives it, or now, never in the future.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import uuid4

import msgspec

from jitspace.api.dependencies import reported_time

C = TypeVar("C", bound=msgspec.Struct)


def command(cls: type[C], document: msgspec.Struct | None = None, /, **fields: Any) -> C:
    """The command `cls`: the fields of `document`, then `fields`."""
    given = msgspec.structs.asdict(document) if document is not None else {}
    if "occurred_at" in cls.__struct_fields__ and "occurred_at" not in fields:
        fields["occurred_at"] = reported_time(given.get("occurred_at"))
    return msgspec.convert(given | fields, cls, from_attributes=True)


def new_comment() -> dict[str, Any]:
    """What a comment's command takes besides the document: a new id, and when it was sent."""
    return {"comment_id": uuid4(), "written_at": datetime.now(UTC)}
