"""Deadlines, kept by the working worker: a cell of the admissibility matrix whose deadline
has passed (an urgent order's confirmation window, a deletion date, the time to raise a
defect, an objection window: `CountryVerdict.changes_on`) is evaluated again, now, on the
facts it was evaluated on; the new cell is written to the read model, and the
investigation's channel is told, in the same transaction (a NOTIFY is sent on commit), so
every open matrix reads its rows again. No event marks a deadline passing: the log, its
chain and every replay are left as they are.

A cell the projection rewrote meanwhile (a new fact) is left to it: a cell is replaced only
while it is still the one read (`evaluated_on` unchanged). Nothing is lost to a viewer
away meanwhile: the page reads its rows again when its feed resumes, and reads answer from
the read model, which holds the new cell.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import msgspec
from anyio import to_thread

from jitspace.live.channels import VerdictsMoved, channel_of
from jitspace.reads.queries import Queries
from projections.admissibility import SELECT_FACTS, Cell, cell_of, facts_of, matrix_on

logger = logging.getLogger(__name__)
BATCH = 500  # cells read and evaluated again at once
# items one channel message names at most (a NOTIFY payload is under 8,000 bytes); more
# are told in several messages
PER_MESSAGE = 150

PASSED = (
    "SELECT evidence_id, country, investigation_id, evaluated_on FROM rm_admissibility "
    "WHERE changes_on <= $1 ORDER BY changes_on LIMIT $2"
)
REPLACE = (
    "UPDATE rm_admissibility SET verdict = $3, outcome = $4, results = $5::json, "
    "evaluated_on = $6, changes_on = $7 "
    "WHERE evidence_id = $1 AND country = $2 AND evaluated_on = $8"
)


async def revise_passed(queries: Queries, now: datetime | None = None) -> int:
    """Evaluate again the cells whose deadline has passed by `now`, write them and tell
    their investigations' channels; how many cells changed."""
    now = now or datetime.now(UTC)
    revised = 0
    while True:
        rows = await queries.pool.fetch(PASSED, now, BATCH)
        due: dict[UUID, dict[tuple[UUID, str], datetime]] = defaultdict(dict)
        for r in rows:
            due[r["investigation_id"]][(r["evidence_id"], r["country"])] = r["evaluated_on"]
        this_pass = 0
        for investigation_id, cells in due.items():
            this_pass += await _revise(queries, investigation_id, cells, now)
        revised += this_pass
        # a full batch of which nothing changed is being rewritten by the projection: the
        # next run looks again
        if len(rows) < BATCH or not this_pass:
            return revised


async def _revise(
    queries: Queries,
    investigation_id: UUID,
    cells: dict[tuple[UUID, str], datetime],
    now: datetime,
) -> int:
    stored = await queries.pool.fetchrow(SELECT_FACTS.format("$1"), investigation_id)
    fresh: dict[tuple[UUID, str], Cell] = {}
    if stored is not None:
        items = {evidence_id for evidence_id, _ in cells}
        fresh = await to_thread.run_sync(_evaluate, investigation_id, stored, items, now)
    changed: set[UUID] = set()
    async with queries.pool.acquire() as conn, conn.transaction():
        for (evidence_id, country), read_on in cells.items():
            cell = fresh.get((evidence_id, country))
            # a deadline still passed after the evaluation (or a cell with no verdict now)
            # is not looked at again by time: a new fact about the item evaluates it again
            changes_on = cell.changes_on if cell is not None else None
            if changes_on is not None and changes_on <= now:
                changes_on = None
            if cell is None:
                await conn.execute(
                    "UPDATE rm_admissibility SET changes_on = NULL "
                    "WHERE evidence_id = $1 AND country = $2 AND evaluated_on = $3",
                    evidence_id,
                    country,
                    read_on,
                )
                continue
            status = await conn.execute(
                REPLACE,
                evidence_id,
                country,
                cell.verdict,
                cell.outcome,
                cell.results,
                cell.evaluated_on,
                changes_on,
                read_on,
            )
            if status.endswith(" 1"):
                changed.add(evidence_id)
        named = sorted(str(evidence_id) for evidence_id in changed)
        for start in range(0, len(named), PER_MESSAGE):
            message = VerdictsMoved(named[start : start + PER_MESSAGE])
            await conn.execute(
                "SELECT pg_notify($1, $2)",
                channel_of(investigation_id),
                msgspec.json.encode(message).decode(),
            )
    if changed:
        logger.info(
            "deadlines passed: %d items of investigation %s evaluated again",
            len(changed),
            investigation_id,
        )
    return len(changed)


def _evaluate(
    investigation_id: UUID, stored: asyncpg.Record, items: set[UUID], now: datetime
) -> dict[tuple[UUID, str], Cell]:
    """The items' cells evaluated now, on the facts the projection keeps (off the loop: the
    rules are pure work)."""
    case = facts_of(stored["facts"], stored["items"])
    present = {evidence_id for evidence_id in items if evidence_id in case.items}
    return {
        key: cell_of(investigation_id, row) for key, row in matrix_on(case, now, present).items()
    }
