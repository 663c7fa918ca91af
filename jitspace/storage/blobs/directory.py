"""The embedded default: a content-addressed directory of write-once files.

A file is written under `incoming/`, hashed as it is written, flushed to disk (fsync), then
linked to `sha256/<2 hex>/<hash>` and made read-only; the link never replaces a file, so what
is stored is never overwritten. Its key is its address: `sha256/<hash>`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import uuid
from collections.abc import Container, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jitspace.storage.blobs import (
    BlobMissing,
    Digest,
    RemovedBlob,
    StoredBlob,
    StoreUnavailable,
)
from jitspace.storage.blobs.intake import Intake

READ_SIZE = 1024 * 1024


class DirectoryStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / "incoming"
        self.incoming.mkdir(parents=True, exist_ok=True)
        (root / "sha256").mkdir(exist_ok=True)

    @property
    def location(self) -> str:
        return f"file://{self.root}"

    def check(self) -> None:
        # a file is written under incoming/ first: the store takes files while it may write there
        if not os.access(self.incoming, os.W_OK | os.X_OK):
            raise StoreUnavailable("the evidence folder cannot be written to")

    def put(
        self, blocks: Iterable[bytes], *, max_bytes: int, declared_sha256: str | None
    ) -> StoredBlob:
        intake = Intake(max_bytes=max_bytes, declared_sha256=declared_sha256)
        partial = self.incoming / f"{uuid.uuid4().hex}.part"
        try:
            with partial.open("xb") as out:
                for block in blocks:
                    intake.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            sha256 = intake.finish()
            key = f"sha256/{sha256}"
            target = self._path(key)
            target.parent.mkdir(exist_ok=True)
            while True:
                try:
                    os.link(partial, target)  # never replaces an existing file
                except FileExistsError:
                    try:
                        # the same content, already held: fresh again, so that a sweep spares
                        # it until this upload's record is in (see remove_unclaimed)
                        os.utime(target)
                    except FileNotFoundError:
                        continue  # a sweep took it just now: link this upload's copy
                    return StoredBlob(key, sha256, intake.size)
                target.chmod(0o444)
                _fsync_dir(target.parent)
                return StoredBlob(key, sha256, intake.size)
        finally:
            partial.unlink(missing_ok=True)

    def protect(self, key: str) -> None:
        self._existing(key).chmod(0o444)

    def delete_under_retention(self, key: str) -> bool:
        path = self._path(key)
        try:
            path.chmod(0o600)  # stored read-only (protect)
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def read(self, key: str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        path = self._existing(key)

        def chunks() -> Iterator[bytes]:
            remaining = length
            with path.open("rb") as source:
                source.seek(offset)
                while remaining is None or remaining > 0:
                    size = READ_SIZE if remaining is None else min(READ_SIZE, remaining)
                    chunk = source.read(size)
                    if not chunk:
                        return
                    if remaining is not None:
                        remaining -= len(chunk)
                    yield chunk

        return chunks()

    def digest(self, key: str) -> Digest | None:
        path = self._path(key)
        try:
            source = path.open("rb")
        except FileNotFoundError:
            return None
        with source:
            sha256 = hashlib.file_digest(source, "sha256").hexdigest()
            return Digest(sha256, source.tell())

    def sweep(self, older_than: timedelta) -> int:
        cutoff = time.time() - older_than.total_seconds()
        swept = 0
        for partial in self.incoming.glob("*.part"):
            try:
                if partial.stat().st_mtime <= cutoff:
                    partial.unlink()
                    swept += 1
            except FileNotFoundError:
                continue
        return swept

    def discard(self, key: str) -> None:
        path = self._path(key)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

    def remove_unclaimed(self, claimed: Container[str], older_than: timedelta) -> list[RemovedBlob]:
        cutoff = time.time() - older_than.total_seconds()
        removed: list[RemovedBlob] = []
        for path in sorted((self.root / "sha256").glob("*/*")):
            key = f"sha256/{path.name}"
            try:
                stored = path.stat()
                if key in claimed or stored.st_mtime > cutoff:
                    continue
                # moved aside first: from then on an upload of the same bytes links its own
                # copy; one that found the file before made it fresh (see put) and gets it back
                aside = self.incoming / f"{path.name}.unclaimed"
                os.rename(path, aside)
            except FileNotFoundError:
                continue
            if aside.stat().st_mtime > cutoff:
                with contextlib.suppress(FileExistsError):
                    os.link(aside, path)
                aside.unlink()
                continue
            aside.unlink()
            removed.append(
                RemovedBlob(key, stored.st_size, datetime.fromtimestamp(stored.st_mtime, UTC))
            )
        return removed

    def _path(self, key: str) -> Path:
        prefix, _, sha256 = key.partition("/")
        if (
            prefix != "sha256"
            or len(sha256) != 64
            or not all(c in "0123456789abcdef" for c in sha256)
        ):
            raise BlobMissing(f"{key!r} is not a key of this store")
        return self.root / "sha256" / sha256[:2] / sha256

    def _existing(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise BlobMissing(f"the store holds no file {key}")
        return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
