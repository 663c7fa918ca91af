"""Use cases of an item's custody: collection, seal, handover, transfer, receipt, storage,
return, destruction, and every download of its files."""

from __future__ import annotations

from uuid import UUID

from domain.commands import (
    DestroyEvidence,
    HandOver,
    ReceiveEvidence,
    RecordAccess,
    RecordCollection,
    ReturnEvidence,
    SealEvidence,
    StoreEvidence,
    TransferToParty,
)
from domain.evidence import EvidenceItem
from domain.values import EvidenceFile
from jitspace.services.base import Workspace


class Custody(Workspace):
    def record_evidence_collection(self, user_id: UUID, command: RecordCollection) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.record_collection(investigation, actor, command)
        return item

    def seal_evidence(self, user_id: UUID, command: SealEvidence) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.seal(investigation, actor, command)
        return item

    def hand_over_evidence(self, user_id: UUID, command: HandOver) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.hand_over(investigation, actor, command)
        return item

    def transfer_evidence_to_party(self, user_id: UUID, command: TransferToParty) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.transfer_to_party(investigation, actor, command)
        return item

    def receive_evidence(self, user_id: UUID, command: ReceiveEvidence) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.receive(investigation, actor, command)
        return item

    def store_evidence(self, user_id: UUID, command: StoreEvidence) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.store(investigation, actor, command)
        return item

    def return_evidence(self, user_id: UUID, command: ReturnEvidence) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.return_item(investigation, actor, command)
        return item

    def destroy_evidence(self, user_id: UUID, command: DestroyEvidence) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.destroy(investigation, actor, command)
        return item

    def record_evidence_access(self, user_id: UUID, command: RecordAccess) -> EvidenceFile:
        """Every download is on record before the first byte leaves."""
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.record_access(investigation, actor, command)
        return item.files[command.file_id]
