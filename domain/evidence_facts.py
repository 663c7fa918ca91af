"""Facts the admissibility rules read, recorded on an evidence item (the EvidenceItem
aggregate, domain/evidence.py): a seal opened, how an interview was conducted, what the item
was derived from, its use in a proceeding, the originating party's consent to another use,
a defect raised before a court, whom it concerns and where the measure's target was, its
steps on a forum's disclosure schedule; a request for consent and its refusal, the
conditions the sender attached (met or lifted), and a transfer on to a state outside the
JIT.

The events, and what each does to the item, are the aggregate's own (domain/evidence.py):
their topics name `domain.evidence:EvidenceItem`, as the log stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Investigating, JitAggregate
from domain.commands import (
    AttachCondition,
    GrantConsent,
    LiftCondition,
    MeetCondition,
    RaiseDefect,
    RecordConcerns,
    RecordDerivation,
    RecordDisclosureStep,
    RecordInterview,
    RecordRuling,
    RecordSealOpening,
    RecordTargetLocation,
    RecordTerritory,
    RecordUse,
    RefuseConsent,
    RequestConsent,
    SendOnward,
    WithdrawConsent,
)
from domain.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from domain.investigation import Investigation
from domain.permissions import Action, check_permitted
from domain.values import (
    SCHEDULED,
    SHA256_HEX,
    Actor,
    Condition,
    ConsentPurpose,
    ConsentRequest,
    DisclosureStep,
    EvidenceKind,
    Identifier,
    RulingEffect,
    check_state_code,
)


class LegalFactCommands:
    """The commands of EvidenceItem that record facts for the admissibility rules."""

    if TYPE_CHECKING:  # the aggregate's state, events and helpers (domain/evidence.py)

        @property
        def id(self) -> UUID: ...

        investigation_id: UUID
        country: str
        kind: EvidenceKind
        parent_id: UUID | None
        consents: set[tuple[str, ConsentPurpose, str]]
        consent_requests: dict[tuple[str, ConsentPurpose, str], ConsentRequest]
        conditions: dict[int, Condition]
        SealOpened: ClassVar[type[JitAggregate.Event]]
        InterviewRecorded: ClassVar[type[JitAggregate.Event]]
        Derived: ClassVar[type[JitAggregate.Event]]
        UsedInProceeding: ClassVar[type[JitAggregate.Event]]
        ConsentGranted: ClassVar[type[JitAggregate.Event]]
        ConsentWithdrawn: ClassVar[type[JitAggregate.Event]]
        ConsentRequested: ClassVar[type[JitAggregate.Event]]
        ConsentRefused: ClassVar[type[JitAggregate.Event]]
        ConditionAttached: ClassVar[type[JitAggregate.Event]]
        ConditionMet: ClassVar[type[JitAggregate.Event]]
        ConditionLifted: ClassVar[type[JitAggregate.Event]]
        SentOnward: ClassVar[type[JitAggregate.Event]]
        DefectRaised: ClassVar[type[JitAggregate.Event]]
        DisclosureStepRecorded: ClassVar[type[JitAggregate.Event]]
        TerritoryRecorded: ClassVar[type[JitAggregate.Event]]
        RulingRecorded: ClassVar[type[JitAggregate.Event]]
        rulings: dict[str, RulingEffect]
        territory: str | None
        disclosure_steps: list[tuple[str, DisclosureStep, datetime]]
        ConcernsRecorded: ClassVar[type[JitAggregate.Event]]
        TargetLocated: ClassVar[type[JitAggregate.Event]]
        concerns: tuple[Identifier, ...]
        target_country: str | None
        _record: Callable[..., None]

        def check_belongs_to(self, investigation: Investigating, *, field: str = "") -> None: ...
        def _check_acting(self, investigation: Investigating, actor: Actor) -> None: ...

    def record_seal_opening(
        self, investigation: Investigation, actor: Actor, command: RecordSealOpening
    ) -> None:
        self._check_acting(investigation, actor)
        self._record(self.SealOpened, actor, command)

    def record_interview(
        self, investigation: Investigation, actor: Actor, command: RecordInterview
    ) -> None:
        self._check_originator(investigation, actor)
        if self.kind not in (EvidenceKind.SUSPECT_INTERVIEW, EvidenceKind.WITNESS_STATEMENT):
            raise RuleViolation("only an interview or a statement records one", field="kind")
        self._record(self.InterviewRecorded, actor, command)

    def record_derivation(
        self,
        investigation: Investigation,
        actor: Actor,
        command: RecordDerivation,
        parent: LegalFactCommands,
        parent_ancestry: Collection[UUID] = (),
    ) -> None:
        """This item was made from `parent` (the item the command names, loaded), which was
        made from the items of `parent_ancestry` (its parent, that one's parent, ...)."""
        self._check_originator(investigation, actor)
        parent.check_belongs_to(investigation, field="parent_id")
        if parent.id == self.id:
            raise RuleViolation("an item is not derived from itself", field="parent_id")
        if self.id in parent_ancestry:
            raise RuleViolation(
                "the item named as parent was itself made from this item", field="parent_id"
            )
        if self.parent_id is not None:
            raise RuleViolation("the item's parent is already recorded", field="parent_id")
        if len(command.parent_sha256) != 64 or not set(command.parent_sha256) <= SHA256_HEX:
            raise RuleViolation("name the parent's SHA-256 in hex", field="parent_sha256")
        self._record(self.Derived, actor, command, parent_id=parent.id)

    def record_use(self, investigation: Investigation, actor: Actor, command: RecordUse) -> None:
        """The actor's party uses the item in one of its proceedings."""
        self._check_acting(investigation, actor)
        if not command.proceeding.strip():
            raise RuleViolation("name the proceeding", field="proceeding")
        self._record(self.UsedInProceeding, actor, command, country=actor.country)

    def grant_consent(
        self, investigation: Investigation, actor: Actor, command: GrantConsent
    ) -> None:
        """The originating party consents; the grant answers the open request it covers
        (one of the same party, purpose and offence), dated after it."""
        self._check_consenting(investigation, actor, command.to_country, command.purpose)
        request = self.consent_requests.get((command.to_country, command.purpose, command.offence))
        if request is not None and command.occurred_at < request.requested_at:
            raise Conflict(
                f"{request.by_country} asked on {request.requested_at.date()}: the consent "
                "answering it comes after",
                field="occurred_at",
            )
        self._record(self.ConsentGranted, actor, command)

    def withdraw_consent(
        self, investigation: Investigation, actor: Actor, command: WithdrawConsent
    ) -> None:
        self._check_consenting(investigation, actor, command.to_country, command.purpose)
        if (command.to_country, command.purpose, command.offence) not in self.consents:
            raise RuleViolation("no such consent is in force", field="to_country")
        self._record(self.ConsentWithdrawn, actor, command)

    def request_consent(
        self, investigation: Investigation, actor: Actor, command: RequestConsent
    ) -> None:
        """The actor's party asks the originating party for its consent: to use the item for
        another offence or procedure, to disclose it, or to send it on to `to_country`."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.REQUEST_CONSENT)
        if actor.country == self.country:
            raise RuleViolation(
                "the originating party needs no consent of its own", field="purpose"
            )
        to = actor.country
        if command.purpose == ConsentPurpose.ONWARD_TRANSFER:
            if not command.to_country:
                raise RuleViolation("name the state the item would go to", field="to_country")
            self._check_onward_state(investigation, command.to_country)
            to = command.to_country
        elif command.to_country not in ("", actor.country):
            raise RuleViolation(
                f"{actor.country} asks for its own use or disclosure: leave the state empty, "
                "or name it only for an onward transfer",
                field="to_country",
            )
        key = (to, command.purpose, command.offence)
        if key in self.consent_requests:
            raise Conflict(
                f"a request of {self.consent_requests[key].by_country} for this consent is "
                "open already",
                field="purpose",
            )
        if key in self.consents:
            raise Conflict("this consent is in force already", field="purpose")
        self._record(self.ConsentRequested, actor, command, by_country=actor.country, to_country=to)

    def refuse_consent(
        self, investigation: Investigation, actor: Actor, command: RefuseConsent
    ) -> None:
        """The originating party refuses an open request."""
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.DECIDE_CONSENT)
        request = self.consent_requests.get((command.to_country, command.purpose, command.offence))
        if request is None:
            raise Conflict(
                f"no open request of {command.to_country} for this consent is on record: a "
                "refusal answers one",
                field="to_country",
            )
        if command.occurred_at < request.requested_at:
            raise Conflict(
                f"{request.by_country} asked on {request.requested_at.date()}: the refusal "
                "comes after",
                field="occurred_at",
            )
        self._record(self.ConsentRefused, actor, command)

    def attach_condition(
        self, investigation: Investigation, actor: Actor, command: AttachCondition
    ) -> None:
        """The originating party, sending the item, attaches a condition to it."""
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.SET_CONDITIONS)
        if not command.text.strip():
            raise RuleViolation("say what the condition is", field="text")
        if command.to_country and (
            command.to_country not in investigation.parties or command.to_country == self.country
        ):
            raise RuleViolation(
                f"{command.to_country} is not another party of this JIT: leave it empty for "
                "every recipient",
                field="to_country",
            )
        self._record(self.ConditionAttached, actor, command, number=len(self.conditions) + 1)

    def meet_condition(
        self, investigation: Investigation, actor: Actor, command: MeetCondition
    ) -> None:
        """The party the condition binds (or the originator) records that it was met."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.SET_CONDITIONS)
        condition = self._condition_in_force(command.number, command.occurred_at)
        if actor.country not in (self.country, condition.to_country) and condition.to_country:
            raise PermissionDenied(
                f"only {condition.to_country}, whom the condition binds, or the originating "
                "party records that it was met"
            )
        self._record(self.ConditionMet, actor, command)

    def lift_condition(
        self, investigation: Investigation, actor: Actor, command: LiftCondition
    ) -> None:
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.SET_CONDITIONS)
        self._condition_in_force(command.number, command.occurred_at)
        self._record(self.ConditionLifted, actor, command)

    def send_onward(self, investigation: Investigation, actor: Actor, command: SendOnward) -> None:
        """The actor's party sent the item (or a copy) on to a state outside the JIT."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.REQUEST_CONSENT)
        self._check_onward_state(investigation, command.to_country)
        if not command.recipient.strip():
            raise RuleViolation("name the authority it went to", field="recipient")
        self._record(self.SentOnward, actor, command)

    def _check_onward_state(self, investigation: Investigation, state: str) -> None:
        check_state_code(state, field="to_country")
        if state in investigation.parties:
            raise RuleViolation(
                f"{state} is a party of this JIT: hand the item over to it through custody",
                field="to_country",
            )

    def _condition_in_force(self, number: int, at: datetime) -> Condition:
        condition = self.conditions.get(number)
        if condition is None:
            raise NotFound(f"the item has no condition {number}", field="number")
        if not condition.in_force:
            raise Conflict(f"condition {number} is already met or lifted", field="number")
        if at < condition.attached_at:
            raise Conflict(
                f"condition {number} was attached on {condition.attached_at.date()}: it is met "
                "or lifted after",
                field="occurred_at",
            )
        return condition

    def record_concerns(
        self, investigation: Investigation, actor: Actor, command: RecordConcerns
    ) -> None:
        """Whom the item concerns: the list replaces the one on record."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_CONCERNS)
        identifiers = tuple(
            Identifier(i.kind, " ".join(i.value.split())) for i in command.identifiers
        )
        for index, identifier in enumerate(identifiers):
            if not identifier.value:
                raise RuleViolation(
                    "name the person, number, account or device", field=f"identifiers[{index}]"
                )
            if identifier in identifiers[:index]:
                raise RuleViolation(
                    f"{identifier.value} is named twice", field=f"identifiers[{index}]"
                )
        if identifiers == self.concerns:
            raise RuleViolation("whom the item concerns is unchanged", field="identifiers")
        self._record(self.ConcernsRecorded, actor, command, identifiers=identifiers)

    def record_target_location(
        self, investigation: Investigation, actor: Actor, command: RecordTargetLocation
    ) -> None:
        """The state where the measure's target was when the measure ran."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_NOTIFICATION)
        check_state_code(command.country, field="country")
        self._record(self.TargetLocated, actor, command)

    def raise_defect(
        self, investigation: Investigation, actor: Actor, command: RaiseDefect
    ) -> None:
        """Record that a defect of the item was raised before the actor's party's court."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RAISE_DEFECT)
        self._record(self.DefectRaised, actor, command, country=actor.country)

    def record_ruling(
        self, investigation: Investigation, actor: Actor, command: RecordRuling
    ) -> None:
        """A ruling of the actor's party's court on the item: excluded or admitted."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RAISE_DEFECT)
        court, ruling = " ".join(command.court.split()), " ".join(command.ruling.split())
        if not court:
            raise RuleViolation("name the court", field="court")
        if not ruling:
            raise RuleViolation("give the ruling's reference", field="ruling")
        if self.rulings.get(actor.country) is command.effect:
            raise Conflict(
                f"{actor.country}'s courts have {command.effect.value} the item already",
                field="effect",
            )
        self._record(
            self.RulingRecorded, actor, command, country=actor.country, court=court, ruling=ruling
        )

    def record_territory(
        self, investigation: Investigation, actor: Actor, command: RecordTerritory
    ) -> None:
        """The state on whose territory the item was collected, as its collecting party
        records it."""
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.REGISTER_EVIDENCE)
        check_state_code(command.country, field="country")
        if command.country == self.territory:
            raise Conflict(
                f"the item is recorded as collected in {command.country}", field="country"
            )
        self._record(self.TerritoryRecorded, actor, command)

    def record_disclosure_step(
        self, investigation: Investigation, actor: Actor, command: RecordDisclosureStep
    ) -> None:
        """A step of the item on the actor's party's disclosure schedule: that forum's
        disclosure officer or prosecutor records it. Disclosure to the defence comes after
        the item is scheduled; a step already the latest of its kind is not recorded again."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_DISCLOSURE)
        mine = [(s, at) for country, s, at in self.disclosure_steps if country == actor.country]
        if mine and mine[-1][0] is command.step:
            raise Conflict(
                f"the item is already {command.step.words} on {actor.country}'s schedule",
                field="step",
            )
        if command.step is DisclosureStep.DISCLOSED and not any(
            step in SCHEDULED and at <= command.occurred_at for step, at in mine
        ):
            raise Conflict(
                f"the item is not on {actor.country}'s disclosure schedule by that date: "
                "schedule it (as used or unused material) before disclosing it",
                field="step",
            )
        self._record(
            self.DisclosureStepRecorded,
            actor,
            command,
            country=actor.country,
            note=" ".join(command.note.split()),
        )

    def _check_originator(self, investigation: Investigation, actor: Actor) -> None:
        self._check_acting(investigation, actor)
        if actor.country != self.country:
            raise PermissionDenied("only the originating party records this")

    def _check_consenting(
        self, investigation: Investigation, actor: Actor, to: str, purpose: ConsentPurpose
    ) -> None:
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.DECIDE_CONSENT)
        if purpose == ConsentPurpose.ONWARD_TRANSFER:
            self._check_onward_state(investigation, to)
        elif to not in investigation.parties or to == self.country:
            raise RuleViolation(f"{to} is not another party of this JIT", field="to_country")
