"""Stories of the team sharing work: creating, assigning and progressing tasks."""

from __future__ import annotations

from datetime import date

import pytest

from domain.commands import CreateTask
from domain.errors import DomainError, NotFound, RuleViolation
from domain.task import Task
from domain.values import TaskStatus
from tests.unit.builders import assign_task, change_task_status, comment_on_task, edit_task


def test_a_member_creates_a_task_linked_to_records_of_the_jit(
    team, seized_phone, interception_order, recorded_once
):
    # Given a phone and an interception order of a FR-BE JIT
    leader = team.actor(team.leader)

    # When the leader creates a task about them
    task = Task.create(
        team.investigation,
        leader,
        CreateTask(
            investigation_id=team.investigation.id,
            title="Image the phone",
            description="write-blocked image, SHA-256",
            due_on=date(2024, 7, 15),
        ),
        evidence=(seized_phone,),
        authorisations=(interception_order,),
    )

    # Then the task is open, unassigned and linked to both records
    assert task.investigation_id == team.id
    assert task.title == "Image the phone"
    assert task.due_on == date(2024, 7, 15)
    assert task.status is TaskStatus.OPEN
    assert task.assignee_id is None
    assert task.evidence_ids == (seized_phone.id,)
    assert task.authorisation_ids == (interception_order.id,)
    assert task.created_by == leader
    # and exactly one Created event says who created it, in which JIT
    created = recorded_once(task, Task.Created, leader, team)
    assert created.originator_id == task.id
    assert created.evidence_ids == (seized_phone.id,)


@pytest.mark.parametrize("title", ["", "  "], ids=["empty", "blank"])
def test_a_task_needs_a_title(team, create_task, rejected, title):
    # Given a FR-BE JIT
    # When the leader creates a task without a title
    with rejected(RuleViolation, team.investigation) as error:
        create_task(team, title=title)

    # Then the title is at fault
    assert error.value.field == "title"


def test_a_task_cannot_link_evidence_of_another_investigation(
    team, other_team, seized_phone, register_evidence, create_task, rejected
):
    # Given a phone of this JIT and an item registered in another JIT
    foreign_item = register_evidence(other_team, reference="DE-1")

    # When the leader creates a task about both
    with rejected(NotFound, team.investigation) as error:
        create_task(team, evidence=(seized_phone, foreign_item))

    # Then the evidence references are at fault
    assert error.value.field == "evidence_ids"


def test_a_task_cannot_link_an_authorisation_of_another_investigation(
    team, other_team, record_authorisation, create_task, rejected
):
    # Given an authorisation recorded in another JIT
    foreign_order = record_authorisation(other_team, actor=other_team.actor(other_team.leader))

    # When the leader creates a task about it
    with rejected(NotFound, team.investigation) as error:
        create_task(team, authorisations=(foreign_order,))

    # Then the authorisation references are at fault
    assert error.value.field == "authorisation_ids"


def test_a_user_who_is_not_a_member_cannot_create_a_task(team, outsider, create_task, rejected):
    # Given a French user outside the team
    # When he creates a task
    with rejected(DomainError, team.investigation):
        create_task(team, actor=outsider)


@pytest.fixture
def assigned(team, task):
    """Given the task assigned by the leader to the Belgian investigator."""
    task.assign(
        team.investigation, team.actor(team.leader), assign_task(task, team.be_investigator)
    )
    task.collect_events()
    return task


def test_a_task_is_assigned_to_a_member(team, task, recorded_once):
    # Given an unassigned task
    leader = team.actor(team.leader)

    # When the leader assigns it to the Belgian investigator
    task.assign(team.investigation, leader, assign_task(task, team.be_investigator))

    # Then he is its assignee, by exactly one Assigned event
    assert task.assignee_id == team.be_investigator.user_id
    assigned = recorded_once(task, Task.Assigned, leader, team)
    assert assigned.assignee_id == team.be_investigator.user_id


