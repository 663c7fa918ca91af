"""The read side: asyncpg queries over the read models and the event log."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from anyio import to_thread

from domain.admissibility.results import CountryVerdict, RuleResult, Verdict
from domain.handling import UNRESTRICTED
from domain.rule_settings import Outcome
from domain.values import DerivationKind
from jitspace.documents.authorisations import (
    AuthorisationPage,
    AuthorisationQuery,
    AuthorisationSort,
    AuthorisationStatus,
    AuthorisationSummary,
)
from jitspace.documents.custody import (
    AuditedItem,
    CustodyAuditPage,
    CustodyAuditQuery,
    CustodyAuditSort,
    CustodyChain,
    CustodyDefect,
)
from jitspace.documents.events import EventOut
from jitspace.documents.evidence import (
    EvidencePage,
    EvidenceSummary,
    Lineage,
    RegisterQuery,
    RegisterSort,
)
from jitspace.documents.fields import ActorOut
from jitspace.documents.investigations import (
    InvestigationPage,
    InvestigationQuery,
    InvestigationSort,
    InvestigationSummary,
)
from jitspace.documents.tasks import TaskPage, TaskQuery, TaskSort, TaskSummary
from jitspace.documents.views import lineage_of
from jitspace.ledger.eventlog import HANDLING_TOPIC
from jitspace.paging import Conditions, Keyset
from jitspace.reads.withholding import Audience, Withholding, custody_for
from projections.admissibility import SELECT_FACTS, Row, facts_of, revisited
from projections.history import held_at
from projections.registers import DESCRIPTION_SEARCH, SEARCH_LANGUAGES, SORT_EXPRESSIONS

EVENTS_TABLE = "jitspace_events"
# the type of each register sort's value, as a cursor carries it (text where not named)
_REGISTER_SORT_KINDS: dict[RegisterSort, type[Any]] = {
    RegisterSort.REGISTERED_AT: datetime,
    RegisterSort.COLLECTED_AT: datetime,
    RegisterSort.WORST: int,
}
# a register row: the item, its custody as the custody register keeps it
_REGISTER_COLUMNS = (
    "e.evidence_id AS id, e.reference, e.country, e.kind, e.description, "
    "e.collected_at, e.registered_at, e.authorisation_id, "
    "e.version, "
    "coalesce(c.status, 'no custodian') AS custody_status, c.custodian_id, "
    "coalesce(c.holding_country, e.country) AS holding_country, "
    "coalesce(c.integrity, 'no files') AS integrity, "
    "coalesce(c.defect_count, 0) AS custody_defects, "
    "e.legal_hold, e.deleted_at AS deleted_under_retention_at"
)
_REGISTER_FROM = "FROM rm_evidence e LEFT JOIN rm_custody_items c USING (evidence_id)"
_REGISTER_ROWS = f"SELECT {_REGISTER_COLUMNS} {_REGISTER_FROM}"
# each item's worst outcome in any country (its rank: 1 for PASS ... 7 for FAIL, 0 where
# no country has judged it yet) and how many different outcomes its countries reach
_RANKS = "ARRAY[" + ",".join(f"'{o.value}'" for o in Outcome) + "]"


@dataclass(frozen=True)
class Point:
    """Where a paged list reads its rows: the read models as they stand (no position), or
    the rows they kept that held at a log position (projections/history.py), with the time
    an authorisation's status is judged at. The list's query numbers the investigation $1
    and the position $2. The matrix keeps no rows of the past: a list that reads its cells
    at a position is given them, evaluated then (`cells`, JSON), as $3."""

    position: int | None = None
    moment: datetime | None = None
    cells: str | None = None

    def table(self, name: str, alias: str) -> str:
        """The read model's table `name` as the query names it (`alias`)."""
        return f"{name} {alias}" if self.position is None else f"{name}_history {alias}"

    def held(self, alias: str) -> str:
        """The condition on `alias`'s rows that they are the ones read."""
        return "true" if self.position is None else held_at(alias, "$2")

    def conditions(self, investigation: str, alias: str, investigation_id: UUID) -> Conditions:
        """The list's first conditions: the investigation's rows (`investigation`: its
        column), of `alias`'s rows those read."""
        if self.position is None:
            return Conditions(f"{investigation} = $1", investigation_id)
        return Conditions(
            f"{investigation} = $1 AND {self.held(alias)}",
            investigation_id,
            self.position,
            *([] if self.cells is None else [self.cells]),
        )

    @property
    def with_cells(self) -> str:
        """What a query that reads the matrix's cells (`matrix`) starts with."""
        if self.position is None:
            return ""
        assert self.cells is not None, "the cells at a position are given with it"
        return (
            "WITH past_cells AS MATERIALIZED (SELECT * FROM "  # noqa: S608 (constant text)
            f"json_to_recordset($3::json) AS c({_EVALUATED})) "
        )

    def matrix(self, alias: str) -> str:
        """The matrix's cells as `alias`: the read model's, or those evaluated at the position."""
        return f"rm_admissibility {alias}" if self.position is None else f"past_cells {alias}"

    @property
    def now(self) -> datetime:
        """The time the list is read at: the moment named, or now."""
        return self.moment or datetime.now(UTC)


