"""Use cases of tasks: work shared across the team, assigned to one member."""

from __future__ import annotations

from uuid import UUID

from domain.authorisation import LegalAuthorisation
from domain.commands import AssignTask, ChangeTaskStatus, CommentOnTask, CreateTask, EditTask
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.task import Task
from domain.values import Actor
from jitspace.services.base import Workspace


class Tasks(Workspace):
    def create_task(self, user_id: UUID, command: CreateTask) -> Task:
        return self._create(user_id, command, self._task)

    def _task(self, investigation: Investigation, actor: Actor, command: CreateTask) -> Task:
        """The task, linked to the evidence items and authorisations it names."""
        evidence = tuple(
            self._part(investigation, EvidenceItem, i, field="evidence_ids")
            for i in command.evidence_ids
        )
        authorisations = tuple(
            self._part(investigation, LegalAuthorisation, i, field="authorisation_ids")
            for i in command.authorisation_ids
        )
        return Task.create(
            investigation, actor, command, evidence=evidence, authorisations=authorisations
        )

    def assign_task(self, user_id: UUID, command: AssignTask) -> Task:
        return self._change(user_id, command, Task, Task.assign)

    def change_task_status(self, user_id: UUID, command: ChangeTaskStatus) -> Task:
        return self._change(user_id, command, Task, Task.change_status)

    def edit_task(self, user_id: UUID, command: EditTask) -> Task:
        return self._change(user_id, command, Task, Task.edit)

    def comment_on_task(self, user_id: UUID, command: CommentOnTask) -> Task:
        return self._change(user_id, command, Task, Task.comment)
