"""Hashing and counting a file while its bytes flow, with the checks every store makes."""

from __future__ import annotations

import hashlib

from jitspace.storage.blobs import EmptyFile, HashMismatch, TooLarge


class Intake:
    """SHA-256 and size of the bytes seen so far; refuses a file over the size limit."""

    def __init__(self, *, max_bytes: int, declared_sha256: str | None) -> None:
        self.max_bytes = max_bytes
        self.declared_sha256 = declared_sha256
        self.size = 0
        self._hash = hashlib.sha256()

    def update(self, block: bytes | memoryview) -> None:
        self.size += len(block)
        if self.size > self.max_bytes:
            raise TooLarge(
                f"the file is larger than the limit of {self.max_bytes} bytes", field="body"
            )
        self._hash.update(block)

    def finish(self) -> str:
        """The file's SHA-256, once all of it was seen; checked against the declared one.
        An empty file is refused before anything is kept."""
        if self.size == 0:
            raise EmptyFile(
                "the file is empty (0 bytes): an empty file is not evidence; nothing was recorded",
                field="body",
            )
        sha256 = self._hash.hexdigest()
        if self.declared_sha256 is not None and sha256 != self.declared_sha256:
            raise HashMismatch(
                f"the file received hashes to {sha256}, not to the declared "
                f"{self.declared_sha256}: nothing was recorded",
                field="X-Content-SHA256",
            )
        return sha256
