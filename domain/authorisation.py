"""The LegalAuthorisation aggregate: a warrant, order or request issued in one jurisdiction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.base import JitAggregate
from domain.errors import NotFound, RuleViolation
from domain.investigation import Investigation
from domain.values import Actor, AuthorisationKind, Scope


class LegalAuthorisation(JitAggregate):
    class Recorded(JitAggregate.Created):
        kind: AuthorisationKind
        country: str
        authority: str
        reference: str
        occurred_at: datetime
        valid_from: datetime
        valid_until: datetime
        scope: Scope
        conditions: str

    class Revoked(JitAggregate.Event):
        reason: str
        occurred_at: datetime

    @event(Recorded)
    def __init__(
        self,
        investigation_id: UUID,
        actor: Actor,
        kind: AuthorisationKind,
        country: str,
        authority: str,
        reference: str,
        occurred_at: datetime,
        valid_from: datetime,
        valid_until: datetime,
        scope: Scope,
        conditions: str,
    ) -> None:
        self.investigation_id = investigation_id
        self.kind = kind
        self.country = country
        self.authority = authority
        self.reference = reference
        self.issued_at = occurred_at
        self.valid_from = valid_from
        self.valid_until = valid_until
        self.scope = scope
        self.conditions = conditions
        self.revoked_at: datetime | None = None
        self.revoked_reason: str | None = None

    @classmethod
    def record(
        cls,
        investigation: Investigation,
        actor: Actor,
        *,
        kind: AuthorisationKind,
        country: str,
        authority: str,
        reference: str,
        occurred_at: datetime,
        valid_from: datetime,
        valid_until: datetime,
        scope: Scope,
        conditions: str,
    ) -> LegalAuthorisation:
        """Record an authorisation issued by `authority` in the jurisdiction `country`."""
        investigation.check_can_act(actor)
        if country not in investigation.parties:
            raise RuleViolation(
                f"{country} is not a party of this JIT: only its parties' authorisations "
                "are recorded here",
                field="country",
            )
        if valid_until <= valid_from:
            raise RuleViolation(
                "an authorisation's validity must end after it starts", field="valid_until"
            )
        return cls(
            investigation_id=investigation.id,
            actor=actor,
            kind=kind,
            country=country,
            authority=authority,
            reference=reference,
            occurred_at=occurred_at,
            valid_from=valid_from,
            valid_until=valid_until,
            scope=scope,
            conditions=conditions,
        )

    def revoke(
        self, investigation: Investigation, actor: Actor, reason: str, occurred_at: datetime
    ) -> None:
        self.check_belongs_to(investigation, field="authorisation_id")
        investigation.check_can_act(actor)
        if self.revoked_at is not None:
            raise RuleViolation("this authorisation is already revoked")
        self._revoked(
            investigation_id=self.investigation_id,
            actor=actor,
            reason=reason,
            occurred_at=occurred_at,
        )

    def check_belongs_to(self, investigation: Investigation, *, field: str) -> None:
        if self.investigation_id != investigation.id:
            raise NotFound("no such authorisation in this investigation", field=field)

    @event(Revoked)
    def _revoked(
        self, investigation_id: UUID, actor: Actor, reason: str, occurred_at: datetime
    ) -> None:
        self.revoked_at = occurred_at
        self.revoked_reason = reason
