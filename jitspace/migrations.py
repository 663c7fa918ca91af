"""Versioned schema migrations: what `jitspace migrate` applies, and what a process checks
at start.

The database records each version applied in `schema_migrations`. Version 1 is the schema as
JITspace made it at start before migrations were versioned: idempotent statements, so a
database made then is adopted as it stands. Each later version is a step of plain SQL,
applied once, in order, each in its own transaction with its row in `schema_migrations`.
`migrate` holds a PostgreSQL advisory lock while it works: a second one at the same time
waits for it, then finds nothing left to do.

Stored events are never rewritten by a migration: their hash chain covers their stored
bytes. An event's stored form changes through its class (`class_version` and its
`upcast_vN_vM` methods, applied by the mapper as events are read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import Cursor

from jitspace.auth import identity, login_throttle, security_log
from jitspace.ledger.checkpoints import create_checkpoints_table
from jitspace.ledger.eventlog import EventLog
from jitspace.storage import upload_sessions
from projections import admissibility, custody, registers
from projections.history import Versions

# one migrating process at a time, whatever the command that migrates
MIGRATIONS_LOCK = "SELECT pg_advisory_lock(hashtext('jitspace schema migrations'))"
MIGRATIONS_UNLOCK = "SELECT pg_advisory_unlock(hashtext('jitspace schema migrations'))"
CREATE_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version integer PRIMARY KEY, name text NOT NULL, "
    "applied_at timestamptz NOT NULL DEFAULT now())"
)

Step = Callable[[Cursor[Any], EventLog], None]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Step


def sql(*statements: str) -> Step:
    """A step of plain SQL statements, run in the migration's transaction."""

    def apply(curs: Cursor[Any], log: EventLog) -> None:
        for statement in statements:
            curs.execute(statement.encode())

    return apply


def _adopt_first_schema(curs: Cursor[Any], log: EventLog) -> None:
    """The tables JITspace made at start before migrations were versioned, as it made them
    (each statement leaves what exists as it is)."""
    # the log's events, their indexes and the unique keys (filled from the events a log
    # already holds), made by the recorder in its own transaction, under its own lock
    log.create_table()
    curs.execute(create_checkpoints_table(log))
    for schema in (
        identity.SCHEMA,
        login_throttle.SCHEMA,
        security_log.SCHEMA,
        upload_sessions.SCHEMA,
    ):
        curs.execute(schema.encode())
    for statement in (*registers.TABLES, *custody.TABLES, *admissibility.TABLES):
        curs.execute(statement.encode())


def _index_recorded_times(curs: Cursor[Any], log: EventLog) -> None:
    curs.execute(log.recorded_index)


# every cell is evaluated again, from the log, by the admissibility projection when a worker
# next starts (its tracking position is forgotten; its marker row of the library's tracking
# layout is kept)
REBUILD_ADMISSIBILITY = (
    "TRUNCATE rm_admissibility, rm_admissibility_facts, rm_admissibility_item_facts",
    "DO $$ BEGIN IF to_regclass('admissibility_tracking') IS NOT NULL THEN "
    "DELETE FROM admissibility_tracking WHERE application_name <> '__migration__'; "
    "END IF; END $$",
)

