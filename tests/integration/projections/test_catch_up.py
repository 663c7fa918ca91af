"""Behind the head of the log, the registers and the custody chains are written a batch of
events per transaction: the read model a catch-up in batches leaves, every table and every
kept history row, is the one the same events applied one by one leave. The lists' totals
counted from the rows' kept versions (for the databases made before they were kept) are the
ones the projection keeps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.projection import ProjectionRunner

from domain.evidence import EvidenceItem
from jitspace.bootstrap import migrate_database
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import create_database, eventsourcing_env, with_database
from projections import batches
from projections.custody import CustodyChains, CustodyView
from projections.registers import COUNT_KEPT, RegistersView, WorkspaceRegisters
from tests.integration.api.test_lineage import derive
from tests.integration.reads.test_as_of_equals_replay import events_up_to
from tests.support import Jit, evidence_body, log_of, remove_member

from ..reads.test_replay import AUTHORISATION

READ_MODEL = (
    "rm_investigations",
    "rm_members",
    "rm_evidence",
    "rm_evidence_history",
    "rm_tasks",
    "rm_tasks_history",
    "rm_authorisations",
    "rm_authorisations_history",
    "rm_custody_history",
    "rm_custody_members",
    "rm_custody_items",
    "rm_custody_items_history",
    "rm_custody_gaps",
    "rm_totals",
)


def story(jit: Jit) -> None:
    """Many kinds of events: tasks, authorisations, items with their custody (a handover, a
    seal, a receipt, a storage), an amendment, a derivation, a legal hold, a member removed."""
    warrant = jit.investigator.post(jit.path("/authorisations"), json=AUTHORISATION).json()
    task = jit.leader.post(jit.path("/tasks"), json={"title": "Search the warehouse"}).json()
    assignment = {"assignee_id": str(jit.investigator.user_id)}
    jit.leader.post(jit.path(f"/tasks/{task['id']}/assignment"), json=assignment)
    jit.investigator.post(jit.path(f"/tasks/{task['id']}/status"), json={"status": "in_progress"})
    extension = {"valid_until": "2024-06-08T09:00:00+02:00", "reason": "renewal"}
    jit.investigator.post(jit.path(f"/authorisations/{warrant['id']}/extension"), json=extension)
    phone = jit.investigator.post(
        jit.path("/evidence"), json=evidence_body(reference="BE-PHONE-1")
    ).json()
    ledger = jit.leader.post(jit.path("/evidence"), json=evidence_body(reference="FR-1")).json()
    custody = jit.path(f"/evidence/{phone['id']}/custody")
    legal, investigator = jit.legal, jit.investigator
    steps: list[tuple[Any, str, dict[str, Any]]] = [
        (investigator, "collection", {"place": "Brussels", "occurred_at": "2024-05-03T06:00:00Z"}),
        (investigator, "seal", {"seal_number": "BE-4471", "occurred_at": "2024-05-03T06:10:00Z"}),
        (investigator, "handover", {"recipient_id": str(legal.user_id), "reason": "lab"}),
        (legal, "receipt", {"seal_condition": "intact", "seal_number": "BE-4471"}),
        (legal, "storage", {"location": "NFI locker 12"}),
    ]
    for person, what, body in steps:
        assert person.post(f"{custody}/{what}", json=body).status_code == 200
    ledger_custody = jit.path(f"/evidence/{ledger['id']}/custody")
    handover = {"recipient_id": str(jit.legal.user_id), "reason": "analysis in NL"}
    jit.leader.post(f"{ledger_custody}/collection", json={"place": "Lille"})
    jit.leader.post(f"{ledger_custody}/handover", json=handover)
    amendment = {"description": "the ledger, 2023", "reason": "year read"}
    jit.leader.post(jit.path(f"/evidence/{ledger['id']}/description"), json=amendment)
    image = jit.leader.post(
        jit.path("/evidence"), json=evidence_body(reference="FR-IMG", kind="forensic_image")
    ).json()
    assert derive(jit, image, ledger, "copy").status_code == 200
    jit.leader.post(jit.path(f"/evidence/{image['id']}/legal-hold"), json={"reason": "appeal"})
    jit.investigator.post(
        jit.path(f"/authorisations/{warrant['id']}/revocation"), json={"reason": "quashed"}
    )
    remove_member(jit, jit.legal, "secondment ended")


@pytest.fixture
def fresh_databases(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    names = [f"jitspace_catch_up_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    urls = []
    for name in names:
        create_database(database_url, name)
        urls.append(with_database(database_url, name))
        migrate_database(Settings(database_url=urls[-1], data_dir=tmp_path))
    yield urls
    with psycopg.connect(database_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def logged(url: str, tmp_path: Path, events: list[Any]) -> tuple[dict[str, str], int]:
    """`events` as the log of the database at `url`: its configuration, and its head."""
    env = eventsourcing_env(url, Settings(database_url=url, data_dir=tmp_path))
    app = JITspace(env=env)
    try:
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in events])
        head = app.recorder.max_notification_id()
    finally:
        app.close()
    assert head is not None
    return env, head


def runner_of(projection: type[Any], view: type[Any], env: dict[str, str]) -> Any:
    return ProjectionRunner(
        application_class=JITspace, projection_class=projection, view_class=view, env=env
    )


def read_model(url: str, tables: tuple[str, ...] = READ_MODEL) -> dict[str, list[Any]]:
    """Each table's rows, sorted."""
    with psycopg.connect(url) as conn:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
        }