def test_a_task_is_assigned_only_to_a_member(team, task, outsider, rejected):
    # Given an unassigned task and a user outside the team
    # When the leader assigns the task to him
    with rejected(RuleViolation, task) as error:
        task.assign(team.investigation, team.actor(team.leader), assign_task(task, outsider))

    # Then the assignee is at fault, and the task stays unassigned
    assert error.value.field == "assignee_id"
    assert task.assignee_id is None


def test_a_task_is_not_assigned_to_a_removed_member(team, task, leave_team, rejected):
    # Given the Belgian investigator left the team
    leave_team(team, team.be_investigator)

    # When the leader assigns the task to him
    with rejected(RuleViolation, task) as error:
        task.assign(
            team.investigation, team.actor(team.leader), assign_task(task, team.be_investigator)
        )

    # Then the assignee is at fault
    assert error.value.field == "assignee_id"


def test_a_task_is_not_assigned_again_to_its_assignee(team, assigned, rejected):
    # Given a task assigned to the Belgian investigator
    # When the leader assigns it to him again
    with rejected(RuleViolation, assigned) as error:
        assigned.assign(
            team.investigation,
            team.actor(team.leader),
            assign_task(assigned, team.be_investigator),
        )

    # Then the assignee is at fault
    assert error.value.field == "assignee_id"


def test_a_task_is_reassigned_to_another_member(team, assigned):
    # Given a task assigned to the Belgian investigator
    # When the leader hands it to the French investigator
    leader = team.actor(team.leader)
    assigned.assign(team.investigation, leader, assign_task(assigned, team.fr_investigator))

    # Then the French investigator is its assignee
    assert assigned.assignee_id == team.fr_investigator.user_id
    [reassigned] = assigned.collect_events()
    assert reassigned.assignee_id == team.fr_investigator.user_id


@pytest.mark.parametrize("status", [TaskStatus.DONE, TaskStatus.CANCELLED])
def test_a_finished_task_is_not_assigned(team, task, rejected, status):
    # Given a task that is done or cancelled
    leader = team.actor(team.leader)
    task.change_status(team.investigation, leader, change_task_status(task, status, "finished"))
    task.collect_events()

    # When the leader assigns it
    with rejected(RuleViolation, task) as error:
        task.assign(team.investigation, leader, assign_task(task, team.be_investigator))

    # Then its status is at fault
    assert error.value.field == "status"


def test_a_member_moves_a_task_on(team, task, recorded_once):
    # Given an open task
    investigator = team.actor(team.be_investigator)

    # When the Belgian investigator starts working on it
    started = change_task_status(task, TaskStatus.IN_PROGRESS, "started")
    task.change_status(team.investigation, investigator, started)

    # Then it is in progress, by exactly one StatusChanged event
    assert task.status is TaskStatus.IN_PROGRESS
    changed = recorded_once(task, Task.StatusChanged, investigator, team)
    assert changed.status is TaskStatus.IN_PROGRESS
    assert changed.note == "started"


def test_a_task_does_not_change_to_the_status_it_has(team, task, rejected):
    # Given an open task
    # When the leader sets it open
    with rejected(RuleViolation, task) as error:
        reopen = change_task_status(task, TaskStatus.OPEN)
        task.change_status(team.investigation, team.actor(team.leader), reopen)

    # Then the status is at fault
    assert error.value.field == "status"


def test_a_cancelled_task_does_not_change_status(team, task, rejected):
    # Given a cancelled task
    leader = team.actor(team.leader)
    cancel = change_task_status(task, TaskStatus.CANCELLED, "not needed")
    task.change_status(team.investigation, leader, cancel)
    task.collect_events()

    # When the leader reopens it
    with rejected(RuleViolation, task) as error:
        task.change_status(team.investigation, leader, change_task_status(task, TaskStatus.OPEN))

    # Then the status is at fault and the task stays cancelled
    assert error.value.field == "status"
    assert task.status is TaskStatus.CANCELLED


