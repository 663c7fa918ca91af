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
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_collection)

    def seal_evidence(self, user_id: UUID, command: SealEvidence) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.seal)

    def hand_over_evidence(self, user_id: UUID, command: HandOver) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.hand_over)

    def transfer_evidence_to_party(self, user_id: UUID, command: TransferToParty) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.transfer_to_party)

    def receive_evidence(self, user_id: UUID, command: ReceiveEvidence) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.receive)

    def store_evidence(self, user_id: UUID, command: StoreEvidence) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.store)

    def return_evidence(self, user_id: UUID, command: ReturnEvidence) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.return_item)

    def destroy_evidence(self, user_id: UUID, command: DestroyEvidence) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.destroy)

    def record_evidence_access(self, user_id: UUID, command: RecordAccess) -> EvidenceFile:
        """Every download is on record before the first byte leaves."""
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.record_access(investigation, actor, command)
        return item.files[command.file_id]
