"""Keyset pages of any list: the conditions of a query with their numbered parameters, and
the opaque cursor a page ends with (the last row's sort value and id).

Every list is ordered by one sort value, then by the row's id, both in the same direction;
the next page starts strictly after the cursor's (value, id). Rows inserted meanwhile never
repeat nor push others out of pages: they show where they sort, on a later page if after
the cursor. Nothing of JITspace is imported here: the read models' lists and the users'
list (auth) page the same way.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec


class BadCursor(ValueError):
    """A cursor this list did not give (or for another sort order)."""


class Conditions:
    """The conditions on a list's rows, with their values as numbered parameters."""

    def __init__(self, first: str, *values: Any) -> None:
        self.conditions = [first]
        self.values: list[Any] = list(values)

    def add(self, condition: str, *values: Any) -> None:
        """`condition` with `{}` (or `{0}`, `{1}`) for each value; nothing if it is None."""
        if values and values[0] is None:
            return
        first = len(self.values) + 1
        self.values.extend(values)
        self.conditions.append(condition.format(*(f"${first + i}" for i in range(len(values)))))

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions)

    @property
    def narrowed(self) -> bool:
        """Whether a condition was added to the first (a filter, or a cursor)."""
        return len(self.conditions) > 1


@dataclass(frozen=True)
class Keyset:
    """A list's order: by `column` (an SQL expression, selected as `key`), then `id`, in one
    direction; `kind` is the sort value's type, as the cursor carries it."""

    column: str
    key: str
    id: str
    kind: type[Any]
    descending: bool = False

    @property
    def order(self) -> str:
        direction = "DESC" if self.descending else "ASC"
        return f"{self.column} {direction}, {self.id} {direction}"

    def start_after(self, where: Conditions, cursor: str | None) -> None:
        """Only the rows after the cursor's (none: from the first)."""
        if cursor is None:
            return
        value, row = position(cursor, self.kind)
        where.add(
            f"({self.column}, {self.id}) {'<' if self.descending else '>'} ({{}}, {{}})", value, row
        )

    def next(self, rows: list[Any], limit: int, id_key: str = "id") -> str | None:
        """The cursor after the page of `limit` rows, if `rows` (fetched `limit + 1`) go on."""
        if len(rows) <= limit:
            return None
        last = rows[limit - 1]
        return cursor(last[self.key], last[id_key])


def cursor(value: Any, row: UUID) -> str:
    """An opaque cursor: the last row's sort value and id."""
    shown = value.isoformat() if isinstance(value, datetime | date) else str(value)
    raw = msgspec.json.encode([shown, str(row)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def position(cursor: str, kind: type[Any]) -> tuple[Any, UUID]:
    """The sort value (of type `kind`) and id a cursor names; BadCursor if it is not one of
    ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        shown, row = msgspec.json.decode(raw, type=tuple[str, UUID])
        if kind is str:
            return shown, row
        value: Any = msgspec.convert(shown, kind, strict=False)
        return value, row
    except (ValueError, msgspec.DecodeError, msgspec.ValidationError) as error:
        raise BadCursor(
            "the cursor is not one this list gave: start from the first page"
        ) from error
