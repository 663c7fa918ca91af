"""The investigation's events in log order: the base of replay and of the live feed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from jitspace.api.dependencies import CurrentUser, RuntimeDep, in_thread
from jitspace.api.schemas import EventPage


class EventController(Controller):
    path = "/investigations/{investigation_id:uuid}/events"
    tags = ["log"]

    @get("/")
    async def page(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        after: Annotated[
            int,
            QueryParameter(
                ge=0, le=2**63 - 1, description="log position of the last event you have"
            ),
        ] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> EventPage:
        """Events after a log position, oldest first. Resume with `after=last_position`."""
        await in_thread(runtime.app.investigation_for, user.user_id, investigation_id)
        events = await runtime.queries.events(investigation_id, after, limit)
        return EventPage(events=events, last_position=events[-1].position if events else after)
