"""Where evidence files live: the BlobStore port, its adapters and what they report.

A store receives a file as a stream of blocks, hashes it (SHA-256) and counts it while the
bytes flow, and only reports it stored once it holds all of it. What a store holds is never
altered by JITspace: a file is written once, then protected (legal hold, read-only file).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.errors import FieldError

# blocks handed from the HTTP request to a store; large enough that handing over is cheap
BLOCK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class StoredBlob:
    """A file the store holds in full (stored by this upload, or already there)."""

    key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Digest:
    """What a stored object hashes to now."""

    sha256: str
    size: int


@dataclass(frozen=True)
class RemovedBlob:
    """A whole file the store held, claimed by no record, removed by the sweep."""

    key: str
    size: int
    stored_at: datetime


class BlobError(FieldError):
    """A file could not be stored or read."""


class StoreUnavailable(BlobError):
    """The object store does not answer, or failed part-way (503)."""


class TooLarge(BlobError):
    """The file is larger than the configured limit (413)."""


class HashMismatch(BlobError):
    """The bytes received do not hash to the SHA-256 the client declared (422)."""


class EmptyFile(BlobError):
    """The upload held no byte: an empty file is not evidence (422)."""


class BlobMissing(BlobError):
    """The store holds no object under this key."""


class BlobStore(Protocol):
    """The port. Adapters: `DirectoryStore` (embedded default) and `S3Store` (MinIO, S3)."""

    @property
    def location(self) -> str:
        """Where files are kept, as recorded with each file (e.g. `s3://evidence`)."""
        ...

    def check(self) -> None:
        """Raise StoreUnavailable unless the store answers now: one cheap call, no file read
        (a readiness probe asks it every few seconds)."""
        ...

    def put(
        self, blocks: Iterable[bytes], *, max_bytes: int, declared_sha256: str | None
    ) -> StoredBlob:
        """Store the file whole, or leave nothing behind and raise a BlobError."""
        ...

    def protect(self, key: str) -> None:
        """Make the stored file immutable where the store supports it (legal hold)."""
        ...

    def delete_under_retention(self, key: str) -> bool:
        """Delete the file for good, its protection first (the store's legal hold, the
        file's read-only mode), every version of it; False if the store held none (deleted
        before: asking again is harmless). Called only once the deletion is on record."""
        ...

    def size(self, key: str) -> int: ...

    def read(self, key: str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        """The file's bytes from `offset`, `length` of them (to the end if None)."""
        ...

    def digest(self, key: str) -> Digest | None:
        """Re-hash the stored object; None if it is gone."""
        ...

    def sweep(self, older_than: timedelta) -> int:
        """Remove what failed uploads left behind (temporary files, multipart uploads)."""
        ...

    def discard(self, key: str) -> None:
        """Remove a whole file its caller stored and no record claims (an import refused
        after its files were stored); a file already gone is no error."""
        ...

    def remove_unclaimed(self, claimed: Container[str], older_than: timedelta) -> list[RemovedBlob]:
        """Remove whole files that no key in `claimed` names and that were stored longer ago
        than `older_than` (an upload's record may still be on its way): those of uploads
        whose record failed, or whose process died between storing and recording."""
        ...
