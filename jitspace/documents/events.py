"""The investigation's events as the log, the live feed and bundles publish them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from jitspace.documents.fields import (
    ActorOut,
)


class EventOut(msgspec.Struct):
    position: int
    type: str
    aggregate_id: UUID
    aggregate_version: int
    investigation_id: UUID
    recorded_at: datetime
    actor: ActorOut
    data: dict[str, Any]
    # fields of `data` withheld from you (set to null): what an item is, where its
    # originating party does not let your party read it; every field of the legal file
    # (authorisations, rulebooks, consents, uses, defects) if you may not see it
    withheld: list[str] = msgspec.field(default_factory=list)


class EventPage(msgspec.Struct):
    events: list[EventOut]
    last_position: int
