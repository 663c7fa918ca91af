"""A page of a long list reads its rows in the order asked from an index, now and as of a
point: it never sorts the whole list to return the first hundred rows (what made a page's
cost grow with the list). Each order the API offers is read on tables of 20,000 rows, and
the plan PostgreSQL chose (auto_explain, sent back to the client) has no sort."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
import pytest

from jitspace.documents.authorisations import AuthorisationQuery, AuthorisationSort
from jitspace.documents.evidence import RegisterQuery, RegisterSort
from jitspace.documents.tasks import TaskQuery, TaskSort
from jitspace.reads.queries import Point, Queries
from projections.admissibility import (
    KEPT_FACTS,
    KEPT_ITEM_FACTS,
    SELECT_CASE_AT,
    SELECT_NAMED_ITEMS_AT,
)
from projections.registers import SORTED
from tests.support import fresh_database

ROWS = 20_000
PAST = 10**9  # a position after every kept version
LIMIT = 50

FILL = (
    "INSERT INTO rm_evidence (evidence_id, investigation_id, reference, country, kind, "
    "description, collected_at, registered_at, authorisation_id, version) "
    "SELECT gen_random_uuid(), $1, 'FR-' || g, 'FR', 'document', 'item ' || g, "
    "now() - g * interval '1 minute', now() - g * interval '1 second', NULL, 1 "
    "FROM generate_series(1, $2) g",
    "INSERT INTO rm_tasks (task_id, investigation_id, title, status, due_on, created_at, "
    "version) SELECT gen_random_uuid(), $1, 'Errand ' || g, 'open', "
    "CASE WHEN g % 3 = 0 THEN NULL ELSE current_date + g % 400 END, "
    "now() - g * interval '1 second', 1 FROM generate_series(1, $2) g",
    "INSERT INTO rm_authorisations (authorisation_id, investigation_id, kind, country, "
    "authority, reference, valid_from, valid_until, revoked, version) "
    "SELECT gen_random_uuid(), $1, 'search_warrant', 'FR', 'Juge', 'W-' || g, "
    "now() - g * interval '1 hour', now() + g * interval '1 hour', false, 1 "
    "FROM generate_series(1, $2) g",
)


@pytest.fixture(scope="module")
def url(database_url: str) -> Iterator[str]:
    yield fresh_database(database_url, "plans")


@pytest.fixture(scope="module")
def investigation(url: str) -> uuid.UUID:
    """An investigation with 20,000 items, tasks and authorisations, and another with a few,
    their rows kept as versions too."""
    big, small = uuid.uuid4(), uuid.uuid4()

    async def fill() -> None:
        conn = await asyncpg.connect(url)
        try:
            for statement in FILL:
                await conn.execute(statement, big, ROWS)
                await conn.execute(statement, small, 10)
            for (table, key), _ in SORTED.items():
                columns = await conn.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
                    "AND column_name NOT IN ('from_position', 'to_position') "
                    "ORDER BY ordinal_position",
                    f"{table}_history",
                )
                names = ", ".join(c["column_name"] for c in columns)
                await conn.execute(
                    f"INSERT INTO {table}_history ({names}, from_position) "
                    f"SELECT {names}, row_number() OVER (ORDER BY {key}) FROM {table}"
                )
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    asyncio.run(fill())
    return big


class OneConnection:
    """What the queries use of a pool, on one connection (its settings kept)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        yield self.conn

    async def fetch(self, *args: Any) -> Any:
        return await self.conn.fetch(*args)

    async def fetchval(self, *args: Any) -> Any:
        return await self.conn.fetchval(*args)


def plans_of(url: str, read: Callable[[Queries], Awaitable[Any]]) -> list[str]:
    """The plans of the statements `read` ran that return a page (of `LIMIT` rows and one
    more, whether another page follows), as PostgreSQL chose them."""
    plans: list[str] = []

    def heard(_: Any, message: Any) -> None:
        if f"LIMIT {LIMIT + 1}" in message.message:
            plans.append(message.message)

    async def run() -> None:
        conn = await asyncpg.connect(url)
        conn.add_log_listener(heard)
        try:
            await conn.execute(
                "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; "
                "SET auto_explain.log_level = 'notice'; SET client_min_messages = 'notice'"
            )
            await read(Queries(cast("asyncpg.Pool", OneConnection(conn))))
        finally:
            await conn.close()

    asyncio.run(run())
    assert plans, "no page was read"
    return plans


def points() -> list[Point]:
    return [Point(), Point(position=PAST, moment=datetime.now(UTC))]


