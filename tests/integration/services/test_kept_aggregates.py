"""Aggregates kept between commands (jitspace/services/kept.py) never make a stale decision.

Two applications on one database stand for two processes, each keeping its own copies; then
two real `jitspace serve` processes (tests/processes.py) answer the same members. A member
removed through one is refused at once through the other; two writers of one record through
both get one winner per version and a 409 for the other, and no change is lost; a command
refused after acting leaves the kept copy as the log has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from uuid import UUID

import httpx
import msgspec
import pytest

from domain.commands import ChangeTaskStatus, CreateTask, RemoveMember, SetObserverRights
from domain.errors import NotFound, RuleViolation
from domain.investigation import Investigation
from domain.permissions import Action
from domain.task import Task
from domain.values import Actor, Role, TaskStatus
from jitspace.services.application import JITspace
from jitspace.services.base import AccessOutdated, VersionConflict
from jitspace.services.kept import KeptAggregates
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.integration.ledger.test_concurrency import race, version_of
from tests.integration.services.conftest import Team
from tests.processes import Cluster
from tests.support import Jit, People, Person, fresh_database, log_of, open_investigation

ROUNDS = 10


@pytest.fixture(scope="module")
def other(database_url: str, settings: Settings) -> Iterator[JITspace]:
    """A second application on the same database: another process, with copies of its own."""
    application = JITspace(env=eventsourcing_env(database_url, settings))
    yield application
    application.close()


def a_task(team: Team, user: UUID) -> Task:
    return team.app.create_task(user, CreateTask(investigation_id=team.id, title="Trace the van"))


def status(team: Team, task: Task, value: TaskStatus, **change: object) -> ChangeTaskStatus:
    return ChangeTaskStatus(investigation_id=team.id, task_id=task.id, status=value, **change)  # type: ignore[arg-type]


def test_the_applications_keep_aggregates(team: Team, other: JITspace) -> None:
    assert isinstance(team.app.repository, KeptAggregates)
    assert team.app.repository.kept is not None
    assert isinstance(other.repository, KeptAggregates)


def test_a_member_removed_through_one_process_is_refused_at_once_by_the_other(
    team: Team, other: JITspace
) -> None:
    # Given the other process has just acted for the Belgian investigator (and keeps the
    # investigation as it was then)
    other.create_task(team.be_investigator, CreateTask(investigation_id=team.id, title="One"))
    # When the leader removes them through this process
    team.app.remove_member(
        team.leader,
        RemoveMember(
            investigation_id=team.id,
            user_id=team.be_investigator,
            reason="left the team",
            occurred_at=datetime.now(UTC),
        ),
    )
    # Then the other process refuses their next command: the investigation is not theirs
    with pytest.raises(NotFound):
        other.create_task(team.be_investigator, CreateTask(investigation_id=team.id, title="Two"))
    assert other.repository.get(team.id).member_of(team.be_investigator) is None


def test_a_change_through_one_process_is_seen_by_the_other_before_it_decides(
    team: Team, other: JITspace
) -> None:
    task = a_task(team, team.fr_investigator)
    kept = other.repository.get(task.id)  # the other process keeps version 1
    team.app.change_task_status(team.fr_investigator, status(team, task, TaskStatus.DONE))
    # the other process decides on the task as the log has it: already done
    with pytest.raises(RuleViolation, match="already done"):
        other.change_task_status(team.fr_investigator, status(team, task, TaskStatus.DONE))
    # and a writer naming the version it read before is refused, not applied on top
    with pytest.raises(VersionConflict) as conflict:
        other.change_task_status(
            team.fr_investigator,
            status(team, task, TaskStatus.BLOCKED, expected_version=kept.version),
        )
    assert conflict.value.current_version == kept.version + 1


def test_a_command_refused_after_acting_leaves_the_kept_copy_as_the_log_has_it(
    team: Team,
) -> None:
    task = a_task(team, team.fr_investigator)
    investigation = team.app.repository.get(team.id)
    assert isinstance(investigation, Investigation)
    actor = Actor(user_id=team.fr_investigator, country="FR", role=Role.INVESTIGATOR)
    # a command changes its copy of the task and then fails (nothing is saved)
    loaded = team.app.repository.get(task.id)
    loaded.change_status(investigation, actor, status(team, task, TaskStatus.BLOCKED))
    assert loaded.status is TaskStatus.BLOCKED
    # the next load, and the next command, see the task as logged
    again = team.app.repository.get(task.id)
    assert (again.version, again.status) == (task.version, TaskStatus.OPEN)
    with pytest.raises(RuleViolation, match="already open"):
        team.app.change_task_status(team.fr_investigator, status(team, task, TaskStatus.OPEN))
    # (a refusal by the domain leaves nothing behind either)
    changed = team.app.change_task_status(
        team.fr_investigator, status(team, task, TaskStatus.BLOCKED, expected_version=1)
    )
    assert changed.version == 2
    assert team.app.repository.get(task.id).status is TaskStatus.BLOCKED


def test_a_command_decided_on_a_version_the_log_moved_past_records_nothing(
    team: Team, other: JITspace
) -> None:
    # Given the other process keeps the investigation at the version its guard decided on
    decided = other.repository.get(team.id).version
    # When the leader changes the investigation through this process
    team.app.remove_member(
        team.leader,
        RemoveMember(
            investigation_id=team.id,
            user_id=team.be_legal,
            reason="left the team",
            occurred_at=datetime.now(UTC),
        ),
    )
    position = team.position()
    # Then a command naming the version decided on is refused, and nothing is recorded
    named = CreateTask(investigation_id=team.id, title="Decided too early")
    with pytest.raises(AccessOutdated):
        other.create_task(
            team.fr_investigator, msgspec.structs.replace(named, investigation_version=decided)
        )
    assert team.position() == position
    # and naming the latest version it is recorded
    latest = team.app.repository.get(team.id).version
    created = other.create_task(
        team.fr_investigator, msgspec.structs.replace(named, investigation_version=latest)
    )
    assert created.title == "Decided too early"


def test_a_change_of_the_investigation_decided_on_a_version_the_log_moved_past_records_nothing(
    team: Team, other: JITspace
) -> None:
    # Given the other process keeps the investigation before a member is removed
    decided = other.repository.get(team.id).version
    team.app.remove_member(
        team.leader,
        RemoveMember(
            investigation_id=team.id,
            user_id=team.fr_legal,
            reason="left the team",
            occurred_at=datetime.now(UTC),
        ),
    )
    # When a command naming that version changes the investigation (the kept copy still
    # has the member): nothing is recorded, the access is to be decided again
    removal = RemoveMember(
        investigation_id=team.id,
        user_id=team.fr_legal,
        reason="twice",
        occurred_at=datetime.now(UTC),
        investigation_version=decided,
    )
    position = team.position()
    with pytest.raises(AccessOutdated):
        other.remove_member(team.leader, removal)
    assert team.position() == position


def test_a_change_of_the_investigation_here_is_kept_as_saved(team: Team) -> None:
    # Given the investigation kept here at the version a command was decided on
    before = team.app.repository.get(team.id).version
    # When this process changes it
    changed = team.app.set_observer_rights(
        team.leader,
        SetObserverRights(
            investigation_id=team.id,
            rights=frozenset({Action.VIEW_LEGAL}),
            agreement_clause="art. 7",
            occurred_at=datetime.now(UTC),
            investigation_version=before,
        ),
    )
    # Then the version kept is the one the log now holds, and the next command here is
    # decided on it, without reading the log first
    assert changed.version == before + 1
    assert team.app.kept_version(team.id) == changed.version
    task = team.app.create_task(
        team.fr_investigator,
        CreateTask(investigation_id=team.id, title="Next", investigation_version=changed.version),
    )
    assert team.app.repository.get(task.id).title == "Next"


def test_kept_aggregates_are_copies_that_no_caller_shares(team: Team) -> None:
    first = team.app.repository.get(team.id)
    second = team.app.repository.get(team.id)
    assert first is not second
    assert first.members is not second.members


def test_without_keeping_every_load_replays_the_log(database_url: str, settings: Settings) -> None:
    env = eventsourcing_env(
        database_url, Settings(database_url=database_url, aggregate_cache_size=0)
    )
    application = JITspace(env=env)
    try:
        assert isinstance(application.repository, KeptAggregates)
        assert application.repository.kept is None
    finally:
        application.close()


# -- two real server processes ---------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    url = fresh_database(database_url, "kept")
    with Cluster(url, Path(tmp_path_factory.mktemp("cluster"))) as running:
        running.database_url = url
        yield running


@pytest.fixture
def jit(cluster: Cluster) -> Iterator[Jit]:
    people = People(cluster.a.url, cluster.database_url)
    yield open_investigation(people)
    for person in people.made:
        person.client.close()


def through_b(cluster: Cluster, person: Person) -> httpx.Client:
    """A client of the person's own, sent to process B (theirs is made for process A)."""
    return httpx.Client(base_url=cluster.b.url, headers=person.client.headers, timeout=60)


