"""Evidence items, legal authorisations and tasks of one investigation."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.authorisation import LegalAuthorisation
from domain.evidence import EvidenceItem
from domain.task import Task as TaskAggregate
from domain.values import Scope
from jitspace.api.dependencies import (
    CurrentUser,
    RuntimeDep,
    expected_version,
    in_thread,
    reported_time,
)
from jitspace.api.investigations import IfMatch
from jitspace.api.responses import with_etag
from jitspace.api.schemas import (
    Authorisation,
    AuthorisationCreate,
    AuthorisationRevocation,
    AuthorisationSummary,
    Evidence,
    EvidenceAmendment,
    EvidenceCreate,
    EvidenceSummary,
    Task,
    TaskAssignment,
    TaskCreate,
    TaskStatusChange,
    TaskSummary,
)
from jitspace.api.views import authorisation_view, evidence_view, task_view

BASE = "/investigations/{investigation_id:uuid}"


async def _readable(
    runtime: RuntimeDep, user: CurrentUser, investigation_id: FromPath[UUID]
) -> None:
    """Members only; then wait (briefly) until the register shows what was just recorded."""
    await in_thread(runtime.app.investigation_for, user.user_id, investigation_id)
    await runtime.queries.caught_up(investigation_id)


class EvidenceController(Controller):
    path = f"{BASE}/evidence"
    tags = ["evidence"]

    @get("/")
    async def register(
        self, investigation_id: FromPath[UUID], runtime: RuntimeDep, user: CurrentUser
    ) -> list[EvidenceSummary]:
        """The investigation's evidence register."""
        await _readable(runtime, user, investigation_id)
        return await runtime.queries.evidence_register(investigation_id)

    @post("/")
    async def register_item(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[EvidenceCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Response[Evidence]:
        """Register an item collected by your party."""
        item = await in_thread(
            runtime.app.register_evidence,
            user.user_id,
            investigation_id,
            reference=data.reference,
            kind=data.kind,
            description=data.description,
            occurred_at=reported_time(data.occurred_at),
            collected_by=data.collected_by,
            place=data.place,
            method=data.method,
            authorisation_id=data.authorisation_id,
        )
        return with_etag(evidence_view(item), 201)

    @get("/{evidence_id:uuid}")
    async def read(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.part_for, user.user_id, investigation_id, EvidenceItem, evidence_id
        )
        return with_etag(evidence_view(item))

    @post("/{evidence_id:uuid}/description", status_code=200)
    async def amend_description(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[EvidenceAmendment],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.amend_evidence_description,
            user.user_id,
            investigation_id,
            evidence_id,
            expected_version(if_match),
            data.description,
            data.reason,
        )
        return with_etag(evidence_view(item))


class AuthorisationController(Controller):
    path = f"{BASE}/authorisations"
    tags = ["authorisations"]

    @get("/")
    async def list_all(
        self, investigation_id: FromPath[UUID], runtime: RuntimeDep, user: CurrentUser
    ) -> list[AuthorisationSummary]:
        await _readable(runtime, user, investigation_id)
        return await runtime.queries.authorisations(investigation_id)

    @post("/")
    async def record(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[AuthorisationCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Response[Authorisation]:
        """Record a warrant, order or request issued in one of the parties' jurisdictions."""
        authorisation = await in_thread(
            runtime.app.record_authorisation,
            user.user_id,
            investigation_id,
            kind=data.kind,
            country=data.country,
            authority=data.authority,
            reference=data.reference,
            occurred_at=reported_time(data.occurred_at),
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            scope=Scope(
                targets=tuple(data.scope.targets),
                places=tuple(data.scope.places),
                methods=tuple(data.scope.methods),
                evidence_kinds=tuple(data.scope.evidence_kinds),
            ),
            conditions=data.conditions,
        )
        return with_etag(authorisation_view(authorisation), 201)

    @get("/{authorisation_id:uuid}")
    async def read(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Response[Authorisation]:
        authorisation = await in_thread(
            runtime.app.part_for,
            user.user_id,
            investigation_id,
            LegalAuthorisation,
            authorisation_id,
        )
        return with_etag(authorisation_view(authorisation))

    @post("/{authorisation_id:uuid}/revocation", status_code=200)
    async def revoke(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        data: JSONBody[AuthorisationRevocation],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Authorisation]:
        authorisation = await in_thread(
            runtime.app.revoke_authorisation,
            user.user_id,
            investigation_id,
            authorisation_id,
            expected_version(if_match),
            data.reason,
            reported_time(data.occurred_at),
        )
        return with_etag(authorisation_view(authorisation))


class TaskController(Controller):
    path = f"{BASE}/tasks"
    tags = ["tasks"]

    @get("/")
    async def board(
        self, investigation_id: FromPath[UUID], runtime: RuntimeDep, user: CurrentUser
    ) -> list[TaskSummary]:
        await _readable(runtime, user, investigation_id)
        return await runtime.queries.tasks(investigation_id)

    @post("/")
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
            investigation_id,
            title=data.title,
            description=data.description,
            due_on=data.due_on,
            evidence_ids=tuple(data.evidence_ids),
            authorisation_ids=tuple(data.authorisation_ids),
        )
        return with_etag(task_view(task), 201)

    @get("/{task_id:uuid}")
    async def read(
        self,
        investigation_id: FromPath[UUID],
        task_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Response[Task]:
        task = await in_thread(
            runtime.app.part_for, user.user_id, investigation_id, TaskAggregate, task_id
        )
        return with_etag(task_view(task))

    @post("/{task_id:uuid}/assignment", status_code=200)
    async def assign(
        self,
        investigation_id: FromPath[UUID],
        task_id: FromPath[UUID],
        data: JSONBody[TaskAssignment],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Task]:
        """Assign the task to a member of the investigation."""
        task = await in_thread(
            runtime.app.assign_task,
            user.user_id,
            investigation_id,
            task_id,
            expected_version(if_match),
            data.assignee_id,
        )
        return with_etag(task_view(task))

    @post("/{task_id:uuid}/status", status_code=200)
    async def change_status(
        self,
        investigation_id: FromPath[UUID],
        task_id: FromPath[UUID],
        data: JSONBody[TaskStatusChange],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Task]:
        task = await in_thread(
            runtime.app.change_task_status,
            user.user_id,
            investigation_id,
            task_id,
            expected_version(if_match),
            data.status,
            data.note,
        )
        return with_etag(task_view(task))
