"""Tasks of the team's board: requests, the record and its row."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.values import (
    TaskStatus,
)
from jitspace.documents.fields import (
    ActorOut,
    CommentOut,
    Ids,
    Name,
    Struct,
    Text,
)


class TaskCreate(Struct):
    title: Name
    description: Text = ""
    due_on: date | None = None
    evidence_ids: Ids = msgspec.field(default_factory=list)
    authorisation_ids: Ids = msgspec.field(default_factory=list)


class TaskAssignment(Struct):
    assignee_id: UUID


class TaskEdit(Struct):
    title: Name
    due_on: date | None = None


class TaskStatusChange(Struct):
    status: TaskStatus
    note: Text = ""


class Task(msgspec.Struct):
    id: UUID
    version: int
    investigation_id: UUID
    title: str
    description: str
    due_on: date | None
    status: TaskStatus
    assignee_id: UUID | None
    evidence_ids: list[UUID]
    authorisation_ids: list[UUID]
    created_at: datetime
    created_by: ActorOut
    comments: list[CommentOut] = msgspec.field(default_factory=list)


class TaskSummary(msgspec.Struct):
    id: UUID
    title: str
    status: TaskStatus
    assignee_id: UUID | None
    due_on: date | None
    created_at: datetime
    version: int


class TaskSort(StrEnum):
    """The columns the task list can be sorted by."""

    CREATED_AT = "created_at"
    DUE_ON = "due_on"  # tasks with no due date last (first, descending)
    TITLE = "title"
    STATUS = "status"


class TaskQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which page of the task list, in which order, of which tasks."""

    limit: int = 100
    after: str | None = None  # the cursor a previous page returned as `next`
    sort: TaskSort = TaskSort.CREATED_AT
    descending: bool = False
    status: TaskStatus | None = None
    assignee: UUID | None = None
    due_before: date | None = None  # due on or before
    due_after: date | None = None  # due on or after
    search: str | None = None  # words in the title


class TaskPage(msgspec.Struct):
    items: list[TaskSummary]
    # the cursor of the next page (`after=`), None on the last; in a fixed order of the sort
    # column then the task's id, so tasks created meanwhile neither repeat nor shift pages
    next: str | None
    total: int  # how many tasks match the filters