NOW = Point()


@dataclass(frozen=True)
class Listed:
    """An investigation's list whose total the registers keep (rm_totals), at a point."""

    table: str
    investigation_id: UUID
    point: Point


async def _total(conn: asyncpg.Connection, listed: Listed, where: Conditions, count: str) -> int:
    """How many rows of the list match `where`: the total kept at the point if no filter
    narrows the list (one indexed row, however long the list), else `count` (the rows
    counted)."""
    if where.narrowed:
        return int(await conn.fetchval(count, *where.values))
    position = listed.point.position
    kept = await conn.fetchval(
        _TOTAL if position is None else _TOTAL_AT,
        listed.investigation_id,
        listed.table,
        *([] if position is None else [position]),
    )
    return int(kept or 0)


_TOTAL = (
    "SELECT total FROM rm_totals WHERE investigation_id = $1 AND list = $2 "
    "ORDER BY from_position DESC LIMIT 1"
)
_TOTAL_AT = (
    "SELECT total FROM rm_totals WHERE investigation_id = $1 AND list = $2 "
    "AND from_position <= $3 ORDER BY from_position DESC LIMIT 1"
)


def _register_from(point: Point) -> str:
    """The register's rows: each item's, with its custody chain's."""
    return (
        f"FROM {point.table('rm_evidence', 'e')} "
        f"LEFT JOIN {point.table('rm_custody_items', 'c')} "
        f"ON c.evidence_id = e.evidence_id AND {point.held('c')}"
    )


def _verdicts(point: Point) -> str:
    """Each item's worst outcome and how many outcomes its countries reach (`w`)."""
    return (
        " LEFT JOIN LATERAL (SELECT coalesce(max(array_position("  # noqa: S608 (constant text)
        f"{_RANKS}, a.outcome)), 0) AS worst, count(DISTINCT a.outcome) AS outcomes "
        f"FROM {point.matrix('a')} WHERE a.evidence_id = e.evidence_id) w ON true"
    )


# the rows of an item's lineage: up to its original, then all that was made from it
_LINEAGE = (
    "WITH RECURSIVE up AS ("  # noqa: S608 (constant text)
    "  SELECT evidence_id, parent_id FROM rm_evidence "
    "  WHERE investigation_id = $1 AND evidence_id = $2 "
    "  UNION SELECT e.evidence_id, e.parent_id FROM rm_evidence e "
    "  JOIN up ON e.evidence_id = up.parent_id WHERE e.investigation_id = $1), "
    "tree AS (SELECT evidence_id FROM up "
    "  UNION SELECT e.evidence_id FROM rm_evidence e "
    "  JOIN tree ON e.parent_id = tree.evidence_id WHERE e.investigation_id = $1) "
    f"SELECT e.parent_id, e.relation, {_REGISTER_COLUMNS} {_REGISTER_FROM} "
    "WHERE e.evidence_id IN (SELECT evidence_id FROM tree)"
)
# the tracked projections whose rows the API reads
TRACKING_TABLES = ("registers_tracking", "custody_tracking", "admissibility_tracking")
APPLICATION_NAME = "JITspace"
# fields every event carries, shown at the top level of an event document; and the version
# of its class's stored form (jitspace/ledger/eventlog.py), which is no fact of its own
_ENVELOPE = ("investigation_id", "actor", "timestamp", "originator_topic", "class_version")


