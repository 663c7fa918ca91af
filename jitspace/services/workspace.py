"""The write side: one method per use case (load, check, act, save), run off the event loop.

Every command names the calling user; the application finds them among the investigation's
members and acts in their party and role. A user who is not a member learns nothing: the
investigation, and everything in it, is "not found".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

import msgspec
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError
from eventsourcing.utils import get_topic

from domain.authorisation import LegalAuthorisation
from domain.base import JitAggregate, replay
from domain.errors import Duplicate, NotFound, RuleViolation
from domain.evidence import EvidenceItem
from domain.handling import UNRESTRICTED, HandlingRestrictions
from domain.investigation import Investigation
from domain.permissions import Action
from domain.rulebook import Rulebook
from domain.task import Task
from domain.values import (
    Actor,
    AuthorisationKind,
    DerivationKind,
    EvidenceFile,
    EvidenceKind,
    IssuerKind,
    LawyerPresence,
    Member,
    Party,
    Role,
    Scope,
    SealCondition,
    TaskStatus,
    UsePurpose,
)
from jitspace.disclosure.bundles import BundleContent, build_bundle
from jitspace.ledger.checkpoints import Ledger
from jitspace.ledger.eventlog import EventLog, KeyTaken
from jitspace.ledger.verification import Entry
from jitspace.reads.withholding import Audience, read_with
from jitspace.rulebooks import load_shipped
from jitspace.storage.blobs import BlobStore, StoredBlob

A = TypeVar("A", bound=JitAggregate)


class VersionConflict(Exception):
    """The record changed since the version the caller named (409)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"the record is at version {current_version}")
        self.current_version = current_version


@dataclass(frozen=True)
class History:
    """An investigation's records at a point of the log (`position`, 0 before it existed)."""

    position: int
    records: dict[UUID, JitAggregate]
    events: list[Any]  # the domain events replayed, in log order

    def record(self, cls: type[A], record_id: UUID) -> A:
        record = self.records.get(record_id)
        if not isinstance(record, cls):
            raise NotFound(f"no such {_noun(cls)} at that time", field="as_of")
        return record

    def all(self, cls: type[A]) -> list[A]:
        return [r for r in self.records.values() if isinstance(r, cls)]


