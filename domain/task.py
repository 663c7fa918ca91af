"""The Task aggregate: work shared across the team, assigned to one member."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.authorisation import LegalAuthorisation
from domain.base import JitAggregate, fields_of
from domain.commands import AssignTask, ChangeTaskStatus, CreateTask, EditTask
from domain.comments import Comment, Commentable, CommentEvent
from domain.errors import RuleViolation
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.values import Actor, TaskStatus


class Task(JitAggregate, Commentable):
    class Created(JitAggregate.Created):
        title: str
        description: str
        due_on: date | None
        evidence_ids: tuple[UUID, ...]
        authorisation_ids: tuple[UUID, ...]

    class Assigned(JitAggregate.Event):
        assignee_id: UUID

    class StatusChanged(JitAggregate.Event):
        """The task's new status, and the one it left (since version 2 of the event)."""

        class_version = 2
        status: TaskStatus
        note: str
        previous_status: TaskStatus | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # recorded before the event named the status it left: not known from the event
            state["previous_status"] = None

    class Edited(JitAggregate.Event):
        title: str
        due_on: date | None

    class Commented(CommentEvent):
        """A member's comment on the task."""

    noun = "task"
    id_field = "task_id"

    @event(Created)
    def __init__(
        self,
        investigation_id: UUID,
        actor: Actor,
        title: str,
        description: str,
        due_on: date | None,
        evidence_ids: tuple[UUID, ...],
        authorisation_ids: tuple[UUID, ...],
    ) -> None:
        self.investigation_id = investigation_id
        self.title = title
        self.description = description
        self.due_on = due_on
        self.evidence_ids = evidence_ids
        self.authorisation_ids = authorisation_ids
        self.assignee_id: UUID | None = None
        self.status = TaskStatus.OPEN
        self.created_by = actor
        self.comments: list[Comment] = []

    @classmethod
    def create(
        cls,
        investigation: Investigation,
        actor: Actor,
        command: CreateTask,
        *,
        evidence: tuple[EvidenceItem, ...] = (),
        authorisations: tuple[LegalAuthorisation, ...] = (),
    ) -> Task:
        """Create a task about the items and authorisations the command names (loaded)."""
        investigation.check_can_act(actor)
        if not command.title.strip():
            raise RuleViolation("a task needs a title", field="title")
        for item in evidence:
            item.check_belongs_to(investigation, field="evidence_ids")
        for authorisation in authorisations:
            authorisation.check_belongs_to(investigation, field="authorisation_ids")
        return cls(
            investigation_id=investigation.id,
            actor=actor,
            **fields_of(
                cls.Created,
                command,
                evidence_ids=tuple(item.id for item in evidence),
                authorisation_ids=tuple(a.id for a in authorisations),
            ),
        )

    def assign(self, investigation: Investigation, actor: Actor, command: AssignTask) -> None:
        """Assign the task to a current member of the JIT."""
        self._check_acting(investigation, actor)
        self.check_active()
        if investigation.member_of(command.assignee_id) is None:
            raise RuleViolation(
                "a task is assigned only to a member of the investigation", field="assignee_id"
            )
        if command.assignee_id == self.assignee_id:
            raise RuleViolation("the task is already assigned to this member", field="assignee_id")
        self._record(self.Assigned, actor, command)

    def change_status(
        self, investigation: Investigation, actor: Actor, command: ChangeTaskStatus
    ) -> None:
        self._check_acting(investigation, actor)
        if command.status == self.status:
            raise RuleViolation(f"the task is already {command.status.value}", field="status")
        if self.status is TaskStatus.CANCELLED:
            raise RuleViolation("a cancelled task does not change status", field="status")
        self._record(self.StatusChanged, actor, command, previous_status=self.status)

    def edit(self, investigation: Investigation, actor: Actor, command: EditTask) -> None:
        """Change the task's title and due date."""
        self._check_acting(investigation, actor)
        self.check_active()
        if not command.title.strip():
            raise RuleViolation("a task needs a title", field="title")
        if (command.title, command.due_on) == (self.title, self.due_on):
            raise RuleViolation("the title and due date are unchanged", field="title")
        self._record(self.Edited, actor, command)

    def check_active(self) -> None:
        if self.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            raise RuleViolation(f"the task is {self.status.value}", field="status")

    @event(Assigned)
    def _assigned(self, assignee_id: UUID) -> None:
        self.assignee_id = assignee_id

    @event(StatusChanged)
    def _status_changed(self, status: TaskStatus) -> None:
        self.status = status

    @event(Edited)
    def _edited(self, title: str, due_on: date | None) -> None:
        self.title, self.due_on = title, due_on
