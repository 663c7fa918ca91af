"""Use cases of tasks."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.commands import AssignTask, ChangeTaskStatus, CreateTask
from domain.errors import NotFound
from domain.values import TaskStatus

from .conftest import Team


def test_a_task_on_an_item_is_created_assigned_and_started(team: Team) -> None:
    item = team.register()
    task = team.app.create_task(
        team.leader,
        CreateTask(investigation_id=team.id, title="Extract the phone", evidence_ids=(item.id,)),
    )
    on = {"investigation_id": team.id, "task_id": task.id}
    team.app.assign_task(team.leader, AssignTask(**on, assignee_id=team.be_investigator))
    started = team.app.change_task_status(
        team.be_investigator, ChangeTaskStatus(**on, status=TaskStatus.IN_PROGRESS)
    )
    stored = team.app.repository.get(task.id)
    assert (started.version, stored.version) == (3, 3)
    assert stored.evidence_ids == (item.id,)
    assert stored.assignee_id == team.be_investigator


def test_a_task_on_an_unknown_item_is_refused(team: Team) -> None:
    before = team.position()
    with pytest.raises(NotFound) as refused:
        team.app.create_task(
            team.leader, CreateTask(investigation_id=team.id, title="x", evidence_ids=(uuid4(),))
        )
    assert refused.value.field == "evidence_ids"
    assert team.position() == before
