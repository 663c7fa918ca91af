"""Investigations, their parties and members."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, HeaderParameter, JSONBody

from domain.commands import (
    AddMember,
    AddParty,
    ChangeMemberRole,
    CloseInvestigation,
    OpenInvestigation,
    RemoveMember,
    SetObserverRights,
)
from domain.errors import RuleViolation
from domain.permissions import Action
from domain.values import Member
from jitspace.api.access import SIGNED_IN
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    AsOf,
    CurrentUser,
    RuntimeDep,
    as_of_point,
    expected_version,
    in_thread,
    records_at,
    reported_time,
)
from jitspace.api.responses import with_etag
from jitspace.documents.investigations import (
    Investigation,
    InvestigationClosure,
    InvestigationCreate,
    InvestigationSummary,
    MemberCreate,
    MemberRemoval,
    ObserverRightsUpdate,
    PartyCreate,
    RoleChange,
)
from jitspace.documents.views import investigation_view

# where an investigation's records live
BASE = "/investigations/{investigation_id:uuid}"
IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", description="the version you last read; 409 if it changed"),
]


class InvestigationController(Controller):
    path = "/investigations"
    tags = ["investigations"]

    @get("/", access=SIGNED_IN)
    async def list_mine(
        self, runtime: RuntimeDep, user: CurrentUser, as_of: AsOf = None
    ) -> list[InvestigationSummary]:
        """The investigations you are a member of (as of then: that you were a member of)."""
        return await runtime.records.investigations_of(user.user_id, *as_of_point(as_of))

    @post("/", access=SIGNED_IN)
    async def open(
        self, data: JSONBody[InvestigationCreate], runtime: RuntimeDep, user: CurrentUser
    ) -> Response[Investigation]:
        """Open a JIT. You become its leader, acting for `country`."""
        investigation = await in_thread(
            runtime.app.open_investigation,
            user.user_id,
            command(OpenInvestigation, data, founder_name=user.display_name),
        )
        return with_etag(investigation_view(investigation), 201)

    @get("/{investigation_id:uuid}", access=Action.VIEW_INVESTIGATION)
    async def read(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        as_of: AsOf = None,
    ) -> Response[Investigation]:
        records = await records_at(runtime, user, investigation_id, as_of)
        return with_etag(await records.investigation())

    @post("/{investigation_id:uuid}/parties", status_code=200, access=Action.MANAGE_TEAM)
    async def add_party(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[PartyCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Investigation]:
        """A state (or EU body) joins the JIT."""
        investigation = await in_thread(
            runtime.app.add_party,
            user.user_id,
            command(
                AddParty,
                investigation_id=investigation_id,
                expected_version=expected_version(if_match),
                party=data,
            ),
        )
        return with_etag(investigation_view(investigation))

    @post("/{investigation_id:uuid}/members", status_code=200, access=Action.MANAGE_TEAM)
    async def add_member(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[MemberCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Investigation]:
        """Second a user to the JIT for one of its parties, in one role."""
        # only members who run the team get here (the access guard) to learn who has an account
        new_member = await runtime.identity.find(data.username)
        if new_member is None:
            raise RuleViolation(f"there is no user {data.username!r}", field="username")
        investigation = await in_thread(
            runtime.app.add_member,
            user.user_id,
            command(
                AddMember,
                investigation_id=investigation_id,
                expected_version=expected_version(if_match),
                member=Member(new_member.user_id, new_member.display_name, data.country, data.role),
                occurred_at=reported_time(data.occurred_at),
            ),
        )
        return with_etag(investigation_view(investigation))

    @post(
        "/{investigation_id:uuid}/members/{member_id:uuid}/removal",
        status_code=200,
        access=Action.MANAGE_TEAM,
    )
    async def remove_member(
        self,
        investigation_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[MemberRemoval],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Investigation]:
        investigation = await in_thread(
            runtime.app.remove_member,
            user.user_id,
            command(
                RemoveMember,
                data,
                investigation_id=investigation_id,
                expected_version=expected_version(if_match),
                user_id=member_id,
            ),
        )
        return with_etag(investigation_view(investigation))

    @post(
        "/{investigation_id:uuid}/members/{member_id:uuid}/role",
        status_code=200,
        access=Action.MANAGE_TEAM,
    )
    async def change_member_role(
        self,
        investigation_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[RoleChange],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Investigation]:
        """A member takes another role in their party; what they may do changes at once."""
        investigation = await in_thread(
            runtime.app.change_member_role,
            user.user_id,
            command(
                ChangeMemberRole,
                data,
                investigation_id=investigation_id,
                expected_version=expected_version(if_match),
                user_id=member_id,
            ),
        )
        return with_etag(investigation_view(investigation))

    @post("/{investigation_id:uuid}/observer-rights", status_code=200, access=Action.MANAGE_TEAM)
    async def set_observer_rights(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[ObserverRightsUpdate],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Investigation]:
        """Record what the JIT agreement gives observers beyond the permission table (an
        event of the investigation, like every permission change)."""
        investigation = await in_thread(
            runtime.app.set_observer_rights,
            user.user_id,
            command(
                SetObserverRights,
                data,
                investigation_id=investigation_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(investigation_view(investigation))

    @post("/{investigation_id:uuid}/closure", status_code=200, access=Action.CLOSE_INVESTIGATION)
    async def close(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[InvestigationClosure],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Investigation]:
        """Close the JIT: its record stays, it accepts no further commands."""
        investigation = await in_thread(
            runtime.app.close_investigation,
            user.user_id,
            command(
                CloseInvestigation,
                data,
                investigation_id=investigation_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(investigation_view(investigation))
