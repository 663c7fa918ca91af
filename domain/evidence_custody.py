"""The custody commands of an evidence item (the EvidenceItem aggregate, domain/evidence.py).

A member takes the item into custody at collection; only the current custodian seals,
stores, hands over, transfers, returns or destroys it; a handover (or a transfer to another
party) names its recipient, and custody passes only when that recipient records the
receipt, with the condition of seals and packaging: two events, by two people. Every
download of a file and every re-hash of it is recorded; a re-hash that does not match is
recorded as an integrity violation and never repaired.

The events, and what each does to the item, are the aggregate's own (domain/evidence.py):
their topics name `domain.evidence:EvidenceItem`, as the log stores them. The rules that
judge a custody chain are in domain/custody.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Investigating, JitAggregate
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
from domain.errors import PermissionDenied, RuleViolation
from domain.investigation import Investigation
from domain.values import Actor, EvidenceFile, Member, PendingHandover, SealCondition


class CustodyCommands:
    """The custody part of EvidenceItem: its commands and their checks."""

    if TYPE_CHECKING:  # the aggregate's state, events and helpers (domain/evidence.py)
        investigation_id: UUID
        collected_at: datetime
        holding_country: str
        custodian_id: UUID | None
        custody_started: bool
        handover: PendingHandover | None
        disposal: str | None
        Collected: ClassVar[type[JitAggregate.Event]]
        Sealed: ClassVar[type[JitAggregate.Event]]
        HandedOver: ClassVar[type[JitAggregate.Event]]
        TransferredToParty: ClassVar[type[JitAggregate.Event]]
        Received: ClassVar[type[JitAggregate.Event]]
        Stored: ClassVar[type[JitAggregate.Event]]
        Returned: ClassVar[type[JitAggregate.Event]]
        Destroyed: ClassVar[type[JitAggregate.Event]]
        Accessed: ClassVar[type[JitAggregate.Event]]
        IntegrityVerified: ClassVar[type[JitAggregate.Event]]
        IntegrityViolated: ClassVar[type[JitAggregate.Event]]
        _record: Callable[..., None]

        def check_belongs_to(self, investigation: Investigating, *, field: str = "") -> None: ...
        def _check_acting(self, investigation: Investigating, actor: Actor) -> None: ...
        def check_file(self, file_id: UUID) -> EvidenceFile: ...
        def check_may_download(self, country: str) -> None: ...

    def record_collection(
        self, investigation: Investigation, actor: Actor, command: RecordCollection
    ) -> None:
        """The actor took the item into custody at collection: custody begins with them."""
        self._check_acting(investigation, actor)
        if self.custody_started:
            raise RuleViolation("the item's custody is already on record", field="evidence_id")
        if command.occurred_at < self.collected_at:
            raise RuleViolation(
                "custody cannot begin before the item was collected", field="occurred_at"
            )
        self._record(self.Collected, actor, command)

    def seal(self, investigation: Investigation, actor: Actor, command: SealEvidence) -> None:
        self._check_custodian(investigation, actor)
        self._record(self.Sealed, actor, command)

    def hand_over(self, investigation: Investigation, actor: Actor, command: HandOver) -> None:
        """The custodian hands the item to another member; custody passes on receipt."""
        self._check_custodian(investigation, actor)
        self._check_recipient(investigation, actor, command.recipient_id)
        self._record(self.HandedOver, actor, command)

    def transfer_to_party(
        self, investigation: Investigation, actor: Actor, command: TransferToParty
    ) -> None:
        """The item goes to another party of the JIT, received there by one of its members."""
        self._check_custodian(investigation, actor)
        country = command.country
        if country not in investigation.parties:
            raise RuleViolation(f"{country} is not a party of this JIT", field="country")
        if country == self.holding_country:
            raise RuleViolation(f"{country} already holds the item", field="country")
        recipient = self._check_recipient(investigation, actor, command.recipient_id)
        if recipient.country != country:
            raise RuleViolation(
                f"the recipient is a member for {recipient.country}, not {country}",
                field="recipient_id",
            )
        self._record(self.TransferredToParty, actor, command)

    def receive(self, investigation: Investigation, actor: Actor, command: ReceiveEvidence) -> None:
        """The named recipient records the receipt: custody passes to them."""
        self._check_acting(investigation, actor)
        if self.handover is None:
            raise RuleViolation("the item was not handed over to anyone", field="evidence_id")
        if actor.user_id != self.handover.recipient_id:
            raise PermissionDenied("only the member the item was handed to receives it")
        if command.occurred_at < self.handover.occurred_at:
            raise RuleViolation("the receipt cannot precede the handover", field="occurred_at")
        if command.seal_condition is not SealCondition.ABSENT and not command.seal_number.strip():
            raise RuleViolation("give the number on the seal you found", field="seal_number")
        assert self.custodian_id is not None
        self._record(self.Received, actor, command, sender_id=self.custodian_id)

    def store(self, investigation: Investigation, actor: Actor, command: StoreEvidence) -> None:
        self._check_custodian(investigation, actor)
        self._record(self.Stored, actor, command)

    def return_item(
        self, investigation: Investigation, actor: Actor, command: ReturnEvidence
    ) -> None:
        """The item is given back (to its owner, say): custody within the JIT ends."""
        self._check_custodian(investigation, actor)
        self._record(self.Returned, actor, command)

    def destroy(self, investigation: Investigation, actor: Actor, command: DestroyEvidence) -> None:
        self._check_custodian(investigation, actor)
        self._record(self.Destroyed, actor, command)

    # -- downloads and re-hashes of its files ----------------------------------------------

    def record_access(
        self, investigation: Investigation, actor: Actor, command: RecordAccess
    ) -> None:
        """A member downloads a file (or part of it), for a purpose they state."""
        self._check_acting(investigation, actor)
        self.check_file(command.file_id)
        self.check_may_download(actor.country)
        if not command.purpose.strip():
            raise RuleViolation("state the purpose of the download", field="purpose")
        self._record(self.Accessed, actor, command)

    def record_verification(
        self,
        investigation: Investigation,
        actor: Actor,
        *,
        file_id: UUID,
        found_sha256: str | None,
        found_size: int | None,
    ) -> bool:
        """Record what re-hashing the stored file gave; False if it no longer matches."""
        self._check_acting(investigation, actor)
        file = self.check_file(file_id)
        if found_sha256 == file.sha256 and found_size == file.size:
            self._record(
                self.IntegrityVerified, actor, file_id=file_id, sha256=file.sha256, size=file.size
            )
            return True
        self._record(
            self.IntegrityViolated,
            actor,
            file_id=file_id,
            expected_sha256=file.sha256,
            found_sha256=found_sha256,
            found_size=found_size,
        )
        return False

    # -- checks -------------------------------------------------------------------------

    def _check_custodian(self, investigation: Investigation, actor: Actor) -> None:
        self._check_acting(investigation, actor)
        if self.disposal is not None:
            raise RuleViolation(f"the item was {self.disposal}", field="evidence_id")
        if not self.custody_started:
            raise RuleViolation(
                "no one has the item in custody yet: record its collection first",
                field="evidence_id",
            )
        if self.handover is not None:
            raise RuleViolation(
                "the item was handed over and is awaiting its receipt", field="evidence_id"
            )
        if actor.user_id != self.custodian_id:
            raise PermissionDenied("only the item's current custodian does this")

    def _check_recipient(
        self, investigation: Investigation, actor: Actor, recipient_id: UUID
    ) -> Member:
        recipient = investigation.check_member(recipient_id, field="recipient_id")
        if recipient_id == actor.user_id:
            raise RuleViolation("you already hold the item", field="recipient_id")
        return recipient
