"""Tasks of one investigation: the team's board."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.commands import AssignTask, ChangeTaskStatus, CreateTask
from domain.permissions import Action
from jitspace.api.changes import TASK_CHANGE, TaskChange
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    BASE,
    AsOf,
    CurrentUser,
    RuntimeDep,
    in_thread,
    records_at,
)
from jitspace.api.responses import with_etag
from jitspace.documents.tasks import Task, TaskAssignment, TaskCreate, TaskStatusChange, TaskSummary
from jitspace.documents.views import task_view
from jitspace.services.application import JITspace


class TaskController(Controller):
    path = f"{BASE}/tasks"
    tags = ["tasks"]
    dependencies = TASK_CHANGE

    @get("/", access=Action.VIEW_TASKS)
    async def board(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        as_of: AsOf = None,
    ) -> list[TaskSummary]:
        records = await records_at(runtime, user, investigation_id, as_of)
        return await records.tasks()

    @post("/", access=Action.MANAGE_TASKS)
    async def create(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[TaskCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Response[Task]:
        task = await in_thread(
            runtime.app.create_task,
            user.user_id,
            command(CreateTask, data, investigation_id=investigation_id),
        )
        return with_etag(task_view(task), 201)

    @get("/{task_id:uuid}", access=Action.VIEW_TASKS)
    async def read(
        self,
        investigation_id: FromPath[UUID],
        task_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        as_of: AsOf = None,
    ) -> Response[Task]:
        records = await records_at(runtime, user, investigation_id, as_of)
        return with_etag(await records.task(task_id))

    @post("/{task_id:uuid}/assignment", status_code=200, access=Action.MANAGE_TASKS)
    async def assign(self, data: JSONBody[TaskAssignment], change: TaskChange) -> Response[Task]:
        """Assign the task to a member of the investigation."""
        return await change(JITspace.assign_task, AssignTask, data)

    @post("/{task_id:uuid}/status", status_code=200, access=Action.WORK_TASKS)
    async def change_status(
        self, data: JSONBody[TaskStatusChange], change: TaskChange
    ) -> Response[Task]:
        return await change(JITspace.change_task_status, ChangeTaskStatus, data)
