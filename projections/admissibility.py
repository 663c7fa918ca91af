"""The admissibility matrix: for every evidence item and every party of the JIT, the verdict
of that country's rulebook, with every rule result, the events it rests on and the cure.

The facts of each investigation (`CaseFile`) are kept in their stored form; each event is
folded in and only the items it may change are evaluated again, on the date the event was
recorded. `fold` is the one function both the projection and any replay of the past use,
so a matrix kept live equals the matrix replayed from the log at the same position. The
facts' versions (the investigation's and each item's) are kept with the log positions
between which they held (`Versions`), the cells' are not: the matrix as of a point is
evaluated when it is read, on the facts as they stood then (`matrix_on`).

Verdicts are risk flags for lawyers, not rulings: the court decides.

Rows, facts and the tracking position are written in one transaction. While the projection
is behind the head of the log (a rebuild, a catch-up after downtime) it applies up to
BATCH events per transaction: each cell is evaluated once per batch, the facts an event
changes are encoded once per version kept (before the next event that changes them, or at
the batch's end), and the batch is written by a writer thread while the next one is
folded. The facts are kept item by item, so a batch writes those of the items its events
changed, not the whole investigation again.

Far behind the head, the rules run in evaluator processes: a batch's due items are sent
with their facts in the stored form (those the batch writes anyway), the cells come back
ready to write. Folding, evaluating and writing then use the machine's cores at once,
where a single process would run them one at a time under one interpreter lock.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

import msgspec
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.projection import Projection
from psycopg.sql import SQL

from domain.admissibility.facts import CaseFile, ItemFacts
from domain.admissibility.results import CountryVerdict
from domain.admissibility.verdict import matrix_due
from domain.base import JitAggregate
from projections.batches import TrackedView
from projections.history import Versions, held_at

logger = logging.getLogger(__name__)
BATCH = 1000  # most events applied in one transaction while catching up
CACHED_CASES = 64  # investigations whose facts are kept decoded in memory between events
# how far behind the head the rules move to evaluator processes (starting one costs a
# fraction of a second), and how many: the cores left beside this process, at most 4
FAR_BEHIND = 5 * BATCH
EVALUATORS = max(1, min(4, len(os.sched_getaffinity(0)) - 1))

# The rule results are kept as json, not jsonb: they are only ever read whole, and parsing
# them into jsonb was most of the server's work in a rebuild (a column made jsonb by an
# earlier version works the same: the results are sent untyped).
# The facts of an investigation but its items, and each item's facts on its own row (an
# earlier version kept the items in rm_admissibility_facts too: such a row is read as it is
# and written item by item the next time its investigation changes).
# When time alone next changes a cell (`CountryVerdict.changes_on`; NULL: never), so the
# working worker finds the cells whose deadline has passed on an index (`jitspace/live/
# deadlines.py`) and evaluates them again
DEADLINE_COLUMN = "ALTER TABLE rm_admissibility ADD COLUMN IF NOT EXISTS changes_on timestamptz"
DEADLINE_INDEX = (
    "CREATE INDEX IF NOT EXISTS rm_admissibility_deadline_idx ON rm_admissibility "
    "(changes_on) WHERE changes_on IS NOT NULL"
)
TABLES = (
    """CREATE TABLE IF NOT EXISTS rm_admissibility_facts (
        investigation_id uuid PRIMARY KEY, facts bytea NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rm_admissibility_item_facts (
        investigation_id uuid NOT NULL, evidence_id uuid NOT NULL, facts bytea NOT NULL,
        PRIMARY KEY (investigation_id, evidence_id))""",
    """CREATE TABLE IF NOT EXISTS rm_admissibility (
        evidence_id uuid NOT NULL, country text NOT NULL, investigation_id uuid NOT NULL,
        reference text NOT NULL, verdict text NOT NULL, outcome text NOT NULL,
        results json NOT NULL, evaluated_on timestamptz NOT NULL,
        PRIMARY KEY (evidence_id, country))""",
    "CREATE INDEX IF NOT EXISTS rm_admissibility_inv_idx ON rm_admissibility (investigation_id)",
    DEADLINE_COLUMN,
    DEADLINE_INDEX,
)


class Upsert:
    """Rows written into one of the read model's tables, replacing those with the same key.

    Many rows (a rebuild's batch) are copied (`COPY`) into a table of the session, emptied at
    each commit, and moved from there with one statement: a COPY costs the client a fraction
    of an INSERT per row. A few rows (an event, live) are inserted as they are: the session
    table would cost more round trips than it saves."""

    COPY_FROM = 32  # rows

    def __init__(self, table: str, key: tuple[str, ...], replaced: tuple[str, ...]) -> None:
        columns = len(key) + len(replaced)
        conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET " + ", ".join(
            f"{column} = EXCLUDED.{column}" for column in replaced
        )
        incoming = f"{table}_incoming"  # names of this module's own tables, never input
        values = ", ".join(["%s"] * columns)
        self.insert = f"INSERT INTO {table} VALUES ({values}) {conflict}"  # noqa: S608
        self.incoming = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {incoming} (LIKE {table}) ON COMMIT DELETE ROWS"
        )
        self.copy = f"COPY {incoming} FROM STDIN"
        self.move = f"INSERT INTO {table} SELECT * FROM {incoming} {conflict}"  # noqa: S608

    def write(self, curs: Any, rows: list[tuple[Any, ...]]) -> None:
        if len(rows) < self.COPY_FROM:
            if rows:
                curs.executemany(self.insert, rows)
            return
        curs.execute(self.incoming)
        with curs.copy(self.copy) as copy:
            for row in rows:
                copy.write_row(row)
        curs.execute(self.move)


# the versions each row of the facts went through (projections/history.py): the matrix as
# of a point is evaluated on them when it is read
KEPT_FACTS = Versions(
    "rm_admissibility_facts",
    ("investigation_id",),
    ("investigation_id uuid NOT NULL", "facts bytea NOT NULL"),
)
KEPT_ITEM_FACTS = Versions(
    "rm_admissibility_item_facts",
    ("investigation_id", "evidence_id"),
    ("investigation_id uuid NOT NULL", "evidence_id uuid NOT NULL", "facts bytea NOT NULL"),
)
HISTORY_TABLES = (*KEPT_FACTS.create, *KEPT_ITEM_FACTS.create)

# the tables, each with its key and the columns an upsert replaces (the rest are the key)
UPSERT_FACTS = Upsert("rm_admissibility_facts", ("investigation_id",), ("facts",))
UPSERT_ITEM_FACTS = Upsert(
    "rm_admissibility_item_facts", ("investigation_id", "evidence_id"), ("facts",)
)
UPSERT_CELLS = Upsert(
    "rm_admissibility",
    ("evidence_id", "country"),
    (
        "investigation_id",
        "reference",
        "verdict",
        "outcome",
        "results",
        "evaluated_on",
        "changes_on",
    ),
)
# an investigation's stored facts in one round trip, `facts_of` puts them together; {0} is
# the driver's placeholder for the investigation's id
SELECT_FACTS = (
    "SELECT facts, ARRAY(SELECT i.facts FROM rm_admissibility_item_facts i "
    "WHERE i.investigation_id = {0}) AS items "
    "FROM rm_admissibility_facts WHERE investigation_id = {0}"
)
# the investigation's facts but its items as they stood at log position $2, from their kept
# versions; and those of the items $3 then (`facts_at`)
# the version that held at $2 is the last one from before it (each is closed at the next
# one's position): found walking the index back from $2, however many came before
SELECT_CASE_AT = (
    f"SELECT facts FROM {KEPT_FACTS.table} f "  # noqa: S608 (constant text)
    f"WHERE f.investigation_id = $1 AND f.from_position <= $2 "
    "AND (f.to_position IS NULL OR f.to_position > $2) ORDER BY f.from_position DESC LIMIT 1"
)
# every item's facts at $2 (the whole matrix), or the named items' ($3), each on the index
# by item: two statements, so that the second's plan is made for the items it names
SELECT_ITEMS_AT = (
    f"SELECT facts FROM {KEPT_ITEM_FACTS.table} i "  # noqa: S608 (constant text)
    f"WHERE i.investigation_id = $1 AND {held_at('i', '$2')}"
)
SELECT_NAMED_ITEMS_AT = f"{SELECT_ITEMS_AT} AND i.evidence_id = ANY($3::uuid[])"


class Row(msgspec.Struct, frozen=True, gc=False):
    """One cell of the matrix: an item's verdict in one country, and the date it is for."""

    reference: str
    verdict: CountryVerdict
    evaluated_on: datetime

    @property
    def key(self) -> tuple[UUID, str]:
        """The cell: the item and the country."""
        return self.verdict.evidence_id, self.verdict.country


class Cell(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A row of the matrix as it is written: the rule results already in their stored form."""

    evidence_id: UUID
    country: str
    investigation_id: UUID
    reference: str
    verdict: str
    outcome: str
    results: str  # JSON
    evaluated_on: datetime
    changes_on: datetime | None  # when a deadline changes it with no event (None: never)


class Due(msgspec.Struct, array_like=True, gc=False):
    """An investigation's items to evaluate, each on its date, with the facts they read, in
    their stored form: the investigation's, and the items' and those they derive from."""

    investigation_id: UUID
    case: bytes
    items: list[bytes]
    on: dict[UUID, datetime]


# -- pure: the same for the projection and for any point of the past ------------------------


def touch(case: CaseFile, e: Any) -> set[UUID]:
    """Fold one event into the facts; the items whose verdicts it may change."""
    return case.affected(case.apply(e))


def evaluate_due(case: CaseFile, due: dict[UUID, datetime]) -> Iterator[Row]:
    """The cells of the items due, each evaluated on its date (its last touching event's)."""
    for v, on in matrix_due(case, due):
        yield Row(case.items[v.evidence_id].reference, v, on)


def cell_of(investigation_id: UUID, row: Row) -> Cell:
    v = row.verdict
    results = _results.encode(v.results).decode()
    return Cell(
        v.evidence_id,
        v.country,
        investigation_id,
        row.reference,
        v.verdict.value,
        v.outcome.value,
        results,
        row.evaluated_on,
        v.changes_on(),
    )


def cells_due(investigation_id: UUID, case: CaseFile, due: dict[UUID, datetime]) -> list[Cell]:
    """`evaluate_due`, the rows as they are written."""
    return [cell_of(investigation_id, row) for row in evaluate_due(case, due)]


def evaluate_stored(batch: bytes) -> bytes:
    """`cells_due` from and to the stored form (`Due`): what an evaluator process runs.

    The collector is off while a batch is evaluated: the rules make many small objects and
    no cycles, so the batch's garbage goes by reference counting, and collections scanning
    objects that all live on cost a fifth of the evaluation."""
    gc.disable()
    try:
        cells: list[Cell] = []
        for due in _due_decoder.decode(batch):
            cells += cells_due(due.investigation_id, facts_of(due.case, due.items), due.on)
        return _encoder.encode(cells)
    finally:
        gc.enable()


def with_sources(case: CaseFile, evidence_ids: Iterable[UUID]) -> set[UUID]:
    """The items and those they derive from, up the line: what their verdicts read."""
    found: set[UUID] = set()
    for evidence_id in evidence_ids:
        while evidence_id not in found and (item := case.items.get(evidence_id)) is not None:
            found.add(evidence_id)
            if item.derivation is None:
                break
            evidence_id = item.derivation.parent_id
    return found


def fold(case: CaseFile, e: Any) -> list[Row]:
    """Fold one event into the facts; the matrix cells it changes, evaluated on its date."""
    touched = touch(case, e)
    if not touched:  # most events (tasks, comments...) change no item's verdict
        return []
    return list(evaluate_due(case, dict.fromkeys(touched, e.timestamp)))


def matrix_as_of(events: Iterable[Any]) -> tuple[CaseFile, dict[tuple[UUID, str], Row]]:
    """The facts and every cell of the matrix after an investigation's events (log order)."""
    case = CaseFile()
    cells: dict[tuple[UUID, str], Row] = {}
    for e in events:
        for row in fold(case, e):
            cells[row.key] = row
    return case, cells


def matrix_on(
    case: CaseFile, on: datetime, items: Iterable[UUID] | None = None
) -> dict[tuple[UUID, str], Row]:
    """Every cell (of these items, if given) evaluated on one date: what had happened by
    then, as the log tells it."""
    due = dict.fromkeys(case.items if items is None else items, on)
    return {row.key: row for row in evaluate_due(case, due)}


def revisited(case: CaseFile, rows: list[Row], now: datetime) -> list[Row]:
    """The cells as they stand now: those a deadline has changed since they were evaluated
    (no event marks a deadline passing) evaluated again, now, on the same facts."""
    due = {
        r.verdict.evidence_id
        for r in rows
        if (deadline := r.verdict.changes_on()) is not None and deadline <= now
    }
    if not due:
        return rows
    fresh = matrix_on(case, now, due)
    return [fresh.get(r.key, r) for r in rows]


def facts_of(stored: bytes, items: Iterable[bytes] = ()) -> CaseFile:
    """The facts the projection keeps for an investigation, as it stored them (`SELECT_FACTS`):
    the investigation's and its items'. Nothing reads the items in order."""
    case = _decoder.decode(stored)
    for item in map(_item_decoder.decode, items):
        case.items[item.evidence_id] = item
    return case


class Facts(NamedTuple):
    """Facts to write, encoded, each version with the position it holds from, in log order:
    of investigations but their items, and of items."""

    cases: list[tuple[UUID, bytes, int]]  # investigation, facts, position
    items: list[tuple[UUID, UUID, bytes, int]]  # investigation, item, facts, position

    def current(self) -> tuple[dict[UUID, bytes], dict[tuple[UUID, UUID], bytes]]:
        """The last version of each: the facts as they stand once these are written."""
        return (
            {i: facts for i, facts, _ in self.cases},
            {(i, evidence_id): facts for i, evidence_id, facts, _ in self.items},
        )


# -- the projection ----------------------------------------------------------------------------

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(CaseFile)
_item_decoder = msgspec.msgpack.Decoder(ItemFacts)
_due_decoder = msgspec.msgpack.Decoder(list[Due])
_cells_decoder = msgspec.msgpack.Decoder(list[Cell])
_results = msgspec.json.Encoder()
astuple = msgspec.structs.astuple


class AdmissibilityView(TrackedView):
    """The matrix and the facts behind it, written together with the tracking position."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(
            SQL(statement).format() for statement in (*TABLES, *HISTORY_TABLES)
        )

    def facts(self, investigation_id: UUID) -> tuple[CaseFile, bool]:
        """The investigation's facts, and whether an earlier version kept them whole (its
        items are then to be written item by item)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SELECT_FACTS.format("%(id)s"), {"id": investigation_id})
            row = curs.fetchone()
        if row is None:
            return CaseFile(), False
        case = facts_of(row["facts"], row["items"])
        return case, bool(case.items) and not row["items"]

    def write(self, facts: Facts, cells: list[Cell], tracking: Tracking) -> None:
        """The facts (in their stored form), the cells and the position, in one transaction:
        each row as it stands after them, and every version of the facts (in log order).

        It commits without waiting for the write-ahead log to reach the disk: a crash of the
        database may lose the last transactions, each whole, position included, and the
        projection then applies their events again (the log itself commits synchronously)."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("SET LOCAL synchronous_commit = off")
            cases, items = facts.current()
            UPSERT_FACTS.write(curs, list(cases.items()))
            UPSERT_ITEM_FACTS.write(curs, [(*key, stored) for key, stored in items.items()])
            UPSERT_CELLS.write(curs, [astuple(c) for c in cells])
            KEPT_FACTS.write(curs, facts.cases)
            KEPT_ITEM_FACTS.write(curs, facts.items)
            self._insert_tracking(curs, tracking)


class AdmissibilityMatrix(Projection[AdmissibilityView]):
    """Live, one event per transaction: each event's cells, as `fold` gives them. Behind the
    head, events are folded one by one and the items they touch are evaluated once, at the
    end of the batch, on the date of the last event that touched each; as an event leaves
    the verdicts of the items it does not touch as they were (`CaseFile.apply`), that gives
    the cells the events one by one would have left.

    The facts' versions are kept with the positions between which they held, each encoded
    before the next event that changes it (or at the batch's end); the cells' are not: the
    matrix as of a point is evaluated on the facts kept then, when it is read.

    Behind the head, a batch is written by a writer thread while the next one is folded;
    far behind, its cells are evaluated by an evaluator process first (`evaluate_stored`).
    A few batches at most are in flight; one writer commits them in log order, each after
    its cells are evaluated, and none after one has failed; a batch's facts are encoded
    before it leaves, and its failure is raised by the next event. Caught up, each event is
    written before the next is taken, as before."""

    name = "admissibility"

    def __init__(self, view: AdmissibilityView) -> None:
        super().__init__(view)
        self.cases: dict[UUID, CaseFile] = {}  # the facts as written, or about to be
        self.due: dict[UUID, dict[UUID, datetime]] = {}  # investigation -> item -> date
        # investigation -> items whose facts changed -> the position of their last change
        self.changed: dict[UUID, dict[UUID, int]] = {}
        self.cases_changed: dict[UUID, int] = {}  # investigations whose own facts changed
        # the facts' versions the batch's events replaced so far
        self.kept_facts = Facts([], [])
        self.pending = 0
        self.known_head = 0
        # only while catching up: the writer thread, the evaluators, the batches in flight
        self.writer: ThreadPoolExecutor | None = None
        self.evaluators: Executor | None = None
        self.started: Future[int] | None = None  # done once an evaluator is up
        self.in_flight: deque[Future[None]] = deque()
        self.failed = threading.Event()  # a batch failed: no later one may commit
        self.in_process_only = False  # no evaluator process could start here

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        try:
            if isinstance(domain_event, JitAggregate.Event):
                position = tracking.notification_id
                investigation_id = domain_event.investigation_id
                case = self.cases.get(investigation_id)
                if case is None:
                    self._written()  # facts read back must include the batches in flight
                    case, whole = self.view.facts(investigation_id)
                    self.cases[investigation_id] = case
                    if whole:  # kept whole by an earlier version: write every item, kept
                        # as they stood before this event
                        changed = self.changed.setdefault(investigation_id, {})
                        changed.update(dict.fromkeys(case.items, position - 1))
                        self.cases_changed[investigation_id] = position - 1
                self._keep_before(investigation_id, case, domain_event)
                due = self.due.setdefault(investigation_id, {})
                due.update(dict.fromkeys(touch(case, domain_event), domain_event.timestamp))
                changed = self.changed.setdefault(investigation_id, {})
                changed.update(dict.fromkeys(CaseFile.items_changed(domain_event), position))
                if CaseFile.case_changed(domain_event):
                    self.cases_changed[investigation_id] = position
            self.pending += 1
            behind = self._behind(tracking.notification_id)
            if self.pending >= BATCH or not behind:
                self._flush(tracking, behind)
        except BaseException:
            # facts folded but not written must not be taken for written ones on a restart;
            # the batches in flight commit (or fail) before the error leaves, so a restarted
            # projection starts from a position no later write moves
            self.cases, self.due, self.changed, self.pending = {}, {}, {}, 0
            self.cases_changed, self.kept_facts = {}, Facts([], [])
            wait(self.in_flight)
            self.in_flight.clear()
            self._stop_catching_up()
            raise

    def _keep_before(self, investigation_id: UUID, case: CaseFile, e: Any) -> None:
        """Before `e` changes facts: the versions of them it replaces, as they are."""
        whole = CaseFile.case_changed(e)
        items = CaseFile.items_changed(e)
        changed = self.changed.get(investigation_id, {})
        for evidence_id in items:
            if (since := changed.pop(evidence_id, None)) is not None:
                stored = _encoder.encode(case.items[evidence_id])
                self.kept_facts.items.append((investigation_id, evidence_id, stored, since))
        if whole and (since := self.cases_changed.pop(investigation_id, None)) is not None:
            self.kept_facts.cases.append(
                (investigation_id, self._stored_case(investigation_id), since)
            )

    def _flush(self, tracking: Tracking, behind: bool) -> None:
        # encoded now: the facts go on changing while the batch is written
        facts = self.kept_facts
        for i, changed in self.changed.items():
            for evidence_id, since in changed.items():
                stored = _encoder.encode(self.cases[i].items[evidence_id])
                facts.items.append((i, evidence_id, stored, since))
        for i, since in self.cases_changed.items():
            facts.cases.append((i, self._stored_case(i), since))
        cells: list[Cell] = []
        evaluated: Future[bytes] | None = None
        evaluators = None
        if behind and (self.evaluators is not None or self._far_behind(tracking)):
            evaluators = self._evaluators()
        if evaluators is not None:
            evaluated = evaluators.submit(evaluate_stored, self._batch(facts))
        else:
            cells += [
                cell for i, due in self.due.items() for cell in cells_due(i, self.cases[i], due)
            ]
        self.due, self.changed, self.cases_changed, self.pending = {}, {}, {}, 0
        self.kept_facts = Facts([], [])
        if len(self.cases) > CACHED_CASES:  # written once this batch is: read back when needed
            self.cases = {}
        if behind:
            while len(self.in_flight) > EVALUATORS:  # the oldest commits first
                self.in_flight.popleft().result()
            if self.writer is None:
                self.writer = ThreadPoolExecutor(1, thread_name_prefix="admissibility-writer")
            self.in_flight.append(
                self.writer.submit(self._write, facts, cells, evaluated, tracking)
            )
        else:
            self._written()
            self._stop_catching_up()
            assert evaluated is None
            self.view.write(facts, cells, tracking)

    def _batch(self, facts: Facts) -> bytes:
        """The due items of the batch with the facts they read, in their stored form (`Due`)."""
        cases, stored = facts.current()
        batch: list[Due] = []
        for i, due in self.due.items():
            if due:
                case = self.cases[i]
                items = [
                    stored.get((i, evidence_id)) or _encoder.encode(case.items[evidence_id])
                    for evidence_id in with_sources(case, due)
                ]
                batch.append(Due(i, cases.get(i) or self._stored_case(i), items, due))
        return _encoder.encode(batch)

    def _stored_case(self, investigation_id: UUID) -> bytes:
        """The investigation's facts but its items, in their stored form."""
        return _encoder.encode(msgspec.structs.replace(self.cases[investigation_id], items={}))

    def _write(
        self,
        facts: Facts,
        cells: list[Cell],
        evaluated: Future[bytes] | None,
        tracking: Tracking,
    ) -> None:
        """In the writer thread: a batch, once its cells are evaluated and if none failed."""
        try:
            if self.failed.is_set():
                raise RuntimeError("an earlier batch failed: this one is not written")
            if evaluated is not None:
                cells = cells + _cells_decoder.decode(evaluated.result())
            self.view.write(facts, cells, tracking)
        except BaseException:
            self.failed.set()
            raise

    def _written(self) -> None:
        """Wait for the batches in flight to commit; raise the first error."""
        while self.in_flight:
            self.in_flight.popleft().result()

    def _evaluators(self) -> Executor | None:
        """The evaluator processes, once one is up: a process takes a moment to start (it
        imports the rules), and the batches are evaluated here meanwhile. If none can start
        here, this projection evaluates every batch itself from then on."""
        if self.in_process_only:
            return None
        if self.evaluators is None:
            # spawned, not forked: this process runs threads and holds connections
            context = multiprocessing.get_context("spawn")
            self.evaluators = ProcessPoolExecutor(EVALUATORS, mp_context=context)
            self.started = self.evaluators.submit(int)
        assert self.started is not None
        if not self.started.done():
            return None
        if self.started.exception() is not None:
            logger.warning(
                "no evaluator process could start (%s): the rules run in this process",
                self.started.exception(),
            )
            self.in_process_only = True
            self.evaluators.shutdown(wait=False, cancel_futures=True)
            self.evaluators = self.started = None
            return None
        return self.evaluators

    def _stop_catching_up(self) -> None:
        if self.writer is not None:
            self.writer.shutdown(wait=False)
            self.writer = None
        if self.evaluators is not None:
            self.evaluators.shutdown(wait=False, cancel_futures=True)
            self.evaluators = self.started = None
        self.failed.clear()

    def _far_behind(self, tracking: Tracking) -> bool:
        return self.known_head - tracking.notification_id >= FAR_BEHIND

    def _behind(self, position: int) -> bool:
        if position < self.known_head:
            return True
        self.known_head = self.view.head()
        return position < self.known_head
