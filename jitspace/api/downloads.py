"""HTTP range requests and file names for evidence downloads."""

from __future__ import annotations

import re
from urllib.parse import quote

from litestar.exceptions import HTTPException

# ASCII digits, at most 19 (a file is smaller than 2**63 bytes); a longer header is ignored
_RANGE = re.compile(r"bytes=([0-9]{0,19})-([0-9]{0,19})")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")


class RangeNotSatisfiable(HTTPException):
    status_code = 416


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
    """`attachment` with a plain ASCII name and the exact name in RFC 5987 form."""
    plain = _UNSAFE.sub("_", name).strip(" .") or "evidence"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
