"""Command values for the unit tests and benchmarks, with the usual values filled in.

One function per command, named after it: it takes the aggregate the command is addressed to
(the command's investigation and aggregate ids come from it), what the story is about, and
keyword overrides for any other field. A test still calls the domain method itself:

    task.assign(team.investigation, leader, assign_task(task, team.be_investigator))

Where a command needs a time, it is NOW, the instant the unit tests' `now` fixture gives.
Besides the commands: the parties the tests' teams are made of, and `adopt_rulebook` (adopting
a rulebook takes a file, not a command value).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID, uuid4

import msgspec

from domain.commands import (
    AddMember,
    AddParty,
    AgreeRetention,
    AmendAuthorisation,
    AmendDescription,
    AnnulAuthorisation,
    AssignTask,
    AttachCondition,
    AttachFile,
    ChangeMemberRole,
    ChangeTaskStatus,
    CloseInvestigation,
    CommentOnEvidence,
    CommentOnTask,
    ConfirmAuthorisation,
    DeleteUnderRetention,
    DestroyEvidence,
    EditTask,
    EntrustMeasure,
    ExtendAuthorisation,
    GrantConsent,
    HandOver,
    LiftCondition,
    MeetCondition,
    OpenInvestigation,
    PlaceLegalHold,
    QualifyAuthorisation,
    RaiseDefect,
    RaiseObjection,
    ReceiveEvidence,
    RecordAccess,
    RecordAuthorisation,
    RecordCertificate,
    RecordCollection,
    RecordConcerns,
    RecordDerivation,
    RecordDisclosureStep,
    RecordExamination,
    RecordExternalHash,
    RecordExternalVerification,
    RecordInterview,
    RecordNoNotification,
    RecordNotificationReceipt,
    RecordPrivilegeReview,
    RecordProcessingLog,
    RecordSealOpening,
    RecordSearch,
    RecordTargetLocation,
    RecordTranslation,
    RecordUse,
    RefuseConsent,
    RegisterEvidence,
    ReleaseLegalHold,
    RemoveMember,
    RemoveRule,
    ReportFormality,
    RequestConsent,
    RequestFormalities,
    RestrictHandling,
    ReturnEvidence,
    RevokeAuthorisation,
    SealEvidence,
    SendNotification,
    SendOnward,
    SetObserverRights,
    SetRule,
    StoreEvidence,
    TransferToParty,
    WithdrawConsent,
)
from domain.handling import HandlingRestrictions
from domain.investigation import Investigation
from domain.permissions import Action
from domain.rulebook import Rulebook
from domain.values import (
    Actor,
    AuthorisationKind,
    DerivationKind,
    DisclosureStep,
    EvidenceKind,
    HashAlgorithm,
    IssuerKind,
    LawyerPresence,
    Member,
    ObjectionCovers,
    Party,
    PrivilegeReviewResult,
    Role,
    Scope,
    SealCondition,
    TaskStatus,
    UsePurpose,
)

NOW = datetime(2024, 7, 4, 9, 30, tzinfo=UTC)

FRANCE = Party(country="FR", name="France", lead_authority="Parquet national financier")
BELGIUM = Party(country="BE", name="Belgium", lead_authority="Federal Prosecutor's Office")
GERMANY = Party(country="DE", name="Germany", lead_authority="Bundeskriminalamt")
NETHERLANDS = Party(country="NL", name="Netherlands", lead_authority="Openbaar Ministerie")
EUROJUST = Party(country="EUROJUST", name="Eurojust", lead_authority="Eurojust")


class Addressed(Protocol):
    """An aggregate of an investigation: what a command is addressed to."""

    id: UUID
    investigation_id: UUID


class Someone(Protocol):
    """A member or an actor: whoever a command names by their user id."""

    user_id: UUID


def _on(aggregate: Addressed, **fields: Any) -> dict[str, Any]:
    return {"investigation_id": aggregate.investigation_id, **fields}


# -- an investigation ----------------------------------------------------------------------


def open_investigation(founder: Member, **overrides: Any) -> OpenInvestigation:
    """Open the FR-BE JIT "Tideway" (overrides: any other field)."""
    fields: dict[str, Any] = {
        "name": "Tideway",
        "agreement_reference": "JIT-FR-BE-2024-01",
        "purpose": "trafficking in human beings",
        "period_start": date(2024, 1, 1),
        "period_end": date(2025, 12, 31),
        "parties": (FRANCE, BELGIUM),
        "occurred_at": NOW,
    }
    fields.update(overrides)
    return OpenInvestigation(founder_name=founder.name, country=founder.country, **fields)


def add_party(jit: Investigation, party: Party, **overrides: Any) -> AddParty:
    return AddParty(**_on(jit, party=party, occurred_at=NOW) | overrides)


def add_member(jit: Investigation, member: Member, **overrides: Any) -> AddMember:
    return AddMember(**_on(jit, member=member, occurred_at=NOW) | overrides)


def remove_member(jit: Investigation, who: Someone, **overrides: Any) -> RemoveMember:
    fields = _on(jit, user_id=who.user_id, reason="end of secondment", occurred_at=NOW)
    return RemoveMember(**fields | overrides)


def change_member_role(
    jit: Investigation, who: Someone, role: Role, **overrides: Any
) -> ChangeMemberRole:
    fields = _on(jit, user_id=who.user_id, role=role, reason="appointed", occurred_at=NOW)
    return ChangeMemberRole(**fields | overrides)


def set_observer_rights(jit: Investigation, *rights: Action, **overrides: Any) -> SetObserverRights:
    fields = _on(jit, rights=frozenset(rights), agreement_clause="art. 7", occurred_at=NOW)
    return SetObserverRights(**fields | overrides)


def close_investigation(jit: Investigation, **overrides: Any) -> CloseInvestigation:
    fields = _on(jit, reason="convictions obtained", occurred_at=NOW)
    return CloseInvestigation(**fields | overrides)


# -- an authorisation ----------------------------------------------------------------------


def record_authorisation(jit: Investigation, **overrides: Any) -> RecordAuthorisation:
    """Record a French interception order, valid from 20 days before NOW for 90 days."""
    fields = _on(
        jit,
        kind=AuthorisationKind.INTERCEPTION_ORDER,
        country="FR",
        authority="Juge des libertés et de la détention, Paris",
        reference="JLD-2024-0117",
        occurred_at=NOW - timedelta(days=20),
        valid_from=NOW - timedelta(days=20),
        valid_until=NOW + timedelta(days=70),
        scope=Scope(
            targets=("+33 6 12 34 56 78",),
            methods=("interception",),
            evidence_kinds=(EvidenceKind.INTERCEPTED_COMMUNICATION,),
        ),
        conditions="product may be shared with BE for the JIT's purpose only",
    )
    return RecordAuthorisation(**fields | overrides)


def _on_order(order: Addressed, **fields: Any) -> dict[str, Any]:
    return _on(order, authorisation_id=order.id, **fields)


def revoke_authorisation(order: Addressed, **overrides: Any) -> RevokeAuthorisation:
    fields = _on_order(order, reason="annulled on appeal", occurred_at=NOW)
    return RevokeAuthorisation(**fields | overrides)


def qualify_authorisation(order: Addressed, **overrides: Any) -> QualifyAuthorisation:
    fields = _on_order(order, issuer=IssuerKind.JUDGE, offences=(), urgent=False)
    return QualifyAuthorisation(**fields | overrides)


def amend_authorisation(order: Addressed, scope: Scope, **overrides: Any) -> AmendAuthorisation:
    fields = _on_order(order, scope=scope, conditions="", reason="typo", occurred_at=NOW)
    return AmendAuthorisation(**fields | overrides)


def extend_authorisation(
    order: Addressed, valid_until: datetime, **overrides: Any
) -> ExtendAuthorisation:
    fields = _on_order(order, valid_until=valid_until, reason="renewal", occurred_at=NOW)
    return ExtendAuthorisation(**fields | overrides)


def confirm_authorisation(order: Addressed, **overrides: Any) -> ConfirmAuthorisation:
    fields = _on_order(order, judge="JLD Lille", occurred_at=NOW)
    return ConfirmAuthorisation(**fields | overrides)


def annul_authorisation(order: Addressed, **overrides: Any) -> AnnulAuthorisation:
    fields = _on_order(order, court="CA Douai", ruling="CI-17", occurred_at=NOW)
    return AnnulAuthorisation(**fields | overrides)


def send_notification(order: Addressed, to: str = "CH", **overrides: Any) -> SendNotification:
    return SendNotification(**_on_order(order, to_country=to, occurred_at=NOW) | overrides)


def record_notification_receipt(
    order: Addressed, to: str = "CH", **overrides: Any
) -> RecordNotificationReceipt:
    fields = _on_order(order, to_country=to, occurred_at=NOW + timedelta(hours=2))
    return RecordNotificationReceipt(**fields | overrides)


def raise_objection(order: Addressed, by: str = "CH", **overrides: Any) -> RaiseObjection:
    fields = _on_order(
        order,
        by_country=by,
        covers=ObjectionCovers.USE_OF_DATA,
        occurred_at=NOW + timedelta(hours=20),
    )
    return RaiseObjection(**fields | overrides)


def record_no_notification(
    order: Addressed, to: str = "DE", **overrides: Any
) -> RecordNoNotification:
    fields = _on_order(order, to_country=to, reason="urgent", occurred_at=NOW)
    return RecordNoNotification(**fields | overrides)


# -- an evidence item ----------------------------------------------------------------------


def register_evidence(jit: Investigation, **overrides: Any) -> RegisterEvidence:
    """Register a phone seized in Lille two days before NOW."""
    fields = _on(
        jit,
        reference="FR-2024-0042",
        kind=EvidenceKind.SEIZED_DEVICE,
        description="black Samsung phone, IMEI 356938035643809",
        occurred_at=NOW - timedelta(days=2),
        collected_by="OPJ Martin",
        place="12 rue des Lilas, Lille",
        method="search",
    )
    return RegisterEvidence(**fields | overrides)


def _on_item(item: Addressed, **fields: Any) -> dict[str, Any]:
    return _on(item, evidence_id=item.id, **fields)


def amend_description(item: Addressed, description: str, **overrides: Any) -> AmendDescription:
    fields = _on_item(item, description=description, reason="")
    return AmendDescription(**fields | overrides)


def restrict_handling(
    item: Addressed, restrictions: HandlingRestrictions, **overrides: Any
) -> RestrictHandling:
    fields = _on_item(item, restrictions=restrictions, occurred_at=NOW)
    return RestrictHandling(**fields | overrides)


def attach_file(item: Addressed, file_id: UUID, **overrides: Any) -> AttachFile:
    fields = _on_item(
        item,
        file_id=file_id,
        name="dump.bin",
        media_type="application/x-raw",
        sha256="ab" * 32,
        size=10,
        storage_key="evidence/x",
    )
    return AttachFile(**fields | overrides)


def record_access(item: Addressed, file_id: UUID, **overrides: Any) -> RecordAccess:
    fields = _on_item(item, file_id=file_id, purpose="review", first_byte=0, last_byte=9)
    return RecordAccess(**fields | overrides)


def record_collection(item: Addressed, **overrides: Any) -> RecordCollection:
    fields = _on_item(item, place="Lille", note="", occurred_at=NOW)
    return RecordCollection(**fields | overrides)


def seal_evidence(item: Addressed, seal_number: str, **overrides: Any) -> SealEvidence:
    fields = _on_item(item, seal_number=seal_number, occurred_at=NOW)
    return SealEvidence(**fields | overrides)


def store_evidence(item: Addressed, location: str, **overrides: Any) -> StoreEvidence:
    return StoreEvidence(**_on_item(item, location=location, occurred_at=NOW) | overrides)


def hand_over(item: Addressed, recipient: Someone, **overrides: Any) -> HandOver:
    fields = _on_item(item, recipient_id=recipient.user_id, reason="legal review", occurred_at=NOW)
    return HandOver(**fields | overrides)


def transfer_to_party(
    item: Addressed, country: str, recipient: Someone, **overrides: Any
) -> TransferToParty:
    fields = _on_item(
        item, country=country, recipient_id=recipient.user_id, reason="lab", occurred_at=NOW
    )
    return TransferToParty(**fields | overrides)


def receive_evidence(
    item: Addressed, seal_condition: SealCondition = SealCondition.INTACT, **overrides: Any
) -> ReceiveEvidence:
    fields = _on_item(
        item, seal_condition=seal_condition, seal_number="", packaging="", occurred_at=NOW
    )
    return ReceiveEvidence(**fields | overrides)


def return_evidence(item: Addressed, returned_to: str, **overrides: Any) -> ReturnEvidence:
    fields = _on_item(item, returned_to=returned_to, reason="not needed", occurred_at=NOW)
    return ReturnEvidence(**fields | overrides)


def place_legal_hold(item: Addressed, **overrides: Any) -> PlaceLegalHold:
    fields = _on_item(item, reason="appeal pending", reference="CA Paris 2024/17", occurred_at=NOW)
    return PlaceLegalHold(**fields | overrides)


def release_legal_hold(item: Addressed, **overrides: Any) -> ReleaseLegalHold:
    fields = _on_item(item, reason="the appeal was decided", occurred_at=NOW)
    return ReleaseLegalHold(**fields | overrides)


def delete_under_retention(item: Addressed, **overrides: Any) -> DeleteUnderRetention:
    return DeleteUnderRetention(**_on_item(item, occurred_at=NOW) | overrides)


def agree_retention(jit: Investigation, days: int, **overrides: Any) -> AgreeRetention:
    fields = _on(jit, retention_days=days, agreement_clause="art. 12", occurred_at=NOW)
    return AgreeRetention(**fields | overrides)


def destroy_evidence(item: Addressed, method: str, **overrides: Any) -> DestroyEvidence:
    fields = _on_item(item, method=method, reason="copy", occurred_at=NOW)
    return DestroyEvidence(**fields | overrides)


def record_seal_opening(item: Addressed, seal_number: str, **overrides: Any) -> RecordSealOpening:
    fields = _on_item(item, seal_number=seal_number, authorised_by="judge", occurred_at=NOW)
    return RecordSealOpening(**fields | overrides)


def record_interview(item: Addressed, **overrides: Any) -> RecordInterview:
    fields = _on_item(
        item,
        suspect_language="ro",
        interview_language="fr",
        interpreter="",
        caution_given=True,
        lawyer=LawyerPresence.WAIVED,
        ill_treatment_alleged=False,
        occurred_at=NOW,
    )
    return RecordInterview(**fields | overrides)


def record_derivation(
    item: Addressed, parent: Addressed, relation: DerivationKind, **overrides: Any
) -> RecordDerivation:
    fields = _on_item(
        item,
        parent_id=parent.id,
        parent_sha256="0" * 64,
        relation=relation,
        tool="",
        tool_version="",
        made_by="lab",
        occurred_at=NOW,
    )
    return RecordDerivation(**fields | overrides)


def record_use(item: Addressed, proceeding: str, **overrides: Any) -> RecordUse:
    fields = _on_item(
        item,
        proceeding=proceeding,
        offence="VAT fraud",
        purpose=UsePurpose.OTHER_OFFENCE,
        occurred_at=NOW,
    )
    return RecordUse(**fields | overrides)


def grant_consent(
    item: Addressed, to_country: str, purpose: UsePurpose, **overrides: Any
) -> GrantConsent:
    fields = _on_item(
        item, to_country=to_country, purpose=purpose, offence="", conditions="", occurred_at=NOW
    )
    return msgspec.convert(fields | overrides, GrantConsent)


def withdraw_consent(
    item: Addressed, to_country: str, purpose: UsePurpose, **overrides: Any
) -> WithdrawConsent:
    fields = _on_item(
        item, to_country=to_country, purpose=purpose, offence="", reason="", occurred_at=NOW
    )
    return msgspec.convert(fields | overrides, WithdrawConsent)


def raise_defect(item: Addressed, **overrides: Any) -> RaiseDefect:
    return RaiseDefect(**_on_item(item, rule="", note="", occurred_at=NOW) | overrides)


def record_concerns(
    item: Addressed, *identifiers: tuple[str, str], **overrides: Any
) -> RecordConcerns:
    named = [{"kind": kind, "value": value} for kind, value in identifiers]
    fields = _on_item(item, identifiers=named, occurred_at=NOW)
    return msgspec.convert(fields | overrides, RecordConcerns)


def record_target_location(
    item: Addressed, country: str = "CH", **overrides: Any
) -> RecordTargetLocation:
    return RecordTargetLocation(**_on_item(item, country=country, occurred_at=NOW) | overrides)


def entrust_measure(order: Addressed, to: str = "BE", **overrides: Any) -> EntrustMeasure:
    fields = _on_order(
        order, to_country=to, entrusted_by="juge d'instruction", allowed_by_host_law=True
    )
    return EntrustMeasure(**fields | {"occurred_at": NOW} | overrides)


def request_formalities(
    order: Addressed, *formalities: str, **overrides: Any
) -> RequestFormalities:
    fields = _on_order(
        order, formalities=formalities, requested_by="juge d'instruction", occurred_at=NOW
    )
    return RequestFormalities(**fields | overrides)


def report_formality(
    order: Addressed, formality: str, by: str = "BE", **overrides: Any
) -> ReportFormality:
    fields = _on_order(order, formality=formality, by_country=by, met=True, occurred_at=NOW)
    return ReportFormality(**fields | overrides)


def request_consent(item: Addressed, purpose: str, **overrides: Any) -> RequestConsent:
    fields = _on_item(item, purpose=purpose, offence="", to_country="", note="", occurred_at=NOW)
    return msgspec.convert(fields | overrides, RequestConsent)


def refuse_consent(item: Addressed, to: str, purpose: str, **overrides: Any) -> RefuseConsent:
    fields = _on_item(item, to_country=to, purpose=purpose, reason="no", occurred_at=NOW)
    return msgspec.convert(fields | overrides, RefuseConsent)


def attach_condition(item: Addressed, kind: str, text: str, **overrides: Any) -> AttachCondition:
    fields = _on_item(item, kind=kind, text=text, to_country="", occurred_at=NOW)
    return msgspec.convert(fields | overrides, AttachCondition)


def meet_condition(item: Addressed, number: int = 1, **overrides: Any) -> MeetCondition:
    return MeetCondition(**_on_item(item, number=number, note="done", occurred_at=NOW) | overrides)


def lift_condition(item: Addressed, number: int = 1, **overrides: Any) -> LiftCondition:
    fields = _on_item(item, number=number, reason="lifted", occurred_at=NOW)
    return LiftCondition(**fields | overrides)


def send_onward(item: Addressed, to: str = "CH", **overrides: Any) -> SendOnward:
    fields = _on_item(item, to_country=to, recipient="Police", reason="asked", occurred_at=NOW)
    return SendOnward(**fields | overrides)


# -- forensic and handling facts ------------------------------------------------------------


def record_privilege_review(
    item: Addressed, result: PrivilegeReviewResult, **overrides: Any
) -> RecordPrivilegeReview:
    fields = _on_item(item, reviewed_by="Judge Weber", result=result, occurred_at=NOW)
    return RecordPrivilegeReview(**fields | overrides)


def record_search(item: Addressed, **overrides: Any) -> RecordSearch:
    fields = _on_item(
        item,
        witnesses=("Mme Martin", "M. Dubois"),
        inventory_made=True,
        signed_by=("OPJ Leroy",),
        occurred_at=NOW,
    )
    return RecordSearch(**fields | overrides)


def record_examination(item: Addressed, **overrides: Any) -> RecordExamination:
    fields = _on_item(
        item, write_blocked=True, examiner="A. Janssens", competence="EnCE", occurred_at=NOW
    )
    return RecordExamination(**fields | overrides)


def record_certificate(item: Addressed, **overrides: Any) -> RecordCertificate:
    fields = _on_item(item, certified_by="records custodian", basis="FRE 902(14)", occurred_at=NOW)
    return RecordCertificate(**fields | overrides)


def record_translation(item: Addressed, **overrides: Any) -> RecordTranslation:
    fields = _on_item(item, language="ro", translator="I. Popa", occurred_at=NOW)
    return RecordTranslation(**fields | overrides)


def record_processing_log(item: Addressed, **overrides: Any) -> RecordProcessingLog:
    fields = _on_item(item, kept_by="FR lab", kept_in="LIMS case 7", occurred_at=NOW)
    return RecordProcessingLog(**fields | overrides)


def record_external_hash(
    item: Addressed, digest: str, algorithm: HashAlgorithm = HashAlgorithm.MD5, **overrides: Any
) -> RecordExternalHash:
    fields = _on_item(
        item,
        algorithm=algorithm,
        digest=digest,
        hashed_by="FR lab",
        tool="FTK Imager 4.7",
        occurred_at=NOW,
    )
    return RecordExternalHash(**fields | overrides)


def record_external_verification(
    item: Addressed, digest: str, algorithm: HashAlgorithm = HashAlgorithm.MD5, **overrides: Any
) -> RecordExternalVerification:
    fields = _on_item(
        item,
        algorithm=algorithm,
        digest=digest,
        verified_by="BE lab",
        tool="md5sum 9.4",
        occurred_at=NOW,
    )
    return RecordExternalVerification(**fields | overrides)


def record_disclosure_step(
    item: Addressed, step: str = "reviewed", **overrides: Any
) -> RecordDisclosureStep:
    return RecordDisclosureStep(
        **_on_item(item, step=DisclosureStep(step), occurred_at=NOW) | overrides
    )


# -- a task --------------------------------------------------------------------------------


def assign_task(task: Addressed, assignee: Someone, **overrides: Any) -> AssignTask:
    return AssignTask(**_on(task, task_id=task.id, assignee_id=assignee.user_id) | overrides)


def change_task_status(
    task: Addressed, status: TaskStatus, note: str = "", **overrides: Any
) -> ChangeTaskStatus:
    fields = _on(task, task_id=task.id, status=status, note=note)
    return ChangeTaskStatus(**fields | overrides)


def edit_task(task: Addressed, title: str, due_on: date | None = None) -> EditTask:
    return EditTask(**_on(task, task_id=task.id, title=title, due_on=due_on))


def comment_on_item(item: Addressed, text: str, *mentioned: Someone) -> CommentOnEvidence:
    return CommentOnEvidence(**_comment(item, "evidence_id", text, mentioned))


def comment_on_task(task: Addressed, text: str, *mentioned: Someone) -> CommentOnTask:
    return CommentOnTask(**_comment(task, "task_id", text, mentioned))


def _comment(
    record: Addressed, id_field: str, text: str, mentioned: tuple[Someone, ...]
) -> dict[str, Any]:
    mentions = tuple(m.user_id for m in mentioned)
    fields = {id_field: record.id, "comment": text, "mentions": mentions}
    return _on(record, comment_id=uuid4(), written_at=NOW, **fields)


# -- a rulebook ----------------------------------------------------------------------------


def adopt_rulebook(
    jit: Investigation, actor: Actor, country: str, rules: list[Any], **source: str
) -> Rulebook:
    """The rulebook of `country` adopted from a file of these rules (not a command: adopting
    takes the file's name, version and hash, which `source` overrides)."""
    file = {
        "source_name": f"{country.lower()}.toml",
        "source_version": "1",
        "source_sha256": "0" * 64,
    }
    return Rulebook.adopt(jit, actor, country=country, rules=rules, **file | source)


def set_rule(rulebook: Rulebook, rule: str, **overrides: Any) -> SetRule:
    fields = _on(rulebook, country=rulebook.country, rule=rule, reason="")
    return SetRule(**fields | overrides)


def remove_rule(rulebook: Rulebook, rule: str, **overrides: Any) -> RemoveRule:
    fields = _on(rulebook, country=rulebook.country, rule=rule, reason="")
    return RemoveRule(**fields | overrides)