def test_a_user_who_is_not_a_member_cannot_change_a_task(team, task, outsider, rejected):
    # Given a French user outside the team
    # When he marks the task done
    with rejected(DomainError, task):
        task.change_status(team.investigation, outsider, change_task_status(task, TaskStatus.DONE))

    # Then the task is still open
    assert task.status is TaskStatus.OPEN


def test_a_task_of_another_investigation_cannot_be_assigned(other_team, task, rejected):
    # Given a task of the FR-BE JIT, and the leader of another JIT
    # When he assigns it, through his own JIT, to one of his own members
    with rejected(DomainError, task):
        task.assign(
            other_team.investigation,
            other_team.actor(other_team.leader),
            assign_task(task, other_team.fr_investigator, investigation_id=other_team.id),
        )


@pytest.mark.parametrize("command", ["create", "assign", "change_status"])
def test_a_closed_investigation_rejects_task_commands(
    team, task, create_task, rejected_once_closed, command
):
    # Given an open task, and its JIT closed
    leader = team.actor(team.leader)

    # When the leader creates, assigns or progresses a task, it is rejected
    with rejected_once_closed(team, task):
        if command == "create":
            create_task(team, actor=leader)
        elif command == "assign":
            task.assign(team.investigation, leader, assign_task(task, team.be_investigator))
        else:
            task.change_status(
                team.investigation, leader, change_task_status(task, TaskStatus.DONE)
            )


def test_replaying_the_events_rebuilds_the_same_task(team, seized_phone, create_task, replay):
    # Given a task created, assigned, started and done
    leader = team.actor(team.leader)
    task = create_task(team, evidence=(seized_phone,))
    task.assign(team.investigation, leader, assign_task(task, team.be_investigator))
    for status, note in ((TaskStatus.IN_PROGRESS, "started"), (TaskStatus.DONE, "translated")):
        task.change_status(team.investigation, leader, change_task_status(task, status, note))
    events = task.collect_events()

    # When its events are replayed
    rebuilt = replay(events)

    # Then the rebuilt task equals the one that recorded them
    assert type(rebuilt) is Task
    assert vars(rebuilt) == vars(task)
    assert rebuilt.version == 4
    assert rebuilt.status is TaskStatus.DONE
    assert rebuilt.assignee_id == team.be_investigator.user_id


def test_a_task_s_title_and_due_date_are_edited(team, task, recorded_once):
    # When the leader moves the deadline and sharpens the title
    leader = team.actor(team.leader)
    task.edit(team.investigation, leader, edit_task(task, "Image both phones", date(2024, 8, 1)))

    # Then the task reads so, and one Edited event says it
    assert (task.title, task.due_on) == ("Image both phones", date(2024, 8, 1))
    edited = recorded_once(task, Task.Edited, leader, team)
    assert edited.title == "Image both phones"


def test_an_edit_that_changes_nothing_is_refused(team, task, rejected):
    with rejected(RuleViolation, task) as error:
        task.edit(
            team.investigation, team.actor(team.leader), edit_task(task, task.title, task.due_on)
        )
    assert "unchanged" in error.value.message


def test_a_comment_mentions_members_only(team, task, outsider, rejected, recorded_once):
    # Given a task; a comment mentioning someone outside the team is refused
    fr = team.actor(team.members["fr_investigator"])
    with rejected(RuleViolation, task) as error:
        task.comment(team.investigation, fr, comment_on_task(task, "see", outsider))
    assert error.value.field == "mentions"

    # When the investigator comments mentioning the Belgian investigator
    be = team.members["be_investigator"]
    task.comment(team.investigation, fr, comment_on_task(task, "photos attached", be, be))

    # Then the comment is on the task, naming them once, by its author
    [comment] = task.comments
    assert (comment.comment, comment.mentions, comment.author) == (
        "photos attached",
        (be.user_id,),
        fr,
    )
    recorded_once(task, Task.Commented, fr, team)
