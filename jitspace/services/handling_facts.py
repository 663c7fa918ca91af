"""Use cases that record forensic and handling facts on an evidence item: a review for
privileged content, the search's record, the examination, a certificate of authenticity, a
translation, where its processing log is kept, hashes and re-verifications made elsewhere."""

from __future__ import annotations

from uuid import UUID

from domain.commands import (
    RecordCertificate,
    RecordExamination,
    RecordExternalHash,
    RecordExternalVerification,
    RecordPrivilegeReview,
    RecordProcessingLog,
    RecordSearch,
    RecordTranslation,
)
from domain.evidence import EvidenceItem
from jitspace.services.base import Workspace


class HandlingFacts(Workspace):
    def record_privilege_review(
        self, user_id: UUID, command: RecordPrivilegeReview
    ) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_privilege_review)

    def record_search(self, user_id: UUID, command: RecordSearch) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_search)

    def record_examination(self, user_id: UUID, command: RecordExamination) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_examination)

    def record_certificate(self, user_id: UUID, command: RecordCertificate) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_certificate)

    def record_translation(self, user_id: UUID, command: RecordTranslation) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            translation = (
                None
                if command.translation_id is None
                else self._part(
                    investigation, EvidenceItem, command.translation_id, field="translation_id"
                )
            )
            item.record_translation(investigation, actor, command, translation)
        return item

    def record_processing_log(self, user_id: UUID, command: RecordProcessingLog) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_processing_log)

    def record_external_hash(self, user_id: UUID, command: RecordExternalHash) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.record_external_hash)

    def record_external_verification(
        self, user_id: UUID, command: RecordExternalVerification
    ) -> EvidenceItem:
        return self._change(
            user_id, command, EvidenceItem, EvidenceItem.record_external_verification
        )