def test_a_member_removed_through_process_a_is_refused_at_once_through_process_b(
    cluster: Cluster, jit: Jit
) -> None:
    on_b = through_b(cluster, jit.investigator)
    with on_b:
        created = on_b.post(jit.path("/tasks"), json={"title": "Through B"})
        assert created.status_code == 201, created.text
        removed = jit.leader.post(
            jit.path(f"/members/{jit.investigator.user_id}/removal"),
            json={"reason": "left the team"},
        )
        assert removed.status_code == 200, removed.text
        refused = on_b.post(jit.path("/tasks"), json={"title": "After removal"})
        assert refused.status_code == 404, refused.text
        assert on_b.get(jit.path()).status_code == 404


def test_two_writers_of_one_task_through_both_processes_one_wins_per_version(
    cluster: Cluster, jit: Jit
) -> None:
    task = jit.leader.post(jit.path("/tasks"), json={"title": "Contested"}).json()
    path = jit.path(f"/tasks/{task['id']}")
    on_b = through_b(cluster, jit.investigator)
    statuses = ["open", "in_progress", "blocked"]
    with on_b:
        for _ in range(ROUNDS):
            read = jit.leader.get(path)
            version, current = version_of(read), read.json()["status"]
            first, second = (s for s in statuses if s != current)
            if_match = {"If-Match": f'"{version}"'}
            responses = race(
                partial(
                    jit.leader.post, f"{path}/status", json={"status": first}, headers=if_match
                ),
                partial(on_b.post, f"{path}/status", json={"status": second}, headers=if_match),
            )
            assert sorted(r.status_code for r in responses) == [200, 409], [
                r.text for r in responses
            ]
            winner = next(r for r in responses if r.status_code == 200)
            assert winner.json()["version"] == version + 1
            assert (
                next(r for r in responses if r.status_code == 409).json()["current_version"]
                == version + 1
            )
        # without If-Match, each writer acts on the task as it is: both may win, one after
        # the other, or one is told to try again; no change is lost
        won = 0
        for _ in range(ROUNDS):
            responses = race(
                partial(jit.leader.post, f"{path}/status", json={"status": "blocked"}),
                partial(on_b.post, f"{path}/status", json={"status": "in_progress"}),
            )
            assert {r.status_code for r in responses} <= {200, 409, 422}, [
                r.text for r in responses
            ]
            won += sum(r.status_code == 200 for r in responses)
    changes = [
        e
        for e in log_of(jit.leader, jit.id)
        if e["aggregate_id"] == task["id"] and e["type"] == "Task.StatusChanged"
    ]
    assert [e["aggregate_version"] for e in changes] == list(range(2, 2 + ROUNDS + won))
    final = jit.leader.get(path)
    assert version_of(final) == 1 + ROUNDS + won
    assert final.json()["status"] == changes[-1]["data"]["status"]


