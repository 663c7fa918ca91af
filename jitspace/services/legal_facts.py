"""Use cases that record, on an evidence item, facts the admissibility rules read: a seal
opened, an interview's conditions, a derivation, a use, a consent, a defect raised,
whom an item concerns, where a measure's target was, a step on a disclosure schedule; a
request for consent and its refusal, the sender's conditions (attached, met, lifted), a
transfer on outside the JIT."""

from __future__ import annotations

from uuid import UUID

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
from domain.evidence import EvidenceItem
from jitspace.services.base import Workspace


class LegalFacts(Workspace):
    def record_seal_opening(self, user_id: UUID, command: RecordSealOpening) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_seal_opening)

    def record_interview(self, user_id: UUID, command: RecordInterview) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_interview)

    def record_derivation(self, user_id: UUID, command: RecordDerivation) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            parent = self._part(investigation, EvidenceItem, command.parent_id, field="parent_id")
            item.record_derivation(investigation, actor, command, parent, self._ancestry(parent))
        return item

    def _ancestry(self, item: EvidenceItem) -> list[UUID]:
        """The items `item` was made from, its parent first (a lineage is a tree: no item
        is among its own ancestors, so the walk ends)."""
        found: list[UUID] = []
        while item.parent_id is not None and item.parent_id not in found:
            found.append(item.parent_id)
            parent = self._find(EvidenceItem, item.parent_id)
            if parent is None:
                break
            item = parent
        return found

    def record_use(self, user_id: UUID, command: RecordUse) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_use)

    def grant_consent(self, user_id: UUID, command: GrantConsent) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.grant_consent)

    def withdraw_consent(self, user_id: UUID, command: WithdrawConsent) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.withdraw_consent)

    def raise_defect(self, user_id: UUID, command: RaiseDefect) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.raise_defect)

    def record_concerns(self, user_id: UUID, command: RecordConcerns) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_concerns)

    def record_target_location(self, user_id: UUID, command: RecordTargetLocation) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_target_location)

    def request_consent(self, user_id: UUID, command: RequestConsent) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.request_consent)

    def refuse_consent(self, user_id: UUID, command: RefuseConsent) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.refuse_consent)

    def attach_condition(self, user_id: UUID, command: AttachCondition) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.attach_condition)

    def meet_condition(self, user_id: UUID, command: MeetCondition) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.meet_condition)

    def lift_condition(self, user_id: UUID, command: LiftCondition) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.lift_condition)

    def send_onward(self, user_id: UUID, command: SendOnward) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.send_onward)

    def record_disclosure_step(self, user_id: UUID, command: RecordDisclosureStep) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_disclosure_step)

    def record_territory(self, user_id: UUID, command: RecordTerritory) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_territory)

    def record_ruling(self, user_id: UUID, command: RecordRuling) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_ruling)
