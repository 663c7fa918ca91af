"""Facts the admissibility rules read, recorded on an evidence item (the EvidenceItem
aggregate, domain/evidence.py): a seal opened, how an interview was conducted, what the item
was derived from, its use in a proceeding, the originating party's consent to another use,
a defect raised before a court.

The events, and what each does to the item, are the aggregate's own (domain/evidence.py):
their topics name `domain.evidence:EvidenceItem`, as the log stores them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import PermissionDenied, RuleViolation
from domain.investigation import Investigation
from domain.permissions import Action, check_permitted
from domain.values import (
    SHA256_HEX,
    Actor,
    DerivationKind,
    EvidenceKind,
    LawyerPresence,
    UsePurpose,
)


class LegalFactCommands:
    """The commands of EvidenceItem that record facts for the admissibility rules."""

    if TYPE_CHECKING:  # the aggregate's state and event methods (domain/evidence.py)

        @property
        def id(self) -> UUID: ...

        investigation_id: UUID
        country: str
        kind: EvidenceKind
        parent_id: UUID | None
        consents: set[tuple[str, UsePurpose, str]]
        _seal_opened: Callable[..., None]
        _interview_recorded: Callable[..., None]
        _derived: Callable[..., None]
        _used_in_proceeding: Callable[..., None]
        _consent_granted: Callable[..., None]
        _consent_withdrawn: Callable[..., None]
        _defect_raised: Callable[..., None]

        def check_belongs_to(self, investigation: Investigation, *, field: str) -> None: ...

    def record_seal_opening(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        seal_number: str,
        authorised_by: str,
        occurred_at: datetime,
    ) -> None:
        self.check_belongs_to(investigation, field="evidence_id")
        investigation.check_can_act(actor)
        self._seal_opened(
            investigation_id=self.investigation_id,
            actor=actor,
            seal_number=seal_number,
            authorised_by=authorised_by,
            occurred_at=occurred_at,
        )

    def record_interview(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        suspect_language: str,
        interview_language: str,
        interpreter: str,
        caution_given: bool,
        lawyer: LawyerPresence,
        ill_treatment_alleged: bool,
        occurred_at: datetime,
    ) -> None:
        self._check_originator(investigation, actor)
        if self.kind not in (EvidenceKind.SUSPECT_INTERVIEW, EvidenceKind.WITNESS_STATEMENT):
            raise RuleViolation("only an interview or a statement records one", field="kind")
        self._interview_recorded(
            investigation_id=self.investigation_id,
            actor=actor,
            suspect_language=suspect_language,
            interview_language=interview_language,
            interpreter=interpreter,
            caution_given=caution_given,
            lawyer=lawyer,
            ill_treatment_alleged=ill_treatment_alleged,
            occurred_at=occurred_at,
        )

    def record_derivation(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        parent: LegalFactCommands,
        parent_sha256: str,
        relation: DerivationKind,
        tool: str,
        tool_version: str,
        made_by: str,
        occurred_at: datetime,
    ) -> None:
        self._check_originator(investigation, actor)
        parent.check_belongs_to(investigation, field="parent_id")
        if parent.id == self.id:
            raise RuleViolation("an item is not derived from itself", field="parent_id")
        if self.parent_id is not None:
            raise RuleViolation("the item's parent is already recorded", field="parent_id")
        if len(parent_sha256) != 64 or not set(parent_sha256) <= SHA256_HEX:
            raise RuleViolation("name the parent's SHA-256 in hex", field="parent_sha256")
        self._derived(
            investigation_id=self.investigation_id,
            actor=actor,
            parent_id=parent.id,
            parent_sha256=parent_sha256,
            relation=relation,
            tool=tool,
            tool_version=tool_version,
            made_by=made_by,
            occurred_at=occurred_at,
        )

    def record_use(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        proceeding: str,
        offence: str,
        purpose: UsePurpose,
        occurred_at: datetime,
    ) -> None:
        """The actor's party uses the item in one of its proceedings."""
        self.check_belongs_to(investigation, field="evidence_id")
        investigation.check_can_act(actor)
        if not proceeding.strip():
            raise RuleViolation("name the proceeding", field="proceeding")
        self._used_in_proceeding(
            investigation_id=self.investigation_id,
            actor=actor,
            country=actor.country,
            proceeding=proceeding,
            offence=offence,
            purpose=purpose,
            occurred_at=occurred_at,
        )

    def grant_consent(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        to_country: str,
        purpose: UsePurpose,
        offence: str,
        conditions: str,
        occurred_at: datetime,
    ) -> None:
        self._check_consenting(investigation, actor, to_country)
        self._consent_granted(
            investigation_id=self.investigation_id,
            actor=actor,
            to_country=to_country,
            purpose=purpose,
            offence=offence,
            conditions=conditions,
            occurred_at=occurred_at,
        )

    def withdraw_consent(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        to_country: str,
        purpose: UsePurpose,
        offence: str,
        reason: str,
        occurred_at: datetime,
    ) -> None:
        self._check_consenting(investigation, actor, to_country)
        if (to_country, purpose, offence) not in self.consents:
            raise RuleViolation("no such consent is in force", field="to_country")
        self._consent_withdrawn(
            investigation_id=self.investigation_id,
            actor=actor,
            to_country=to_country,
            purpose=purpose,
            offence=offence,
            reason=reason,
            occurred_at=occurred_at,
        )

    def raise_defect(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        rule: str,
        note: str,
        occurred_at: datetime,
    ) -> None:
        """Record that a defect of the item was raised before the actor's party's court."""
        self.check_belongs_to(investigation, field="evidence_id")
        investigation.check_can_act(actor)
        check_permitted(actor.role, Action.RAISE_DEFECT)
        self._defect_raised(
            investigation_id=self.investigation_id,
            actor=actor,
            country=actor.country,
            rule=rule,
            note=note,
            occurred_at=occurred_at,
        )

    def _check_originator(self, investigation: Investigation, actor: Actor) -> None:
        self.check_belongs_to(investigation, field="evidence_id")
        investigation.check_can_act(actor)
        if actor.country != self.country:
            raise PermissionDenied("only the originating party records this")

    def _check_consenting(self, investigation: Investigation, actor: Actor, to: str) -> None:
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.DECIDE_CONSENT)
        if to not in investigation.parties or to == self.country:
            raise RuleViolation(f"{to} is not another party of this JIT", field="to_country")
