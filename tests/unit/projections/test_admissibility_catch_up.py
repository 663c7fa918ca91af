"""Catching up, the projection writes each batch from a writer thread while it evaluates the
next: the batches commit in log order, the cells written equal the matrix replayed from the
log, the facts' versions kept equal its facts at every position (and the matrix evaluated on
them equals the replay's), and a batch that fails to commit stops the projection at the
next event."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

import msgspec
import pytest
from eventsourcing.persistence import Tracking

from domain.admissibility.facts import CaseFile
from projections import admissibility
from projections.admissibility import (
    AdmissibilityMatrix,
    AdmissibilityView,
    Cell,
    Facts,
    Row,
    cell_of,
    facts_of,
    matrix_as_of,
    matrix_on,
    revisited,
)
from tests.projections_support import spy_on_evaluators
from tests.unit.domain.admissibility.test_live_equals_replay import history

ACTIONS = ["register", "use", "register", "consent", "collect", "hand_over", "receive"]
ACTIONS += ["extend", "register_unlinked", "derive", "strict", "use", "defect", "register"]


class View:
    """Stands in for the database: keeps what each transaction committed, in order."""

    def __init__(self, head: int, fail_at: int | None = None) -> None:
        self.head_position, self.fail_at = head, fail_at
        self.facts_rows: dict[UUID, bytes] = {}
        self.item_rows: dict[tuple[UUID, UUID], bytes] = {}
        self.cells: dict[tuple[UUID, str], Any] = {}
        self.positions: list[int] = []
        self.kept_facts: list[tuple[Any, ...]] = []
        self.threads: set[str] = set()

    def facts(self, investigation_id: UUID) -> tuple[CaseFile, bool]:
        row = self.facts_rows.get(investigation_id)
        items = [facts for (i, _), facts in self.item_rows.items() if i == investigation_id]
        if row is None:
            return CaseFile(), False
        case = facts_of(row, items)
        return case, bool(case.items) and not items

    def head(self) -> int:
        return self.head_position

    def write(self, facts: Facts, cells: list[Cell], tracking: Tracking) -> None:
        self.threads.add(threading.current_thread().name)
        if tracking.notification_id == self.fail_at:
            raise RuntimeError("the database went away")
        cases, items = facts.current()
        self.facts_rows.update(cases)
        self.item_rows.update(items)
        written = {(c.evidence_id, c.country): c for c in cells}
        assert len(written) == len(cells), "a cell evaluated twice in one batch"
        self.cells.update(written)
        self.kept_facts += [(i, None, b, at) for i, b, at in facts.cases] + facts.items
        self.positions.append(tracking.notification_id)

    def at(self, position: int) -> CaseFile:
        """The facts as they held at `position`, from the versions kept: the last version of
        each from at or before it."""
        facts: dict[Any, bytes] = {}
        for i, evidence_id, stored, since in sorted(self.kept_facts, key=lambda f: f[3]):
            if since <= position:
                facts[(i, evidence_id)] = stored
        case = [b for (_, evidence_id), b in facts.items() if evidence_id is None]
        items = [b for (_, evidence_id), b in facts.items() if evidence_id is not None]
        return facts_of(case[0], items) if case else CaseFile()


def judged_at(
    case: CaseFile, cells: dict[tuple[UUID, str], Row], moment: datetime
) -> dict[tuple[UUID, str], Row]:
    """The replay's cells as a read as of `moment` reports them: each as the last event
    that touched it left it, evaluated again where a deadline had passed by then, and
    reported as evaluated at that moment (the read evaluates them all then)."""
    rows = revisited(case, list(cells.values()), moment)
    return {r.key: msgspec.structs.replace(r, evaluated_on=moment) for r in rows}


def catch_up(projection: AdmissibilityMatrix, events: list[Any], start: int = 1) -> None:
    for position, e in enumerate(events, start):
        projection.process_event(e, Tracking("JITspace", position))


@pytest.fixture
def events(team, record_authorisation, register_evidence, now) -> list[Any]:
    return history(team, record_authorisation, register_evidence, now, ACTIONS)


@pytest.mark.parametrize("evaluators", [False, True], ids=["in-process", "evaluator-processes"])
def test_batches_written_while_the_next_is_folded_equal_the_matrix_replayed(
    events, monkeypatch, evaluators
):
    # Given a log behind the head, applied in batches of 3 events, its cells evaluated here
    # or (far behind) by evaluator processes
    monkeypatch.setattr(admissibility, "BATCH", 3)
    monkeypatch.setattr(admissibility, "FAR_BEHIND", 1 if evaluators else len(events) + 1)
    submitted = spy_on_evaluators(monkeypatch)
    view = View(head=len(events))
    # When the projection catches up
    catch_up(AdmissibilityMatrix(cast(AdmissibilityView, view)), events)
    # Then every batch committed, in log order, the last one before the last event returned
    assert view.positions == sorted(view.positions) and view.positions[-1] == len(events)
    assert any(name.startswith("admissibility-writer") for name in view.threads)
    assert bool(submitted) is evaluators and None not in submitted
    # and the cells and facts written are those of the log replayed
    case, cells = matrix_as_of(events)
    investigation_id = events[0].investigation_id
    assert view.cells == {key: cell_of(investigation_id, row) for key, row in cells.items()}
    assert view.facts(investigation_id) == (case, False)
    # each item's on its own row, the investigation's without them
    assert set(view.item_rows) == {(investigation_id, i) for i in case.items}
    assert msgspec.msgpack.decode(view.facts_rows[investigation_id], type=CaseFile).items == {}


@pytest.mark.parametrize("batch", [1, 3, 1000])
@pytest.mark.parametrize("evaluators", [False, True], ids=["in-process", "evaluator-processes"])
def test_the_versions_kept_equal_the_matrix_replayed_at_every_position(
    events, monkeypatch, batch, evaluators
):
    # Given a log behind the head, applied in batches (one event each, three, all at once)
    monkeypatch.setattr(admissibility, "BATCH", batch)
    monkeypatch.setattr(admissibility, "FAR_BEHIND", 1 if evaluators else len(events) + 1)
    view = View(head=len(events))
    # When the projection catches up
    catch_up(AdmissibilityMatrix(cast(AdmissibilityView, view)), events)
    # Then at every position, the facts' versions kept that held then are the facts of the
    # log replayed up to there, and the matrix evaluated on them, when that position's event
    # was recorded or long after, is the replay's (each cell as its last touching event
    # left it, judged again where a deadline had passed by then)
    for position in range(1, len(events) + 1):
        case, cells = matrix_as_of(events[:position])
        kept = view.at(position)
        assert kept == case, position
        recorded = events[position - 1].timestamp
        for moment in (recorded, recorded + timedelta(days=400)):
            assert matrix_on(kept, moment) == judged_at(case, cells, moment), (position, moment)


def test_facts_an_earlier_version_kept_whole_are_written_item_by_item(events, monkeypatch):
    # Given facts kept whole, with their items, as an earlier version wrote them
    monkeypatch.setattr(admissibility, "BATCH", 3)
    half = len(events) // 2
    kept, _ = matrix_as_of(events[:half])
    investigation_id = events[0].investigation_id
    view = View(head=len(events))
    view.facts_rows[investigation_id] = msgspec.msgpack.encode(kept)
    # When the projection goes on from there
    catch_up(AdmissibilityMatrix(cast(AdmissibilityView, view)), events[half:], start=half + 1)
    # Then every item, changed since or not, is on its own row, and the facts are those of
    # the whole log replayed
    case, cells = matrix_as_of(events)
    assert set(view.item_rows) == {(investigation_id, i) for i in case.items}
    assert view.facts(investigation_id) == (case, False)
    assert all(
        view.cells[key] == cell_of(investigation_id, row)
        for key, row in cells.items()
        if key in view.cells
    )


def test_a_batch_that_fails_to_commit_stops_the_projection_at_the_next_event(events, monkeypatch):
    # Given a batch whose transaction fails in the writer thread
    monkeypatch.setattr(admissibility, "BATCH", 3)
    view = View(head=len(events), fail_at=6)
    projection = AdmissibilityMatrix(cast(AdmissibilityView, view))
    # When the projection goes on catching up
    with pytest.raises(RuntimeError, match="went away"):
        catch_up(projection, events)
    # Then it stops before the next batch is written, and keeps no facts it did not write
    assert view.positions == [3]
    assert projection.cases == {} and projection.due == {}


class SlowView(View):
    def write(self, facts: Facts, cells: list[Cell], tracking: Tracking) -> None:
        time.sleep(0.2)
        super().write(facts, cells, tracking)


def test_an_error_while_a_batch_is_in_flight_leaves_once_that_batch_committed(events, monkeypatch):
    # Given a batch in flight, slow to commit, and an event the projection fails on
    monkeypatch.setattr(admissibility, "BATCH", 3)
    view = SlowView(head=len(events))
    folded = iter(range(len(events)))
    fold_one = admissibility.touch

    def touch(case: CaseFile, e: Any) -> set[UUID]:
        if next(folded) == 4:
            raise ValueError("a fact the rules cannot read")
        return fold_one(case, e)

    monkeypatch.setattr(admissibility, "touch", touch)
    # When the projection fails
    with pytest.raises(ValueError, match="cannot read"):
        catch_up(AdmissibilityMatrix(cast(AdmissibilityView, view)), events)
    # Then the batch in flight had committed: a restart starts after it, and no later
    # write can move the position under it
    assert view.positions == [3]


class NoProcesses:
    """Evaluator processes that cannot start (as where the main module cannot be imported)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def submit(self, *args: Any) -> Future[Any]:
        started: Future[Any] = Future()
        started.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return started

    def shutdown(self, **kwargs: Any) -> None:
        pass


def test_where_no_evaluator_process_can_start_the_projection_evaluates_itself(
    events, monkeypatch, caplog
):
    # Given a log far behind the head, where evaluator processes cannot start
    monkeypatch.setattr(admissibility, "BATCH", 3)
    monkeypatch.setattr(admissibility, "FAR_BEHIND", 1)
    monkeypatch.setattr(admissibility, "ProcessPoolExecutor", NoProcesses)
    view = View(head=len(events))
    projection = AdmissibilityMatrix(cast(AdmissibilityView, view))
    # When the projection catches up
    catch_up(projection, events)
    # Then it said so, evaluated every batch itself, and wrote the matrix of the log replayed
    assert "no evaluator process could start" in caplog.text
    assert projection.in_process_only and projection.evaluators is None
    _, cells = matrix_as_of(events)
    investigation_id = events[0].investigation_id
    assert view.cells == {key: cell_of(investigation_id, row) for key, row in cells.items()}
    assert view.positions[-1] == len(events)