def test_what_observers_may_do_changed_elsewhere_does_not_refuse_other_members(
    cluster: Cluster, jit: Jit
) -> None:
    # Given an investigator and the leader who have each acted through process A
    for person in (jit.investigator, jit.leader):
        made = person.client.post(jit.path("/tasks"), json={"title": "Before"})
        assert made.status_code == 201, made.text
    on_b = through_b(cluster, jit.leader)
    with on_b:
        # When the leader gives observers the legal file through process B
        rights = {"rights": ["view_legal"], "agreement_clause": "art. 7"}
        assert on_b.post(jit.path("/observer-rights"), json=rights).status_code == 200
    # Then the investigator's next command through A is recorded: their own access is as it was
    after = jit.investigator.client.post(jit.path("/tasks"), json={"title": "After B"})
    assert after.status_code == 201, after.text
    # and so is the leader's, right after they change observers' rights again through A
    fewer = {"rights": [], "agreement_clause": "art. 7, as amended"}
    assert jit.leader.post(jit.path("/observer-rights"), json=fewer).status_code == 200
    again = jit.leader.post(jit.path("/tasks"), json={"title": "After A"})
    assert again.status_code == 201, again.text
    titles = [e["data"].get("title") for e in log_of(jit.leader, jit.id)]
    assert {"After B", "After A"} <= set(titles)
