"""What a member may not read of an investigation: the one rule every channel applies.

Two things are withheld, from whoever the permission table and the originating parties say:
- the legal file (authorisations, rulebooks, and an item's uses in proceedings, consents to
  other use asked, given or refused, the sender's conditions, transfers on outside the JIT,
  defects raised before a court, whom it concerns and where its target was, its reviews for
  privileged content, its steps on a disclosure schedule, the state it was collected in,
  the courts' rulings on it, its legal holds) from a member who may not see authorisations,
  rulebooks and admissibility (`Action.VIEW_LEGAL`: observers, unless the JIT agreement
  gives them that right);
- what an evidence item is (`CONTENT_FIELDS`: description, place, notes, file names,
  storage location) from the parties its originating party does not let read it (its
  handling restrictions), and the restrictions themselves from every other party.

Event documents go out through the REST log, the live feed (and `jitspace watch`) and
disclosure; custody chains, items and verification answers through the REST API. All of
them ask here. A withheld event keeps its header (position, type, record, actor, time):
the log stays contiguous, so a client resuming from a position is never confused; the
fields it may not read are set to null and named in the document's `withheld`. The
restrictions in force are the latest each originating party set; they apply to an item's
earlier events too, since they say who may read the item.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from types import MappingProxyType
from typing import Any, NamedTuple
from uuid import UUID

import msgspec

from domain.authorisation import LegalAuthorisation
from domain.evidence import EvidenceItem
from domain.handling import CONTENT_FIELDS, HandlingRestrictions
from domain.investigation import Investigation
from domain.permissions import PERMISSIONS, Action, permits
from domain.rulebook import Rulebook
from domain.task import Task
from domain.values import Role
from jitspace.documents.custody import CustodyChain
from jitspace.documents.events import EventOut

EVIDENCE_EVENT = "EvidenceItem."
HANDLING_EVENT = "EvidenceItem.HandlingRestricted"

# what a member must be allowed to do to read a record's events whole: the action of the
# REST reads that show that record
READ_WITH: Mapping[str, Action] = MappingProxyType(
    {
        Investigation.__name__: Action.VIEW_INVESTIGATION,
        EvidenceItem.__name__: Action.VIEW_EVIDENCE,
        Task.__name__: Action.VIEW_TASKS,
        LegalAuthorisation.__name__: Action.VIEW_LEGAL,
        Rulebook.__name__: Action.VIEW_LEGAL,
    }
)
# an item's facts that belong to the legal file, not to the register: shown only by the
# admissibility matrix
LEGAL_FACTS = frozenset(
    cls.__qualname__
    for cls in (
        EvidenceItem.UsedInProceeding,
        EvidenceItem.ConsentGranted,
        EvidenceItem.ConsentWithdrawn,
        EvidenceItem.DefectRaised,
        EvidenceItem.ConcernsRecorded,
        EvidenceItem.TargetLocated,
        EvidenceItem.ConsentRequested,
        EvidenceItem.ConsentRefused,
        EvidenceItem.ConditionAttached,
        EvidenceItem.ConditionMet,
        EvidenceItem.ConditionLifted,
        EvidenceItem.SentOnward,
        EvidenceItem.LegalHoldPlaced,  # its grounds: an order, a pending case
        EvidenceItem.LegalHoldReleased,
        EvidenceItem.PrivilegeReviewed,
        EvidenceItem.DisclosureStepRecorded,
        EvidenceItem.TerritoryRecorded,
        EvidenceItem.RulingRecorded,
    )
)
# every member who may watch the investigation may do these: events they guard go to all
_WATCHERS = PERMISSIONS[Action.VIEW_INVESTIGATION]


def read_with(event_type: str) -> Action:
    """The action that reads an event type whole (`Aggregate.Event`). A record of a kind
    this table does not know is read as the legal file is: withheld rather than leaked."""
    if event_type in LEGAL_FACTS:
        return Action.VIEW_LEGAL
    return READ_WITH.get(event_type.partition(".")[0], Action.VIEW_LEGAL)


class Audience(NamedTuple):
    """Who an answer is for: their party (items' handling restrictions apply to it), their
    role, and what the JIT agreement gives the investigation's observers."""

    country: str
    role: Role
    observer_rights: frozenset[Action] = frozenset()

    def may(self, action: Action) -> bool:
        return permits(self.role, action, self.observer_rights)


class Withheld(IntEnum):
    """What of an event an audience may not read."""

    NOTHING = 0
    CONTENT = 1  # what the item is (or, of a HandlingRestricted event, the restrictions)
    ALL = 2  # every field of its data


class Readers(NamedTuple):
    """Who reads an event whole: who may perform `action`, of `parties` (None: any party)."""

    action: Action
    parties: frozenset[str] | None = None

    def withhold(self, audience: Audience) -> Withheld:
        if not audience.may(self.action):
            return Withheld.ALL
        if self.parties is not None and audience.country not in self.parties:
            return Withheld.CONTENT
        return Withheld.NOTHING


class Withholding:
    """The handling restrictions of an investigation's restricted items, and the rule."""

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
        """Whether `country` may read what the item is."""
        entry = self.restricted.get(item_id)
        return entry is None or entry[1].may_read(entry[0], country)

    def readers(self, event: EventOut) -> Readers | None:
        """Who receives the event whole; None: every member who may watch."""
        action = read_with(event.type)
        parties = self._parties(event)
        if parties is None and PERMISSIONS[action] >= _WATCHERS:
            return None
        return Readers(action, parties)

    def _parties(self, event: EventOut) -> frozenset[str] | None:
        if not event.type.startswith(EVIDENCE_EVENT):
            return None
        if event.type == HANDLING_EVENT:
            # who may read an item is the originating party's business
            return frozenset({event.actor.country})
        entry = self.restricted.get(event.aggregate_id)
        if entry is None or entry[1].description_to is None:
            return None
        return frozenset({entry[0], *entry[1].description_to})

    def for_audience(self, event: EventOut, audience: Audience) -> EventOut:
        """The event as `audience` may read it."""
        readers = self.readers(event)
        return event if readers is None else withheld(event, readers.withhold(audience))


def withheld(event: EventOut, what: Withheld) -> EventOut:
    """The event with `what` withheld: its header stays, the fields become null."""
    if what is Withheld.NOTHING:
        return event
    if what is Withheld.ALL:
        names = list(event.data)
    else:
        hidden = ["restrictions"] if event.type == HANDLING_EVENT else CONTENT_FIELDS
        names = [name for name in hidden if name in event.data]
    data = {k: (None if k in names else v) for k, v in event.data.items()}
    return msgspec.structs.replace(event, data=data, withheld=names)


def withheld_details(details: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A custody step's details without what the item is, and the names withheld."""
    names = [name for name in CONTENT_FIELDS if name in details]
    return {k: (None if k in names else v) for k, v in details.items()}, names


def custody_for(chain: CustodyChain, readable: bool) -> CustodyChain:
    """The chain of custody as a party may read it: every step, custodian, hash and defect,
    without what the item is if its originating party does not let that party read it."""
    if readable:
        return chain
    entries, names = [], set()
    for entry in chain.entries:
        details, hidden = withheld_details(entry.details)
        entries.append(msgspec.structs.replace(entry, details=details))
        names.update(hidden)
    withheld_names = [f"entries.details.{name}" for name in CONTENT_FIELDS if name in names]
    return msgspec.structs.replace(chain, entries=entries, withheld=withheld_names)


def _decode(state: bytes) -> tuple[str, HandlingRestrictions]:
    document = msgspec.json.decode(state)
    return (
        str(document["actor"]["country"]),
        msgspec.convert(document["restrictions"], HandlingRestrictions),
    )
