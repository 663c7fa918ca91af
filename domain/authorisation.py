"""The LegalAuthorisation aggregate: a warrant, order or request issued in one jurisdiction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.base import JitAggregate, fields_of
from domain.commands import (
    AmendAuthorisation,
    AnnulAuthorisation,
    ConfirmAuthorisation,
    ExtendAuthorisation,
    QualifyAuthorisation,
    RecordAuthorisation,
    RevokeAuthorisation,
)
from domain.errors import RuleViolation
from domain.investigation import Investigation
from domain.values import Actor, AuthorisationKind, IssuerKind, Scope


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

    class Qualified(JitAggregate.Event):
        """Who issued the measure, for which offences, and whether as an urgent order."""

        issuer: IssuerKind
        offences: tuple[str, ...]
        urgent: bool

    class Amended(JitAggregate.Event):
        scope: Scope
        conditions: str
        reason: str
        occurred_at: datetime

    class Extended(JitAggregate.Event):
        """A renewal signed at `occurred_at`: it is not retroactive."""

        valid_until: datetime
        reason: str
        occurred_at: datetime

    class Confirmed(JitAggregate.Event):
        """A judge confirmed the measure on `occurred_at`: an urgent order, or an order a
        judge must validate."""

        judge: str
        occurred_at: datetime

    class Annulled(JitAggregate.Event):
        """A court's ruling of `occurred_at` annulled the measure."""

        court: str
        ruling: str  # the ruling's reference
        occurred_at: datetime

    noun = "authorisation"
    id_field = "authorisation_id"

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
        self.issuer: IssuerKind | None = None
        self.offences: tuple[str, ...] = ()
        self.urgent = False
        self.confirmed_at: datetime | None = None
        self.confirmed_by: str | None = None
        self.annulled_at: datetime | None = None
        self.annulled_by: str | None = None  # the court and its ruling

    @classmethod
    def record(
        cls, investigation: Investigation, actor: Actor, command: RecordAuthorisation
    ) -> LegalAuthorisation:
        """Record an authorisation issued by `authority` in the jurisdiction `country`."""
        investigation.check_can_act(actor)
        if command.country not in investigation.parties:
            raise RuleViolation(
                f"{command.country} is not a party of this JIT: only its parties' "
                "authorisations are recorded here",
                field="country",
            )
        if command.valid_until <= command.valid_from:
            raise RuleViolation(
                "an authorisation's validity must end after it starts", field="valid_until"
            )
        return cls(
            investigation_id=investigation.id, actor=actor, **fields_of(cls.Recorded, command)
        )

    def revoke(
        self, investigation: Investigation, actor: Actor, command: RevokeAuthorisation
    ) -> None:
        self._check_acting(investigation, actor)
        if self.revoked_at is not None:
            raise RuleViolation("this authorisation is already revoked")
        self._record(self.Revoked, actor, command)

    def qualify(
        self, investigation: Investigation, actor: Actor, command: QualifyAuthorisation
    ) -> None:
        self._check_can_change(investigation, actor)
        self._record(self.Qualified, actor, command)

    def amend(
        self, investigation: Investigation, actor: Actor, command: AmendAuthorisation
    ) -> None:
        self._check_can_change(investigation, actor)
        if (command.scope, command.conditions) == (self.scope, self.conditions):
            raise RuleViolation("the scope and conditions are unchanged", field="scope")
        self._record(self.Amended, actor, command)

    def extend(
        self, investigation: Investigation, actor: Actor, command: ExtendAuthorisation
    ) -> None:
        self._check_can_change(investigation, actor)
        if command.valid_until <= self.valid_until:
            raise RuleViolation("a renewal ends after the current validity", field="valid_until")
        self._record(self.Extended, actor, command)

    def confirm(
        self, investigation: Investigation, actor: Actor, command: ConfirmAuthorisation
    ) -> None:
        self._check_can_change(investigation, actor)
        if self.confirmed_at is not None:
            raise RuleViolation("this authorisation is already confirmed")
        if command.occurred_at < self.issued_at:
            raise RuleViolation(
                "a confirmation comes after the measure was issued", field="occurred_at"
            )
        self._record(self.Confirmed, actor, command)

    def annul(
        self, investigation: Investigation, actor: Actor, command: AnnulAuthorisation
    ) -> None:
        """A court annulled the measure: also once revoked (what it gathered while in force
        is at stake)."""
        self._check_acting(investigation, actor)
        if self.annulled_at is not None:
            raise RuleViolation("this authorisation is already annulled")
        if command.occurred_at < self.issued_at:
            raise RuleViolation(
                "a ruling on the measure comes after it was issued", field="occurred_at"
            )
        self._record(self.Annulled, actor, command)

    def _check_can_change(self, investigation: Investigation, actor: Actor) -> None:
        self._check_acting(investigation, actor)
        if self.revoked_at is not None:
            raise RuleViolation("this authorisation is revoked")

    # -- what each event does (the library hands each method the event's fields it names) --

    @event(Qualified)
    def _qualified(self, issuer: IssuerKind, offences: tuple[str, ...], urgent: bool) -> None:
        self.issuer = issuer
        self.offences = offences
        self.urgent = urgent

    @event(Amended)
    def _amended(self, scope: Scope, conditions: str) -> None:
        self.scope = scope
        self.conditions = conditions

    @event(Extended)
    def _extended(self, valid_until: datetime) -> None:
        self.valid_until = valid_until

    @event(Confirmed)
    def _confirmed(self, judge: str, occurred_at: datetime) -> None:
        self.confirmed_at = occurred_at
        self.confirmed_by = judge

    @event(Annulled)
    def _annulled(self, court: str, ruling: str, occurred_at: datetime) -> None:
        self.annulled_at = occurred_at
        self.annulled_by = f"{court}, {ruling}"

    @event(Revoked)
    def _revoked(self, reason: str, occurred_at: datetime) -> None:
        self.revoked_at = occurred_at
        self.revoked_reason = reason
