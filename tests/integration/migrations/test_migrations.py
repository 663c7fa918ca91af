"""Schema migrations: a database made before versioned migrations is adopted, two
`jitspace migrate` at once do not collide, and a process refuses a database behind it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.commands import (
    AddMember,
    ChangeTaskStatus,
    CreateTask,
    HandOver,
    RecordCollection,
    SealEvidence,
)
from domain.task import Task
from domain.values import Member, Role, TaskStatus
from jitspace.ledger.eventlog import EventLog
from jitspace.migrations import LATEST, MIGRATIONS
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.processes import cluster_env, jitspace
from tests.support import (
    PASSWORD,
    Person,
    ServerThread,
    add_user,
    free_port,
    fresh_database,
    log_of,
    opening,
    registering,
)

STATUS_CHANGED = get_topic(Task.StatusChanged)


def as_first_version(store: Callable[[Any], StoredEvent]) -> Callable[[Any], StoredEvent]:
    """The mapper's writing as it was before task status changes named the status they
    left (version 1 of Task.StatusChanged): the same bytes, without those two keys."""

    def to_stored_event(event: Any) -> StoredEvent:
        stored = store(event)
        if stored.topic != STATUS_CHANGED:
            return stored
        state = msgspec.json.decode(stored.state)
        del state["class_version"], state["previous_status"]
        return dataclasses.replace(stored, state=msgspec.json.encode(state))

    return to_stored_event


def make_schema_as_before(url: str, app: JITspace) -> None:
    """The tables as JITspace made them at start before migrations were versioned (version
    1's statements, and no record of any version)."""
    assert isinstance(app.recorder, EventLog)
    with psycopg.connect(url) as conn, conn.cursor() as curs:
        MIGRATIONS[0].apply(curs, app.recorder)


def versions(url: str) -> list[tuple[int, int]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version"
        ).fetchall()
    return [(int(v), int(n)) for v, n in rows]


def logged_in(base_url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    response = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client


def eventually(read: Callable[[], Any], deadline: float = 30) -> Any:
    """What `read` answers once it answers something (the read models catch up)."""
    until = time.monotonic() + deadline
    while not (answer := read()):
        assert time.monotonic() < until, "the read models did not catch up"
        time.sleep(0.2)
    return answer


def test_a_database_made_before_migrations_is_migrated_and_reads_as_before(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a database made by JITspace before migrations were versioned, holding an
    # investigation with a member, an item collected, sealed and handed over, and a task
    # whose status change was stored in the event's first version
    url = fresh_database(database_url, "before", migrated=False)
    settings = Settings(database_url=url, data_dir=tmp_path / "data")
    app = JITspace(env=eventsourcing_env(url, settings))
    make_schema_as_before(url, app)
    leader_name, member_name = f"leader-{uuid.uuid4().hex[:6]}", f"member-{uuid.uuid4().hex[:6]}"
    leader, member = add_user(url, leader_name), add_user(url, member_name)
    now = datetime.now(UTC)
    jit = app.open_investigation(leader, opening("Before JIT", "JIT-B"))
    app.add_member(
        leader,
        AddMember(
            investigation_id=jit.id,
            member=Member(member, "Member", "FR", Role.INVESTIGATOR),
            occurred_at=now,
        ),
    )
    item = app.register_evidence(leader, registering(jit.id, "FR-B-1", now))
    app.record_evidence_collection(
        leader,
        RecordCollection(
            investigation_id=jit.id, evidence_id=item.id, place="Paris", occurred_at=now
        ),
    )
    app.seal_evidence(
        leader,
        SealEvidence(
            investigation_id=jit.id, evidence_id=item.id, seal_number="S1", occurred_at=now
        ),
    )
    app.hand_over_evidence(
        leader,
        HandOver(
            investigation_id=jit.id,
            evidence_id=item.id,
            recipient_id=member,
            reason="to the lab",
            occurred_at=now,
        ),
    )
    task = app.create_task(leader, CreateTask(investigation_id=jit.id, title="Image the phone"))
    monkeypatch.setattr(app.mapper, "to_stored_event", as_first_version(app.mapper.to_stored_event))
    app.change_task_status(
        leader,
        ChangeTaskStatus(investigation_id=jit.id, task_id=task.id, status=TaskStatus.BLOCKED),
    )
    app.close()
    with psycopg.connect(url) as conn:
        [(state,)] = conn.execute(
            "SELECT state FROM jitspace_events WHERE topic = %s", (STATUS_CHANGED,)
        ).fetchall()
    assert b"previous_status" not in state and b"class_version" not in state

    # When the operator migrates it
    env = cluster_env(url, tmp_path / "data")
    migrated = jitspace("migrate", env=env)

    # Then every version is applied, once
    assert migrated.returncode == 0, migrated.stderr
    assert f"the database schema is at version {LATEST}" in migrated.stdout
    assert versions(url) == [(m.version, 1) for m in MIGRATIONS]

    # and a server on it answers every read as before: the item, the register, its custody,
    # the task (its old status change read through the event's upcaster), the event log
    with ServerThread(settings) as server, closing(logged_in(server.url, leader_name)) as client:
        base = f"/investigations/{jit.id}"
        read = client.get(f"{base}/evidence/{item.id}")
        assert read.status_code == 200, read.text
        assert read.json()["reference"] == "FR-B-1"
        page = eventually(lambda: client.get(f"{base}/evidence/page").json()["items"])
        assert [row["id"] for row in page] == [str(item.id)]
        custody = client.get(f"{base}/evidence/{item.id}/custody")
        assert custody.status_code == 200, custody.text
        tasks = eventually(lambda: client.get(f"{base}/tasks").json())
        assert [t["status"] for t in tasks] == ["blocked"]
        events = log_of(Person(leader_name, leader, client), str(jit.id))
        assert "Task.StatusChanged" in {e["type"] for e in events}
        assert all("class_version" not in e["data"] for e in events)

    # and the log still verifies: its stored events were not rewritten
    verified = jitspace("verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK" in verified.stdout

    # and migrating again finds nothing to do
    again = jitspace("migrate", env=env)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_two_migrations_at_once_apply_each_version_once(database_url: str, tmp_path: Path) -> None:
    # Given a new database, and two operators (or two replicas' init steps) migrating it
    url = fresh_database(database_url, "twice", migrated=False)
    env = cluster_env(url, tmp_path)
    command = [sys.executable, "-m", "jitspace.cli", "migrate"]

    # When both run at once
    both = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in both]

    # Then both succeed, and each version was applied by one of them, once
    assert [code for code, _, _ in outcomes] == [0, 0], outcomes
    said = "".join(out for _, out, _ in outcomes)
    for migration in MIGRATIONS:
        assert said.count(f"applied migration {migration.version}:") == 1, said
    assert versions(url) == [(m.version, 1) for m in MIGRATIONS]


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_process_refuses_a_database_behind_it(
    database_url: str, tmp_path: Path, command: str
) -> None:
    # Given a database that no `jitspace migrate` has brought to this version
    url = fresh_database(database_url, "behind", migrated=False)
    args = [command, "--port", str(free_port())] if command == "serve" else [command]

    # When a server or a worker starts on it
    started = jitspace(*args, env=cluster_env(url, tmp_path))

    # Then it refuses, saying what to run
    assert started.returncode == 4, started.stdout + started.stderr
    assert (
        f"the database schema is at version 0, this JITspace needs {LATEST}: "
        "run `jitspace migrate`" in started.stderr
    )


def matrix_cells(client: httpx.Client, jit: str) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = client.get(f"/investigations/{jit}/admissibility").json()["cells"]
    return cells


def test_the_matrix_is_evaluated_again_from_the_log_after_its_rules_changed(
    database_url: str, tmp_path: Path
) -> None:
    # Given a migrated database whose matrix an earlier version of JITspace evaluated: a
    # FR-BE investigation with Europol, an item judged, and a cell for Europol (an EU body,
    # no longer a forum), stored before version 3 existed
    url = fresh_database(database_url, "rejudged")
    settings = Settings(database_url=url, data_dir=tmp_path / "data")
    leader_name = f"leader-{uuid.uuid4().hex[:6]}"
    add_user(url, leader_name)
    europol = {"country": "EUROPOL", "name": "Europol", "lead_authority": "Europol"}
    with ServerThread(settings) as server, closing(logged_in(server.url, leader_name)) as client:
        body = {
            "name": "Rejudged JIT",
            "agreement_reference": "JIT-R",
            "purpose": "fraud",
            "period_start": "2024-01-01",
            "period_end": f"{datetime.now(UTC).year + 2}-12-31",
            "country": "FR",
            "parties": [
                {"country": "FR", "name": "France", "lead_authority": "Parquet"},
                {"country": "BE", "name": "Belgium", "lead_authority": "Federal Prosecutor"},
                europol,
            ],
        }
        jit = client.post("/investigations", json=body).json()["id"]
        registered = client.post(
            f"/investigations/{jit}/evidence",
            json={
                "reference": "FR-R-1",
                "kind": "document",
                "description": "ledger",
                "occurred_at": datetime.now(UTC).isoformat(),
                "collected_by": "I. Martin",
                "place": "Paris",
                "method": "seizure",
            },
        )
        assert registered.status_code == 201, registered.text
        cells = eventually(
            lambda: client.get(f"/investigations/{jit}/admissibility").json()["cells"]
        )
        assert {c["country"] for c in cells} == {"FR", "BE"}
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO rm_admissibility SELECT evidence_id, 'EUROPOL', investigation_id, "
            "reference, verdict, outcome, results, evaluated_on FROM rm_admissibility LIMIT 1"
        )
        conn.execute("DELETE FROM schema_migrations WHERE version = 3")

    # When the operator migrates it
    migrated = jitspace("migrate", env=cluster_env(url, tmp_path / "data"))
    assert migrated.returncode == 0, migrated.stderr
    assert "applied migration 3:" in migrated.stdout

    # Then the matrix is empty and its projection starts again from the log
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM rm_admissibility").fetchone() == (0,)
        kept = conn.execute(
            "SELECT count(*) FROM admissibility_tracking WHERE application_name <> '__migration__'"
        ).fetchone()
        assert kept == (0,)

    # and the next start evaluates every cell again: the states' only
    with ServerThread(settings) as server, closing(logged_in(server.url, leader_name)) as client:
        cells = eventually(
            lambda: client.get(f"/investigations/{jit}/admissibility").json()["cells"]
        )
        assert sorted(c["country"] for c in cells) == ["BE", "FR"]
        assert {c["reference"] for c in cells} == {"FR-R-1"}
