"""Use cases of tasks: work shared across the team, assigned to one member."""

from __future__ import annotations

from uuid import UUID

from domain.authorisation import LegalAuthorisation
from domain.commands import AssignTask, ChangeTaskStatus, CreateTask
from domain.evidence import EvidenceItem
from domain.task import Task
from jitspace.services.base import Workspace


class Tasks(Workspace):
    def create_task(self, user_id: UUID, command: CreateTask) -> Task:
        investigation, actor = self._acting(user_id, command.investigation_id)
        evidence = tuple(
            self._part(investigation, EvidenceItem, i, field="evidence_ids")
            for i in command.evidence_ids
        )
        authorisations = tuple(
            self._part(investigation, LegalAuthorisation, i, field="authorisation_ids")
            for i in command.authorisation_ids
        )
        task = Task.create(
            investigation, actor, command, evidence=evidence, authorisations=authorisations
        )
        self._save(task)
        return task

    def assign_task(self, user_id: UUID, command: AssignTask) -> Task:
        with self._changing(user_id, command, Task) as (investigation, actor, task):
            task.assign(investigation, actor, command)
        return task

    def change_task_status(self, user_id: UUID, command: ChangeTaskStatus) -> Task:
        with self._changing(user_id, command, Task) as (investigation, actor, task):
            task.change_status(investigation, actor, command)
        return task
