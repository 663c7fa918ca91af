"""Forensic and handling facts recorded on an evidence item, which the admissibility rules
read: a review for privileged content, the search's record, the examination of its data, a
certificate of authenticity, a translation, where its processing log is kept, and hashes and
re-verifications made outside JITspace (domain/evidence_handling.py)."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.params import JSONBody

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
from domain.permissions import Action
from jitspace.api.changes import ITEM_CHANGE, ItemChange
from jitspace.api.dependencies import BASE, reported_time
from jitspace.documents.evidence import (
    CertificateCreate,
    Evidence,
    ExaminationCreate,
    ExternalHashCreate,
    ExternalVerificationCreate,
    PrivilegeReviewCreate,
    ProcessingLogCreate,
    SearchRecordCreate,
    TranslationCreate,
)
from jitspace.services.application import JITspace


class EvidenceHandlingController(Controller):
    path = f"{BASE}/evidence/{{evidence_id:uuid}}"
    tags = ["evidence"]
    dependencies = ITEM_CHANGE

    @post("/privilege-reviews", status_code=200, access=Action.RECORD_PRIVILEGE_REVIEW)
    async def review_privilege(
        self, data: JSONBody[PrivilegeReviewCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The originating party's review of the item for privileged or core-private content
        (DE §100d): who reviewed it, whether such content was found, and deleted (CO-03)."""
        return await change(JITspace.record_privilege_review, RecordPrivilegeReview, data)

    @post("/search-record", status_code=200, access=Action.RECORD_HANDLING)
    async def record_search(
        self, data: JSONBody[SearchRecordCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The record of the search that collected the item: witnesses present, the
        inventory, who signed (CO-04); a later record replaces it."""
        return await change(JITspace.record_search, RecordSearch, data)

    @post("/examinations", status_code=200, access=Action.RECORD_HANDLING)
    async def record_examination(
        self, data: JSONBody[ExaminationCreate], change: ItemChange
    ) -> Response[Evidence]:
        """How the data was acquired or examined: through a write-blocker, or by live access
        and why; the examiner and their competence (CO-05)."""
        return await change(JITspace.record_examination, RecordExamination, data)

    @post("/certificates", status_code=200, access=Action.RECORD_CERTIFICATE)
    async def record_certificate(
        self, data: JSONBody[CertificateCreate], change: ItemChange
    ) -> Response[Evidence]:
        """A certificate of the item's authenticity (FRE 902(11), (13), (14) style) and the
        notice given of it (IN-04); a later one replaces it."""
        notice = data.notice_given_at
        return await change(
            JITspace.record_certificate,
            RecordCertificate,
            data,
            notice_given_at=None
            if notice is None
            else reported_time(notice, field="notice_given_at"),
        )

    @post("/translations", status_code=200, access=Action.RECORD_HANDLING)
    async def record_translation(
        self, data: JSONBody[TranslationCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The item was translated: into which language, by whom, from which of its files,
        into which item (LA-01, LA-02)."""
        return await change(JITspace.record_translation, RecordTranslation, data)

    @post("/processing-logs", status_code=200, access=Action.RECORD_HANDLING)
    async def record_processing_log(
        self, data: JSONBody[ProcessingLogCreate], change: ItemChange
    ) -> Response[Evidence]:
        """Where the log of processing the item's data outside JITspace is kept (DP-02: data
        held in JITspace has its access log)."""
        return await change(JITspace.record_processing_log, RecordProcessingLog, data)

    @post("/external-hashes", status_code=200, access=Action.RECORD_HANDLING)
    async def record_external_hash(
        self, data: JSONBody[ExternalHashCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The data was hashed at acquisition outside JITspace, with the algorithm named
        (IN-01: MD5 only is a warning, an algorithm the forum does not approve a risk)."""
        return await change(JITspace.record_external_hash, RecordExternalHash, data)

    @post("/external-verifications", status_code=200, access=Action.RECORD_HANDLING)
    async def record_external_verification(
        self, data: JSONBody[ExternalVerificationCreate], change: ItemChange
    ) -> Response[Evidence]:
        """The data was re-hashed outside JITspace, by whom and with which tool: JITspace
        compares the digest with the acquisition hash of that algorithm (IN-02)."""
        return await change(JITspace.record_external_verification, RecordExternalVerification, data)
