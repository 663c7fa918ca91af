"""Responses that carry the record's version as an ETag, for If-Match on the next write."""

from __future__ import annotations

from typing import Protocol, TypeVar

from litestar import Response


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


def with_etag(record: V, status_code: int = 200) -> Response[V]:
    return Response(record, status_code=status_code, headers={"ETag": f'"{record.version}"'})
