"""What each party may not read of an investigation's events: its items' handling restrictions.

Event documents go out through the REST log, the live feed and disclosure; all of them ask
here which fields of an event to withhold from a party (set to null and named in the
document's `withheld`). The restrictions in force are the latest each originating party
set; they apply to an item's earlier events too, since they say who may read the item.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.handling import CONTENT_FIELDS, HandlingRestrictions
from jitspace.api.schemas import EventOut

EVIDENCE_EVENT = "EvidenceItem."
HANDLING_EVENT = "EvidenceItem.HandlingRestricted"


class Withholding:
    """The handling restrictions of an investigation's restricted items."""

    def __init__(self, restricted: dict[UUID, tuple[str, HandlingRestrictions]]) -> None:
        # item -> (originating party, restrictions in force)
        self.restricted = restricted

    @classmethod
    def from_states(cls, rows: list[tuple[UUID, bytes]]) -> Withholding:
        """From the stored states of each item's latest HandlingRestricted event."""
        restricted = {}
        for item_id, state in rows:
            originator, restrictions = _decode(state)
            restricted[item_id] = (originator, restrictions)
        return cls(restricted)

    def learn(self, event: EventOut) -> None:
        """Follow the log: a HandlingRestricted event sets its item's restrictions."""
        if event.type == HANDLING_EVENT:
            restrictions = msgspec.convert(event.data["restrictions"], HandlingRestrictions)
            self.restricted[event.aggregate_id] = (event.actor.country, restrictions)

    def may_read(self, item_id: UUID, country: str) -> bool:
        entry = self.restricted.get(item_id)
        return entry is None or entry[1].may_read(entry[0], country)

    def readers(self, event: EventOut) -> frozenset[str] | None:
        """The parties that receive the event whole; None: every party."""
        if not event.type.startswith(EVIDENCE_EVENT):
            return None
        entry = self.restricted.get(event.aggregate_id)
        if event.type == HANDLING_EVENT:
            # who may read an item is the originating party's business
            return frozenset({event.actor.country})
        if entry is None or entry[1].description_to is None:
            return None
        return frozenset({entry[0], *entry[1].description_to})

    def for_party(self, event: EventOut, country: str) -> EventOut:
        """The event as `country` may read it."""
        readers = self.readers(event)
        if readers is None or country in readers:
            return event
        return withheld(event)


def withheld(event: EventOut) -> EventOut:
    """The event with its content withheld."""
    hidden = ["restrictions"] if event.type == HANDLING_EVENT else list(CONTENT_FIELDS)
    names = [name for name in hidden if name in event.data]
    data = {k: (None if k in names else v) for k, v in event.data.items()}
    return msgspec.structs.replace(event, data=data, withheld=names)


def _decode(state: bytes) -> tuple[str, HandlingRestrictions]:
    document = msgspec.json.decode(state)
    return (
        str(document["actor"]["country"]),
        msgspec.convert(document["restrictions"], HandlingRestrictions),
    )
