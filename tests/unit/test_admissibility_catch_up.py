"""Catching up, the projection writes each batch from a writer thread while it evaluates the
next: the batches commit in log order, the cells written equal the matrix replayed from the
log, and a batch that fails to commit stops the projection at the next event."""

from __future__ import annotations

import threading
import time
from typing import Any, cast
from uuid import UUID

import msgspec
import pytest
from eventsourcing.persistence import Tracking

from domain.admissibility.facts import CaseFile
from projections import admissibility
from projections.admissibility import AdmissibilityMatrix, AdmissibilityView, matrix_as_of
from tests.unit.test_admissibility_live_equals_replay import history

ACTIONS = ["register", "use", "register", "consent", "collect", "hand_over", "receive"]
ACTIONS += ["extend", "register_unlinked", "derive", "strict", "use", "defect", "register"]


class View:
    """Stands in for the database: keeps what each transaction committed, in order."""

    def __init__(self, head: int, fail_at: int | None = None) -> None:
        self.head_position, self.fail_at = head, fail_at
        self.facts_rows: dict[UUID, bytes] = {}
        self.cells: dict[tuple[UUID, str], Any] = {}
        self.positions: list[int] = []
        self.threads: set[str] = set()

    def facts(self, investigation_id: UUID) -> CaseFile:
        row = self.facts_rows.get(investigation_id)
        return msgspec.msgpack.decode(row, type=CaseFile) if row else CaseFile()

    def head(self) -> int:
        return self.head_position

    def write(self, facts: dict[UUID, bytes], rows: dict[Any, Any], tracking: Tracking) -> None:
        self.threads.add(threading.current_thread().name)
        if tracking.notification_id == self.fail_at:
            raise RuntimeError("the database went away")
        self.facts_rows.update(facts)
        self.cells.update({key: row for key, (_, row) in rows.items()})
        self.positions.append(tracking.notification_id)


def catch_up(projection: AdmissibilityMatrix, events: list[Any]) -> None:
    for position, e in enumerate(events, 1):
        projection.process_event(e, Tracking("JITspace", position))


@pytest.fixture
def events(team, record_authorisation, register_evidence, now) -> list[Any]:
    return history(team, record_authorisation, register_evidence, now, ACTIONS)


def test_batches_written_while_the_next_is_evaluated_equal_the_matrix_replayed(events, monkeypatch):
    # Given a log far behind the head, applied in batches of 3 events
    monkeypatch.setattr(admissibility, "BATCH", 3)
    view = View(head=len(events))
    # When the projection catches up
    catch_up(AdmissibilityMatrix(cast(AdmissibilityView, view)), events)
    # Then every batch committed, in log order, the last one before the last event returned
    assert view.positions == sorted(view.positions) and view.positions[-1] == len(events)
    assert any(name.startswith("admissibility-writer") for name in view.threads)
    # and the cells and facts written are those of the log replayed
    case, cells = matrix_as_of(events)
    assert view.cells == cells
    investigation_id = events[0].investigation_id
    assert view.facts(investigation_id) == case


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
    def write(self, facts: dict[UUID, bytes], rows: dict[Any, Any], tracking: Tracking) -> None:
        time.sleep(0.2)
        super().write(facts, rows, tracking)


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