def event_document(row: asyncpg.Record) -> EventOut:
    """The public form of one stored event: the same document for REST and the live feed."""
    state: dict[str, Any] = msgspec.json.decode(row["state"])
    actor = state["actor"]
    return EventOut(
        position=row["notification_id"],
        type=row["topic"].partition(":")[2],
        aggregate_id=row["originator_id"],
        aggregate_version=row["originator_version"],
        investigation_id=row["investigation_id"],
        recorded_at=datetime.fromisoformat(state["timestamp"]),
        actor=ActorOut(
            user_id=UUID(actor["user_id"]), country=actor["country"], role=actor["role"]
        ),
        data={k: v for k, v in state.items() if k not in _ENVELOPE},
    )


@dataclass(frozen=True)
class ProjectionLag:
    projection: str
    events: int  # log positions between its tracking position and the head of the log
    seconds: float  # since the first event it has not applied was recorded


# one tracked projection's lag behind the log, read at once (names of our own tables only)
_LAG = (
    "WITH done AS (SELECT coalesce(max(notification_id), 0) AS n FROM {tracking} "  # noqa: S608
    "  WHERE application_name = $1) "
    f"SELECT done.n AS done, coalesce((SELECT max(notification_id) FROM {EVENTS_TABLE}), 0) "
    "  AS head, "
    "  extract(epoch FROM now() - (SELECT recorded_at FROM "
    f"  {EVENTS_TABLE} WHERE notification_id > done.n ORDER BY notification_id LIMIT 1)) "
    "  AS seconds "
    "FROM done"
)


# what an authorisation's status says of its row, today ($1: now)
_AUTHORISATION_STATUS = {
    AuthorisationStatus.ANNULLED: "annulled",
    AuthorisationStatus.REVOKED: "revoked AND NOT annulled",
    AuthorisationStatus.EXPIRED: "NOT revoked AND NOT annulled AND valid_until < {}",
    AuthorisationStatus.PENDING: "NOT revoked AND NOT annulled AND valid_from > {}",
    AuthorisationStatus.IN_FORCE: (
        "NOT revoked AND NOT annulled AND valid_from <= {0} AND valid_until >= {0}"
    ),
}
_TASK_COLUMNS = "task_id AS id, title, status, assignee_id, due_on, created_at, version"
_AUTHORISATION_COLUMNS = (
    "authorisation_id AS id, kind, country, authority, reference, valid_from, "
    "valid_until, revoked, version, annulled"
)
_INVESTIGATION_COLUMNS = (
    "i.investigation_id AS id, i.name, i.agreement_reference, i.status, "
    "i.parties, m.country AS my_country, m.role AS my_role, i.version"
)


