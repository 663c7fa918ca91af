"""Investigations, their parties and members."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.commands import (
    AddMember,
    AddParty,
    AgreeRetention,
    ChangeMemberRole,
    CloseInvestigation,
    ExtendAgreement,
    OpenInvestigation,
    RecordPartyDeparture,
    RemoveMember,
    SetObserverRights,
)
from domain.errors import RuleViolation
from domain.permissions import Action
from domain.values import Member, Party
from jitspace.api.access import SIGNED_IN, CurrentAudience, CurrentMember
from jitspace.api.changes import INVESTIGATION_CHANGE, MEMBER_CHANGE, InvestigationChange
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    AsOf,
    CurrentUser,
    IfMatch,
    RecordsAsOf,
    RuntimeDep,
    as_of_point,
    expected_version,
    in_thread,
    reported_time,
)
from jitspace.api.pages import INVESTIGATION_QUERY, InvestigationQueryDep, page_from
from jitspace.api.responses import with_etag
from jitspace.documents.investigations import (
    AgreementExtension,
    Investigation,
    InvestigationClosure,
    InvestigationCreate,
    InvestigationPage,
    InvestigationSummary,
    MemberCreate,
    MemberRemoval,
    MembershipOut,
    ObserverRightsUpdate,
    PartyDeparture,
    PartyJoining,
    RetentionAgreement,
    RoleChange,
)
from jitspace.documents.views import investigation_view
from jitspace.services.application import JITspace


class InvestigationController(Controller):
    path = "/investigations"
    tags = ["investigations"]
    dependencies = INVESTIGATION_CHANGE

    @get("/", access=SIGNED_IN)
    async def list_mine(
        self, runtime: RuntimeDep, user: CurrentUser, as_of: AsOf = None
    ) -> list[InvestigationSummary]:
        """The investigations you are a member of (as of then: that you were a member of)."""
        return await runtime.records.investigations_of(user.user_id, *as_of_point(as_of))

    @get("/page", access=SIGNED_IN, dependencies=INVESTIGATION_QUERY)
    async def page(
        self, runtime: RuntimeDep, user: CurrentUser, investigations: InvestigationQueryDep
    ) -> InvestigationPage:
        """A page of the investigations you are a member of. Filters: open or closed, and
        text in the name or the agreement's reference; sorted by when opened (the latest
        first) or by name, then the id."""
        return await page_from(runtime.records.investigation_page(user.user_id, investigations))

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
    async def read(self, records: RecordsAsOf) -> Response[Investigation]:
        return with_etag(await records.investigation())

    @get("/{investigation_id:uuid}/membership", access=Action.VIEW_INVESTIGATION)
    async def membership(
        self, investigation_id: FromPath[UUID], member: CurrentMember, audience: CurrentAudience
    ) -> MembershipOut:
        """Your membership: your party and role, and what you may do here (the permission
        table, and what the JIT agreement gives observers), for an interface to offer only
        that; every request is checked anyway."""
        return MembershipOut(
            user_id=member.user_id,
            name=member.name,
            country=member.country,
            role=member.role,
            actions=[action for action in Action if audience.may(action)],
        )

    @post("/{investigation_id:uuid}/parties", status_code=200, access=Action.MANAGE_TEAM)
    async def add_party(
        self, data: JSONBody[PartyJoining], change: InvestigationChange
    ) -> Response[Investigation]:
        """A state (or EU body) joins the JIT, by an amendment signed at `occurred_at` (now
        if not given): what it collected before is outside the JIT (AU-08)."""
        party = Party(data.country, data.name, data.lead_authority)
        return await change(
            JITspace.add_party, AddParty, party=party, occurred_at=reported_time(data.occurred_at)
        )

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
        dependencies=MEMBER_CHANGE,
    )
    async def remove_member(
        self, data: JSONBody[MemberRemoval], change: InvestigationChange
    ) -> Response[Investigation]:
        return await change(JITspace.remove_member, RemoveMember, data)

    @post(
        "/{investigation_id:uuid}/members/{member_id:uuid}/role",
        status_code=200,
        access=Action.MANAGE_TEAM,
        dependencies=MEMBER_CHANGE,
    )
    async def change_member_role(
        self, data: JSONBody[RoleChange], change: InvestigationChange
    ) -> Response[Investigation]:
        """A member takes another role in their party; what they may do changes at once."""
        return await change(JITspace.change_member_role, ChangeMemberRole, data)

    @post("/{investigation_id:uuid}/observer-rights", status_code=200, access=Action.MANAGE_TEAM)
    async def set_observer_rights(
        self, data: JSONBody[ObserverRightsUpdate], change: InvestigationChange
    ) -> Response[Investigation]:
        """Record what the JIT agreement gives observers beyond the permission table (an
        event of the investigation, like every permission change)."""
        return await change(JITspace.set_observer_rights, SetObserverRights, data)

    @post("/{investigation_id:uuid}/extension", status_code=200, access=Action.MANAGE_TEAM)
    async def extend_agreement(
        self, data: JSONBody[AgreementExtension], change: InvestigationChange
    ) -> Response[Investigation]:
        """Record an amendment of the JIT agreement that extends its period: collections
        after the old end and before the amendment was signed stay outside the JIT (AU-08)."""
        return await change(JITspace.extend_agreement, ExtendAgreement, data)

    @post("/{investigation_id:uuid}/departures", status_code=200, access=Action.MANAGE_TEAM)
    async def record_party_departure(
        self, data: JSONBody[PartyDeparture], change: InvestigationChange
    ) -> Response[Investigation]:
        """Record that a party left the JIT: what it collects from then on, and what is
        collected on its territory, is outside the JIT (AU-08)."""
        return await change(JITspace.record_party_departure, RecordPartyDeparture, data)

    @post("/{investigation_id:uuid}/retention", status_code=200, access=Action.MANAGE_TEAM)
    async def agree_retention(
        self, data: JSONBody[RetentionAgreement], change: InvestigationChange
    ) -> Response[Investigation]:
        """Record the retention the JIT agreement sets for the team's evidence, in days from
        each item's collection: an item's deletion date is the earlier of it and its owning
        party's retention (DP-01 of that party's rulebook)."""
        return await change(JITspace.agree_retention, AgreeRetention, data)

    @post("/{investigation_id:uuid}/closure", status_code=200, access=Action.CLOSE_INVESTIGATION)
    async def close(
        self, data: JSONBody[InvestigationClosure], change: InvestigationChange
    ) -> Response[Investigation]:
        """Close the JIT: its record stays, it accepts no further commands."""
        return await change(JITspace.close_investigation, CloseInvestigation, data)
