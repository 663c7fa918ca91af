"""Evidence files over HTTP: what an upload and a download carry (name, media type, digest,
purpose, range), range requests, and the names and media types a file is served with."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from urllib.parse import quote

from litestar.exceptions import HTTPException
from litestar.params import HeaderParameter, QueryParameter

from jitspace.api.openapi import file_response, problem_response
from jitspace.documents.fields import FILE_NAME_PATTERN, MEDIA_TYPE_PATTERN

# ASCII digits, at most 19 (a file is smaller than 2**63 bytes); a longer header is ignored
_RANGE = re.compile(r"bytes=([0-9]{0,19})-([0-9]{0,19})")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")
# a name in a header: long enough for any real file name, short enough for any client
_NAME_CHARS = 200

# media types a browser never runs: served as recorded; any other type (text/html,
# image/svg+xml, application/javascript, XML, ...) is served as application/octet-stream
INERT_MEDIA_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-7z-compressed",
        "application/x-tar",
        "application/vnd.rar",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.tcpdump.pcap",
        "message/rfc822",
        "text/plain",
        "text/csv",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/tiff",
        "image/bmp",
        "image/heic",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/wav",
        "video/mp4",
        "video/mpeg",
        "video/quicktime",
        "video/webm",
        "video/x-msvideo",
    }
)


class RangeNotSatisfiable(HTTPException):
    status_code = 416


FileName = Annotated[
    str,
    QueryParameter(
        min_length=1,
        max_length=255,
        pattern=FILE_NAME_PATTERN,
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
        pattern=MEDIA_TYPE_PATTERN,
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


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte a `Range` header asks for; None: the whole file.

    One range only: a header that is not a single byte range is ignored (RFC 9110 14.2),
    and the whole file is sent.
    """
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise _unsatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # invalid: ignored
    if start >= size:
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> RangeNotSatisfiable:
    return RangeNotSatisfiable(
        f"the file has {size} bytes: the range asked for is outside it",
        headers={"Content-Range": f"bytes */{size}"},
    )


def content_disposition(name: str) -> str:
    """`attachment` with a plain ASCII name and the name in RFC 8187 form, both safe to save:
    no path, no control or direction-changing characters, no quotes, not hidden."""
    safe = safe_file_name(name)
    ascii_only = unicodedata.normalize("NFKD", safe).encode("ascii", "ignore").decode()
    plain = _UNSAFE.sub("_", ascii_only).strip(" .") or "evidence"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(safe, safe='')}"


def safe_file_name(name: str) -> str:
    """The recorded name as a name a browser may save as is. Path separators become `_`;
    control, format (e.g. a right-to-left override disguising `.exe`) and separator
    characters but the space, and double quotes, are dropped; leading dots go (no `..`, no
    hidden file); a long name is cut, keeping its extension."""
    kept = "".join(
        "_" if c in "/\\" else c
        for c in unicodedata.normalize("NFC", name)
        if c == " " or (c != '"' and unicodedata.category(c)[0] not in "CZ")
    )
    kept = kept.strip().lstrip(".").strip()
    if len(kept) > _NAME_CHARS:
        stem, dot, extension = kept.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            kept = stem[: _NAME_CHARS - len(extension) - 1] + "." + extension
        else:
            kept = kept[:_NAME_CHARS]
    return kept or "evidence"


def served_media_type(recorded: str) -> str:
    """The recorded type if browsers only ever show or save it; else a plain download."""
    media_type = recorded.split(";", 1)[0].strip().lower()
    return media_type if media_type in INERT_MEDIA_TYPES else "application/octet-stream"