def reads(investigation: uuid.UUID) -> list[tuple[str, Callable[[Queries], Awaitable[Any]]]]:
    """Every order of every paged list over the kept rows, both ways, now and at a point."""
    found: list[tuple[str, Callable[[Queries], Awaitable[Any]]]] = []
    for point in points():
        when = "now" if point.position is None else "past"
        for descending in (False, True):
            for sort in RegisterSort:
                if sort is RegisterSort.WORST:  # by verdicts: evaluated, not a column
                    continue
                query = RegisterQuery(sort=sort, descending=descending, limit=LIMIT)
                found.append(
                    (
                        f"register {sort} {when} {descending}",
                        lambda q, r=query, p=point: q.evidence_page(investigation, "FR", r, p),
                    )
                )
            for task_sort in TaskSort:
                tasks = TaskQuery(sort=task_sort, descending=descending, limit=LIMIT)
                found.append(
                    (
                        f"tasks {task_sort} {when} {descending}",
                        lambda q, r=tasks, p=point: q.task_page(investigation, r, p),
                    )
                )
            for authorisation_sort in AuthorisationSort:
                warrants = AuthorisationQuery(
                    sort=authorisation_sort, descending=descending, limit=LIMIT
                )
                found.append(
                    (
                        f"authorisations {authorisation_sort} {when} {descending}",
                        lambda q, r=warrants, p=point: q.authorisation_page(investigation, r, p),
                    )
                )
    return found


def test_every_order_of_every_list_has_its_index() -> None:
    offered = {
        "rm_evidence": {s.value for s in RegisterSort} - {RegisterSort.WORST.value},
        "rm_tasks": {s.value for s in TaskSort},
        "rm_authorisations": {s.value for s in AuthorisationSort},
    }
    assert {table: set(columns) for (table, _), columns in SORTED.items()} == offered


def test_a_page_of_a_long_list_is_read_in_order_from_an_index(
    url: str, investigation: uuid.UUID
) -> None:
    sorted_whole = []
    for name, read in reads(investigation):
        plan = "\n".join(plans_of(url, read))
        if "Sort Key" in plan or "Index" not in plan:
            sorted_whole.append(f"{name}:\n{plan}")
    assert not sorted_whole, "\n\n".join(sorted_whole[:3]) + f"\n({len(sorted_whole)} sorted)"


def test_the_pages_read_so_have_the_rows_in_order(url: str, investigation: uuid.UUID) -> None:
    async def read(queries: Queries) -> None:
        for point in points():
            page = await queries.evidence_page(
                investigation, "FR", RegisterQuery(sort=RegisterSort.REFERENCE, limit=LIMIT), point
            )
            references = [item.reference for item in page.items]
            assert references == sorted(references) and len(references) == LIMIT
            tasks = await queries.task_page(
                investigation, TaskQuery(sort=TaskSort.DUE_ON, descending=True, limit=LIMIT), point
            )
            # no due date sorts last, so first when the order is reversed
            assert [t.due_on for t in tasks.items] == [None] * LIMIT

    plans_of(url, read)


def test_the_facts_of_a_past_page_are_read_by_item_and_the_case_by_its_last_version(
    url: str,
) -> None:
    # Given the kept facts of 20,000 items (two versions each) and 500 versions of the
    # investigation's own facts
    investigation = uuid.uuid4()

    async def plans() -> list[str]:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                f"INSERT INTO {KEPT_ITEM_FACTS.table} (investigation_id, evidence_id, facts, "
                "from_position, to_position) SELECT $1, e, '\\x00', p, "
                "CASE WHEN p % 2 = 1 THEN p + 1 END FROM (SELECT gen_random_uuid() AS e, "
                "g AS g FROM generate_series(1, $2) g) items, "
                "LATERAL (VALUES (2 * g - 1), (2 * g)) v(p)",
                investigation,
                ROWS,
            )
            await conn.execute(
                f"INSERT INTO {KEPT_FACTS.table} (investigation_id, facts, from_position, "
                "to_position) SELECT $1, '\\x00', 100 * g, "
                "CASE WHEN g < 500 THEN 100 * (g + 1) END FROM generate_series(1, 500) g",
                investigation,
            )
            await conn.execute("ANALYZE")
            named = await conn.fetch(
                f"SELECT DISTINCT evidence_id FROM {KEPT_ITEM_FACTS.table} "
                "WHERE investigation_id = $1 AND from_position < 1000 LIMIT 100",
                investigation,
            )
            # When a page's facts are read as of a point, with the plans made for any values
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            found = []
            for statement, args, rows in (
                (SELECT_NAMED_ITEMS_AT, (investigation, 30_000, [r[0] for r in named]), 100),
                (SELECT_CASE_AT, (investigation, 30_000), 1),
            ):
                prepared = await conn.prepare("EXPLAIN " + statement)
                found.append("\n".join(r[0] for r in await prepared.fetch(*args)))
                # one version of each, the one that held
                assert len(await conn.fetch(statement, *args)) == rows
            return found
        finally:
            await conn.close()

    items, case = asyncio.run(plans())
    # Then the items' are looked up by item, not by scanning the investigation's versions
    assert re.search(r"Index Cond: \(\(investigation_id = \S+\) AND \(evidence_id = ANY", items)
    # and the case's version is the last one from before the point, read walking back
    assert "Limit" in case and "Backward" in case, case
