"""The event log under concurrent writers: grouped commits, conflicts, readers that tail it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.commands import AssignTask, CreateTask
from domain.investigation import Investigation
from domain.task import Task
from domain.values import Member, Party, Role
from jitspace.ledger.checkpoints import Ledger
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.services.base import VersionConflict
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.support import open_in_app, opening


@pytest.fixture(scope="module")
def app(database_url: str, settings: Settings) -> Iterator[JITspace]:
    application = JITspace(env=eventsourcing_env(database_url, settings))
    yield application
    application.close()


def open_jit(app: JITspace) -> tuple[UUID, UUID]:
    jit, leader = open_in_app(app, "Log JIT", "JIT-LOG")
    return jit.id, leader


def create_task(app: JITspace, jit_id: UUID, leader: UUID, title: str) -> Task:
    return app.create_task(
        leader,
        CreateTask(
            investigation_id=jit_id,
            title=title,
            description="",
            due_on=None,
            evidence_ids=(),
            authorisation_ids=(),
        ),
    )


def test_concurrent_commands_each_get_their_own_positions(app: JITspace) -> None:
    # Given one JIT, when 64 tasks are created from 16 threads at once
    jit_id, leader = open_jit(app)
    start = app.recorder.max_notification_id() or 0
    with ThreadPoolExecutor(16) as pool:
        tasks = list(pool.map(lambda n: create_task(app, jit_id, leader, f"t{n}"), range(64)))
    # Then all are in the log, once each, in distinct positions
    log = app.recorder.select_notifications(start + 1, limit=1000)
    created = [n for n in log if n.topic.endswith("Task.Created")]
    assert sorted(n.originator_id for n in created) == sorted(t.id for t in tasks)
    positions = [n.id for n in log]
    assert positions == sorted(set(positions))
    # and each reads back as it was written
    for task in tasks[:5]:
        assert app.repository.get(task.id).title == task.title


def test_a_conflicting_command_fails_alone(app: JITspace) -> None:
    # Given a task at version 1, and 8 writers that each change it from version 1
    jit_id, leader = open_jit(app)
    task = create_task(app, jit_id, leader, "contended")
    barrier = threading.Barrier(8)

    def assign_from_v1(n: int) -> str:
        barrier.wait()
        try:
            app.assign_task(
                leader,
                AssignTask(
                    investigation_id=jit_id, task_id=task.id, expected_version=1, assignee_id=leader
                ),
            )
        except VersionConflict as conflict:
            return f"conflict at {conflict.current_version}"
        return "ok"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(assign_from_v1, range(8)))
    # Then exactly one wins; the others learn the version it made
    assert outcomes.count("ok") == 1
    assert sorted(set(outcomes) - {"ok"}) == ["conflict at 2"]
    assert app.repository.get(task.id).version == 2


def test_the_recorder_refuses_a_batch_whose_version_is_taken(app: JITspace) -> None:
    # Given an investigation's first event in the log
    jit_id, _ = open_jit(app)
    recorder = app.recorder
    assert isinstance(recorder, EventLog)
    first = app.mapper.to_stored_event(
        app.mapper.to_domain_event(recorder.select_events(jit_id)[0])
    )
    # When it is written again while another, new investigation is written by another thread
    other = Investigation.open(
        uuid4(),
        Member(uuid4(), "Other", "BE", Role.JIT_LEADER),
        opening(
            "Other JIT",
            "JIT-OTHER",
            founder_name="Other",
            parties=(Party("BE", "Belgium", "Federal Prosecutor"),),
        ),
    )
    fresh = [app.mapper.to_stored_event(e) for e in other.collect_events()]
    barrier = threading.Barrier(2)

    def write(events: list[StoredEvent]) -> str:
        barrier.wait()
        try:
            recorder.insert_events(events)
        except IntegrityError:
            return "refused"
        return "stored"

    with ThreadPoolExecutor(2) as pool:
        replayed, new = pool.map(write, [[first], fresh])
    # Then the duplicate is refused, the new investigation stored whole
    assert (replayed, new) == ("refused", "stored")
    assert len(recorder.select_events(jit_id)) == 2
    assert len(recorder.select_events(other.id)) == 2


def test_a_reader_tailing_the_log_never_skips_an_event(app: JITspace) -> None:
    # Given writers creating tasks while a reader follows the log from its head
    jit_id, leader = open_jit(app)
    start = app.recorder.max_notification_id() or 0
    seen: list[int] = []
    done = threading.Event()

    def follow() -> None:
        last = start
        while True:
            finished = done.is_set()
            page = app.recorder.select_notifications(last + 1, limit=100)
            seen.extend(n.id for n in page)
            if page:
                last = page[-1].id
            elif finished:
                return

    reader = threading.Thread(target=follow)
    reader.start()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: create_task(app, jit_id, leader, f"r{n}"), range(200)))
    done.set()
    reader.join(timeout=60)
    # Then the reader saw every event, in log order, each once
    everything = [n.id for n in app.recorder.select_notifications(start + 1, limit=10_000)]
    assert seen == everything
    assert len(everything) >= 200


def test_two_writers_in_turn_keep_every_chain_whole(
    app: JITspace, database_url: str, settings: Settings
) -> None:
    # Given a second application on the same log, as a second app process would be
    other = JITspace(env=eventsourcing_env(database_url, settings))
    try:
        jit_id, leader = open_jit(app)
        second_id, second_leader = open_jit(other)
        # When both write in turn to both investigations
        for n in range(10):
            create_task(app, jit_id, leader, f"a{n}")
            create_task(other, jit_id, leader, f"b{n}")
            create_task(other, second_id, second_leader, f"c{n}")
            create_task(app, second_id, second_leader, f"d{n}")
        # Then the log's chain and each investigation's chain verify
        assert isinstance(app.recorder, EventLog)
        ledger = Ledger.from_settings(app.recorder, settings)
        ledger.create_table()
        assert ledger.verify().findings == []
        assert ledger.verify(jit_id).findings == []
        assert ledger.verify(second_id).findings == []
    finally:
        other.close()


def test_reading_the_log_in_order_answers_as_the_library_does(app: JITspace) -> None:
    # Given a log with investigations and tasks in it
    jit_id, leader = open_jit(app)
    for n in range(5):
        create_task(app, jit_id, leader, f"read {n}")
    recorder = app.recorder
    assert isinstance(recorder, EventLog)
    head = recorder.max_notification_id()
    assert head is not None and head >= 6
    task_topic = "domain.task:Task.Created"
    library = super(EventLog, recorder)
    # When it is read with every kind of window (the leaner select of the log's own recorder)
    windows = [
        {"start": None, "limit": 10},
        {"start": head - 3, "limit": 10},
        {"start": head - 3, "limit": 2},
        {"start": head - 3, "limit": 10, "inclusive_of_start": False},
        {"start": 1, "limit": 100, "stop": head - 2},
        {"start": head - 5, "limit": 100, "topics": [task_topic]},
        {"start": None, "limit": 100, "stop": head, "topics": ["no.such:Topic"]},
    ]
    for window in windows:
        ours = recorder.select_notifications(**window)  # type: ignore[arg-type]
        theirs = library.select_notifications(**window)  # type: ignore[arg-type]
        # Then it answers the same notifications, in the same order
        assert ours == theirs, window
    assert [n.topic for n in recorder.select_notifications(head - 5, 100, topics=[task_topic])]
