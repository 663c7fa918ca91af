"""Use cases of evidence items: registering one, its description, handling and files."""

from __future__ import annotations

from uuid import UUID, uuid4

import msgspec

from domain.authorisation import LegalAuthorisation
from domain.commands import (
    AmendDescription,
    AttachFile,
    CommentOnEvidence,
    ImportEvidence,
    RegisterEvidence,
    RestrictHandling,
    VerifyFiles,
)
from domain.errors import Duplicate, RuleViolation
from domain.evidence import EvidenceItem
from domain.handling import UNRESTRICTED
from domain.values import EvidenceFile
from jitspace.ledger.eventlog import KeyTaken
from jitspace.services.base import Workspace
from jitspace.storage.blobs import BlobStore
from jitspace.telemetry.metrics import INTEGRITY_RESULTS


class Evidence(Workspace):
    def register_evidence(self, user_id: UUID, command: RegisterEvidence) -> EvidenceItem:
        """Register an item; restrictions given with it are recorded in the same save, so the
        item is never visible unrestricted. Its reference must be new to the investigation
        (`reference_key`): the log refuses a second holder, however close the race."""
        investigation, actor = self._acting(user_id, command.investigation_id)
        authorisation = None
        if command.authorisation_id:
            authorisation = self._part(investigation, LegalAuthorisation, command.authorisation_id)
        item = EvidenceItem.register(investigation, actor, command, authorisation)
        if command.handling != UNRESTRICTED:
            restrictions = RestrictHandling(
                investigation_id=investigation.id,
                evidence_id=item.id,
                restrictions=command.handling,
                occurred_at=command.occurred_at,
            )
            item.restrict_handling(investigation, actor, restrictions)
        self._save_new_reference(item)
        return item

    def import_evidence(self, user_id: UUID, command: ImportEvidence) -> list[EvidenceItem]:
        """Register the items with their files (the store holds them already) in one save: the
        log records all their events in one transaction, or none of them."""
        investigation, actor = self._acting(user_id, command.investigation_id)
        items = []
        for imported in command.items:
            item = EvidenceItem.register(investigation, actor, imported.item)
            for file in imported.files:
                attached = AttachFile(
                    investigation_id=investigation.id,
                    evidence_id=item.id,
                    file_id=uuid4(),
                    **msgspec.structs.asdict(file),
                )
                item.attach_file(investigation, actor, attached)
            items.append(item)
        self._save_new_reference(*items)
        return items

    def _save_new_reference(self, *items: EvidenceItem) -> None:
        try:
            self._save(*items)
        except KeyTaken as taken:  # the log holds references unique, under its commit lock
            existing = self._load(EvidenceItem, taken.holder_id, field="reference")
            raise Duplicate(
                f"the investigation already holds evidence item {existing.reference!r} "
                f"(id {existing.id}): references are unique within an investigation, "
                "whatever their case and spacing",
                field="reference",
                existing_id=existing.id,
            ) from None

    def restrict_evidence_handling(self, user_id: UUID, command: RestrictHandling) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.restrict_handling)

    def amend_evidence_description(self, user_id: UUID, command: AmendDescription) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.amend_description)

    def comment_on_evidence(self, user_id: UUID, command: CommentOnEvidence) -> EvidenceItem:
        return self._change(user_id, command, EvidenceItem, EvidenceItem.comment)

    def check_may_attach_evidence_file(
        self, user_id: UUID, investigation_id: UUID, evidence_id: UUID
    ) -> None:
        """Whether the user may attach a file to the item now: asked before an upload
        stores anything, so a refused upload leaves no file behind."""
        investigation, actor = self._acting(user_id, investigation_id)
        item = self._part(investigation, EvidenceItem, evidence_id)
        item.check_may_attach_file(investigation, actor)

    def attach_evidence_file(
        self, user_id: UUID, command: AttachFile
    ) -> tuple[EvidenceItem, EvidenceFile]:
        """Record a file the blob store holds in full (uploads: jitspace/services/uploads.py)."""
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            item.attach_file(investigation, actor, command)
        return item, item.files[command.file_id]

    def verify_evidence_files(
        self, user_id: UUID, command: VerifyFiles, blobs: BlobStore
    ) -> EvidenceItem:
        """Re-hash every stored file of the item and record what each gave."""
        with self._changing(user_id, command, EvidenceItem) as (investigation, actor, item):
            if not item.files:
                raise RuleViolation("the item has no files to verify", field="evidence_id")
            item.check_not_deleted()  # deleted under retention: nothing left to re-hash
            for file in list(item.files.values()):
                found = blobs.digest(file.storage_key)
                item.record_verification(
                    investigation,
                    actor,
                    file_id=file.file_id,
                    found_sha256=found.sha256 if found else None,
                    found_size=found.size if found else None,
                )
        for file in item.files.values():  # recorded: each result counts once
            INTEGRITY_RESULTS.labels(file.integrity).inc()
        return item
