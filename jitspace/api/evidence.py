"""Evidence items of one investigation: the register, files, custody and integrity."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.response import Stream

from domain.commands import (
    AmendDescription,
    DestroyEvidence,
    HandOver,
    ReceiveEvidence,
    RecordAccess,
    RecordCollection,
    RegisterEvidence,
    RestrictHandling,
    ReturnEvidence,
    SealEvidence,
    StoreEvidence,
    TransferToParty,
    VerifyFiles,
)
from domain.evidence import EvidenceItem
from domain.permissions import Action
from jitspace.api.access import CurrentMember
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    AsOf,
    CurrentUser,
    RuntimeDep,
    expected_version,
    in_thread,
    records_at,
)
from jitspace.api.downloads import byte_range, content_disposition, served_media_type
from jitspace.api.investigations import IfMatch
from jitspace.api.openapi import file_response, problem_response
from jitspace.api.records import BASE
from jitspace.api.responses import with_etag
from jitspace.documents.schemas import (
    CollectionCreate,
    CustodyChain,
    DestructionCreate,
    Evidence,
    EvidenceAmendment,
    EvidenceCreate,
    EvidenceFileStored,
    EvidenceSummary,
    FileVerification,
    HandlingCreate,
    HandoverCreate,
    ReceiptCreate,
    ReturnCreate,
    SealCreate,
    StorageCreate,
    TransferCreate,
    VerificationOut,
)
from jitspace.documents.views import evidence_file_view, evidence_view, handling_of
from jitspace.services.uploads import upload_evidence_file
from jitspace.storage.blobs import TooLarge

FileName = Annotated[
    str,
    QueryParameter(
        min_length=1,
        max_length=255,
        # no path, no `.` or `..`; no control, invisible or direction-changing characters,
        # which would make the name shown differ from the name saved (`invoice<RLO>fdp.exe`)
        pattern=r"^(?!\.\.?$)[^\x00-\x1f\x7f-\x9f/\\"
        r"\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+$",
        description="the file's name, as it was acquired (no path)",
    ),
]
DeclaredSha256 = Annotated[
    str | None,
    HeaderParameter(
        name="X-Content-SHA256",
        pattern="^[0-9a-fA-F]{64}$",
        description="the SHA-256 you computed; if the bytes received differ: 422, nothing kept",
    ),
]
MediaType = Annotated[
    str | None,
    HeaderParameter(
        name="Content-Type",
        # type/subtype as RFC 6838 spells them, parameters after `;` (not recorded)
        pattern=r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
        r"\s*(;[\x20-\x7e\t]*)?$",
        max_length=200,
        description="the file's media type",
    ),
]
Purpose = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=2_000,
        pattern=r"^[^\x00]*\S[^\x00]*$",
        description="why you download the file: it is recorded in the chain of custody",
    ),
]
# the encodings of an HTML form: their body is an envelope around the file (multipart) or
# what curl sends by default with --data-binary (urlencoded), never an evidence file itself
FORM_MEDIA_TYPES = {
    "multipart/form-data": "an envelope around the file, as curl -F sends it",
    "application/x-www-form-urlencoded": "as curl --data-binary sends a body with no Content-Type",
}
HOW_TO_UPLOAD = (
    "send the file's bytes as the request body, with its media type in Content-Type "
    "(application/octet-stream if you do not know it) and its name in `?name=`, e.g. "
    "curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg' '.../files?name=photo.jpg'"
)
RangeHeader = Annotated[str | None, HeaderParameter(name="Range", description="bytes=first-last")]
DOWNLOAD_RESPONSES = {
    200: file_response("The file, as an attachment; its media type if inert, else bytes"),
    206: file_response("The byte range asked for (Content-Range says which)"),
    410: problem_response("The store no longer holds the file"),
    416: problem_response("The range asked for is outside the file"),
}

UPLOAD_RESPONSES = {
    415: problem_response("The file was sent as a form: send its bytes as the request body"),
}


def file_media_type(content_type: str | None) -> str:
    """The media type recorded for an uploaded file; a form's encoding is refused (415), as
    the bytes would be the form's, not the file's."""
    media_type = (content_type or "application/octet-stream").split(";")[0].strip().lower()
    if sent_as := FORM_MEDIA_TYPES.get(media_type):
        raise HTTPException(
            status_code=415,
            detail=f"the file was sent as a form ({media_type}: {sent_as}), which is not "
            f"accepted: {HOW_TO_UPLOAD}",
        )
    return media_type


class EvidenceController(Controller):
    path = f"{BASE}/evidence"
    tags = ["evidence"]

    @get("/", access=Action.VIEW_EVIDENCE)
    async def register(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        as_of: AsOf = None,
    ) -> list[EvidenceSummary]:
        """The investigation's evidence register, with each item's custody status."""
        records = await records_at(runtime, user, investigation_id, as_of)
        return await records.evidence_register(member.country)

    @post("/", access=Action.REGISTER_EVIDENCE)
    async def register_item(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[EvidenceCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
    ) -> Response[Evidence]:
        """Register an item collected by your party."""
        item = await in_thread(
            runtime.app.register_evidence,
            user.user_id,
            command(
                RegisterEvidence,
                data,
                investigation_id=investigation_id,
                handling=handling_of(data.handling),
            ),
        )
        return with_etag(evidence_view(item, member.country), 201)

    @post("/{evidence_id:uuid}/handling", status_code=200, access=Action.SET_HANDLING)
    async def restrict_handling(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[HandlingCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """Set who may read the item and download its files (the originating party only).
        The restrictions replace the previous ones; `{}` lifts them all."""
        item = await in_thread(
            runtime.app.restrict_evidence_handling,
            user.user_id,
            command(
                RestrictHandling,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
                restrictions=handling_of(data),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @get("/{evidence_id:uuid}", access=Action.VIEW_EVIDENCE)
    async def read(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        as_of: AsOf = None,
    ) -> Response[Evidence]:
        records = await records_at(runtime, user, investigation_id, as_of)
        return with_etag(await records.evidence(evidence_id, member.country))

    @post("/{evidence_id:uuid}/description", status_code=200, access=Action.REGISTER_EVIDENCE)
    async def amend_description(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[EvidenceAmendment],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.amend_evidence_description,
            user.user_id,
            command(
                AmendDescription,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

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
        stored = EvidenceFileStored(
            evidence_id=item.id,
            version=item.version,
            file=evidence_file_view(file, readable=item.may_read(member.country)),
        )
        return with_etag(stored, 201)

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
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        as_of: AsOf = None,
    ) -> CustodyChain:
        """The chain of custody: every step, the custodian after it, and its defects."""
        records = await records_at(runtime, user, investigation_id, as_of)
        chain = await records.custody(evidence_id, member.country)
        if chain is None:
            raise NotFoundException("the chain of custody of this item is not built yet")
        return chain

    @post("/{evidence_id:uuid}/custody/collection", status_code=200, access=Action.RECORD_CUSTODY)
    async def collect(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[CollectionCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """You took the item into custody when it was collected."""
        item = await in_thread(
            runtime.app.record_evidence_collection,
            user.user_id,
            command(
                RecordCollection,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/{evidence_id:uuid}/custody/seal", status_code=200, access=Action.RECORD_CUSTODY)
    async def seal(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[SealCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.seal_evidence,
            user.user_id,
            command(
                SealEvidence,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/{evidence_id:uuid}/custody/handover", status_code=200, access=Action.RECORD_CUSTODY)
    async def hand_over(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[HandoverCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """Hand the item you hold to another member; it is theirs once they receive it."""
        item = await in_thread(
            runtime.app.hand_over_evidence,
            user.user_id,
            command(
                HandOver,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/{evidence_id:uuid}/custody/transfer", status_code=200, access=Action.RECORD_CUSTODY)
    async def transfer(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[TransferCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """Transfer the item you hold to another party of the JIT, to one of its members."""
        item = await in_thread(
            runtime.app.transfer_evidence_to_party,
            user.user_id,
            command(
                TransferToParty,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/{evidence_id:uuid}/custody/receipt", status_code=200, access=Action.RECORD_CUSTODY)
    async def receive(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[ReceiptCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """Receive an item handed to you, with the state of its seal and packaging."""
        item = await in_thread(
            runtime.app.receive_evidence,
            user.user_id,
            command(
                ReceiveEvidence,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/{evidence_id:uuid}/custody/storage", status_code=200, access=Action.RECORD_CUSTODY)
    async def store(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[StorageCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.store_evidence,
            user.user_id,
            command(
                StoreEvidence,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/{evidence_id:uuid}/custody/return", status_code=200, access=Action.RECORD_CUSTODY)
    async def return_item(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[ReturnCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.return_evidence,
            user.user_id,
            command(
                ReturnEvidence,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/{evidence_id:uuid}/custody/destruction", status_code=200, access=Action.RECORD_CUSTODY)
    async def destroy(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[DestructionCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.destroy_evidence,
            user.user_id,
            command(
                DestroyEvidence,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))
