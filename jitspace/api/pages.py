"""What every paged list shares: its query parameters (`limit`, `after`, `order`, `q`), and a
cursor that is not one of ours answered with a 400 that says so. The lists' own filters are
in their providers below; the register's and the matrix's are in `register.py`."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import Annotated, Literal, TypeVar
from uuid import UUID

from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, QueryParameter

from domain.values import PARTY_CODE, AuthorisationKind, TaskStatus
from jitspace.auth.identity import AccountQuery
from jitspace.documents.authorisations import (
    AuthorisationQuery,
    AuthorisationSort,
    AuthorisationStatus,
)
from jitspace.documents.custody import CustodyAuditQuery, CustodyAuditSort
from jitspace.documents.investigations import InvestigationQuery, InvestigationSort
from jitspace.documents.tasks import TaskQuery, TaskSort
from jitspace.paging import BadCursor

P = TypeVar("P")

Limit = Annotated[int, QueryParameter(ge=1, le=1000, description="rows on the page")]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=400, description="the `next` of the previous page"),
]
Order = Literal["asc", "desc"]
Party = Annotated[
    str | None,
    QueryParameter(
        pattern=f"^(?:{PARTY_CODE.pattern})$",
        description="the party that originated it (an item) or issued it (an authorisation)",
    ),
]


def search(description: str) -> object:
    return QueryParameter(min_length=1, max_length=200, description=description)


async def page_from(read: Awaitable[P]) -> P:
    """The page `read` answers; a cursor that is not one of ours is a 400 that says so."""
    try:
        return await read
    except BadCursor as bad:
        raise ValidationException(str(bad), extra=[{"key": "after", "message": str(bad)}]) from None


async def task_query(
    limit: Limit = 100,
    after: Cursor = None,
    sort: FromQuery[TaskSort] = TaskSort.CREATED_AT,
    order: FromQuery[Order] = "asc",
    status: FromQuery[TaskStatus | None] = None,
    assignee: FromQuery[UUID | None] = None,
    due_before: Annotated[
        date | None, QueryParameter(description="tasks due on or before this date")
    ] = None,
    due_after: Annotated[
        date | None, QueryParameter(description="tasks due on or after this date")
    ] = None,
    q: Annotated[str | None, search("text in the task's title (any part)")] = None,
) -> TaskQuery:
    """Which page of the task list, in which order, of which tasks."""
    return TaskQuery(
        limit=limit,
        after=after,
        sort=sort,
        descending=order == "desc",
        status=status,
        assignee=assignee,
        due_before=due_before,
        due_after=due_after,
        search=q,
    )


async def authorisation_query(
    limit: Limit = 100,
    after: Cursor = None,
    sort: FromQuery[AuthorisationSort] = AuthorisationSort.VALID_FROM,
    order: FromQuery[Order] = "asc",
    party: Party = None,
    kind: FromQuery[AuthorisationKind | None] = None,
    status: FromQuery[AuthorisationStatus | None] = None,
    q: Annotated[str | None, search("text in the reference or the authority")] = None,
) -> AuthorisationQuery:
    """Which page of the authorisations, in which order, of which."""
    return AuthorisationQuery(
        limit=limit,
        after=after,
        sort=sort,
        descending=order == "desc",
        party=party,
        kind=kind,
        status=status,
        search=q,
    )


async def custody_audit_query(
    limit: Limit = 100,
    after: Cursor = None,
    sort: FromQuery[CustodyAuditSort] = CustodyAuditSort.REFERENCE,
    order: FromQuery[Order] = "asc",
    code: Annotated[
        str | None,
        QueryParameter(
            pattern=r"^[a-z][a-z-]{0,59}$", description="items with a defect of this code"
        ),
    ] = None,
    q: Annotated[str | None, search("text in the item's reference")] = None,
) -> CustodyAuditQuery:
    """Which page of the custody audit's items, in which order, of which."""
    return CustodyAuditQuery(
        limit=limit, after=after, sort=sort, descending=order == "desc", code=code, search=q
    )


async def investigation_query(
    limit: Limit = 100,
    after: Cursor = None,
    sort: FromQuery[InvestigationSort] = InvestigationSort.OPENED_AT,
    order: FromQuery[Order] = "desc",
    status: FromQuery[Literal["open", "closed"] | None] = None,
    q: Annotated[str | None, search("text in the name or the agreement's reference")] = None,
) -> InvestigationQuery:
    """Which page of your investigations, in which order, of which (the latest first)."""
    return InvestigationQuery(
        limit=limit, after=after, sort=sort, descending=order == "desc", status=status, search=q
    )


async def account_query(
    limit: Limit = 100,
    after: Cursor = None,
    sort: FromQuery[Literal["name", "created_at"]] = "name",
    order: FromQuery[Order] = "asc",
    disabled: FromQuery[bool | None] = None,
    administrator: FromQuery[bool | None] = None,
    q: Annotated[str | None, search("text in the username or the display name")] = None,
) -> AccountQuery:
    """Which page of the deployment's users, in which order, of which."""
    return AccountQuery(
        limit=limit,
        after=after,
        sort=sort,
        descending=order == "desc",
        search=q,
        disabled=disabled,
        administrator=administrator,
    )


TASK_QUERY = {"tasks": Provide(task_query)}
AUTHORISATION_QUERY = {"authorisations": Provide(authorisation_query)}
CUSTODY_AUDIT_QUERY = {"audit": Provide(custody_audit_query)}
INVESTIGATION_QUERY = {"investigations": Provide(investigation_query)}
ACCOUNT_QUERY = {"accounts": Provide(account_query)}
AccountQueryDep = NamedDependency[AccountQuery]
TaskQueryDep = NamedDependency[TaskQuery]
AuthorisationQueryDep = NamedDependency[AuthorisationQuery]
CustodyAuditQueryDep = NamedDependency[CustodyAuditQuery]
InvestigationQueryDep = NamedDependency[InvestigationQuery]
