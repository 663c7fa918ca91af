"""Forensic and handling facts recorded on an evidence item (the EvidenceItem aggregate,
domain/evidence.py), which the admissibility rules read: a review for privileged content
(CO-03), the record of the search that collected it (CO-04), how its data was acquired or
examined (CO-05), a certificate of authenticity (IN-04), a translation (LA-01, LA-02), where
its processing log is kept (DP-02), hashes and re-verifications made outside JITspace
(IN-01, IN-02).

The events are the aggregate's own (domain/evidence.py): their topics name
`domain.evidence:EvidenceItem`, as the log stores them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Investigating, JitAggregate
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
from domain.errors import Conflict, RuleViolation
from domain.investigation import Investigation
from domain.permissions import Action, check_permitted
from domain.values import (
    SHA256_HEX,
    Actor,
    EvidenceFile,
    EvidenceKind,
    HashAlgorithm,
)

# kinds of item that are no digital data: no write-blocker, no examiner of data
NOT_DATA = (
    EvidenceKind.PHYSICAL_ITEM,
    EvidenceKind.WITNESS_STATEMENT,
    EvidenceKind.SUSPECT_INTERVIEW,
)


def _named(value: str, field: str, what: str) -> str:
    """The name given, its spacing tidied; refused when blank."""
    name = " ".join(value.split())
    if not name:
        raise RuleViolation(f"name {what}", field=field)
    return name


def _names(values: tuple[str, ...], field: str, what: str) -> tuple[str, ...]:
    names = tuple(_named(v, f"{field}[{i}]", what) for i, v in enumerate(values))
    for index, name in enumerate(names):
        if name in names[:index]:
            raise RuleViolation(f"{name} is named twice", field=f"{field}[{index}]")
    return names


class HandlingFactCommands:
    """The commands of EvidenceItem that record forensic and handling facts."""

    if TYPE_CHECKING:  # the aggregate's state, events and helpers (domain/evidence.py)

        @property
        def id(self) -> UUID: ...

        kind: EvidenceKind
        files: dict[UUID, EvidenceFile]
        hashed_elsewhere: set[tuple[HashAlgorithm, str]]
        PrivilegeReviewed: ClassVar[type[JitAggregate.Event]]
        SearchRecorded: ClassVar[type[JitAggregate.Event]]
        ExaminationRecorded: ClassVar[type[JitAggregate.Event]]
        CertificateRecorded: ClassVar[type[JitAggregate.Event]]
        Translated: ClassVar[type[JitAggregate.Event]]
        ProcessingLogRecorded: ClassVar[type[JitAggregate.Event]]
        HashedElsewhere: ClassVar[type[JitAggregate.Event]]
        VerifiedElsewhere: ClassVar[type[JitAggregate.Event]]
        _record: Callable[..., None]

        def check_belongs_to(self, investigation: Investigating, *, field: str = "") -> None: ...
        def _check_acting(self, investigation: Investigating, actor: Actor) -> None: ...
        def _check_originator(self, investigation: Investigation, actor: Actor) -> None: ...

    def record_privilege_review(
        self, investigation: Investigation, actor: Actor, command: RecordPrivilegeReview
    ) -> None:
        """The originating party (whose law the review follows) records who reviewed the
        item for privileged or core-private content, and what was found and done."""
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.RECORD_PRIVILEGE_REVIEW)
        reviewer = _named(command.reviewed_by, "reviewed_by", "who reviewed the content")
        self._record(self.PrivilegeReviewed, actor, command, reviewed_by=reviewer)

    def record_search(
        self, investigation: Investigation, actor: Actor, command: RecordSearch
    ) -> None:
        """The collecting party records the search's record: witnesses, inventory, who
        signed (a later record replaces it)."""
        self._check_originator(investigation, actor)
        check_permitted(actor.role, Action.RECORD_HANDLING)
        self._record(
            self.SearchRecorded,
            actor,
            command,
            witnesses=_names(command.witnesses, "witnesses", "the witness"),
            signed_by=_names(command.signed_by, "signed_by", "who signed the record"),
        )

    def record_examination(
        self, investigation: Investigating, actor: Actor, command: RecordExamination
    ) -> None:
        """How the data was acquired or examined, by any party that did it."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_HANDLING)
        if self.kind in NOT_DATA:
            raise RuleViolation(
                "only digital data is acquired through a write-blocker", field="kind"
            )
        reason = " ".join(command.live_access_reason.split())
        if command.write_blocked and reason:
            raise RuleViolation(
                "a write-blocked acquisition is no live access: leave its reason empty",
                field="live_access_reason",
            )
        self._record(
            self.ExaminationRecorded,
            actor,
            command,
            examiner=_named(command.examiner, "examiner", "the examiner"),
            competence=" ".join(command.competence.split()),
            live_access_reason=reason,
        )

    def record_certificate(
        self, investigation: Investigating, actor: Actor, command: RecordCertificate
    ) -> None:
        """A certificate of the item's authenticity, as a forum's rules ask (IN-04); a later
        one (with its notice given, say) replaces it."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_CERTIFICATE)
        if command.sha256 and command.sha256 not in self._sha256s():
            raise Conflict(
                "no file of the item has the SHA-256 the certificate attests", field="sha256"
            )
        if command.notice_given_at is not None and command.notice_given_at < command.occurred_at:
            raise Conflict(
                "notice of a certificate is given once it is made: the notice is dated before "
                "the certificate",
                field="notice_given_at",
            )
        self._record(
            self.CertificateRecorded,
            actor,
            command,
            certified_by=_named(command.certified_by, "certified_by", "who certified the item"),
            basis=_named(command.basis, "basis", "the provision the certificate is made under"),
        )

    def record_translation(
        self,
        investigation: Investigating,
        actor: Actor,
        command: RecordTranslation,
        translation: HandlingFactCommands | None = None,
    ) -> None:
        """The item was translated (`translation`: the item the command names as holding
        the translation, loaded)."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_HANDLING)
        if command.source_sha256 and command.source_sha256 not in self._sha256s():
            raise Conflict(
                "no file of the item has the SHA-256 named as the translated source",
                field="source_sha256",
            )
        if translation is not None:
            translation.check_belongs_to(investigation, field="translation_id")
            if translation.id == self.id:
                raise RuleViolation("an item is not its own translation", field="translation_id")
        self._record(
            self.Translated,
            actor,
            command,
            language=_named(command.language, "language", "the language translated into"),
            translator=" ".join(command.translator.split()),
        )

    def record_processing_log(
        self, investigation: Investigating, actor: Actor, command: RecordProcessingLog
    ) -> None:
        """Where the log of processing the item's data outside JITspace is kept."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_HANDLING)
        self._record(
            self.ProcessingLogRecorded,
            actor,
            command,
            kept_by=_named(command.kept_by, "kept_by", "who keeps the log"),
            kept_in=_named(command.kept_in, "kept_in", "where the log is kept"),
        )

    def record_external_hash(
        self, investigation: Investigating, actor: Actor, command: RecordExternalHash
    ) -> None:
        """The data was hashed at acquisition outside JITspace."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_HANDLING)
        digest = _digest(command.algorithm, command.digest)
        if (command.algorithm, digest) in self.hashed_elsewhere:
            raise Conflict("this hash is on record already", field="digest")
        files = self._sha256s()
        if command.algorithm is HashAlgorithm.SHA256 and files and digest not in files:
            raise Conflict(
                "the item's files hash to another SHA-256: this is not their acquisition hash",
                field="digest",
            )
        self._record(
            self.HashedElsewhere,
            actor,
            command,
            digest=digest,
            hashed_by=_named(command.hashed_by, "hashed_by", "who hashed the data"),
            tool=_named(command.tool, "tool", "the tool"),
        )

    def record_external_verification(
        self, investigation: Investigating, actor: Actor, command: RecordExternalVerification
    ) -> None:
        """The data was re-hashed outside JITspace: JITspace compares the digest with the
        one recorded at acquisition with the same algorithm."""
        self._check_acting(investigation, actor)
        check_permitted(actor.role, Action.RECORD_HANDLING)
        digest = _digest(command.algorithm, command.digest)
        known = {d for a, d in self.hashed_elsewhere if a is command.algorithm}
        if command.algorithm is HashAlgorithm.SHA256:
            known |= self._sha256s()
        if not known:
            raise Conflict(
                f"no {command.algorithm.value} hash of the data was recorded at acquisition to "
                "compare the re-verification with",
                field="algorithm",
            )
        self._record(
            self.VerifiedElsewhere,
            actor,
            command,
            digest=digest,
            matched=digest in known,
            verified_by=_named(command.verified_by, "verified_by", "who re-verified the data"),
            tool=_named(command.tool, "tool", "the tool"),
        )

    def _sha256s(self) -> set[str]:
        return {f.sha256 for f in self.files.values()}


def _digest(algorithm: HashAlgorithm, digest: str) -> str:
    """The digest in lowercase hex, of the length the algorithm gives; refused otherwise."""
    value = digest.strip().lower()
    if len(value) != algorithm.hex_digits or not set(value) <= SHA256_HEX:
        raise RuleViolation(
            f"a {algorithm.value} digest is {algorithm.hex_digits} hexadecimal digits",
            field="digest",
        )
    return value
