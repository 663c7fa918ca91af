"""Upload sessions: a file of many gigabytes sent in parts, each checked against its SHA-256,
resumed after a dropped connection from the parts the server holds, then recorded whole
(its SHA-256 computed as the parts are joined). A session is its opener's: anyone else finds
nothing (404)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
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
from jitspace.documents.views import from_record, stored_file
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
    parts = [UploadPartOut(p.number, p.size, p.sha256) for p in session.parts]
    return from_record(UploadSessionOut, session, id=session.upload_id, parts=parts)


async def provide_upload(
    investigation_id: FromPath[UUID],
    evidence_id: FromPath[UUID],
    upload_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
) -> UploadSession:
    """The path's upload session, if it is the caller's and the path's item's."""
    session = await runtime.uploads.find(upload_id, user.user_id)
    if session is None or (session.investigation_id, session.evidence_id) != (
        investigation_id,
        evidence_id,
    ):
        raise NotFoundException("no such upload of yours: it may have expired; start again")
    return session


Upload = NamedDependency[UploadSession]


class UploadController(Controller):
    path = f"{BASE}/evidence/{{evidence_id:uuid}}/uploads"
    tags = ["evidence"]
    dependencies = {"upload": Provide(provide_upload)}

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
            data,
        )
        return session_view(session)

    @get("/{upload_id:uuid}", access=Action.REGISTER_EVIDENCE)
    async def read(self, upload: Upload) -> UploadSessionOut:
        """Which parts the server holds: where to resume."""
        return session_view(upload)

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
        number: FromPath[int],
        upload: Upload,
        runtime: RuntimeDep,
        sha256: PartSha256,
    ) -> UploadPartOut:
        """Send part `number` (from 1) as the request body; again to replace it."""
        part = await receive_part(
            runtime.blobs, runtime.uploads, upload, number, request.stream(), sha256.lower()
        )
        return UploadPartOut(part.number, part.size, part.sha256)

    @post(
        "/{upload_id:uuid}/completion",
        status_code=201,
        access=Action.REGISTER_EVIDENCE,
        responses=UPLOAD_RESPONSES,
    )
    async def complete(
        self, upload: Upload, runtime: RuntimeDep, user: CurrentUser, member: CurrentMember
    ) -> Response[EvidenceFileStored]:
        """Join the parts and record the file (409 while parts are missing)."""
        item, file = await complete_upload(
            runtime.app,
            runtime.blobs,
            runtime.uploads,
            runtime.settings.max_upload_bytes,
            user.user_id,
            upload,
        )
        return with_etag(stored_file(item, file, member.country), 201)

    @post("/{upload_id:uuid}/cancellation", status_code=204, access=Action.REGISTER_EVIDENCE)
    async def cancel(self, upload: Upload, runtime: RuntimeDep) -> None:
        """Give the upload up; what was sent of it is swept, claimed by no record."""
        await runtime.uploads.end(upload.upload_id)
