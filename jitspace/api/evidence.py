"""Evidence items of one investigation: the register, files, custody and integrity, and the
facts the admissibility rules read about an item (its seal opened, interview conditions,
derivation, use in a proceeding, consent asked, given or refused, the sender's conditions,
a transfer on outside the JIT, defects raised in court, whom it concerns, where the
measure's target was, its steps on a disclosure schedule)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody
from litestar.response import Stream

from domain.commands import (
    AmendDescription,
    AttachCondition,
    CommentOnEvidence,
    DeleteUnderRetention,
    DestroyEvidence,
    GrantConsent,
    HandOver,
    LiftCondition,
    MeetCondition,
    PlaceLegalHold,
    RaiseDefect,
    ReceiveEvidence,
    RecordAccess,
    RecordCollection,
    RecordConcerns,
    RecordDerivation,
    RecordDisclosureStep,
    RecordInterview,
    RecordRuling,
    RecordSealOpening,
    RecordTargetLocation,
    RecordTerritory,
    RecordUse,
    RefuseConsent,
    RegisterEvidence,
    ReleaseLegalHold,
    RequestConsent,
    RestrictHandling,
    ReturnEvidence,
    SealEvidence,
    SendOnward,
    StoreEvidence,
    TransferToParty,
    VerifyFiles,
    WithdrawConsent,
)
from domain.evidence import EvidenceItem
from domain.permissions import Action
from jitspace.api.access import CurrentAudience, CurrentMember
from jitspace.api.changes import ITEM_CHANGE, Creation, ItemChange, item_document
from jitspace.api.commands import command, new_comment
from jitspace.api.dependencies import (
    BASE,
    CurrentUser,
    RecordsAsOf,
    RuntimeDep,
    in_thread,
)
from jitspace.api.files import (
    DOWNLOAD_RESPONSES,
    UPLOAD_RESPONSES,
    DeclaredSha256,
    FileName,
    MediaType,
    Purpose,
    RangeHeader,
    byte_range,
    content_disposition,
    file_media_type,
    served_media_type,
)
from jitspace.api.pages import CUSTODY_AUDIT_QUERY, CustodyAuditQueryDep, page_from
from jitspace.api.responses import with_etag
from jitspace.documents.custody import (
    CollectionCreate,
    CustodyAudit,
    CustodyAuditPage,
    CustodyChain,
    DestructionCreate,
    HandoverCreate,
    ReceiptCreate,
    ReturnCreate,
    SealCreate,
    StorageCreate,
    TransferCreate,
)
from jitspace.documents.evidence import (
    ConcernsCreate,
    ConditionCreate,
    ConditionLifting,
    ConditionMet,
    ConsentCreate,
    ConsentRefusal,
    ConsentRequestCreate,
    ConsentWithdrawal,
    DefectCreate,
    DerivationCreate,
    DisclosureStepCreate,
    Evidence,
    EvidenceAmendment,
    EvidenceCreate,
    EvidenceFileStored,
    EvidenceSummary,
    FileVerification,
    HandlingCreate,
    InterviewCreate,
    LegalHoldCreate,
    LegalHoldRelease,
    Lineage,
    OnwardTransferCreate,
    RulingCreate,
    SealOpeningCreate,
    TargetLocationCreate,
    TerritoryCreate,
    UseCreate,
    VerificationOut,
)
from jitspace.documents.fields import CommentCreate
from jitspace.documents.views import handling_of, stored_file
from jitspace.services.application import JITspace
from jitspace.services.uploads import upload_evidence_file
from jitspace.storage.blobs import TooLarge


class EvidenceController(Controller):
    path = f"{BASE}/evidence"
    tags = ["evidence"]
    dependencies = ITEM_CHANGE

    @get("/", access=Action.VIEW_EVIDENCE)
    async def register(self, member: CurrentMember, records: RecordsAsOf) -> list[EvidenceSummary]:
        """The investigation's evidence register, with each item's custody status."""
        return await records.evidence_register(member.country)

    @post("/", access=Action.REGISTER_EVIDENCE)
    async def register_item(
        self, data: JSONBody[EvidenceCreate], create: Creation, audience: CurrentAudience
    ) -> Response[Evidence]:
        """Register an item collected by your party."""
        return await create(
            JITspace.register_evidence,
            RegisterEvidence,
            data,
            lambda item: item_document(create.runtime.app, item, audience),
            handling=handling_of(data.handling),
        )

    @post("/{evidence_id:uuid}/handling", status_code=200, access=Action.SET_HANDLING)
    async def restrict_handling(
        self, data: JSONBody[HandlingCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Set who may read the item and download its files (the originating party only).
        The restrictions replace the previous ones; `{}` lifts them all."""
        return await change(
            JITspace.restrict_evidence_handling, RestrictHandling, restrictions=handling_of(data)
        )

    @get("/{evidence_id:uuid}", access=Action.VIEW_EVIDENCE)
    async def read(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        records: RecordsAsOf,
        audience: CurrentAudience,
    ) -> Response[Evidence]:
        return with_etag(await records.evidence(evidence_id, audience))

    @post("/{evidence_id:uuid}/description", status_code=200, access=Action.REGISTER_EVIDENCE)
    async def amend_description(
        self, data: JSONBody[EvidenceAmendment], change: ItemChange
    ) -> Response[Evidence]:
        return await change(JITspace.amend_evidence_description, AmendDescription, data)

    @post("/{evidence_id:uuid}/comments", status_code=200, access=Action.COMMENT)
    async def comment(
        self, data: JSONBody[CommentCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Comment on the item, mentioning members (withheld with what the item is where its
        handling restrictions say so)."""
        return await change(JITspace.comment_on_evidence, CommentOnEvidence, data, **new_comment())

    # -- files ----------------------------------------------------------------------------

    @post(
        "/{evidence_id:uuid}/files",
        request_max_body_size=None,
        access=Action.REGISTER_EVIDENCE,
        responses=UPLOAD_RESPONSES,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        name: FileName,
        content_type: MediaType = None,
        declared_sha256: DeclaredSha256 = None,
    ) -> Response[EvidenceFileStored]:
        """Attach a file: send its bytes as the request body (streamed, any size up to the
        limit). The item records the file once the store holds all of it."""
        limit = runtime.settings.max_upload_bytes
        if request.content_length is not None and request.content_length > limit:
            raise TooLarge(f"the file is larger than the limit of {limit} bytes", field="body")
        media_type = file_media_type(content_type)
        item, file = await upload_evidence_file(
            runtime.app,
            runtime.blobs,
            limit,
            user.user_id,
            investigation_id,
            evidence_id,
            request.stream(),
            name=name,
            media_type=media_type,
            declared_sha256=declared_sha256.lower() if declared_sha256 else None,
        )
        return with_etag(stored_file(item, file, member.country), 201)

    @get(
        "/{evidence_id:uuid}/files/{file_id:uuid}/content",
        access=Action.DOWNLOAD_FILES,
        responses=DOWNLOAD_RESPONSES,
    )
    async def download(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        file_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        purpose: Purpose = None,
        range_header: RangeHeader = None,
    ) -> Stream:
        """Download a file, whole or a byte range. Every download is recorded, with the
        purpose you state, before the first byte is sent."""
        if purpose is None:
            raise ValidationException(
                "every download is recorded with its purpose: state it",
                extra=[{"key": "purpose", "message": "state why you download the file"}],
            )
        item = await in_thread(
            runtime.app.part_for, user.user_id, investigation_id, EvidenceItem, evidence_id
        )
        size = item.check_file(file_id).size
        wanted = byte_range(range_header, size)
        first, last = wanted or (0, size - 1)
        file = await in_thread(
            runtime.app.record_evidence_access,
            user.user_id,
            command(
                RecordAccess,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                file_id=file_id,
                purpose=purpose,
                first_byte=first,
                last_byte=last,
            ),
        )
        length = last - first + 1
        chunks = await in_thread(runtime.blobs.read, file.storage_key, first, length)
        headers = {
            "Content-Disposition": content_disposition(file.name),
            "Content-Length": str(length),
            "Accept-Ranges": "bytes",
            "Digest": f"sha-256={file.sha256}",
            "X-Content-SHA256": file.sha256,
        }
        if wanted is not None:
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        return Stream(
            chunks,
            status_code=206 if wanted is not None else 200,
            # the recorded type only if no browser would run it (the record keeps it as given)
            media_type=served_media_type(file.media_type),
            headers=headers,
        )

    @post("/{evidence_id:uuid}/verification", status_code=200, access=Action.RECORD_CUSTODY)
    async def verify(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
    ) -> Response[VerificationOut]:
        """Re-hash every stored file of the item; each result is recorded (a mismatch as an
        integrity violation)."""
        item = await in_thread(
            runtime.app.verify_evidence_files,
            user.user_id,
            command(VerifyFiles, investigation_id=investigation_id, evidence_id=evidence_id),
            runtime.blobs,
        )
        readable = item.may_read(member.country)
        return with_etag(
            VerificationOut(
                evidence_id=item.id,
                version=item.version,
                files=[
                    FileVerification(
                        file_id=f.file_id,
                        name=f.name if readable else None,
                        expected_sha256=f.sha256,
                        integrity=f.integrity,
                    )
                    for f in item.files.values()
                ],
                withheld=[] if readable else ["files.name"],
            )
        )

    # -- custody --------------------------------------------------------------------------

    @get("/{evidence_id:uuid}/custody", access=Action.VIEW_EVIDENCE)
    async def custody(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        records: RecordsAsOf,
        member: CurrentMember,
    ) -> CustodyChain:
        """The chain of custody: every step, the custodian after it, and its defects."""
        chain = await records.custody(evidence_id, member.country)
        if chain is None:
            raise NotFoundException("the chain of custody of this item is not built yet")
        return chain

    @get("/custody-audit", access=Action.VIEW_EVIDENCE)
    async def custody_audit(
        self, investigation_id: FromPath[UUID], records: RecordsAsOf
    ) -> CustodyAudit:
        """Every defect of every item's chain of custody, grouped by kind of defect, the
        largest group first (as of a date with `as_of`)."""
        return await records.custody_audit()

    @get("/custody-audit/page", access=Action.VIEW_EVIDENCE, dependencies=CUSTODY_AUDIT_QUERY)
    async def custody_audit_page(
        self, investigation_id: FromPath[UUID], records: RecordsAsOf, audit: CustodyAuditQueryDep
    ) -> CustodyAuditPage:
        """A page of the items whose chain of custody has a defect, with their defects (as of
        a point with `as_of`). Filters: a defect's code, and text in the reference; sorted by
        reference or by how many defects, then the item's id."""
        return await page_from(records.custody_audit_page(audit))

    @get("/{evidence_id:uuid}/lineage", access=Action.VIEW_EVIDENCE)
    async def lineage(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        records: RecordsAsOf,
        member: CurrentMember,
    ) -> Lineage:
        """The items made from one another that this item belongs to (copies, extractions,
        analyses, translations), as a tree from the original; as of a date with `as_of`."""
        return await records.lineage(evidence_id, member.country)

    @post("/{evidence_id:uuid}/custody/collection", status_code=200, access=Action.RECORD_CUSTODY)
    async def collect(
        self, data: JSONBody[CollectionCreate], change: ItemChange
    ) -> Response[Evidence]:
        """You took the item into custody when it was collected."""
        return await change(JITspace.record_evidence_collection, RecordCollection, data)

    @post("/{evidence_id:uuid}/custody/seal", status_code=200, access=Action.RECORD_CUSTODY)
    async def seal(self, data: JSONBody[SealCreate], change: ItemChange) -> Response[Evidence]:
        return await change(JITspace.seal_evidence, SealEvidence, data)

    @post("/{evidence_id:uuid}/custody/handover", status_code=200, access=Action.RECORD_CUSTODY)
    async def hand_over(
        self, data: JSONBody[HandoverCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Hand the item you hold to another member; it is theirs once they receive it."""
        return await change(JITspace.hand_over_evidence, HandOver, data)

    @post("/{evidence_id:uuid}/custody/transfer", status_code=200, access=Action.RECORD_CUSTODY)
    async def transfer(
        self, data: JSONBody[TransferCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Transfer the item you hold to another party of the JIT, to one of its members."""
        return await change(JITspace.transfer_evidence_to_party, TransferToParty, data)

    @post("/{evidence_id:uuid}/custody/receipt", status_code=200, access=Action.RECORD_CUSTODY)
    async def receive(
        self, data: JSONBody[ReceiptCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Receive an item handed to you, with the state of its seal and packaging."""
        return await change(JITspace.receive_evidence, ReceiveEvidence, data)

    @post("/{evidence_id:uuid}/custody/storage", status_code=200, access=Action.RECORD_CUSTODY)
    async def store(self, data: JSONBody[StorageCreate], change: ItemChange) -> Response[Evidence]:
        return await change(JITspace.store_evidence, StoreEvidence, data)

    @post("/{evidence_id:uuid}/custody/return", status_code=200, access=Action.RECORD_CUSTODY)
    async def return_item(
        self, data: JSONBody[ReturnCreate], change: ItemChange
    ) -> Response[Evidence]:
        return await change(JITspace.return_evidence, ReturnEvidence, data)

    @post("/{evidence_id:uuid}/custody/destruction", status_code=200, access=Action.RECORD_CUSTODY)
    async def destroy(
        self, data: JSONBody[DestructionCreate], change: ItemChange
    ) -> Response[Evidence]:
        return await change(JITspace.destroy_evidence, DestroyEvidence, data)


class EvidenceFactsController(Controller):
    path = f"{BASE}/evidence/{{evidence_id:uuid}}"
    tags = ["evidence"]
    dependencies = ITEM_CHANGE

    @post("/seal-opening", status_code=200, access=Action.RECORD_CUSTODY)
    async def open_seal(
        self, data: JSONBody[SealOpeningCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The seal found when the package was opened, and who authorised the opening."""
        return await change(JITspace.record_seal_opening, RecordSealOpening, data)

    @post("/interview", status_code=200, access=Action.RECORD_INTERVIEW)
    async def interview(
        self, data: JSONBody[InterviewCreate], change: ItemChange
    ) -> Response[Evidence]:
        """How the interview this item records was conducted: languages, interpreter,
        caution, lawyer (the originating party records it)."""
        return await change(JITspace.record_interview, RecordInterview, data)

    @post("/derivation", status_code=200, access=Action.RECORD_DERIVATION)
    async def derive(
        self, data: JSONBody[DerivationCreate], change: ItemChange
    ) -> Response[Evidence]:
        """This item was made from another (a copy, an extraction, an analysis, a
        translation), from the parent with the SHA-256 named."""
        return await change(JITspace.record_derivation, RecordDerivation, data)

    @post("/uses", status_code=200, access=Action.RECORD_USE)
    async def use(self, data: JSONBody[UseCreate], change: ItemChange) -> Response[Evidence]:
        """Your party uses the item in one of its proceedings, for an offence."""
        return await change(JITspace.record_use, RecordUse, data)

    @post("/consents", status_code=200, access=Action.DECIDE_CONSENT)
    async def grant_consent(
        self, data: JSONBody[ConsentCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The originating party consents to another party's use of the item, to its
        disclosure, or to its transfer on to a state outside the JIT; it answers the open
        request it covers."""
        return await change(JITspace.grant_consent, GrantConsent, data)

    @post("/consent-requests", status_code=200, access=Action.REQUEST_CONSENT)
    async def request_consent(
        self, data: JSONBody[ConsentRequestCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Your party asks the originating party's consent: to use the item for another
        offence or procedure, to disclose it, or to send it on to a state outside the JIT.
        409 if the same request is open, or the consent in force."""
        return await change(JITspace.request_consent, RequestConsent, data)

    @post("/consent-refusals", status_code=200, access=Action.DECIDE_CONSENT)
    async def refuse_consent(
        self, data: JSONBody[ConsentRefusal], change: ItemChange
    ) -> Response[Evidence]:
        """The originating party refuses an open request. 409 if none is open."""
        return await change(JITspace.refuse_consent, RefuseConsent, data)

    @post("/conditions", status_code=200, access=Action.SET_CONDITIONS)
    async def attach_condition(
        self, data: JSONBody[ConditionCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The originating party, sending the item, attaches a condition on its use, its
        onward transfer or its disclosure (numbered 1, 2, ... on the item)."""
        return await change(JITspace.attach_condition, AttachCondition, data)

    @post("/conditions-met", status_code=200, access=Action.SET_CONDITIONS)
    async def meet_condition(
        self, data: JSONBody[ConditionMet], change: ItemChange
    ) -> Response[Evidence]:
        """The party a condition binds records that it was met. 409 once met or lifted."""
        return await change(JITspace.meet_condition, MeetCondition, data)

    @post("/conditions-lifted", status_code=200, access=Action.SET_CONDITIONS)
    async def lift_condition(
        self, data: JSONBody[ConditionLifting], change: ItemChange
    ) -> Response[Evidence]:
        """The originating party lifts its condition. 409 once met or lifted."""
        return await change(JITspace.lift_condition, LiftCondition, data)

    @post("/onward-transfers", status_code=200, access=Action.REQUEST_CONSENT)
    async def send_onward(
        self, data: JSONBody[OnwardTransferCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Your party sent the item (or a copy) on to a state outside the JIT (US-05: it
        needs the originating party's prior consent)."""
        return await change(JITspace.send_onward, SendOnward, data)

    @post("/consent-withdrawals", status_code=200, access=Action.DECIDE_CONSENT)
    async def withdraw_consent(
        self, data: JSONBody[ConsentWithdrawal], change: ItemChange
    ) -> Response[Evidence]:
        return await change(JITspace.withdraw_consent, WithdrawConsent, data)

    @post("/defects", status_code=200, access=Action.RAISE_DEFECT)
    async def raise_defect(
        self, data: JSONBody[DefectCreate], change: ItemChange
    ) -> Response[Evidence]:
        """A defect of the item was raised before your party's court (a nullity motion, an
        objection), invoking one rule or (empty) every defect."""
        return await change(JITspace.raise_defect, RaiseDefect, data)

    @post("/rulings", status_code=200, access=Action.RAISE_DEFECT)
    async def record_ruling(
        self, data: JSONBody[RulingCreate], change: ItemChange
    ) -> Response[Evidence]:
        """A ruling of your party's court on the item, other than annulling the measure: it
        excluded the item (AU-07 fails in your forum) or admitted it."""
        return await change(JITspace.record_ruling, RecordRuling, data)

    @post("/territory", status_code=200, access=Action.REGISTER_EVIDENCE)
    async def record_territory(
        self, data: JSONBody[TerritoryCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The state on whose territory the item was collected, as its collecting party
        records it (AU-08: a state of the JIT's parties at the time, or another channel)."""
        return await change(JITspace.record_territory, RecordTerritory, data)

    @post("/disclosure-schedule", status_code=200, access=Action.RECORD_DISCLOSURE)
    async def record_disclosure_step(
        self, data: JSONBody[DisclosureStepCreate], change: ItemChange
    ) -> Response[Evidence]:
        """A step of the item on your party's disclosure schedule (a common-law forum's duty
        to review, schedule and disclose relevant material; DI-01 reads it): reviewed as
        relevant or not, scheduled as used or unused material, disclosed to the defence (only
        once scheduled)."""
        return await change(JITspace.record_disclosure_step, RecordDisclosureStep, data)

    @post("/concerns", status_code=200, access=Action.RECORD_CONCERNS)
    async def record_concerns(
        self, data: JSONBody[ConcernsCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Whom the item concerns (persons, phone numbers, accounts, devices): the list
        replaces the one on record; AU-03 compares it with the authorisation's targets."""
        return await change(JITspace.record_concerns, RecordConcerns, data)

    @post("/target-location", status_code=200, access=Action.RECORD_NOTIFICATION)
    async def record_target_location(
        self, data: JSONBody[TargetLocationCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The state where the measure's target was when it ran (AU-10: a target abroad is
        notified to that state)."""
        return await change(JITspace.record_target_location, RecordTargetLocation, data)

    # -- retention: legal holds and deletion (domain/evidence_retention.py) -----------------

    @post("/legal-hold", status_code=200, access=Action.HOLD_EVIDENCE)
    async def place_legal_hold(
        self, data: JSONBody[LegalHoldCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Keep the item whatever its deletion date (litigation, a court order, an appeal):
        nothing of it is deleted until the hold is released. 409 if a hold is on already."""
        return await change(JITspace.place_legal_hold, PlaceLegalHold, data)

    @post("/legal-hold/release", status_code=200, access=Action.HOLD_EVIDENCE)
    async def release_legal_hold(
        self, data: JSONBody[LegalHoldRelease], change: ItemChange
    ) -> Response[Evidence]:
        """Release the item's legal hold: it is deleted once its deletion date has passed.
        409 if no hold is on."""
        return await change(JITspace.release_legal_hold, ReleaseLegalHold, data)

    @post("/retention-deletion", status_code=200, access=Action.DELETE_UNDER_RETENTION)
    async def delete_under_retention(
        self, runtime: RuntimeDep, change: ItemChange
    ) -> Response[Evidence]:
        """Delete the item's files now, its deletion date having passed (as the retention
        sweep would): the deletion is recorded, then the store deletes them. 409 while a
        legal hold is on, before the deletion date, or once deleted."""

        def delete(app: JITspace, user_id: UUID, command: DeleteUnderRetention) -> EvidenceItem:
            return app.delete_under_retention(user_id, command, runtime.blobs)

        return await change(delete, DeleteUnderRetention)