# what migration 9 added and migration 10 dropped: the log position each matrix cell held
# from, and the cells' versions (the matrix of the past is now evaluated when it is read)
CELL_POSITION = (
    "ALTER TABLE rm_admissibility ADD COLUMN IF NOT EXISTS from_position bigint NOT NULL DEFAULT 0"
)
KEPT_CELLS = Versions(
    "rm_admissibility",
    ("evidence_id", "country"),
    (
        "evidence_id uuid NOT NULL",
        "country text NOT NULL",
        "investigation_id uuid NOT NULL",
        "reference text NOT NULL",
        "verdict text NOT NULL",
        "outcome text NOT NULL",
        "results json NOT NULL",
        "evaluated_on timestamptz NOT NULL",
        "changes_on timestamptz",
    ),
)
# the facts' versions the matrix keeps
KEPT_FACTS = f"{admissibility.KEPT_FACTS.table}, {admissibility.KEPT_ITEM_FACTS.table}"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the schema as JITspace made it at start", _adopt_first_schema),
    # ending a user's sessions (disabled, password dropped) finds them by user
    Migration(
        2,
        "index the sessions by user",
        sql("CREATE INDEX IF NOT EXISTS sessions_user_idx ON sessions (user_id)"),
    ),
    # a verdict is now its worst definite outcome (a missing fact no longer outranks a
    # risk), and an EU body is no longer a forum: every cell is evaluated again, from the
    # log, by the admissibility projection when a worker next starts (its tracking position
    # is forgotten; its marker row of the library's tracking layout is kept)
    Migration(
        3,
        "rebuild the admissibility matrix: verdicts by their worst definite outcome, states only",
        sql(*REBUILD_ADMISSIBILITY),
    ),
    # the register's search finds a description by its words, in the team's languages, on
    # an index, where it scanned every description of the investigation for a substring
    Migration(
        4,
        "search the descriptions by their words, in the team's languages",
        sql(registers.SEARCH_COLUMN, registers.SEARCH_INDEX),
    ),
    # the register shows whether a legal hold is on an item and whether its files were
    # deleted under retention
    Migration(
        5,
        "show legal holds and deletions under retention in the evidence register",
        sql(registers.RETENTION_COLUMNS),
    ),
    # a read `as_of` a time finds the investigation's last event recorded by then on an
    # index, where it scanned the investigation's events
    Migration(6, "index the events by investigation and recorded time", _index_recorded_times),
    # the registers and the custody chains keep each row's versions with the log positions
    # between which they held, for the lists as of a point: both projections are built again
    # from the log when a worker next starts (their tracking positions are forgotten; their
    # marker rows of the library's tracking layout are kept)
    Migration(
        7,
        "keep the history of the registers and the custody chains for reads as of a point",
        sql(
            *registers.HISTORY_TABLES,
            *custody.HISTORY_TABLES,
            "TRUNCATE rm_investigations, rm_members, rm_evidence, rm_tasks, rm_authorisations, "
            "rm_custody_history, rm_custody_members, rm_custody_items, rm_custody_gaps",
            "DO $$ BEGIN IF to_regclass('registers_tracking') IS NOT NULL THEN "
            "DELETE FROM registers_tracking WHERE application_name <> '__migration__'; "
            "END IF; END $$",
            "DO $$ BEGIN IF to_regclass('custody_tracking') IS NOT NULL THEN "
            "DELETE FROM custody_tracking WHERE application_name <> '__migration__'; "
            "END IF; END $$",
        ),
    ),
    # the matrix keeps when a deadline next changes each cell, so the working worker finds
    # the cells whose deadline has passed on an index and evaluates them again; and it is
    # rebuilt from the log: the facts now keep what was recorded late (PR-02), a forum's
    # disclosure schedule (DI-01) and rulings (AU-07), where an item was collected, the
    # agreement's extensions and the parties that left (AU-08)
    Migration(
        8,
        "keep when a deadline next changes each admissibility cell; rebuild the matrix",
        sql(admissibility.DEADLINE_COLUMN, admissibility.DEADLINE_INDEX, *REBUILD_ADMISSIBILITY),
    ),
    # the matrix keeps each cell's versions, and the facts', with the log positions between
    # which they held, for the matrix as of a point (and on another date) without a replay:
    # rebuilt from the log when a worker next starts
    Migration(
        9,
        "keep the history of the admissibility matrix and its facts; rebuild the matrix",
        sql(
            CELL_POSITION,
            *KEPT_CELLS.create,
            *admissibility.HISTORY_TABLES,
            f"TRUNCATE {KEPT_CELLS.table}, {KEPT_FACTS}",
            *REBUILD_ADMISSIBILITY,
        ),
    ),
    # the matrix as of a point is evaluated when it is read, on the facts' versions: the
    # cells' versions, and the position each cell held from, are dropped, and the matrix is
    # rebuilt from the log when a worker next starts (its facts' versions with it)
    Migration(
        10,
        "evaluate the admissibility matrix of the past when it is read; rebuild the matrix",
        sql(
            f"DROP TABLE IF EXISTS {KEPT_CELLS.table}",
            "ALTER TABLE rm_admissibility DROP COLUMN IF EXISTS from_position",
            f"TRUNCATE {KEPT_FACTS}",
            *REBUILD_ADMISSIBILITY,
        ),
    ),
    # a page of the register, the matrix, the tasks or the authorisations reads its rows in
    # the order asked on an index (it sorted the whole list), and, if no filter narrows it,
    # its `total` from a count kept with each row the list gains (now or as of any point)
    # instead of counting the rows: counted from the rows' kept versions
    Migration(
        11,
        "index the lists' orders; keep how many rows each list holds, from each point",
        sql(*registers.SORT_INDEXES, registers.TOTALS, *registers.COUNT_KEPT),
    ),
)
LATEST = MIGRATIONS[-1].version


class SchemaBehind(Exception):
    """The database's schema is older than this JITspace needs."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"the database schema is at version {version}, this JITspace needs {LATEST}: "
            "run `jitspace migrate`"
        )
        self.version = version


def schema_version(url: str) -> int:
    """The latest version applied to this database (0: none, or made before versions)."""
    with psycopg.connect(url, autocommit=True) as conn:
        present = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        if present is None or not present[0]:
            return 0
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row is not None else 0


def check_schema(url: str) -> None:
    """Refuse to go on if the database lacks migrations this JITspace needs. A database
    ahead of it (a newer JITspace migrated it) is used as it is: migrations only add."""
    version = schema_version(url)
    if version < LATEST:
        raise SchemaBehind(version)


def migrate(url: str, log: EventLog) -> list[Migration]:
    """Apply the migrations the database at `url` lacks, in order; the ones applied."""
    applied: list[Migration] = []
    with psycopg.connect(url, autocommit=True) as conn:
        # wait for another migrating process as long as it takes, whatever the role's default
        conn.execute("SET lock_timeout = 0")
        conn.execute(MIGRATIONS_LOCK)
        try:
            conn.execute(CREATE_MIGRATIONS_TABLE)
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for migration in MIGRATIONS:
                if migration.version in done:
                    continue
                with conn.transaction(), conn.cursor() as curs:
                    migration.apply(curs, log)
                    curs.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                        (migration.version, migration.name),
                    )
                applied.append(migration)
        finally:
            conn.execute(MIGRATIONS_UNLOCK)
    return applied
