"""Tasks of the team's board: requests, the record and its row."""

from __future__ import annotations

from datetime import date, datetime
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
