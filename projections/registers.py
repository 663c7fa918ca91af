"""The workspace registers: investigations and their members, evidence, tasks, authorisations.

One row per record, enough for list pages; the full record is read from its aggregate.
Rows and the tracking position are written in one transaction, so an event is applied
exactly once however often it is delivered; behind the head of the log, the rows of up to a
batch of events (projections/batches.py).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL

from domain.authorisation import LegalAuthorisation
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.task import Task
from projections.batches import InBatches, Statement, TrackedView, Write
from projections.history import Kept

# the languages a description is searched in, beside its words as they are (prefixes): the
# team's working languages, each with PostgreSQL's stemmer ("ledgers" finds "ledger")
SEARCH_LANGUAGES = ("english", "french", "dutch", "german")
DESCRIPTION_SEARCH = " || ".join(
    f"to_tsvector('{config}', description)" for config in ("simple", *SEARCH_LANGUAGES)
)
SEARCH_COLUMN = (
    "ALTER TABLE rm_evidence ADD COLUMN IF NOT EXISTS description_search tsvector "
    f"GENERATED ALWAYS AS ({DESCRIPTION_SEARCH}) STORED"
)
# retention: whether a legal hold is on an item, and when its files were deleted under
# retention (registers built before get false and null: the events are newer than them)
RETENTION_COLUMNS = (
    "ALTER TABLE rm_evidence "
    "ADD COLUMN IF NOT EXISTS legal_hold boolean NOT NULL DEFAULT false, "
    "ADD COLUMN IF NOT EXISTS deleted_at timestamptz"
)
SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS rm_evidence_search_idx ON rm_evidence "
    "USING gin (description_search)"
)

TABLES = (
    """CREATE TABLE IF NOT EXISTS rm_investigations (
        investigation_id uuid PRIMARY KEY, name text NOT NULL, agreement_reference text NOT NULL,
        purpose text NOT NULL, period_start date NOT NULL, period_end date NOT NULL,
        parties text[] NOT NULL, status text NOT NULL, opened_at timestamptz NOT NULL,
        version bigint NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rm_members (
        investigation_id uuid NOT NULL, user_id uuid NOT NULL, name text NOT NULL,
        country text NOT NULL, role text NOT NULL, joined_at timestamptz NOT NULL,
        PRIMARY KEY (investigation_id, user_id))""",
    "CREATE INDEX IF NOT EXISTS rm_members_user_idx ON rm_members (user_id)",
    """CREATE TABLE IF NOT EXISTS rm_evidence (
        evidence_id uuid PRIMARY KEY, investigation_id uuid NOT NULL, reference text NOT NULL,
        country text NOT NULL, kind text NOT NULL, description text NOT NULL,
        collected_at timestamptz NOT NULL, registered_at timestamptz NOT NULL,
        authorisation_id uuid, version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_evidence_inv_idx ON rm_evidence (investigation_id)",
    # lineage: the item this one was made from, and how (registers built before it get the
    # columns empty; a rebuild of the projection fills them)
    "ALTER TABLE rm_evidence ADD COLUMN IF NOT EXISTS parent_id uuid, "
    "ADD COLUMN IF NOT EXISTS relation text",
    "CREATE INDEX IF NOT EXISTS rm_evidence_parent_idx ON rm_evidence (parent_id)",
    # full-text search of the descriptions (`DESCRIPTION_SEARCH`), kept by PostgreSQL itself
    SEARCH_COLUMN,
    SEARCH_INDEX,
    """CREATE TABLE IF NOT EXISTS rm_tasks (
        task_id uuid PRIMARY KEY, investigation_id uuid NOT NULL, title text NOT NULL,
        status text NOT NULL, assignee_id uuid, due_on date, created_at timestamptz NOT NULL,
        version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_tasks_inv_idx ON rm_tasks (investigation_id)",
    """CREATE TABLE IF NOT EXISTS rm_authorisations (
        authorisation_id uuid PRIMARY KEY, investigation_id uuid NOT NULL, kind text NOT NULL,
        country text NOT NULL, authority text NOT NULL, reference text NOT NULL,
        valid_from timestamptz NOT NULL, valid_until timestamptz NOT NULL,
        revoked boolean NOT NULL, version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_authorisations_inv_idx ON rm_authorisations (investigation_id)",
    # a court annulled it (registers built before get false; a rebuild fills it)
    "ALTER TABLE rm_authorisations "
    "ADD COLUMN IF NOT EXISTS annulled boolean NOT NULL DEFAULT false",
    RETENTION_COLUMNS,
)

# how many rows each list of an investigation holds, from each log position that added one
# (rows are never taken out of these lists): a page's `total` without counting its rows, now
# or as of any point
TOTALS = """CREATE TABLE IF NOT EXISTS rm_totals (
        investigation_id uuid NOT NULL, list text NOT NULL, from_position bigint NOT NULL,
        total bigint NOT NULL, PRIMARY KEY (investigation_id, list, from_position))"""
# the orders each list can be read in, a page at a time (the register's, the tasks', the
# authorisations' sorts; by the column, then the row's id): each on an index of the table
# and of its kept versions, so that a page reads its rows in order rather than sorting the
# whole list, now or as of a point
SORTED = {
    ("rm_evidence", "evidence_id"): (
        "registered_at",
        "reference",
        "kind",
        "country",
        "collected_at",
    ),
    ("rm_tasks", "task_id"): ("created_at", "due_on", "title", "status"),
    ("rm_authorisations", "authorisation_id"): (
        "valid_from",
        "valid_until",
        "reference",
        "kind",
        "country",
    ),
}
# a task without a due date sorts last, as if due at the end of time
SORT_EXPRESSIONS = {"due_on": "(coalesce(due_on, 'infinity'::date))"}
SORT_INDEXES = tuple(
    f"CREATE INDEX IF NOT EXISTS {name}_by_{column} ON {name} "
    f"(investigation_id, {SORT_EXPRESSIONS.get(column, column)}, {key})"
    for (table, key), columns in SORTED.items()
    for name in (table, f"{table}_history")
    for column in columns
)
# the events that add a row to a counted list, and its table
COUNTED = (
    (EvidenceItem.Registered, "rm_evidence"),
    (Task.Created, "rm_tasks"),
    (LegalAuthorisation.Recorded, "rm_authorisations"),
)
COUNT_ONE_MORE = (
    "INSERT INTO rm_totals (investigation_id, list, from_position, total) "
    "SELECT %s, %s, %s, coalesce((SELECT total FROM rm_totals WHERE investigation_id = %s "
    "AND list = %s ORDER BY from_position DESC LIMIT 1), 0) + 1 ON CONFLICT DO NOTHING"
)
# the totals of the lists made before they were counted, from the rows' kept versions
COUNT_KEPT = tuple(
    "INSERT INTO rm_totals (investigation_id, list, from_position, total) "  # noqa: S608
    f"SELECT investigation_id, '{table}', first, row_number() OVER "
    "(PARTITION BY investigation_id ORDER BY first) FROM (SELECT investigation_id, "
    f"min(from_position) AS first FROM {table}_history GROUP BY investigation_id, {key}) s "
    "ON CONFLICT DO NOTHING"
    for table, key in (
        ("rm_evidence", "evidence_id"),
        ("rm_tasks", "task_id"),
        ("rm_authorisations", "authorisation_id"),
    )
)

# the registers whose rows keep their history (projections/history.py): the lists as of a
# point of the log (the evidence register, tasks, authorisations) read them
KEPT_EVIDENCE = Kept(
    "rm_evidence",
    "evidence_id",
    (
        "evidence_id",
        "investigation_id",
        "reference",
        "country",
        "kind",
        "description",
        "collected_at",
        "registered_at",
        "authorisation_id",
        "version",
        "parent_id",
        "relation",
        "legal_hold",
        "deleted_at",
    ),
)
KEPT_TASKS = Kept(
    "rm_tasks",
    "task_id",
    (
        "task_id",
        "investigation_id",
        "title",
        "status",
        "assignee_id",
        "due_on",
        "created_at",
        "version",
    ),
)
KEPT_AUTHORISATIONS = Kept(
    "rm_authorisations",
    "authorisation_id",
    (
        "authorisation_id",
        "investigation_id",
        "kind",
        "country",
        "authority",
        "reference",
        "valid_from",
        "valid_until",
        "revoked",
        "version",
        "annulled",
    ),
)
KEPT = {kept.table: kept for kept in (KEPT_EVIDENCE, KEPT_TASKS, KEPT_AUTHORISATIONS)}
HISTORY_TABLES = (
    *KEPT_EVIDENCE.create(
        "evidence_id uuid NOT NULL, investigation_id uuid NOT NULL, reference text NOT NULL, "
        "country text NOT NULL, kind text NOT NULL, description text NOT NULL, "
        "collected_at timestamptz NOT NULL, registered_at timestamptz NOT NULL, "
        "authorisation_id uuid, version bigint NOT NULL, parent_id uuid, relation text, "
        "legal_hold boolean NOT NULL, deleted_at timestamptz"
    ),
    *KEPT_TASKS.create(
        "task_id uuid NOT NULL, investigation_id uuid NOT NULL, title text NOT NULL, "
        "status text NOT NULL, assignee_id uuid, due_on date, created_at timestamptz NOT NULL, "
        "version bigint NOT NULL"
    ),
    *KEPT_AUTHORISATIONS.create(
        "authorisation_id uuid NOT NULL, investigation_id uuid NOT NULL, kind text NOT NULL, "
        "country text NOT NULL, authority text NOT NULL, reference text NOT NULL, "
        "valid_from timestamptz NOT NULL, valid_until timestamptz NOT NULL, "
        "revoked boolean NOT NULL, version bigint NOT NULL, annulled boolean NOT NULL"
    ),
)

# the row each aggregate's events keep: every event moves its version, so an If-Match taken
# from a list page matches the record (not only the events that change a listed column)
REGISTERED = (
    (Investigation.Event, "rm_investigations", "investigation_id"),
    (EvidenceItem.Event, "rm_evidence", "evidence_id"),
    (Task.Event, "rm_tasks", "task_id"),
    (LegalAuthorisation.Event, "rm_authorisations", "authorisation_id"),
)


class RegistersView(TrackedView):
    """The register tables, written together with the tracking position."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(
            SQL(statement).format() for statement in (*TABLES, TOTALS)
        )


class WorkspaceRegisters(InBatches[RegistersView]):
    name = "registers"

    def writes(self, domain_event: Any, position: int) -> list[Write]:
        return [
            *statements(domain_event),
            *kept(domain_event, position),
            *counted(domain_event, position),
        ]


@singledispatch
def statements(e: Any) -> list[Statement]:
    """What an event writes in the registers: by default, its record's new version."""
    return [_update(e)] if _registered(e) is not None else []


@statements.register
def _(e: Investigation.Opened) -> list[Statement]:
    return [
        (
            "INSERT INTO rm_investigations VALUES (%s,%s,%s,%s,%s,%s,%s,'open',%s,%s)",
            (
                e.originator_id,
                e.name,
                e.agreement_reference,
                e.purpose,
                e.period_start,
                e.period_end,
                [p.country for p in e.parties],
                e.timestamp,
                e.originator_version,
            ),
        )
    ]


@statements.register
def _(e: Investigation.PartyJoined) -> list[Statement]:
    return [_update(e, "parties = parties || %s::text", e.party.country)]


@statements.register
def _(e: Investigation.MemberAdded) -> list[Statement]:
    m = e.member
    return [
        (
            "INSERT INTO rm_members VALUES (%s,%s,%s,%s,%s,%s)",
            (e.originator_id, m.user_id, m.name, m.country, m.role.value, e.occurred_at),
        ),
        _update(e),
    ]


@statements.register
def _(e: Investigation.MemberRemoved) -> list[Statement]:
    return [
        (
            "DELETE FROM rm_members WHERE investigation_id = %s AND user_id = %s",
            (e.originator_id, e.user_id),
        ),
        _update(e),
    ]


@statements.register
def _(e: Investigation.MemberRoleChanged) -> list[Statement]:
    return [
        (
            "UPDATE rm_members SET role = %s WHERE investigation_id = %s AND user_id = %s",
            (e.role.value, e.originator_id, e.user_id),
        ),
        _update(e),
    ]


@statements.register
def _(e: Investigation.Closed) -> list[Statement]:
    return [_update(e, "status = 'closed'")]


@statements.register
def _(e: EvidenceItem.Registered) -> list[Statement]:
    return [
        _new_row(
            "rm_evidence",
            e,
            e.reference,
            e.country,
            e.kind.value,
            e.description,
            e.occurred_at,
            e.timestamp,
            e.authorisation_id,
        )
    ]


@statements.register
def _(e: EvidenceItem.DescriptionAmended) -> list[Statement]:
    return [_update(e, "description = %s", e.description)]


@statements.register
def _(e: EvidenceItem.Derived) -> list[Statement]:
    return [_update(e, "parent_id = %s, relation = %s", e.parent_id, e.relation.value)]


@statements.register
def _(e: EvidenceItem.LegalHoldPlaced) -> list[Statement]:
    return [_update(e, "legal_hold = true")]


@statements.register
def _(e: EvidenceItem.LegalHoldReleased) -> list[Statement]:
    return [_update(e, "legal_hold = false")]


@statements.register
def _(e: EvidenceItem.DeletedUnderRetention) -> list[Statement]:
    return [_update(e, "deleted_at = %s", e.occurred_at)]


@statements.register
def _(e: Task.Created) -> list[Statement]:
    return [_new_row("rm_tasks", e, e.title, "open", None, e.due_on, e.timestamp)]


@statements.register
def _(e: Task.Assigned) -> list[Statement]:
    return [_update(e, "assignee_id = %s", e.assignee_id)]


@statements.register
def _(e: Task.StatusChanged) -> list[Statement]:
    return [_update(e, "status = %s", e.status.value)]


@statements.register
def _(e: Task.Edited) -> list[Statement]:
    return [_update(e, "title = %s, due_on = %s", e.title, e.due_on)]


@statements.register
def _(e: LegalAuthorisation.Recorded) -> list[Statement]:
    return [
        _new_row(
            "rm_authorisations",
            e,
            e.kind.value,
            e.country,
            e.authority,
            e.reference,
            e.valid_from,
            e.valid_until,
            False,  # revoked
        )
    ]


@statements.register
def _(e: LegalAuthorisation.Extended) -> list[Statement]:
    return [_update(e, "valid_until = %s", e.valid_until)]


@statements.register
def _(e: LegalAuthorisation.Annulled) -> list[Statement]:
    return [_update(e, "annulled = true")]


@statements.register
def _(e: LegalAuthorisation.Revoked) -> list[Statement]:
    return [_update(e, "revoked = true")]


def kept(e: Any, position: int) -> list[Statement]:
    """Keep the new version of the event's record's row, from the event's position on."""
    registered = _registered(e)
    if registered is None or registered[0] not in KEPT:
        return []
    return [KEPT[registered[0]].keep(e.originator_id, position)]


def counted(e: Any, position: int) -> list[Statement]:
    """One more row in its investigation's list, from the event's position on, if the event
    adds one."""
    for event_class, table in COUNTED:
        if isinstance(e, event_class):
            investigation = e.investigation_id
            return [(COUNT_ONE_MORE, (investigation, table, position, investigation, table))]
    return []


def _new_row(table: str, e: Any, *columns: Any) -> Statement:
    """Insert the row of the record that `e` creates in an investigation's register: its id,
    its investigation, `columns`, its version."""
    values = (e.originator_id, e.investigation_id, *columns, e.originator_version)
    placeholders = ",".join(["%s"] * len(values))
    return (f"INSERT INTO {table} VALUES ({placeholders})", values)  # noqa: S608


def _registered(e: Any) -> tuple[str, str] | None:
    """The table and key of the registered row of the event's record (None: not registered)."""
    for event_class, table, key in REGISTERED:
        if isinstance(e, event_class):
            return table, key
    return None


def _update(e: Any, assignment: str = "", *values: Any) -> Statement:
    """Set `assignment` (its placeholders take `values`) in the registered row of the event's
    record, and the row's version to the event's."""
    registered = _registered(e)
    assert registered is not None
    table, key = registered
    columns = f"{assignment}, version = %s" if assignment else "version = %s"
    return (
        f"UPDATE {table} SET {columns} WHERE {key} = %s",  # noqa: S608
        (*values, e.originator_version, e.originator_id),
    )