def caught_up(url: str, tmp_path: Path, events: list[Any]) -> dict[str, list[Any]]:
    """The read model the registers and custody projections write from `events`, a log of
    their own on the database at `url`."""
    env, head = logged(url, tmp_path, events)
    for projection, view in ((WorkspaceRegisters, RegistersView), (CustodyChains, CustodyView)):
        with runner_of(projection, view, env) as runner:
            runner.wait(head, timeout=60)
    return read_model(url)


def test_a_catch_up_in_batches_writes_what_the_events_one_by_one_write(
    jit: Jit,
    database_url: str,
    fresh_databases: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an investigation's recorded history with many kinds of events
    story(jit)
    events = events_up_to(database_url, jit, log_of(jit.leader, jit.id)[-1]["position"])
    kinds = {type(e).__name__ for e in events}
    assert {"MemberRemoved", "Received", "Sealed", "Derived", "LegalHoldPlaced"} <= kinds
    # When one database's projections apply the events one by one, and another's catch up in
    # batches of 4 (statements of a batch reading rows an earlier event of it wrote)
    monkeypatch.setattr(batches, "BATCH", 1)
    one_by_one = caught_up(fresh_databases[0], tmp_path, events)
    monkeypatch.setattr(batches, "BATCH", 4)
    in_batches = caught_up(fresh_databases[1], tmp_path, events)
    # Then every table holds the same rows, the history rows with the same positions
    assert all(one_by_one[table] for table in READ_MODEL if table != "rm_custody_gaps")
    assert in_batches == one_by_one


def test_a_batch_that_fails_leaves_nothing_of_itself(
    jit: Jit,
    database_url: str,
    fresh_databases: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a recorded history on a database of its own, caught up in batches of 4
    story(jit)
    events = events_up_to(database_url, jit, log_of(jit.leader, jit.id)[-1]["position"])
    env, head = logged(fresh_databases[0], tmp_path, events)
    monkeypatch.setattr(batches, "BATCH", 4)
    # When an event a few after the first item's registration cannot be written
    registered = next(n for n, e in enumerate(events, 1) if isinstance(e, EvidenceItem.Registered))
    fail_at = registered + 5
    committed = (fail_at - 1) // 4 * 4  # the batches before the one it is in
    writes = CustodyChains.writes

    def failing(self: CustodyChains, domain_event: Any, position: int) -> Any:
        if position == fail_at:
            return [("SELECT 1 / 0", ())]
        return writes(self, domain_event, position)

    monkeypatch.setattr(CustodyChains, "writes", failing)
    with runner_of(CustodyChains, CustodyView, env) as runner:
        with pytest.raises(Exception, match="division by zero"):
            runner.wait(head, timeout=60)
        position = runner.projection.view.max_tracking_id(runner.app_name)
    # Then the custody chains hold the batches before, as their events one by one leave them,
    # and nothing of the failed one
    assert position == committed
    custody = tuple(table for table in READ_MODEL if table.startswith("rm_custody"))
    stopped = read_model(fresh_databases[0], custody)
    monkeypatch.setattr(CustodyChains, "writes", writes)
    monkeypatch.setattr(batches, "BATCH", 1)
    one_by_one = caught_up(fresh_databases[1], tmp_path, events[:committed])
    assert stopped == {table: one_by_one[table] for table in custody}
    assert stopped["rm_custody_history"]


def test_the_totals_counted_from_kept_versions_are_the_ones_kept(
    jit: Jit, database_url: str, fresh_databases: list[str], tmp_path: Path
) -> None:
    # Given the registers a recorded history leaves: items, a task and an authorisation
    story(jit)
    events = events_up_to(database_url, jit, log_of(jit.leader, jit.id)[-1]["position"])
    kept = caught_up(fresh_databases[0], tmp_path, events)["rm_totals"]
    lists = {(row[0], row[1]) for row in kept}
    assert {t for _, t in lists} == {"rm_evidence", "rm_tasks", "rm_authorisations"}
    assert max(row[3] for row in kept if row[1] == "rm_evidence") == 3
    # When the totals are forgotten and counted again from the rows' versions (migration 11)
    with psycopg.connect(fresh_databases[0]) as conn:
        conn.execute("TRUNCATE rm_totals")
        for statement in COUNT_KEPT:
            conn.execute(statement)
    # Then they are the same, position by position
    assert read_model(fresh_databases[0], ("rm_totals",))["rm_totals"] == kept
