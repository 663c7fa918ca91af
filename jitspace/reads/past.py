"""The lists as they stood at a point of the log, from the read models' kept rows.

Each query takes the rows that held at log position P (projections/history.py): an indexed
query, not a replay of the investigation. The admissibility matrix keeps its facts' versions,
not its cells': it is evaluated when read, on the facts that held at P. Withholding applies
as for the present lists: by the restrictions in force now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from anyio import to_thread

from domain.admissibility.facts import CaseFile, ItemFacts
from domain.values import DerivationKind
from jitspace.documents.authorisations import AuthorisationSummary
from jitspace.documents.custody import CustodyDefect
from jitspace.documents.evidence import EvidenceSummary, Lineage
from jitspace.documents.tasks import TaskSummary
from jitspace.documents.views import lineage_of
from jitspace.reads.queries import (
    _REGISTER_COLUMNS,
    EVENTS_TABLE,
    Queries,
    _as_read_by,
)
from projections.admissibility import (
    SELECT_CASE_AT,
    SELECT_ITEMS_AT,
    SELECT_NAMED_ITEMS_AT,
    Row,
    facts_of,
    matrix_on,
)
from projections.custody import KEPT_CHAINS
from projections.registers import KEPT_AUTHORISATIONS, KEPT_EVIDENCE, KEPT_TASKS

# the register's rows then: each item's row and its custody chain's, as they held at $2
_REGISTER = (
    f"SELECT {_REGISTER_COLUMNS}, e.parent_id, e.relation "  # noqa: S608 (constant text)
    f"FROM {KEPT_EVIDENCE.history} e LEFT JOIN {KEPT_CHAINS.history} c "
    f"ON c.evidence_id = e.evidence_id AND {KEPT_CHAINS.at('c', '$2')} "
    f"WHERE e.investigation_id = $1 AND {KEPT_EVIDENCE.at('e', '$2')} "
)
_TASKS = (
    "SELECT task_id AS id, title, status, assignee_id, due_on, created_at, version "  # noqa: S608
    f"FROM {KEPT_TASKS.history} t WHERE investigation_id = $1 AND {KEPT_TASKS.at('t', '$2')} "
    "ORDER BY created_at, task_id"
)
_AUTHORISATIONS = (
    "SELECT authorisation_id AS id, kind, country, authority, reference, valid_from, "  # noqa: S608
    "valid_until, revoked, version, annulled "
    f"FROM {KEPT_AUTHORISATIONS.history} a WHERE investigation_id = $1 "
    f"AND {KEPT_AUTHORISATIONS.at('a', '$2')} ORDER BY valid_from, authorisation_id"
)
_DEFECTS = (
    "SELECT c.evidence_id, e.reference, c.chain->'defects' AS defects "  # noqa: S608
    f"FROM {KEPT_CHAINS.history} c JOIN {KEPT_EVIDENCE.history} e "
    f"ON e.evidence_id = c.evidence_id AND {KEPT_EVIDENCE.at('e', '$2')} "
    f"WHERE c.investigation_id = $1 AND {KEPT_CHAINS.at('c', '$2')} AND c.defect_count > 0 "
    "ORDER BY e.reference, c.evidence_id"
)

# when the event at a position was recorded
_RECORDED = f"SELECT recorded_at FROM {EVENTS_TABLE} WHERE notification_id = $1"  # noqa: S608


class PastQueries:
    """The lists of an investigation as they stood at log position `position`, once the read
    models have applied the log up to there."""

    def __init__(self, queries: Queries) -> None:
        self.queries = queries
        self.pool: asyncpg.Pool = queries.pool

    async def _fetch(self, sql: str, investigation_id: UUID, position: int) -> list[Any]:
        await self.queries.wait_tracked(position, timeout=2.0)
        rows: list[Any] = await self.pool.fetch(sql, investigation_id, position)
        return rows

    async def evidence_register(
        self, investigation_id: UUID, position: int, party: str
    ) -> list[EvidenceSummary]:
        """The register then, as `party` may read it now."""
        rows = await self._register(investigation_id, position)
        for row in rows:
            del row["parent_id"], row["relation"]
        withholding = await self.queries.withholding(investigation_id)
        return _as_read_by(rows, withholding, party)

    async def lineage(
        self, investigation_id: UUID, position: int, evidence_id: UUID, party: str
    ) -> Lineage:
        """The tree of items made from one another that the item belonged to then."""
        found = await self._register(investigation_id, position)
        links = [(row.pop("parent_id"), row.pop("relation")) for row in found]
        withholding = await self.queries.withholding(investigation_id)
        summaries = _as_read_by(found, withholding, party)
        return lineage_of(
            evidence_id,
            {
                s.id: (s, parent, None if relation is None else DerivationKind(relation))
                for s, (parent, relation) in zip(summaries, links, strict=True)
            },
        )

    async def tasks(self, investigation_id: UUID, position: int) -> list[TaskSummary]:
        rows = await self._fetch(_TASKS, investigation_id, position)
        return [msgspec.convert(dict(r), TaskSummary) for r in rows]

    async def authorisations(
        self, investigation_id: UUID, position: int
    ) -> list[AuthorisationSummary]:
        rows = await self._fetch(_AUTHORISATIONS, investigation_id, position)
        return [msgspec.convert(dict(r), AuthorisationSummary) for r in rows]

    async def custody_defects(
        self, investigation_id: UUID, position: int
    ) -> list[tuple[UUID, str, list[CustodyDefect]]]:
        """The items whose chain of custody had a defect then, with their defects."""
        rows = await self._fetch(_DEFECTS, investigation_id, position)
        return [
            (
                r["evidence_id"],
                r["reference"],
                msgspec.json.decode(r["defects"], type=list[CustodyDefect]),
            )
            for r in rows
        ]

    async def matrix(
        self,
        investigation_id: UUID,
        position: int,
        moment: datetime | None,
        items: list[UUID] | None,
        on: datetime | None,
    ) -> list[Row]:
        """The matrix then (of `items`, if named), evaluated on the facts as they stood at
        `position` (those items', their sources' and the investigation's), at `moment` (by
        default when the event at `position` was recorded), or `on` a date. An event that
        does not touch an item leaves its verdict as it was: this is each cell as the last
        event that touched it left it, with the deadlines passed by then judged then, and
        the time it was evaluated at is that moment's."""
        await self.queries.wait_tracked(position, timeout=2.0)
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            when = on or moment or await conn.fetchval(_RECORDED, position)
            case = await _facts_at(conn, investigation_id, position, items)
        if case is None or when is None:
            return []
        wanted = None if items is None else [i for i in items if i in case.items]
        return list((await to_thread.run_sync(matrix_on, case, when, wanted)).values())

    async def recorded_at(self, position: int) -> datetime | None:
        """When the event at `position` was recorded (None: no event there)."""
        moment: datetime | None = await self.pool.fetchval(_RECORDED, position)
        return moment

    async def _register(self, investigation_id: UUID, position: int) -> list[dict[str, Any]]:
        sql = _REGISTER + "ORDER BY e.registered_at, e.evidence_id"
        return [dict(r) for r in await self._fetch(sql, investigation_id, position)]


async def _facts_at(
    conn: asyncpg.Connection, investigation_id: UUID, position: int, items: list[UUID] | None
) -> CaseFile | None:
    """The facts kept at `position`: the investigation's, and its items' (of `items` only,
    and those they derive from, up the line, if named); None before it had any."""
    stored = await conn.fetchval(SELECT_CASE_AT, investigation_id, position)
    if stored is None:
        return None
    case = facts_of(stored)
    wanted = items
    while True:
        found = await (
            conn.fetch(SELECT_ITEMS_AT, investigation_id, position)
            if wanted is None
            else conn.fetch(SELECT_NAMED_ITEMS_AT, investigation_id, position, wanted)
        )
        sources: set[UUID] = set()
        for item in (_item_decoder.decode(r["facts"]) for r in found):
            case.items[item.evidence_id] = item
            if item.derivation is not None:
                sources.add(item.derivation.parent_id)
        if wanted is None or not (sources := sources - case.items.keys()):
            return case
        wanted = list(sources)


_item_decoder = msgspec.msgpack.Decoder(ItemFacts)
