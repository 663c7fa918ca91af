"""The investigation's events in log order: the base of replay and of the live feed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from domain.permissions import Action
from jitspace.api.access import CurrentAudience
from jitspace.api.dependencies import AsOf, RuntimeDep, in_thread, parse_as_of
from jitspace.documents.events import EventPage


class EventController(Controller):
    path = "/investigations/{investigation_id:uuid}/events"
    tags = ["log"]

    @get("/", access=Action.VIEW_INVESTIGATION)
    async def page(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        audience: CurrentAudience,
        after: Annotated[
            int,
            QueryParameter(
                ge=0, le=2**63 - 1, description="log position of the last event you have"
            ),
        ] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        as_of: AsOf = None,
        record: Annotated[
            UUID | None,
            QueryParameter(
                description="only the events of this record (an item, a task, a rulebook...): "
                "its history"
            ),
        ] = None,
    ) -> EventPage:
        """Events after a log position, oldest first. Resume with `after=last_position`."""
        until = None
        if as_of is not None:
            moment, position = parse_as_of(as_of)
            until = await in_thread(
                runtime.ledger.position_as_of, investigation_id, moment, position
            )
        events = await runtime.queries.events(
            investigation_id, after, limit, until=until, audience=audience, record=record
        )
        return EventPage(events=events, last_position=events[-1].position if events else after)
