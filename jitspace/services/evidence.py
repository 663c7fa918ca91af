"""Use cases of evidence items: registering one, its description, handling and files."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from uuid import UUID, uuid4

import msgspec
from eventsourcing.persistence import StoredEvent

from domain.authorisation import LegalAuthorisation
from domain.commands import (
    AmendDescription,
    AttachFile,
    CommentOnEvidence,
    ImportedItem,
    ImportEvidence,
    RegisterEvidence,
    RestrictHandling,
    VerifyFiles,
)
from domain.errors import DomainError, Duplicate, RuleViolation
from domain.evidence import EvidenceItem
from domain.handling import UNRESTRICTED
from domain.values import EvidenceFile
from jitspace.ledger.eventlog import EventLog, KeyTaken
from jitspace.services.base import Workspace
from jitspace.storage.blobs import BlobStore
from jitspace.telemetry.metrics import INTEGRITY_RESULTS

# the items an import makes and hands to the log at a time: large enough that a round trip
# is cheap beside the batch, small enough that the batch's events take little memory
IMPORT_BATCH = 2000


class Evidence(Workspace):
    def register_evidence(self, user_id: UUID, command: RegisterEvidence) -> EvidenceItem:
        """Register an item; restrictions given with it are recorded in the same save, so the
        item is never visible unrestricted. Its reference must be new to the investigation
        (`reference_key`): the log refuses a second holder, however close the race."""
        with self._refusing_on_the_latest(command):
            investigation, actor = self._acting(
                user_id, command.investigation_id, decided_on=command.investigation_version
            )
            authorisation = None
            if command.authorisation_id:
                authorisation = self._part(
                    investigation, LegalAuthorisation, command.authorisation_id
                )
            item = EvidenceItem.register(investigation, actor, command, authorisation)
            if command.handling != UNRESTRICTED:
                restrictions = RestrictHandling(
                    investigation_id=investigation.id,
                    evidence_id=item.id,
                    restrictions=command.handling,
                    occurred_at=command.occurred_at,
                )
                item.restrict_handling(investigation, actor, restrictions)
        self._save_new_reference(item, decided_on=self._decided_on(command))
        return item

    def import_evidence(
        self,
        user_id: UUID,
        command: ImportEvidence,
        recorded: Callable[[EvidenceItem], object] = lambda item: None,
    ) -> int:
        """Register the items with their files (the store holds them already) in one
        transaction of the log, all of them or none; the number of events recorded. The
        items may be a stream, read as they are recorded: a batch at a time is made and
        handed to the log (`recorded` hears of each item of a batch once the log has taken
        it, as it writes it), so a large import is never held whole."""
        investigation, actor = self._acting(user_id, command.investigation_id)
        authorisations: dict[UUID, LegalAuthorisation] = {}

        def authorisation_of(imported: ImportedItem) -> LegalAuthorisation | None:
            chosen = imported.item.authorisation_id
            if chosen is None:
                return None
            if chosen not in authorisations:
                authorisations[chosen] = self._part(investigation, LegalAuthorisation, chosen)
            return authorisations[chosen]

        def with_files(imported: ImportedItem, item: EvidenceItem) -> EvidenceItem:
            for file in imported.files:
                attached = AttachFile(
                    investigation_id=investigation.id,
                    evidence_id=item.id,
                    file_id=uuid4(),
                    **msgspec.structs.asdict(file),
                )
                item.attach_file(investigation, actor, attached)
            return item

        def batches() -> Iterator[list[StoredEvent]]:
            pending = iter(command.items)
            while imported := list(itertools.islice(pending, IMPORT_BATCH)):
                registered = EvidenceItem.register_many(
                    investigation, actor, ((i.item, authorisation_of(i)) for i in imported)
                )
                batch = [with_files(i, item) for i, item in zip(imported, registered, strict=True)]
                yield [self.mapper.to_stored_event(e) for i in batch for e in i.collect_events()]
                for item in batch:
                    recorded(item)

        assert isinstance(self.recorder, EventLog)
        try:
            return self.recorder.insert_in_one_transaction(batches())
        except KeyTaken as taken:
            raise self._duplicate(taken) from None

    def _save_new_reference(
        self, *items: EvidenceItem, decided_on: tuple[UUID, int] | None = None
    ) -> None:
        try:
            self._save(*items, decided_on=decided_on)
        except KeyTaken as taken:  # the log holds references unique, under its commit lock
            raise self._duplicate(taken) from None

    def _duplicate(self, taken: KeyTaken) -> DomainError:
        existing = self._find(EvidenceItem, taken.holder_id)
        if existing is None:  # claimed twice within one import: the first is not recorded
            return RuleViolation(
                f"two items of the import have the reference {taken.key.partition(':')[2]!r}: "
                "references are unique within an investigation, whatever their case and spacing",
                field="reference",
            )
        return Duplicate(
            f"the investigation already holds evidence item {existing.reference!r} "
            f"(id {existing.id}): references are unique within an investigation, "
            "whatever their case and spacing",
            field="reference",
            existing_id=existing.id,
        )

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