class JITspace(Application[UUID]):
    name = "JITspace"

    # -- investigation --------------------------------------------------------------------

    def open_investigation(
        self,
        *,
        founder_id: UUID,
        founder_name: str,
        country: str,
        name: str,
        agreement_reference: str,
        purpose: str,
        period_start: date,
        period_end: date,
        parties: tuple[Party, ...],
        occurred_at: datetime,
    ) -> Investigation:
        founder = Member(
            user_id=founder_id, name=founder_name, country=country, role=Role.JIT_LEADER
        )
        investigation = Investigation.open(
            investigation_id=uuid4(),
            founder=founder,
            name=name,
            agreement_reference=agreement_reference,
            purpose=purpose,
            period_start=period_start,
            period_end=period_end,
            parties=parties,
            occurred_at=occurred_at,
        )
        self.save(investigation)
        return investigation

    def add_party(
        self,
        user_id: UUID,
        investigation_id: UUID,
        expected_version: int | None,
        party: Party,
        occurred_at: datetime,
    ) -> Investigation:
        investigation, actor = self._acting(user_id, investigation_id)
        _check_version(investigation, expected_version)
        investigation.add_party(actor, party, occurred_at)
        self._save(investigation)
        return investigation

    def add_member(
        self,
        user_id: UUID,
        investigation_id: UUID,
        expected_version: int | None,
        member: Member,
        occurred_at: datetime,
    ) -> Investigation:
        investigation, actor = self._acting(user_id, investigation_id)
        _check_version(investigation, expected_version)
        investigation.add_member(actor, member, occurred_at)
        self._save(investigation)
        return investigation

    def remove_member(
        self,
        user_id: UUID,
        investigation_id: UUID,
        expected_version: int | None,
        member_id: UUID,
        reason: str,
        occurred_at: datetime,
    ) -> Investigation:
        investigation, actor = self._acting(user_id, investigation_id)
        _check_version(investigation, expected_version)
        investigation.remove_member(actor, member_id, reason, occurred_at)
        self._save(investigation)
        return investigation

    def change_member_role(
        self,
        user_id: UUID,
        investigation_id: UUID,
        expected_version: int | None,
        member_id: UUID,
        role: Role,
        reason: str,
        occurred_at: datetime,
    ) -> Investigation:
        investigation, actor = self._acting(user_id, investigation_id)
        _check_version(investigation, expected_version)
        investigation.change_member_role(actor, member_id, role, reason, occurred_at)
        self._save(investigation)
        return investigation

    def set_observer_rights(
        self,
        user_id: UUID,
        investigation_id: UUID,
        expected_version: int | None,
        rights: frozenset[Action],
        agreement_clause: str,
        occurred_at: datetime,
    ) -> Investigation:
        investigation, actor = self._acting(user_id, investigation_id)
        _check_version(investigation, expected_version)
        investigation.set_observer_rights(actor, rights, agreement_clause, occurred_at)
        self._save(investigation)
        return investigation

    def close_investigation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        expected_version: int | None,
        reason: str,
        occurred_at: datetime,
    ) -> Investigation:
        investigation, actor = self._acting(user_id, investigation_id)
        _check_version(investigation, expected_version)
        investigation.close(actor, reason, occurred_at)
        self._save(investigation)
        return investigation

    # -- legal authorisations -------------------------------------------------------------

    def record_authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        kind: AuthorisationKind,
        country: str,
        authority: str,
        reference: str,
        occurred_at: datetime,
        valid_from: datetime,
        valid_until: datetime,
        scope: Scope,
        conditions: str,
    ) -> LegalAuthorisation:
        investigation, actor = self._acting(user_id, investigation_id)
        authorisation = LegalAuthorisation.record(
            investigation,
            actor,
            kind=kind,
            country=country,
            authority=authority,
            reference=reference,
            occurred_at=occurred_at,
            valid_from=valid_from,
            valid_until=valid_until,
            scope=scope,
            conditions=conditions,
        )
        self._save(authorisation)
        return authorisation

    def revoke_authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        authorisation_id: UUID,
        expected_version: int | None,
        reason: str,
        occurred_at: datetime,
    ) -> LegalAuthorisation:
        investigation, actor = self._acting(user_id, investigation_id)
        authorisation = self._part(investigation, LegalAuthorisation, authorisation_id)
        _check_version(authorisation, expected_version)
        authorisation.revoke(investigation, actor, reason, occurred_at)
        self._save(authorisation)
        return authorisation

    def qualify_authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        authorisation_id: UUID,
        expected_version: int | None,
        *,
        issuer: IssuerKind,
        offences: tuple[str, ...],
        urgent: bool,
    ) -> LegalAuthorisation:
        investigation, actor, authorisation = self._authorisation(
            user_id, investigation_id, authorisation_id, expected_version
        )
        authorisation.qualify(investigation, actor, issuer=issuer, offences=offences, urgent=urgent)
        self._save(authorisation)
        return authorisation

    def amend_authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        authorisation_id: UUID,
        expected_version: int | None,
        *,
        scope: Scope,
        conditions: str,
        reason: str,
        occurred_at: datetime,
    ) -> LegalAuthorisation:
        investigation, actor, authorisation = self._authorisation(
            user_id, investigation_id, authorisation_id, expected_version
        )
        authorisation.amend(
            investigation,
            actor,
            scope=scope,
            conditions=conditions,
            reason=reason,
            occurred_at=occurred_at,
        )
        self._save(authorisation)
        return authorisation

    def extend_authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        authorisation_id: UUID,
        expected_version: int | None,
        *,
        valid_until: datetime,
        reason: str,
        occurred_at: datetime,
    ) -> LegalAuthorisation:
        investigation, actor, authorisation = self._authorisation(
            user_id, investigation_id, authorisation_id, expected_version
        )
        authorisation.extend(
            investigation, actor, valid_until=valid_until, reason=reason, occurred_at=occurred_at
        )
        self._save(authorisation)
        return authorisation

    def confirm_authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        authorisation_id: UUID,
        expected_version: int | None,
        *,
        judge: str,
        occurred_at: datetime,
    ) -> LegalAuthorisation:
        investigation, actor, authorisation = self._authorisation(
            user_id, investigation_id, authorisation_id, expected_version
        )
        authorisation.confirm(investigation, actor, judge=judge, occurred_at=occurred_at)
        self._save(authorisation)
        return authorisation

    def annul_authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        authorisation_id: UUID,
        expected_version: int | None,
        *,
        court: str,
        ruling: str,
        occurred_at: datetime,
    ) -> LegalAuthorisation:
        investigation, actor, authorisation = self._authorisation(
            user_id, investigation_id, authorisation_id, expected_version
        )
        authorisation.annul(
            investigation, actor, court=court, ruling=ruling, occurred_at=occurred_at
        )
        self._save(authorisation)
        return authorisation

    def _authorisation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        authorisation_id: UUID,
        expected_version: int | None,
    ) -> tuple[Investigation, Actor, LegalAuthorisation]:
        investigation, actor = self._acting(user_id, investigation_id)
        authorisation = self._part(investigation, LegalAuthorisation, authorisation_id)
        _check_version(authorisation, expected_version)
        return investigation, actor, authorisation

    # -- rulebooks (admissibility and use rules of each forum country) --------------------

    def adopt_rulebook(
        self, user_id: UUID, investigation_id: UUID, *, country: str, source: str
    ) -> Rulebook:
        """Adopt a rulebook shipped with JITspace (e.g. "de") as `country`'s rulebook."""
        investigation, actor = self._acting(user_id, investigation_id)
        shipped = load_shipped(source)
        if shipped is None:
            raise RuleViolation(f"no rulebook {source!r} is shipped with JITspace", field="source")
        if self._find(Rulebook, Rulebook.id_for(investigation_id, country)) is not None:
            raise RuleViolation(
                f"{country} has a rulebook in this JIT already: amend it rule by rule",
                field="country",
            )
        rulebook = Rulebook.adopt(
            investigation,
            actor,
            country=country,
            source_name=shipped.name,
            source_version=shipped.content.version,
            source_sha256=shipped.sha256,
            rules=shipped.content.rules,
        )
        self._save(rulebook)
        return rulebook

    def set_rule(
        self,
        user_id: UUID,
        investigation_id: UUID,
        country: str,
        expected_version: int | None,
        *,
        spec: dict[str, Any],
        reason: str,
    ) -> Rulebook:
        investigation, actor, rulebook = self._rulebook(
            user_id, investigation_id, country, expected_version
        )
        rulebook.set_rule(investigation, actor, spec, reason)
        self._save(rulebook)
        return rulebook

    def remove_rule(
        self,
        user_id: UUID,
        investigation_id: UUID,
        country: str,
        expected_version: int | None,
        *,
        rule: str,
        reason: str,
    ) -> Rulebook:
        investigation, actor, rulebook = self._rulebook(
            user_id, investigation_id, country, expected_version
        )
        rulebook.remove_rule(investigation, actor, rule, reason)
        self._save(rulebook)
        return rulebook

    def rulebook_for(self, user_id: UUID, investigation_id: UUID, country: str) -> Rulebook:
        investigation = self.investigation_for(user_id, investigation_id)
        return self._part(
            investigation, Rulebook, Rulebook.id_for(investigation_id, country), field="country"
        )

    def _rulebook(
        self, user_id: UUID, investigation_id: UUID, country: str, expected_version: int | None
    ) -> tuple[Investigation, Actor, Rulebook]:
        investigation, actor = self._acting(user_id, investigation_id)
        rulebook = self._part(
            investigation, Rulebook, Rulebook.id_for(investigation_id, country), field="country"
        )
        _check_version(rulebook, expected_version)
        return investigation, actor, rulebook

    # -- evidence -------------------------------------------------------------------------

    def register_evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        reference: str,
        kind: EvidenceKind,
        description: str,
        occurred_at: datetime,
        collected_by: str,
        place: str,
        method: str,
        authorisation_id: UUID | None,
        handling: HandlingRestrictions = UNRESTRICTED,
    ) -> EvidenceItem:
        """Register an item; restrictions given with it are recorded in the same save, so the
        item is never visible unrestricted. Its reference must be new to the investigation
        (`reference_key`): the log refuses a second holder, however close the race."""
        investigation, actor = self._acting(user_id, investigation_id)
        authorisation = (
            self._part(
                investigation, LegalAuthorisation, authorisation_id, field="authorisation_id"
            )
            if authorisation_id
            else None
        )
        item = EvidenceItem.register(
            investigation,
            actor,
            reference=reference,
            kind=kind,
            description=description,
            occurred_at=occurred_at,
            collected_by=collected_by,
            place=place,
            method=method,
            authorisation=authorisation,
        )
        if handling != UNRESTRICTED:
            item.restrict_handling(investigation, actor, handling, occurred_at)
        try:
            self._save(item)
        except KeyTaken as taken:  # the log holds references unique, under its commit lock
            existing = self._load(EvidenceItem, taken.holder_id, field="reference")
            raise Duplicate(
                f"the investigation already holds evidence item {existing.reference!r} "
                f"(id {existing.id}): references are unique within an investigation, "
                "whatever their case and spacing",
                field="reference",
                existing_id=existing.id,
            ) from None
        return item

    def restrict_evidence_handling(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        restrictions: HandlingRestrictions,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor = self._acting(user_id, investigation_id)
        item = self._part(investigation, EvidenceItem, evidence_id)
        _check_version(item, expected_version)
        item.restrict_handling(investigation, actor, restrictions, occurred_at)
        self._save(item)
        return item

    def amend_evidence_description(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        description: str,
        reason: str,
    ) -> EvidenceItem:
        investigation, actor = self._acting(user_id, investigation_id)
        item = self._part(investigation, EvidenceItem, evidence_id)
        _check_version(item, expected_version)
        item.amend_description(investigation, actor, description, reason)
        self._save(item)
        return item

    def attach_evidence_file(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        *,
        name: str,
        media_type: str,
        blob: StoredBlob,
    ) -> tuple[EvidenceItem, EvidenceFile]:
        """Record a file the blob store holds in full (uploads: jitspace/services/uploads.py)."""
        investigation, actor, item = self._evidence(user_id, investigation_id, evidence_id)
        file_id = uuid4()
        item.attach_file(
            investigation,
            actor,
            file_id=file_id,
            name=name,
            media_type=media_type,
            sha256=blob.sha256,
            size=blob.size,
            storage_key=blob.key,
        )
        self._save(item)
        return item, item.files[file_id]

    def check_may_attach_evidence_file(
        self, user_id: UUID, investigation_id: UUID, evidence_id: UUID
    ) -> None:
        """Whether the user may attach a file to the item now: asked before an upload
        stores anything, so a refused upload leaves no file behind."""
        investigation, actor, item = self._evidence(user_id, investigation_id, evidence_id)
        item.check_may_attach_file(investigation, actor)

    def record_evidence_access(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        file_id: UUID,
        *,
        purpose: str,
        first_byte: int,
        last_byte: int,
    ) -> EvidenceFile:
        """Every download is on record before the first byte leaves."""
        investigation, actor, item = self._evidence(user_id, investigation_id, evidence_id)
        item.record_access(
            investigation,
            actor,
            file_id=file_id,
            purpose=purpose,
            first_byte=first_byte,
            last_byte=last_byte,
        )
        self._save(item)
        return item.files[file_id]

    def verify_evidence_files(
        self, user_id: UUID, investigation_id: UUID, evidence_id: UUID, blobs: BlobStore
    ) -> EvidenceItem:
        """Re-hash every stored file of the item and record what each gave."""
        investigation, actor, item = self._evidence(user_id, investigation_id, evidence_id)
        if not item.files:
            raise RuleViolation("the item has no files to verify", field="evidence_id")
        for file in list(item.files.values()):
            found = blobs.digest(file.storage_key)
            item.record_verification(
                investigation,
                actor,
                file_id=file.file_id,
                found_sha256=found.sha256 if found else None,
                found_size=found.size if found else None,
            )
        self._save(item)
        return item

    def record_evidence_collection(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        place: str,
        note: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.record_collection(
            investigation, actor, place=place, note=note, occurred_at=occurred_at
        )
        self._save(item)
        return item

    def seal_evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        seal_number: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.seal(investigation, actor, seal_number=seal_number, occurred_at=occurred_at)
        self._save(item)
        return item

    def hand_over_evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        recipient_id: UUID,
        reason: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.hand_over(
            investigation, actor, recipient_id=recipient_id, reason=reason, occurred_at=occurred_at
        )
        self._save(item)
        return item

    def transfer_evidence_to_party(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        country: str,
        recipient_id: UUID,
        reason: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.transfer_to_party(
            investigation,
            actor,
            country=country,
            recipient_id=recipient_id,
            reason=reason,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def receive_evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        seal_condition: SealCondition,
        seal_number: str,
        packaging: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.receive(
            investigation,
            actor,
            seal_condition=seal_condition,
            seal_number=seal_number,
            packaging=packaging,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def store_evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        location: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.store(investigation, actor, location=location, occurred_at=occurred_at)
        self._save(item)
        return item

    def return_evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        returned_to: str,
        reason: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.return_item(
            investigation, actor, returned_to=returned_to, reason=reason, occurred_at=occurred_at
        )
        self._save(item)
        return item

    def destroy_evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        method: str,
        reason: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.destroy(investigation, actor, method=method, reason=reason, occurred_at=occurred_at)
        self._save(item)
        return item

    # -- facts the admissibility rules read ----------------------------------------------

    def record_seal_opening(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        seal_number: str,
        authorised_by: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.record_seal_opening(
            investigation,
            actor,
            seal_number=seal_number,
            authorised_by=authorised_by,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def record_interview(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        suspect_language: str,
        interview_language: str,
        interpreter: str,
        caution_given: bool,
        lawyer: LawyerPresence,
        ill_treatment_alleged: bool,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.record_interview(
            investigation,
            actor,
            suspect_language=suspect_language,
            interview_language=interview_language,
            interpreter=interpreter,
            caution_given=caution_given,
            lawyer=lawyer,
            ill_treatment_alleged=ill_treatment_alleged,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def record_derivation(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        parent_id: UUID,
        parent_sha256: str,
        relation: DerivationKind,
        tool: str,
        tool_version: str,
        made_by: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        parent = self._part(investigation, EvidenceItem, parent_id, field="parent_id")
        item.record_derivation(
            investigation,
            actor,
            parent=parent,
            parent_sha256=parent_sha256,
            relation=relation,
            tool=tool,
            tool_version=tool_version,
            made_by=made_by,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def record_use(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        proceeding: str,
        offence: str,
        purpose: UsePurpose,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.record_use(
            investigation,
            actor,
            proceeding=proceeding,
            offence=offence,
            purpose=purpose,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def grant_consent(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        to_country: str,
        purpose: UsePurpose,
        offence: str,
        conditions: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.grant_consent(
            investigation,
            actor,
            to_country=to_country,
            purpose=purpose,
            offence=offence,
            conditions=conditions,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def withdraw_consent(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        to_country: str,
        purpose: UsePurpose,
        offence: str,
        reason: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.withdraw_consent(
            investigation,
            actor,
            to_country=to_country,
            purpose=purpose,
            offence=offence,
            reason=reason,
            occurred_at=occurred_at,
        )
        self._save(item)
        return item

    def raise_defect(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None,
        *,
        rule: str,
        note: str,
        occurred_at: datetime,
    ) -> EvidenceItem:
        investigation, actor, item = self._evidence(
            user_id, investigation_id, evidence_id, expected_version
        )
        item.raise_defect(investigation, actor, rule=rule, note=note, occurred_at=occurred_at)
        self._save(item)
        return item

    def _evidence(
        self,
        user_id: UUID,
        investigation_id: UUID,
        evidence_id: UUID,
        expected_version: int | None = None,
    ) -> tuple[Investigation, Actor, EvidenceItem]:
        investigation, actor = self._acting(user_id, investigation_id)
        item = self._part(investigation, EvidenceItem, evidence_id)
        _check_version(item, expected_version)
        return investigation, actor, item

    # -- tasks ----------------------------------------------------------------------------

    def create_task(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        title: str,
        description: str,
        due_on: date | None,
        evidence_ids: tuple[UUID, ...],
        authorisation_ids: tuple[UUID, ...],
    ) -> Task:
        investigation, actor = self._acting(user_id, investigation_id)
        task = Task.create(
            investigation,
            actor,
            title=title,
            description=description,
            due_on=due_on,
            evidence=tuple(
                self._part(investigation, EvidenceItem, i, field="evidence_ids")
                for i in evidence_ids
            ),
            authorisations=tuple(
                self._part(investigation, LegalAuthorisation, i, field="authorisation_ids")
                for i in authorisation_ids
            ),
        )
        self._save(task)
        return task

    def assign_task(
        self,
        user_id: UUID,
        investigation_id: UUID,
        task_id: UUID,
        expected_version: int | None,
        assignee_id: UUID,
    ) -> Task:
        investigation, actor = self._acting(user_id, investigation_id)
        task = self._part(investigation, Task, task_id)
        _check_version(task, expected_version)
        task.assign(investigation, actor, assignee_id)
        self._save(task)
        return task

    def change_task_status(
        self,
        user_id: UUID,
        investigation_id: UUID,
        task_id: UUID,
        expected_version: int | None,
        status: TaskStatus,
        note: str,
    ) -> Task:
        investigation, actor = self._acting(user_id, investigation_id)
        task = self._part(investigation, Task, task_id)
        _check_version(task, expected_version)
        task.change_status(investigation, actor, status, note)
        self._save(task)
        return task

    # -- disclosure -----------------------------------------------------------------------

    def disclose(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        ledger: Ledger,
        purpose: str,
        as_of: datetime | None,
        up_to_position: int | None,
        withhold_parties: frozenset[str],
        read_file: Callable[[str], Iterable[bytes]] | None = None,
    ) -> BundleContent:
        """Bundle the investigation's history up to a point, and record that it was disclosed."""
        investigation, actor = self._acting(user_id, investigation_id, allow_closed=True)
        investigation.check_may_disclose(actor)
        if as_of is not None and up_to_position is not None:
            raise RuleViolation(
                "a bundle stops at a time (as_of) or at a log position (up_to_position): "
                "give one of them, not both",
                field="up_to_position",
            )
        if strangers := sorted(withhold_parties - investigation.parties.keys()):
            raise RuleViolation(
                f"{', '.join(strangers)}: not a party of this investigation, whose parties are "
                f"{', '.join(sorted(investigation.parties))}",
                field="withhold_parties",
            )
        position = ledger.position_as_of(investigation_id, as_of, up_to_position)
        if position == 0:
            raise RuleViolation(
                "nothing had been recorded in this investigation by then: there is nothing to "
                "disclose",
                field="as_of" if as_of is not None else "up_to_position",
            )
        checkpoint = ledger.checkpoint(investigation_id, up_to=position)
        entries = list(ledger.entries(investigation_id, up_to=checkpoint.fields.position))
        withheld = self._withheld_records(entries, withhold_parties)
        withheld |= self._unreadable_items(entries, actor.country)
        # and what the discloser may not see of the legal file, by the rule of every channel
        audience = Audience(actor.country, actor.role, investigation.observer_rights)
        bundle = build_bundle(
            entries=entries,
            checkpoint=checkpoint,
            mapper=self.mapper,
            sign=ledger.key.sign,
            withhold=lambda entry: (
                entry.originator_id in withheld
                or not audience.may(read_with(entry.topic.partition(":")[2]))
            ),
            investigation_id=investigation_id,
            investigation_name=investigation.name,
            as_of=as_of,
            produced_by=f"{investigation.members[user_id].name} ({actor.country} "
            f"{actor.role.value}, user {user_id})",
            purpose=purpose,
            read_file=read_file,
            withheld_files=self._undownloadable_files(entries, actor.country),
        )
        try:
            for attempt in range(3):  # a member added meanwhile must not void the bundle
                try:
                    investigation.record_disclosure(
                        actor,
                        purpose=purpose,
                        as_of=as_of,
                        up_to_position=bundle.manifest.up_to_position,
                        head_hash=checkpoint.fields.head_hash,
                        bundle_sha256=bundle.sha256,
                        events=bundle.manifest.events,
                        withheld=bundle.manifest.withheld,
                    )
                    self._save(investigation)
                    break
                except VersionConflict:
                    if attempt == 2:
                        raise
                    investigation, actor = self._acting(
                        user_id, investigation_id, allow_closed=True
                    )
        except BaseException:
            bundle.file.close()  # the bundle is not handed out: its temporary file goes
            raise
        return bundle

    def _withheld_records(self, entries: list[Entry], parties: frozenset[str]) -> set[UUID]:
        """Evidence items originated by one of `parties`: their events are withheld."""
        if not parties:
            return set()
        registered = get_topic(EvidenceItem.Registered)
        return {
            entry.originator_id
            for entry in entries
            if entry.topic == registered
            and entry.state is not None
            and msgspec.json.decode(entry.state).get("country") in parties
        }

    def _disclosed_items(self, entries: list[Entry]) -> list[EvidenceItem]:
        registered = get_topic(EvidenceItem.Registered)
        items = (
            self._find(EvidenceItem, e.originator_id) for e in entries if e.topic == registered
        )
        return [item for item in items if item is not None]

    def _unreadable_items(self, entries: list[Entry], country: str) -> set[UUID]:
        """Items whose originating party does not let `country` read them (handling
        restrictions in force now: they say who may read the item, its past included)."""
        return {item.id for item in self._disclosed_items(entries) if not item.may_read(country)}

    def _undownloadable_files(self, entries: list[Entry], country: str) -> frozenset[str]:
        """The files (SHA-256) of items whose originator does not let `country` have them."""
        return frozenset(
            file.sha256
            for item in self._disclosed_items(entries)
            if not item.may_download(country)
            for file in item.files.values()
        )

    # -- reads of one record (the aggregate itself: always current) -----------------------

    def investigation_for(self, user_id: UUID, investigation_id: UUID) -> Investigation:
        """The investigation, if the user is one of its members; otherwise NotFound."""
        return self._acting(user_id, investigation_id, allow_closed=True)[0]

    def investigation(self, investigation_id: UUID) -> Investigation | None:
        """The investigation, whoever asks: for the access check, which then looks for the
        caller among its members (never handed to a caller as it is)."""
        return self._find(Investigation, investigation_id)

    def part_for(self, user_id: UUID, investigation_id: UUID, cls: type[A], record_id: UUID) -> A:
        investigation = self.investigation_for(user_id, investigation_id)
        return self._part(investigation, cls, record_id)

    # -- the past: every record of an investigation as it stood at a point of the log -----

    def history(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        as_of: datetime | None = None,
        position: int | None = None,
    ) -> History:
        """The investigation's records as of a time (what had been recorded by then) and/or a
        log position, replayed from the log. Members only, as for the present."""
        self.investigation_for(user_id, investigation_id)
        assert isinstance(self.recorder, EventLog)
        events = self.recorder.select_investigation_events(
            investigation_id, up_to=position, recorded_by=as_of
        )
        domain_events = [self.mapper.to_domain_event(n) for n in events]
        return History(
            position=events[-1].id if events else 0,
            records=replay(domain_events),
            events=domain_events,
        )

    # -- plumbing -------------------------------------------------------------------------

    def _acting(
        self, user_id: UUID, investigation_id: UUID, *, allow_closed: bool = False
    ) -> tuple[Investigation, Actor]:
        investigation = self._load(Investigation, investigation_id, field="investigation_id")
        member = investigation.member_of(user_id)
        if member is None:
            raise NotFound("no such investigation", field="investigation_id")
        if not allow_closed:
            investigation.check_open()
        return investigation, Actor(user_id=user_id, country=member.country, role=member.role)

    def _part(
        self,
        investigation: Investigation,
        cls: type[A],
        record_id: UUID,
        *,
        field: str | None = None,
    ) -> A:
        # by default the id is named as in the path (`evidence_id`, ...) and the domain's guards
        field = field or _ID_FIELDS.get(cls, "id")
        # a record of another investigation is answered exactly like an id that does not exist:
        # the answer must not tell that the id is in use elsewhere
        record = self._find(cls, record_id)
        if record is None or record.investigation_id != investigation.id:
            raise NotFound(f"no such {_noun(cls)} in this investigation", field=field)
        return record

    def _load(self, cls: type[A], record_id: UUID, *, field: str) -> A:
        record = self._find(cls, record_id)
        if record is None:
            raise NotFound(f"no such {_noun(cls)}", field=field)
        return record

    def _find(self, cls: type[A], record_id: UUID) -> A | None:
        try:
            record: Aggregate = self.repository.get(record_id)
        except AggregateNotFoundError:
            return None
        return record if isinstance(record, cls) else None

    def _save(self, aggregate: JitAggregate) -> None:
        try:
            self.save(aggregate)
        except KeyTaken:
            raise
        except RecordConflictError:
            current: Aggregate = self.repository.get(aggregate.id)
            raise VersionConflict(current.version) from None

    def close(self) -> None:
        if isinstance(self.recorder, EventLog):
            self.recorder.stop()
        super().close()


def _check_version(aggregate: Aggregate, expected_version: int | None) -> None:
    if expected_version is not None and aggregate.version != expected_version:
        raise VersionConflict(aggregate.version)


_NOUNS: dict[type[JitAggregate], str] = {
    Investigation: "investigation",
    EvidenceItem: "evidence item",
    Task: "task",
    LegalAuthorisation: "authorisation",
    Rulebook: "rulebook",
}


_ID_FIELDS: dict[type[JitAggregate], str] = {
    Investigation: "investigation_id",
    EvidenceItem: "evidence_id",
    Task: "task_id",
    LegalAuthorisation: "authorisation_id",
}


def _noun(cls: type[JitAggregate]) -> str:
    return _NOUNS.get(cls, cls.__name__.lower())
