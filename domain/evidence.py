"""The EvidenceItem aggregate: one item registered by a party, with its collection facts.

Files, seals and the full chain of custody are added to this aggregate as their events land.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.authorisation import LegalAuthorisation
from domain.base import JitAggregate
from domain.errors import NotFound, RuleViolation
from domain.investigation import Investigation
from domain.values import Actor, EvidenceKind


class EvidenceItem(JitAggregate):
    class Registered(JitAggregate.Created):
        reference: str
        country: str
        kind: EvidenceKind
        description: str
        occurred_at: datetime
        collected_by: str
        place: str
        method: str
        authorisation_id: UUID | None

    class DescriptionAmended(JitAggregate.Event):
        description: str
        reason: str

    @event(Registered)
    def __init__(
        self,
        investigation_id: UUID,
        actor: Actor,
        reference: str,
        country: str,
        kind: EvidenceKind,
        description: str,
        occurred_at: datetime,
        collected_by: str,
        place: str,
        method: str,
        authorisation_id: UUID | None,
    ) -> None:
        self.investigation_id = investigation_id
        self.reference = reference
        self.country = country
        self.kind = kind
        self.description = description
        self.collected_at = occurred_at
        self.collected_by = collected_by
        self.place = place
        self.method = method
        self.authorisation_id = authorisation_id
        self.registered_by = actor

    @classmethod
    def register(
        cls,
        investigation: Investigation,
        actor: Actor,
        *,
        reference: str,
        kind: EvidenceKind,
        description: str,
        occurred_at: datetime,
        collected_by: str,
        place: str,
        method: str,
        authorisation: LegalAuthorisation | None,
    ) -> EvidenceItem:
        """Register an item collected by the actor's party (its originating party)."""
        investigation.check_can_act(actor)
        if authorisation is not None:
            authorisation.check_belongs_to(investigation, field="authorisation_id")
        if not description.strip():
            raise RuleViolation("describe the item", field="description")
        return cls(
            investigation_id=investigation.id,
            actor=actor,
            reference=reference,
            country=actor.country,
            kind=kind,
            description=description,
            occurred_at=occurred_at,
            collected_by=collected_by,
            place=place,
            method=method,
            authorisation_id=authorisation.id if authorisation else None,
        )

    def amend_description(
        self, investigation: Investigation, actor: Actor, description: str, reason: str
    ) -> None:
        self.check_belongs_to(investigation, field="evidence_id")
        investigation.check_can_act(actor)
        if actor.country != self.country:
            raise RuleViolation(
                "only the originating party amends an item's description", field="description"
            )
        if description == self.description:
            raise RuleViolation("the description is unchanged", field="description")
        self._description_amended(
            investigation_id=self.investigation_id,
            actor=actor,
            description=description,
            reason=reason,
        )

    def check_belongs_to(self, investigation: Investigation, *, field: str) -> None:
        if self.investigation_id != investigation.id:
            raise NotFound("no such evidence item in this investigation", field=field)

    @event(DescriptionAmended)
    def _description_amended(
        self, investigation_id: UUID, actor: Actor, description: str, reason: str
    ) -> None:
        self.description = description
