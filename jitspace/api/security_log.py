"""The security log a page at a time: the whole of it for the deployment's administrators,
an investigation's entries for its JIT leader. Newest first, filtered by kind, user and time,
paged by the entry before which the next page starts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from domain.permissions import Action
from jitspace.api.access import ADMINISTRATOR
from jitspace.api.dependencies import BASE, RuntimeDep, zoned_instant
from jitspace.auth.security_log import Filter, SecurityKind
from jitspace.documents.users import SecurityLogPage, entry_out

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="entries on the page")]
Before = Annotated[
    int | None, QueryParameter(ge=1, description="the `next_before` of the previous page")
]
KindFilter = Annotated[SecurityKind | None, QueryParameter(description="entries of this kind")]
UserFilter = Annotated[
    UUID | None,
    QueryParameter(
        name="user", description="entries of this user: who acted, or whom a change was about"
    ),
]
Since = Annotated[
    str | None,
    QueryParameter(description="entries at or after this time (ISO 8601 with a zone)"),
]
Until = Annotated[
    str | None, QueryParameter(description="entries before this time (ISO 8601 with a zone)")
]
TIME_FORM = "a time with a zone, e.g. 2024-07-05T00:00:00Z"


def _filter(
    investigation_id: UUID | None,
    kind: SecurityKind | None,
    user: UUID | None,
    since: str | None,
    until: str | None,
    before: int | None,
) -> Filter:
    return Filter(
        investigation_id=investigation_id,
        kind=kind,
        user_id=user,
        since=None if since is None else zoned_instant(since, field="since", form=TIME_FORM),
        until=None if until is None else zoned_instant(until, field="until", form=TIME_FORM),
        before=before,
    )


class SecurityLogController(Controller):
    tags = ["administration"]

    @get("/security-log", access=ADMINISTRATOR)
    async def read_security_log(
        self,
        runtime: RuntimeDep,
        kind: KindFilter = None,
        who: UserFilter = None,
        since: Since = None,
        until: Until = None,
        before: Before = None,
        limit: Limit = 50,
    ) -> SecurityLogPage:
        """The deployment's security log: logins, refusals, logouts and administrators'
        changes to users, newest first."""
        page = await runtime.security_log.page(
            _filter(None, kind, who, since, until, before), limit
        )
        return SecurityLogPage([entry_out(e) for e in page.entries], page.next_before)

    @get(f"{BASE}/security-log", access=Action.VIEW_SECURITY_LOG)
    async def read_investigation_security_log(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        kind: KindFilter = None,
        who: UserFilter = None,
        since: Since = None,
        until: Until = None,
        before: Before = None,
        limit: Limit = 50,
    ) -> SecurityLogPage:
        """The entries of the security log about this investigation (access refused to it,
        refused tokens of its live feed), newest first: for its JIT leader."""
        page = await runtime.security_log.page(
            _filter(investigation_id, kind, who, since, until, before), limit
        )
        return SecurityLogPage([entry_out(e) for e in page.entries], page.next_before)
