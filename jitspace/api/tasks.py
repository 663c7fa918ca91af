"""Tasks of one investigation: the team's board."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.commands import AssignTask, ChangeTaskStatus, CommentOnTask, CreateTask, EditTask
from domain.permissions import Action
from jitspace.api.changes import TASK_CHANGE, Creation, TaskChange
from jitspace.api.commands import new_comment
from jitspace.api.dependencies import (
    BASE,
    RecordsAsOf,
)
from jitspace.api.pages import TASK_QUERY, TaskQueryDep, page_from
from jitspace.api.responses import with_etag
from jitspace.documents.fields import CommentCreate
from jitspace.documents.tasks import (
    Task,
    TaskAssignment,
    TaskCreate,
    TaskEdit,
    TaskPage,
    TaskStatusChange,
    TaskSummary,
)
from jitspace.documents.views import task_view
from jitspace.services.application import JITspace


class TaskController(Controller):
    path = f"{BASE}/tasks"
    tags = ["tasks"]
    dependencies = TASK_CHANGE

    @get("/", access=Action.VIEW_TASKS)
    async def board(self, records: RecordsAsOf) -> list[TaskSummary]:
        return await records.tasks()

    @get("/page", access=Action.VIEW_TASKS, dependencies=TASK_QUERY)
    async def page(
        self, investigation_id: FromPath[UUID], records: RecordsAsOf, tasks: TaskQueryDep
    ) -> TaskPage:
        """A page of the task list (as of a point with `as_of`). Filters: the status, the
        assignee, due before or after a date, and text in the title; sorted by creation, due
        date (none last), title or status, then the task's id."""
        return await page_from(records.task_page(tasks))

    @post("/", access=Action.MANAGE_TASKS)
    async def create(self, data: JSONBody[TaskCreate], create: Creation) -> Response[Task]:
        return await create(JITspace.create_task, CreateTask, data, task_view)

    @get("/{task_id:uuid}", access=Action.VIEW_TASKS)
    async def read(
        self, investigation_id: FromPath[UUID], task_id: FromPath[UUID], records: RecordsAsOf
    ) -> Response[Task]:
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

    @post("/{task_id:uuid}/details", status_code=200, access=Action.MANAGE_TASKS)
    async def edit(self, data: JSONBody[TaskEdit], change: TaskChange) -> Response[Task]:
        """Change the task's title and due date (send If-Match: a change made meanwhile is
        not overwritten, 409 with the current version)."""
        return await change(JITspace.edit_task, EditTask, data)

    @post("/{task_id:uuid}/comments", status_code=200, access=Action.COMMENT)
    async def comment(self, data: JSONBody[CommentCreate], change: TaskChange) -> Response[Task]:
        """Comment on the task, mentioning members."""
        return await change(JITspace.comment_on_task, CommentOnTask, data, **new_comment())
