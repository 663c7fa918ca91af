"""Read-model rows that keep their history: the lists as they stood at any point of the log.

A kept table has a twin, `<table>_history`, with the same columns and the log positions
between which each version of a row held: from `from_position` (the position of the event
that wrote it) to `to_position` (the position of the event that wrote the next version; null
while it is current). The projection writes the new version and closes the old one in the
transaction that updates the row itself, so a list as of position P is the rows with
`from_position <= P` and no `to_position <= P`: an indexed query, whatever the length of the log
after P. A row whose columns did not change keeps its version (a recomputed custody chain
that came out the same writes nothing).

The admissibility matrix writes a batch of events at a time while it catches up, with
several versions of a row in one batch: it writes its versions as they are (`Versions`),
each closed at the next one's position, not from the row as it is once the batch is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kept:
    """A read-model table whose rows keep their history: its key and the columns kept."""

    table: str
    key: str
    columns: tuple[str, ...]

    @property
    def history(self) -> str:
        return f"{self.table}_history"

    def create(self, types: str) -> tuple[str, ...]:
        """The history table (`types`: the kept columns with their types, as in the table)
        and its indexes: by investigation and position, by record and position."""
        return (
            f"CREATE TABLE IF NOT EXISTS {self.history} ({types}, "
            "from_position bigint NOT NULL, to_position bigint)",
            f"CREATE INDEX IF NOT EXISTS {self.history}_inv_idx "
            f"ON {self.history} (investigation_id, from_position)",
            f"CREATE INDEX IF NOT EXISTS {self.history}_key_idx "
            f"ON {self.history} ({self.key}, from_position)",
        )

    def keep(self, record_id: Any, position: int) -> tuple[str, tuple[Any, ...]]:
        """The statement that keeps the row of `record_id` as it is now, from `position` on:
        closes the version before, if the row changed (run after the row's own update)."""
        columns = ", ".join(self.columns)
        now = ", ".join(f"n.{c}" for c in self.columns)
        then = ", ".join(f"h.{c}" for c in self.columns)
        current = f"h.{self.key} = %s AND h.to_position IS NULL"
        return (
            f"WITH n AS (SELECT {columns} FROM {self.table} WHERE {self.key} = %s), "  # noqa: S608
            f"closed AS (UPDATE {self.history} h SET to_position = %s FROM n "
            f"WHERE {current} AND ({then}) IS DISTINCT FROM ({now})) "
            f"INSERT INTO {self.history} ({columns}, from_position) SELECT {columns}, %s "
            f"FROM n WHERE NOT EXISTS (SELECT FROM {self.history} h WHERE {current} "
            f"AND ({then}) IS NOT DISTINCT FROM ({now}))",
            (record_id, position, record_id, position, record_id),
        )

    def at(self, alias: str, position: str) -> str:
        """The condition on `alias`'s rows that held at `position` (an SQL parameter)."""
        return held_at(alias, position)


def held_at(alias: str, position: str) -> str:
    """The condition on `alias`'s versions that held at `position` (an SQL parameter)."""
    return (
        f"{alias}.from_position <= {position} "
        f"AND ({alias}.to_position IS NULL OR {alias}.to_position > {position})"
    )


class Versions:
    """The kept versions of a table's rows (`<table>_history`: the columns, each typed as in
    the table, its key first, and the positions between which each version held), written a
    batch at a time: the current versions of the batch's rows are closed at the first new
    one's position, then the new versions, several of one row among them if need be, are
    copied in, each closed at its row's next one's (each is written once: its results are
    compressed once, and no row is rewritten but the few that were current)."""

    def __init__(self, table: str, key: tuple[str, ...], columns: tuple[str, ...]) -> None:
        self.table = f"{table}_history"
        self.key = key
        names = ", ".join(column.split()[0] for column in columns)
        types = {column.split()[0]: column.split()[1] for column in columns}
        keys = ", ".join(key)
        self.create = (
            f"CREATE TABLE IF NOT EXISTS {self.table} ({', '.join(columns)}, "
            "from_position bigint NOT NULL, to_position bigint)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_inv_idx "
            f"ON {self.table} (investigation_id, from_position)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_key_idx "
            f"ON {self.table} ({keys}, from_position)",
        )
        arrays = ", ".join(f"%s::{types[k]}[]" for k in key)
        same = " AND ".join(f"h.{k} = n.{k}" for k in key)
        self.close = (
            f"UPDATE {self.table} h SET to_position = n.first "  # noqa: S608
            f"FROM unnest({arrays}, %s::bigint[]) AS n({keys}, first) "
            f"WHERE {same} AND h.to_position IS NULL"
        )
        # binary: the facts go as their bytes, not spelled out in hex for the server to read
        self.copy = (
            f"COPY {self.table} ({names}, from_position, to_position) FROM STDIN (FORMAT BINARY)"
        )
        self.types = [types[column.split()[0]] for column in columns] + ["bigint", "bigint"]

    def write(self, curs: Any, versions: list[tuple[Any, ...]]) -> None:
        """Keep `versions` (each row's columns, its key first, then the position it holds
        from)."""
        if not versions:
            return
        width = len(self.key)
        first: dict[tuple[Any, ...], int] = {}  # each row's first new version's position
        last: dict[tuple[Any, ...], int] = {}  # each row's latest new version so far
        until: list[int | None] = [None] * len(versions)
        for index in sorted(range(len(versions)), key=lambda i: versions[i][-1]):
            key, position = versions[index][:width], versions[index][-1]
            if key in last:
                until[last[key]] = position
            else:
                first[key] = position
            last[key] = index
        curs.execute(self.close, [*map(list, zip(*first, strict=True)), list(first.values())])
        with curs.copy(self.copy) as copy:
            copy.set_types(self.types)
            for version, to_position in zip(versions, until, strict=True):
                copy.write_row((*version, to_position))
