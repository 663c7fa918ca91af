"""The retention of an evidence item (the EvidenceItem aggregate, domain/evidence.py): its
deletion date, legal holds, and the deletion of its files once that date has passed.

A legal hold keeps the item whatever its deletion date (litigation, a court order, an
appeal): while one is on, nothing deletes the item's files, neither the worker's sweep nor
a leader's command. Deleting under retention records which files were deleted (their
SHA-256 and sizes), the deletion date and the retention that required it; the store then
removes them (jitspace/services/retention.py says in what order). The item stays on record
with its custody and history: only its data goes.

The events, and what each does to the item, are the aggregate's own (domain/evidence.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import JitAggregate
from domain.commands import DeleteUnderRetention, PlaceLegalHold, ReleaseLegalHold
from domain.errors import Conflict, Gone, RuleViolation
from domain.investigation import Investigation
from domain.permissions import Action
from domain.retention import DeletionDate, deletion_date, retention_days_of
from domain.rulebook import Rulebook
from domain.values import (
    Actor,
    DeletedFile,
    EvidenceFile,
    LegalHold,
    RetentionDeletion,
)


class RetentionCommands:
    """The retention part of EvidenceItem: its deletion date, legal holds and deletion."""

    if TYPE_CHECKING:  # the aggregate's state, events and helpers (domain/evidence.py)
        investigation_id: UUID
        country: str
        collected_at: datetime
        parent_id: UUID | None
        files: dict[UUID, EvidenceFile]
        legal_hold: LegalHold | None
        retention_deletion: RetentionDeletion | None
        LegalHoldPlaced: ClassVar[type[JitAggregate.Event]]
        LegalHoldReleased: ClassVar[type[JitAggregate.Event]]
        DeletedUnderRetention: ClassVar[type[JitAggregate.Event]]
        _record: Callable[..., None]

        def check_belongs_to(self, investigation: Investigation, *, field: str = "") -> None: ...

    def deletion_date(
        self, investigation: Investigation, find: Callable[[UUID], object]
    ) -> DeletionDate | None:
        """The item's deletion date (domain/retention.py), from the JIT agreement and its
        owning party's rulebook; a derived item's runs from its original's collection.
        `find`: the investigation's records by id (None for one not on record)."""
        book = find(Rulebook.id_for(investigation.id, self.country))
        original = find(self.parent_id) if self.parent_id is not None else None
        derived = isinstance(original, RetentionCommands)  # an evidence item
        return deletion_date(
            original.collected_at if isinstance(original, RetentionCommands) else self.collected_at,
            owner=self.country,
            owner_days=retention_days_of(book.rules) if isinstance(book, Rulebook) else None,
            agreement_days=investigation.retention_days,
            derived=derived,
        )

    def place_legal_hold(
        self, investigation: Investigation, actor: Actor, command: PlaceLegalHold
    ) -> None:
        self._check_may(investigation, actor, Action.HOLD_EVIDENCE)
        self._check_not_deleted("a legal hold keeps nothing")
        if self.legal_hold is not None:
            raise Conflict(
                f"a legal hold is on the item already, since {_day(self.legal_hold.placed_at)}"
                f" ({self.legal_hold.reason}): it stays on until released",
                field="evidence_id",
            )
        if not command.reason.strip():
            raise RuleViolation("say why the item is held", field="reason")
        self._record(self.LegalHoldPlaced, actor, command)

    def release_legal_hold(
        self, investigation: Investigation, actor: Actor, command: ReleaseLegalHold
    ) -> None:
        self._check_may(investigation, actor, Action.HOLD_EVIDENCE)
        if self.legal_hold is None:
            raise Conflict(
                "no legal hold is on the item: there is none to release", field="evidence_id"
            )
        if not command.reason.strip():
            raise RuleViolation("say why the hold is released", field="reason")
        self._record(self.LegalHoldReleased, actor, command)

    def delete_under_retention(
        self,
        investigation: Investigation,
        actor: Actor,
        command: DeleteUnderRetention,
        due: DeletionDate | None,
    ) -> None:
        """Record the deletion of the item's files: `due` (its deletion date) has passed, and
        no legal hold is on."""
        self._check_may(investigation, actor, Action.DELETE_UNDER_RETENTION)
        self._check_not_deleted("there is nothing left to delete")
        if self.legal_hold is not None:
            raise Conflict(
                f"a legal hold is on the item since {_day(self.legal_hold.placed_at)} "
                f"({self.legal_hold.reason}): nothing of it is deleted until the hold is released",
                field="evidence_id",
            )
        if due is None:
            raise Conflict(
                "the item has no deletion date: neither the JIT agreement nor "
                f"{self.country}'s rulebook sets a retention",
                field="evidence_id",
            )
        if command.occurred_at < due.on:
            raise Conflict(
                f"the item's deletion date is {_day(due.on)} ({due.ground}): it has not passed",
                field="evidence_id",
            )
        if not self.files:
            raise Conflict(
                "the item has no files in JITspace: its data is held elsewhere",
                field="evidence_id",
            )
        deleted = tuple(DeletedFile(f.file_id, f.sha256, f.size) for f in self.files.values())
        self._record(
            self.DeletedUnderRetention,
            actor,
            command,
            files=deleted,
            deletion_date=due.on,
            ground=due.ground,
        )

    def check_not_deleted(self) -> None:
        """Gone (410) if the item's files were deleted under retention."""
        if self.retention_deletion is not None:
            raise Gone(
                "the item's files were deleted under retention on "
                f"{_day(self.retention_deletion.deleted_at)} ({self.retention_deletion.ground})",
                field="file_id",
            )

    def _check_not_deleted(self, consequence: str) -> None:
        if self.retention_deletion is not None:
            raise Conflict(
                "the item's files were deleted under retention on "
                f"{_day(self.retention_deletion.deleted_at)}: {consequence}",
                field="evidence_id",
            )

    def _check_may(self, investigation: Investigation, actor: Actor, action: Action) -> None:
        self.check_belongs_to(investigation)
        investigation.check_may(actor, action)


def _day(at: datetime) -> str:
    return at.date().isoformat()
