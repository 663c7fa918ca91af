"""Rebuilt from a real log on PostgreSQL, far behind the head: the batches' cells evaluated by
evaluator processes, inserted or copied in through the session tables, are the matrix
replayed; the facts' versions kept are the facts replayed at every position, and the matrix
evaluated on them the replay's."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import create_database, eventsourcing_env, with_database
from projections import admissibility
from projections.admissibility import matrix_as_of, matrix_on
from tests.projections_support import admissibility_runner, spy_on_evaluators
from tests.unit.conftest import now, record_authorisation, register_evidence, team  # noqa: F401
from tests.unit.domain.admissibility.test_live_equals_replay import history
from tests.unit.projections.test_admissibility_catch_up import ACTIONS, judged_at


@pytest.fixture
def empty_database(database_url: str) -> Iterator[str]:
    name = f"jitspace_rebuild_{uuid.uuid4().hex[:8]}"
    create_database(database_url, name)
    url = with_database(database_url, name)
    yield url
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    ("batch", "copy_from"), [(1, 32), (7, 1)], ids=["batches-of-1-inserted", "batches-of-7-copied"]
)
def test_a_rebuild_by_evaluator_processes_writes_the_matrix_replayed(
    batch: int,
    copy_from: int,
    empty_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    team: Any,  # noqa: F811 (the unit tests' fixtures, imported above)
    record_authorisation: Any,  # noqa: F811
    register_evidence: Any,  # noqa: F811
    now: Any,  # noqa: F811
) -> None:
    # Given a log of one investigation on a fresh database
    events = history(team, record_authorisation, register_evidence, now, ACTIONS * 2)
    env = eventsourcing_env(
        empty_database, Settings(database_url=empty_database, data_dir=tmp_path)
    )
    app = JITspace(env=env)
    try:
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in events])
        head = app.recorder.max_notification_id()
    finally:
        app.close()
    assert "Derived" in {type(e).__name__ for e in events}
    assert head == len(events)
    # When the projection rebuilds it in batches, all far behind the head (of one event, a
    # derivation is evaluated with none of its parent's events in the batch)
    monkeypatch.setattr(admissibility, "BATCH", batch)
    # (rows written through the session tables from `copy_from` rows per table on)
    monkeypatch.setattr(admissibility.Upsert, "COPY_FROM", copy_from)
    monkeypatch.setattr(admissibility, "FAR_BEHIND", 1)
    used = spy_on_evaluators(monkeypatch)
    with admissibility_runner(env) as runner:
        runner.wait(head, timeout=60)
        investigation_id = events[0].investigation_id
        stored_facts, _ = runner.projection.view.facts(investigation_id)
    # Then evaluator processes evaluated the batches
    assert len(used) >= len(events) // batch - 1 and None not in used
    # and the matrix and the facts in the database are those of the log replayed
    case, cells = matrix_as_of(events)
    assert stored_facts == case
    with psycopg.connect(empty_database) as conn:
        rows = conn.execute(
            "SELECT evidence_id, country, investigation_id, reference, verdict, outcome, "
            "results::text, evaluated_on FROM rm_admissibility"
        ).fetchall()
    assert len(rows) == len(cells) > 10
    for evidence_id, country, inv, reference, verdict, outcome, results, on in rows:
        row = cells[(evidence_id, country)]
        assert (inv, reference, verdict, outcome, on) == (
            investigation_id,
            row.reference,
            row.verdict.verdict.value,
            row.verdict.outcome.value,
            row.evaluated_on,
        )
        expected = admissibility.cell_of(investigation_id, row).results
        assert json.loads(results) == json.loads(expected)
    # and at every position, the facts' versions kept that held then are the facts of the
    # log replayed up to there, and the matrix evaluated on them when the position's event
    # was recorded is the replay's
    held = "from_position <= %(p)s AND (to_position IS NULL OR to_position > %(p)s)"
    with psycopg.connect(empty_database) as conn:
        for position in range(1, head + 1):
            case, cells = matrix_as_of(events[:position])
            facts = conn.execute(
                f"SELECT facts FROM {admissibility.KEPT_FACTS.table} WHERE {held}",
                {"p": position},
            ).fetchall()
            items = conn.execute(
                f"SELECT facts FROM {admissibility.KEPT_ITEM_FACTS.table} WHERE {held}",
                {"p": position},
            ).fetchall()
            assert len(facts) == (1 if case.case is not None else 0), position
            if facts:
                stored = admissibility.facts_of(facts[0][0], [i for (i,) in items])
                assert stored == case, position
                moment = events[position - 1].timestamp
                assert matrix_on(stored, moment) == judged_at(case, cells, moment), position
