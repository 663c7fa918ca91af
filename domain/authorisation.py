"""The LegalAuthorisation aggregate: a warrant, order or request issued in one jurisdiction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import event

from domain.base import JitAggregate, fields_of
from domain.commands import (
    AmendAuthorisation,
    AnnulAuthorisation,
    ConfirmAuthorisation,
    EntrustMeasure,
    ExtendAuthorisation,
    QualifyAuthorisation,
    RaiseObjection,
    RecordAuthorisation,
    RecordNoNotification,
    RecordNotificationReceipt,
    ReportFormality,
    RequestFormalities,
    RevokeAuthorisation,
    SendNotification,
)
from domain.errors import Conflict, PermissionDenied, RuleViolation
from domain.investigation import Investigation
from domain.permissions import Action, check_permitted
from domain.values import (
    Actor,
    AuthorisationKind,
    Entrustment,
    FormalityRequest,
    IssuerKind,
    ObjectionCovers,
    Scope,
    StateNotification,
    check_state_code,
)


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

    # notifications to the state where the measure's target is (EIO Art. 31; the 2000
    # Convention's Art. 20): what AU-10 reads

    class NotificationSent(JitAggregate.Event):
        to_country: str
        occurred_at: datetime  # when it was sent

    class NotificationReceived(JitAggregate.Event):
        """The notified state acknowledged the notification: its objection period runs."""

        to_country: str
        occurred_at: datetime

    class ObjectionRaised(JitAggregate.Event):
        """The notified state objected: the measure is to end (`all`), or what it gathered
        not to be used (`use_of_data`), on the terms of `note`."""

        by_country: str
        covers: ObjectionCovers
        note: str
        occurred_at: datetime

    class NoNotificationMade(JitAggregate.Event):
        """No notification was made to `to_country`, and why: a fact, unlike a notification
        that is simply not on record."""

        to_country: str
        reason: str
        occurred_at: datetime

    # the measure carried out by a seconded member (AU-09), and the forum's formalities
    # (AU-11)

    class MeasureEntrusted(JitAggregate.Event):
        """The host state (the authorisation's) entrusted the measure to a seconded member of
        `to_country` (Conv. Art. 13(6)); `allowed_by_host_law` says whether its law lets it."""

        to_country: str
        entrusted_by: str
        allowed_by_host_law: bool
        legal_basis: str
        occurred_at: datetime

    class FormalitiesRequested(JitAggregate.Event):
        """`by_country`, a forum, asked the issuing state to follow these formalities."""

        by_country: str
        formalities: tuple[str, ...]
        requested_by: str
        occurred_at: datetime

    class FormalityReported(JitAggregate.Event):
        """The issuing state reports whether a formality `by_country` asked for was met, and
        if not, why (an empty reason: none given)."""

        formality: str
        by_country: str
        met: bool
        reason: str
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
        self.notifications: dict[str, StateNotification] = {}  # by state
        self.entrustments: dict[str, Entrustment] = {}  # by the seconded member's party
        self.formalities: dict[tuple[str, str], FormalityRequest] = {}  # (forum, formality)

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

    def send_notification(
        self, investigation: Investigation, actor: Actor, command: SendNotification
    ) -> None:
        """A notification of the measure to the state on whose territory its target is."""
        self._check_notified_state(investigation, actor, command.to_country, "to_country")
        if self._notice(command.to_country).sent_at is not None:
            raise Conflict(
                f"a notification to {command.to_country} is already recorded", field="to_country"
            )
        if command.occurred_at < self.issued_at:
            raise RuleViolation(
                "a notification of the measure comes after it was issued", field="occurred_at"
            )
        self._record(self.NotificationSent, actor, command)

    def record_notification_receipt(
        self, investigation: Investigation, actor: Actor, command: RecordNotificationReceipt
    ) -> None:
        state = command.to_country
        self._check_notified_state(investigation, actor, state, "to_country")
        sent = self._sent_to(state, "to_country", "a receipt")
        if self._notice(state).received_at is not None:
            raise Conflict(f"{state}'s receipt is already recorded", field="to_country")
        if command.occurred_at < sent:
            raise RuleViolation(
                f"the notification was sent to {state} on {sent.date()}: it was received after",
                field="occurred_at",
            )
        self._record(self.NotificationReceived, actor, command)

    def raise_objection(
        self, investigation: Investigation, actor: Actor, command: RaiseObjection
    ) -> None:
        state = command.by_country
        self._check_notified_state(investigation, actor, state, "by_country")
        sent = self._sent_to(state, "by_country", "an objection")
        if self._notice(state).objected_at is not None:
            raise Conflict(f"{state}'s objection is already recorded", field="by_country")
        if command.occurred_at < sent:
            raise Conflict(
                f"the notification was sent to {state} on {sent.date()}: an objection answers "
                "it, after",
                field="occurred_at",
            )
        self._record(self.ObjectionRaised, actor, command)

    def record_no_notification(
        self, investigation: Investigation, actor: Actor, command: RecordNoNotification
    ) -> None:
        state = command.to_country
        self._check_notified_state(investigation, actor, state, "to_country")
        if self._notice(state).sent_at is not None:
            raise Conflict(f"a notification to {state} is on record", field="to_country")
        if self._notice(state).not_made_at is not None:
            raise Conflict(
                f"that no notification was made to {state} is already recorded",
                field="to_country",
            )
        self._record(self.NoNotificationMade, actor, command)

    def entrust(self, investigation: Investigation, actor: Actor, command: EntrustMeasure) -> None:
        """The issuing (host) state entrusted the measure to a seconded member's party."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_AUTHORISATION)
        if actor.country != self.country:
            raise PermissionDenied(f"only {self.country}, the host state, records its entrustment")
        state = command.to_country
        if state not in investigation.parties or state == self.country:
            raise RuleViolation(
                f"{state} is not another party of this JIT: a measure is entrusted to a "
                "seconded member of one",
                field="to_country",
            )
        if not command.entrusted_by.strip():
            raise RuleViolation("name the authority that entrusted it", field="entrusted_by")
        if state in self.entrustments:
            raise Conflict(
                f"the measure's entrustment to {state} is already recorded", field="to_country"
            )
        self._record(self.MeasureEntrusted, actor, command)

    def request_formalities(
        self, investigation: Investigation, actor: Actor, command: RequestFormalities
    ) -> None:
        """The actor's party, as a forum, asked the issuing state to follow formalities."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_AUTHORISATION)
        if actor.country == self.country:
            raise RuleViolation(
                f"{self.country} issued the measure: formalities are asked by another forum",
                field="formalities",
            )
        names = [" ".join(f.split()) for f in command.formalities]
        if not names or not all(names):
            raise RuleViolation("name each formality asked for", field="formalities")
        for index, name in enumerate(names):
            if name in names[:index] or (actor.country, name) in self.formalities:
                raise Conflict(
                    f"{name!r} is already asked for by {actor.country}",
                    field=f"formalities[{index}]",
                )
        if not command.requested_by.strip():
            raise RuleViolation("name the authority that asked", field="requested_by")
        self._record(
            self.FormalitiesRequested,
            actor,
            command,
            by_country=actor.country,
            formalities=tuple(names),
        )

    def report_formality(
        self, investigation: Investigation, actor: Actor, command: ReportFormality
    ) -> None:
        """The issuing state reports whether it met a formality a forum asked for."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_AUTHORISATION)
        if actor.country != self.country:
            raise PermissionDenied(
                f"only {self.country}, which carried out the measure, reports its formalities"
            )
        name = " ".join(command.formality.split())
        asked = self.formalities.get((command.by_country, name))
        if asked is None:
            raise Conflict(
                f"{command.by_country} asked for no formality {name!r} on record",
                field="formality",
            )
        if asked.met is not None:
            raise Conflict(f"{name!r} is already reported", field="formality")
        if command.occurred_at < asked.requested_at:
            raise Conflict(
                f"{command.by_country} asked on {asked.requested_at.date()}: the report comes "
                "after",
                field="occurred_at",
            )
        if command.met and command.reason.strip():
            raise RuleViolation("a reason is given for a formality not met", field="reason")
        self._record(self.FormalityReported, actor, command, formality=name)

    def _check_notified_state(
        self, investigation: Investigation, actor: Actor, state: str, field: str
    ) -> None:
        """Notifications are recorded also once the measure is revoked or annulled: what it
        gathered meanwhile is at stake."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_NOTIFICATION)
        check_state_code(state, field=field)
        if state == self.country:
            raise RuleViolation(
                f"{state} issued the measure: a notification goes to another state", field=field
            )

    def _sent_to(self, state: str, field: str, what: str) -> datetime:
        sent = self._notice(state).sent_at
        if sent is None:
            raise Conflict(
                f"no notification to {state} is on record: {what} answers one", field=field
            )
        return sent

    def _notice(self, state: str) -> StateNotification:
        return self.notifications.get(state) or StateNotification(state)

    def _noticed(self, state: str, **changes: Any) -> None:
        self.notifications[state] = msgspec.structs.replace(self._notice(state), **changes)

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

    @event(NotificationSent)
    def _notification_sent(self, to_country: str, occurred_at: datetime) -> None:
        self._noticed(to_country, sent_at=occurred_at)

    @event(NotificationReceived)
    def _notification_received(self, to_country: str, occurred_at: datetime) -> None:
        self._noticed(to_country, received_at=occurred_at)

    @event(ObjectionRaised)
    def _objection_raised(
        self, by_country: str, covers: ObjectionCovers, note: str, occurred_at: datetime
    ) -> None:
        self._noticed(
            by_country, objected_at=occurred_at, objection_covers=covers, objection_note=note
        )

    @event(MeasureEntrusted)
    def _measure_entrusted(
        self,
        to_country: str,
        entrusted_by: str,
        allowed_by_host_law: bool,
        legal_basis: str,
        occurred_at: datetime,
    ) -> None:
        self.entrustments[to_country] = Entrustment(
            to_country, entrusted_by, allowed_by_host_law, legal_basis, occurred_at
        )

    @event(FormalitiesRequested)
    def _formalities_requested(
        self,
        by_country: str,
        formalities: tuple[str, ...],
        requested_by: str,
        occurred_at: datetime,
    ) -> None:
        for name in formalities:
            self.formalities[(by_country, name)] = FormalityRequest(
                name, by_country, requested_by, occurred_at
            )

    @event(FormalityReported)
    def _formality_reported(
        self, formality: str, by_country: str, met: bool, reason: str, occurred_at: datetime
    ) -> None:
        self.formalities[(by_country, formality)] = msgspec.structs.replace(
            self.formalities[(by_country, formality)],
            met=met,
            reason=reason,
            reported_at=occurred_at,
        )

    @event(NoNotificationMade)
    def _no_notification_made(self, to_country: str, reason: str, occurred_at: datetime) -> None:
        self._noticed(to_country, not_made_at=occurred_at, not_made_reason=reason)