def _pattern(search: str) -> str:
    """`search` as an ILIKE pattern of any part of a text, its wildcards taken literally."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", search) + "%"


class Queries:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def events(
        self,
        investigation_id: UUID,
        after: int,
        limit: int,
        *,
        until: int | None = None,
        audience: Audience | None = None,
        record: UUID | None = None,
    ) -> list[EventOut]:
        """The investigation's events after position `after` (and up to `until`), in order,
        of one record only if `record` is named; as `audience` may read them, if given (else
        whole: for the live feed, which withholds per viewer)."""
        rows = await self.pool.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state, "  # noqa: S608
            f"investigation_id FROM {EVENTS_TABLE} WHERE investigation_id = $1 "
            "AND notification_id > $2 AND notification_id <= coalesce($4, 9223372036854775807) "
            "AND ($5::uuid IS NULL OR originator_id = $5) "
            "ORDER BY notification_id LIMIT $3",
            investigation_id,
            after,
            limit,
            until,
            record,
        )
        events = [event_document(row) for row in rows]
        if audience is None or not events:
            return events
        # read after the events: restrictions set meanwhile apply to them too
        withholding = await self.withholding(investigation_id)
        return [withholding.for_audience(event, audience) for event in events]

    async def withholding(self, investigation_id: UUID) -> Withholding:
        """The handling restrictions in force on the investigation's items."""
        rows = await self.pool.fetch(
            f"SELECT DISTINCT ON (originator_id) originator_id, state FROM {EVENTS_TABLE} "  # noqa: S608
            "WHERE investigation_id = $1 AND topic = $2 "
            "ORDER BY originator_id, notification_id DESC",
            investigation_id,
            HANDLING_TOPIC,
        )
        return Withholding.from_states([(r["originator_id"], r["state"]) for r in rows])

    async def caught_up(self, investigation_id: UUID | None, timeout: float = 2.0) -> bool:
        """Wait until the read models hold every event of the investigation (None: of the
        whole log, for reads that span investigations) logged so far."""
        if investigation_id is None:
            head = await self.pool.fetchval(
                f"SELECT max(notification_id) FROM {EVENTS_TABLE}"  # noqa: S608
            )
        else:
            head = await self.head(investigation_id)
        return await self.wait_tracked(int(head or 0), timeout)

    async def head(self, investigation_id: UUID) -> int:
        """The log position of the investigation's latest event (0: none yet)."""
        head = await self.pool.fetchval(
            f"SELECT max(notification_id) FROM {EVENTS_TABLE} "  # noqa: S608
            "WHERE investigation_id = $1",
            investigation_id,
        )
        return int(head or 0)

    async def tracked_position(self) -> int:
        """The log position every tracked projection has applied (0: one has not started)."""
        rows = await self.pool.fetch(
            " UNION ALL ".join(
                f"SELECT notification_id FROM {table} "  # noqa: S608
                "WHERE application_name = $1"
                for table in TRACKING_TABLES
            ),
            APPLICATION_NAME,
        )
        if len(rows) < len(TRACKING_TABLES):
            return 0
        return min(int(row["notification_id"]) for row in rows)

    async def wait_tracked(self, position: int, timeout: float) -> bool:
        """Wait until every tracked projection has applied the log up to `position`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while await self.tracked_position() < position:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.002)
        return True

    async def projection_lags(self) -> list[ProjectionLag]:
        """How far behind the head of the log each tracked projection is: in log positions,
        and in seconds since the first event it has not applied was recorded (0: caught up).
        A projection whose table does not exist yet (never started) is left out."""
        lags = []
        for table in TRACKING_TABLES:
            try:
                row = await self.pool.fetchrow(_LAG.format(tracking=table), APPLICATION_NAME)
            except asyncpg.UndefinedTableError:
                continue
            assert row is not None
            lags.append(
                ProjectionLag(
                    table.removesuffix("_tracking"),
                    max(0, int(row["head"]) - int(row["done"])),
                    max(0.0, float(row["seconds"] or 0.0)),
                )
            )
        return lags

    async def investigations_of(self, user_id: UUID) -> list[InvestigationSummary]:
        rows = await self.pool.fetch(
            "SELECT i.investigation_id AS id, i.name, i.agreement_reference, i.status, "
            "i.parties, m.country AS my_country, m.role AS my_role, i.version "
            "FROM rm_members m JOIN rm_investigations i USING (investigation_id) "
            "WHERE m.user_id = $1 ORDER BY i.opened_at DESC",
            user_id,
        )
        return [msgspec.convert(dict(r), InvestigationSummary) for r in rows]

    async def evidence_register(self, investigation_id: UUID, party: str) -> list[EvidenceSummary]:
        """The register as `party` may read it."""
        rows = await self.pool.fetch(
            f"{_REGISTER_ROWS} WHERE e.investigation_id = $1 "
            "ORDER BY e.registered_at, e.evidence_id",
            investigation_id,
        )
        withholding = await self.withholding(investigation_id)
        return _as_read_by([dict(r) for r in rows], withholding, party)

    async def evidence_page(
        self, investigation_id: UUID, party: str, query: RegisterQuery, point: Point = NOW
    ) -> EvidencePage:
        """One page of the register as `party` may read it: filtered, sorted, from a cursor.
        The search looks in references, and in descriptions only where `party` may read them
        (by the restrictions in force now, whatever the point)."""
        withholding = await self.withholding(investigation_id)
        where = point.conditions("e.investigation_id", "e", investigation_id)
        cells = point.matrix("a")
        where.add("e.country = {}", query.party)
        where.add("e.kind = {}", query.kind)
        where.add("c.custodian_id = {}", query.custodian)
        where.add("e.authorisation_id = {}", query.authorisation)
        if query.restricted is not None:
            restricted = [
                item for item, (_, r) in withholding.restricted.items() if r != UNRESTRICTED
            ]
            where.add(("" if query.restricted else "NOT ") + "e.evidence_id = ANY({})", restricted)
        if query.outcome is not None:
            where.add(
                f"EXISTS (SELECT FROM {cells} WHERE a.evidence_id = e.evidence_id "
                "AND a.country = {} AND a.outcome = {})",
                query.forum or party,
                query.outcome.value,
            )
        if query.rule is not None:
            where.add(
                f"EXISTS (SELECT FROM {cells}, json_array_elements(a.results) r "
                "WHERE a.evidence_id = e.evidence_id AND a.country = {} "
                "AND r->>'rule' = {} AND r->>'outcome' <> 'PASS')",
                query.forum or party,
                query.rule,
            )
        if query.search:
            unreadable = [
                item for item in withholding.restricted if not withholding.may_read(item, party)
            ]
            pattern = _pattern(query.search)
            words = re.findall(r"\w+", query.search)
            if not words:  # nothing a description could be searched for
                where.add("e.reference ILIKE {0}", pattern)
            else:
                # each word as the start of a word, or as a word of the team's languages
                prefixes = " & ".join(f"{word}:*" for word in words)
                stemmed = " || ".join(
                    f"websearch_to_tsquery('{config}', {{3}})" for config in SEARCH_LANGUAGES
                )
                # the kept rows have no index of their words: computed as the table's are
                searched = (
                    "e.description_search"
                    if point.position is None
                    else f"({DESCRIPTION_SEARCH.replace('description', 'e.description')})"
                )
                where.add(
                    f"(e.reference ILIKE {{0}} OR ({searched} @@ "
                    f"(to_tsquery('simple', {{2}}) || {stemmed}) "
                    "AND NOT e.evidence_id = ANY({1})))",
                    pattern,
                    unreadable,
                    prefixes,
                    query.search,
                )
        if query.disagreeing is not None:
            where.add(f"w.outcomes {'>' if query.disagreeing else '<='} 1")
        joined = _register_from(point) + (_verdicts(point) if query.judged else "")
        # counted without each item's verdicts unless a filter reads them: the join keeps
        # one row an item, and its subquery an item would make the count grow with them
        counted = _register_from(point) + (
            _verdicts(point) if query.disagreeing is not None else ""
        )
        cte = point.with_cells if query.judged else ""
        async with self.pool.acquire() as conn:
            total = await _total(
                conn,
                Listed("rm_evidence", investigation_id, point),
                where,
                f"{cte}SELECT count(*) {counted} WHERE {where.sql}",
            )
        keyset = Keyset(
            "w.worst" if query.sort is RegisterSort.WORST else f"e.{query.sort.value}",
            query.sort.value,
            "e.evidence_id",
            _REGISTER_SORT_KINDS.get(query.sort, str),
            query.descending,
        )
        keyset.start_after(where, query.after)
        columns = _REGISTER_COLUMNS + (", w.worst" if query.judged else "")
        rows = await self.pool.fetch(
            f"{cte}SELECT {columns} {joined} WHERE {where.sql} "
            f"ORDER BY {keyset.order} LIMIT {int(query.limit) + 1}",
            *where.values,
        )
        items = _as_read_by([dict(r) for r in rows[: query.limit]], withholding, party)
        next_cursor = keyset.next(rows, query.limit)
        return EvidencePage(items=items, next=next_cursor, total=total)

    async def lineage(self, investigation_id: UUID, evidence_id: UUID, party: str) -> Lineage:
        """The tree of items made from one another that the item belongs to, as `party` may
        read it (the register's rows)."""
        rows = await self.pool.fetch(
            _LINEAGE,
            investigation_id,
            evidence_id,
        )
        withholding = await self.withholding(investigation_id)
        found = [dict(r) for r in rows]
        links = [(row.pop("parent_id"), row.pop("relation")) for row in found]
        summaries = _as_read_by(found, withholding, party)
        return lineage_of(
            evidence_id,
            {
                s.id: (s, parent, None if relation is None else DerivationKind(relation))
                for s, (parent, relation) in zip(summaries, links, strict=True)
            },
        )

    async def tasks(self, investigation_id: UUID) -> list[TaskSummary]:
        rows = await self.pool.fetch(
            "SELECT task_id AS id, title, status, assignee_id, due_on, created_at, version "
            "FROM rm_tasks WHERE investigation_id = $1 ORDER BY created_at, task_id",
            investigation_id,
        )
        return [msgspec.convert(dict(r), TaskSummary) for r in rows]

    async def task_page(
        self, investigation_id: UUID, query: TaskQuery, point: Point = NOW
    ) -> TaskPage:
        """One page of the task list: filtered, sorted, from a cursor."""
        where = point.conditions("investigation_id", "t", investigation_id)
        where.add("status = {}", query.status)
        where.add("assignee_id = {}", query.assignee)
        where.add("due_on <= {}", query.due_before)
        where.add("due_on >= {}", query.due_after)
        where.add("title ILIKE {}", None if query.search is None else _pattern(query.search))
        # no due date sorts last: as if due at the end of time
        column = SORT_EXPRESSIONS.get(query.sort.value, query.sort.value)
        kind = {TaskSort.CREATED_AT: datetime, TaskSort.DUE_ON: date}.get(query.sort, str)
        keyset = Keyset(column, "sort_key", "task_id", kind, query.descending)
        rows, total = await self._page(
            point.table("rm_tasks", "t"),
            _TASK_COLUMNS,
            where,
            keyset,
            query,
            Listed("rm_tasks", investigation_id, point),
        )
        return TaskPage(
            [msgspec.convert(_without_key(r), TaskSummary) for r in rows[: query.limit]],
            keyset.next(rows, query.limit),
            total,
        )

    async def authorisation_page(
        self, investigation_id: UUID, query: AuthorisationQuery, point: Point = NOW
    ) -> AuthorisationPage:
        """One page of the authorisations: filtered, sorted, from a cursor; the status as it
        was at the point's time (now, or the moment read as of)."""
        where = point.conditions("investigation_id", "a", investigation_id)
        where.add("country = {}", query.party)
        where.add("kind = {}", query.kind)
        if query.status is not None:
            status = _AUTHORISATION_STATUS[query.status]
            where.add(status, *([point.now] if "{" in status else []))
        if query.search is not None:
            where.add("(reference ILIKE {0} OR authority ILIKE {0})", _pattern(query.search))
        kind = {
            AuthorisationSort.VALID_FROM: datetime,
            AuthorisationSort.VALID_UNTIL: datetime,
        }.get(query.sort, str)
        keyset = Keyset(query.sort.value, "sort_key", "authorisation_id", kind, query.descending)
        rows, total = await self._page(
            point.table("rm_authorisations", "a"),
            _AUTHORISATION_COLUMNS,
            where,
            keyset,
            query,
            Listed("rm_authorisations", investigation_id, point),
        )
        return AuthorisationPage(
            [msgspec.convert(_without_key(r), AuthorisationSummary) for r in rows[: query.limit]],
            keyset.next(rows, query.limit),
            total,
        )

    async def custody_audit_page(
        self, investigation_id: UUID, query: CustodyAuditQuery, point: Point = NOW
    ) -> CustodyAuditPage:
        """One page of the items whose chain of custody has a defect: filtered, sorted, from
        a cursor."""
        where = point.conditions("c.investigation_id", "c", investigation_id)
        where.add(f"c.defect_count > 0 AND {point.held('e')}")
        where.add("e.reference ILIKE {}", None if query.search is None else _pattern(query.search))
        where.add(
            "EXISTS (SELECT FROM jsonb_array_elements(c.chain->'defects') d WHERE d->>'code' = {})",
            query.code,
        )
        column = "c.defect_count" if query.sort is CustodyAuditSort.DEFECTS else "e.reference"
        kind = int if query.sort is CustodyAuditSort.DEFECTS else str
        keyset = Keyset(column, "sort_key", "c.evidence_id", kind, query.descending)
        rows, total = await self._page(
            f"{point.table('rm_custody_items', 'c')} "
            f"JOIN {point.table('rm_evidence', 'e')} ON e.evidence_id = c.evidence_id",
            "c.evidence_id AS id, e.reference, c.chain->'defects' AS defects",
            where,
            keyset,
            query,
        )
        items = [
            AuditedItem(
                r["id"], r["reference"], msgspec.json.decode(r["defects"], type=list[CustodyDefect])
            )
            for r in rows[: query.limit]
        ]
        return CustodyAuditPage(items, keyset.next(rows, query.limit), total)

    async def investigation_page(
        self, user_id: UUID, query: InvestigationQuery
    ) -> InvestigationPage:
        """One page of the investigations the user is a member of: filtered, sorted, from a
        cursor."""
        where = Conditions("m.user_id = $1", user_id)
        where.add("i.status = {}", query.status)
        if query.search is not None:
            where.add(
                "(i.name ILIKE {0} OR i.agreement_reference ILIKE {0})", _pattern(query.search)
            )
        column = "i.name" if query.sort is InvestigationSort.NAME else "i.opened_at"
        kind = str if query.sort is InvestigationSort.NAME else datetime
        keyset = Keyset(column, "sort_key", "i.investigation_id", kind, query.descending)
        rows, total = await self._page(
            "rm_members m JOIN rm_investigations i USING (investigation_id)",
            _INVESTIGATION_COLUMNS,
            where,
            keyset,
            query,
        )
        return InvestigationPage(
            [msgspec.convert(_without_key(r), InvestigationSummary) for r in rows[: query.limit]],
            keyset.next(rows, query.limit),
            total,
        )

    async def _page(
        self,
        source: str,
        columns: str,
        where: Conditions,
        keyset: Keyset,
        query: TaskQuery | AuthorisationQuery | CustodyAuditQuery | InvestigationQuery,
        listed: Listed | None = None,
    ) -> tuple[list[asyncpg.Record], int]:
        """The rows of a page (one more than its limit: whether another follows) and how
        many rows match the filters, read in one snapshot. `listed`: the list, if its
        total is kept (`_total`)."""
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            count = f"SELECT count(*) FROM {source} WHERE {where.sql}"  # noqa: S608 (our own text)
            if listed is None:
                total = await conn.fetchval(count, *where.values)
            else:
                total = await _total(conn, listed, where, count)
            keyset.start_after(where, query.after)
            rows = await conn.fetch(
                f"SELECT {columns}, {keyset.column} AS sort_key FROM {source} "  # noqa: S608
                f"WHERE {where.sql} ORDER BY {keyset.order} LIMIT {int(query.limit) + 1}",
                *where.values,
            )
        return rows, int(total)

    async def authorisations(self, investigation_id: UUID) -> list[AuthorisationSummary]:
        rows = await self.pool.fetch(
            "SELECT authorisation_id AS id, kind, country, authority, reference, valid_from, "
            "valid_until, revoked, version, annulled FROM rm_authorisations "
            "WHERE investigation_id = $1 ORDER BY valid_from, authorisation_id",
            investigation_id,
        )
        return [msgspec.convert(dict(r), AuthorisationSummary) for r in rows]

    async def custody_chain(
        self, investigation_id: UUID, evidence_id: UUID, party: str
    ) -> CustodyChain | None:
        """The item's chain of custody as `party` may read it."""
        row = await self.pool.fetchrow(
            "SELECT chain, version FROM rm_custody_items "
            "WHERE investigation_id = $1 AND evidence_id = $2",
            investigation_id,
            evidence_id,
        )
        if row is None:
            return None
        chain: dict[str, Any] = msgspec.json.decode(row["chain"])
        whole = msgspec.convert(
            {**chain, "evidence_id": evidence_id, "version": row["version"]}, CustodyChain
        )
        withholding = await self.withholding(investigation_id)
        return custody_for(whole, withholding.may_read(evidence_id, party))

    async def custody_defects(
        self, investigation_id: UUID
    ) -> list[tuple[UUID, str, list[CustodyDefect]]]:
        """The items whose chain of custody has a defect, with their defects, by reference."""
        rows = await self.pool.fetch(
            "SELECT c.evidence_id, e.reference, c.chain->'defects' AS defects "
            "FROM rm_custody_items c JOIN rm_evidence e USING (evidence_id) "
            "WHERE c.investigation_id = $1 AND c.defect_count > 0 "
            "ORDER BY e.reference, c.evidence_id",
            investigation_id,
        )
        return [
            (
                r["evidence_id"],
                r["reference"],
                msgspec.json.decode(r["defects"], type=list[CustodyDefect]),
            )
            for r in rows
        ]

    async def admissibility(
        self, investigation_id: UUID, evidence_id: UUID | list[UUID] | None = None
    ) -> list[Row]:
        """The matrix cells of the investigation (or of one of its items), as kept live, and
        evaluated again now where a deadline has passed since (with the facts they were
        evaluated on: cells and facts are written in one transaction)."""
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            rows = await self._admissibility_rows(conn, investigation_id, evidence_id)
            now = datetime.now(UTC)
            if not any((t := r.verdict.changes_on()) is not None and t <= now for r in rows):
                return rows
            stored = await conn.fetchrow(SELECT_FACTS.format("$1"), investigation_id)
        if stored is None:
            return rows
        return await to_thread.run_sync(
            lambda: revisited(facts_of(stored["facts"], stored["items"]), rows, now)
        )

    async def _admissibility_rows(
        self,
        conn: asyncpg.Connection,
        investigation_id: UUID,
        evidence_id: UUID | list[UUID] | None,
    ) -> list[Row]:
        items = [evidence_id] if isinstance(evidence_id, UUID) else evidence_id
        rows = await conn.fetch(
            f"SELECT {CELL_COLUMNS} FROM rm_admissibility WHERE investigation_id = $1 "  # noqa: S608 (constant text)
            "AND ($2::uuid[] IS NULL OR evidence_id = ANY($2))",
            investigation_id,
            items,
        )
        return [cell_row(r) for r in rows]


# a cell of the matrix as a list filtered or sorted by verdicts reads it at a position
_EVALUATED = "evidence_id uuid, country text, outcome text, results json"


def evaluated_cells(rows: list[Row]) -> str:
    """Cells evaluated at a position, as a list reads them there (`Point.cells`)."""
    return msgspec.json.encode(
        [
            {
                "evidence_id": r.verdict.evidence_id,
                "country": r.verdict.country,
                "outcome": r.verdict.outcome.value,
                "results": r.verdict.results,
            }
            for r in rows
        ]
    ).decode()


# a cell of the matrix, as `cell_row` reads it
CELL_COLUMNS = (
    "evidence_id, country, reference, verdict, outcome, results::text AS results, evaluated_on"
)


def cell_row(r: asyncpg.Record) -> Row:
    """A cell of the matrix as the read model keeps it (`CELL_COLUMNS`)."""
    return Row(
        r["reference"],
        CountryVerdict(
            r["evidence_id"],
            r["country"],
            Verdict(r["verdict"]),
            Outcome(r["outcome"]),
            msgspec.json.decode(r["results"], type=tuple[RuleResult, ...]),
        ),
        r["evaluated_on"],
    )


def _without_key(row: asyncpg.Record) -> dict[str, Any]:
    """A page's row without its sort value (the cursor's)."""
    return {k: v for k, v in row.items() if k != "sort_key"}


def _as_read_by(
    rows: list[dict[str, Any]], withholding: Withholding, party: str
) -> list[EvidenceSummary]:
    """Register rows as `party` may read them: descriptions withheld where restricted."""
    summaries = [msgspec.convert(row, EvidenceSummary) for row in rows]
    for summary in summaries:
        if not withholding.may_read(summary.id, party):
            summary.description = None
            summary.withheld = ["description"]
    return summaries
