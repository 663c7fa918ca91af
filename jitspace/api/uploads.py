"""Upload sessions: a file of many gigabytes sent in parts, each checked against its SHA-256,
resumed after a dropped connection from the parts the server holds, then recorded whole
(its SHA-256 computed as the parts are joined). A session is its opener's: anyone else finds
nothing (404)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, HeaderParameter, JSONBody

from domain.permissions import Action
from jitspace.api.access import CurrentMember
from jitspace.api.dependencies import BASE, CurrentUser, RuntimeDep
from jitspace.api.files import UPLOAD_RESPONSES
from jitspace.api.responses import with_etag
from jitspace.documents.evidence import (
    EvidenceFileStored,
    UploadCreate,
    UploadPartOut,
    UploadSessionOut,
)
from jitspace.documents.views import evidence_file_view
from jitspace.services.uploads import complete_upload, open_upload, receive_part
from jitspace.storage.upload_sessions import UploadSession

PartSha256 = Annotated[
    str,
    HeaderParameter(
        name="X-Content-SHA256",
        pattern="^[0-9a-fA-F]{64}$",
        description="the part's SHA-256: if the bytes received differ, 422 and nothing kept",
    ),
]


def session_view(session: UploadSession) -> UploadSessionOut:
    return UploadSessionOut(
        id=session.upload_id,
        evidence_id=session.evidence_id,
        name=session.name,
        media_type=session.media_type,
        size=session.size,
        part_size=session.part_size,
        part_count=session.part_count,
        parts=[UploadPartOut(p.number, p.size, p.sha256) for p in session.parts],
        missing=session.missing,
        received_bytes=session.received_bytes,
        expires_at=session.expires_at,
    )


class UploadController(Controller):
    path = f"{BASE}/evidence/{{evidence_id:uuid}}/uploads"
    tags = ["evidence"]

    @post("/", access=Action.REGISTER_EVIDENCE, status_code=201)
    async def open(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[UploadCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> UploadSessionOut:
        """Open a session to send a file in parts (for files too large to send in one
        request, or over a connection that may drop)."""
        session = await open_upload(
            runtime.app,
            runtime.uploads,
            runtime.settings.max_upload_bytes,
            user.user_id,
            investigation_id,
            evidence_id,
            name=data.name,
            media_type=data.media_type,
            size=data.size,
            sha256=data.sha256.lower() if data.sha256 else None,
        )
        return session_view(session)

    @get("/{upload_id:uuid}", access=Action.REGISTER_EVIDENCE)
    async def read(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        upload_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> UploadSessionOut:
        """Which parts the server holds: where to resume."""
        return session_view(
            await _session(runtime, user.user_id, investigation_id, evidence_id, upload_id)
        )

    @post(
        "/{upload_id:uuid}/parts/{number:int}",
        status_code=200,
        request_max_body_size=None,
        access=Action.REGISTER_EVIDENCE,
        responses=UPLOAD_RESPONSES,
    )
    async def part(
        self,
        request: Request[Any, Any, Any],
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        upload_id: FromPath[UUID],
        number: FromPath[int],
        runtime: RuntimeDep,
        user: CurrentUser,
        sha256: PartSha256,
    ) -> UploadPartOut:
        """Send part `number` (from 1) as the request body; again to replace it."""
        session = await _session(runtime, user.user_id, investigation_id, evidence_id, upload_id)
        part = await receive_part(
            runtime.blobs, runtime.uploads, session, number, request.stream(), sha256.lower()
        )
        return UploadPartOut(part.number, part.size, part.sha256)

    @post(
        "/{upload_id:uuid}/completion",
        status_code=201,
        access=Action.REGISTER_EVIDENCE,
        responses=UPLOAD_RESPONSES,
    )
    async def complete(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        upload_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
    ) -> Response[EvidenceFileStored]:
        """Join the parts and record the file (409 while parts are missing)."""
        session = await _session(runtime, user.user_id, investigation_id, evidence_id, upload_id)
        item, file = await complete_upload(
            runtime.app,
            runtime.blobs,
            runtime.uploads,
            runtime.settings.max_upload_bytes,
            user.user_id,
            session,
        )
        stored = EvidenceFileStored(
            evidence_id=item.id,
            version=item.version,
            file=evidence_file_view(file, readable=item.may_read(member.country)),
        )
        return with_etag(stored, 201)

    @post("/{upload_id:uuid}/cancellation", status_code=204, access=Action.REGISTER_EVIDENCE)
    async def cancel(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        upload_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> None:
        """Give the upload up; what was sent of it is swept, claimed by no record."""
        session = await _session(runtime, user.user_id, investigation_id, evidence_id, upload_id)
        await runtime.uploads.end(session.upload_id)


async def _session(
    runtime: RuntimeDep, user_id: UUID, investigation_id: UUID, evidence_id: UUID, upload_id: UUID
) -> UploadSession:
    session = await runtime.uploads.find(upload_id, user_id)
    if session is None or (session.investigation_id, session.evidence_id) != (
        investigation_id,
        evidence_id,
    ):
        raise NotFoundException("no such upload of yours: it may have expired; start again")
    return session
