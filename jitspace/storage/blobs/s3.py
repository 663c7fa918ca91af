"""Evidence files in S3-compatible object storage (MinIO in production), through `minio`.

Each file gets its own key, `evidence/<uuid>`. Bytes are gathered into one reusable part
buffer (64 MiB by default) and sent as the parts of a multipart upload; the upload is
completed only when the whole file was received, counted and hashed, and matched the hash
the client declared. On any failure the multipart upload is aborted; if the store is too
far gone to take the abort, `sweep` (run when the process that keeps the read models
starts, and by the tests) removes it a day later.

Uses minio's multipart calls (`_create_multipart_upload` & co.): its public `put_object`
neither lets us refuse a file before completing it nor reuse one buffer for every part.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Container, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import urllib3
from minio import Minio
from minio.datatypes import Part
from minio.error import MinioException, S3Error

from jitspace.storage.blobs import (
    BlobError,
    BlobMissing,
    Digest,
    RemovedBlob,
    StoredBlob,
    StoreUnavailable,
)
from jitspace.storage.blobs.intake import Intake

PREFIX = "evidence/"
READ_SIZE = 1024 * 1024
# S3 takes parts of 5 MiB to 5 GiB; minio signs (hashes) each part it sends over plain
# HTTP, so fewer, larger parts cost the same hashing and fewer round trips
DEFAULT_PART_SIZE = 64 * 1024 * 1024
MIN_PART_SIZE = 5 * 1024 * 1024
# the store's own errors, and the network's: the store is down or broke off
STORE_ERRORS: tuple[type[BaseException], ...] = (
    MinioException,
    urllib3.exceptions.HTTPError,
    OSError,
)
_MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "NoSuchVersion"})


def connect(
    endpoint: str,
    access_key: str,
    secret_key: str,
    *,
    secure: bool,
    connect_timeout: float = 5.0,
    read_timeout: float = 120.0,
) -> Minio:
    """A minio client that fails fast when the store is down (few retries, short timeouts)."""
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=(502, 503, 504)),
        maxsize=10,
    )
    return Minio(
        endpoint, access_key=access_key, secret_key=secret_key, secure=secure, http_client=http
    )


class S3Store:
    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        object_lock: bool = True,
        part_size: int = DEFAULT_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 parts are at least {MIN_PART_SIZE} bytes")
        self.client = client
        self.bucket = bucket
        self.part_size = part_size
        self.legal_hold = object_lock and self._open_bucket(object_lock)

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}"

    def _open_bucket(self, object_lock: bool) -> bool:
        """Create the bucket if missing; True if it supports object lock (legal holds)."""
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket, object_lock=object_lock)
            try:
                self.client.get_object_lock_config(self.bucket)
            except S3Error:
                return False  # the bucket was made without object lock
            return True
        except STORE_ERRORS as error:
            raise StoreUnavailable(f"the object store does not answer: {error}") from error

    def check(self) -> None:
        # HEAD on the bucket: the store answers, and these credentials may list the bucket
        try:
            found = self.client.bucket_exists(self.bucket)
        except STORE_ERRORS as error:
            raise StoreUnavailable(f"the object store does not answer: {error}") from error
        if not found:
            raise StoreUnavailable(f"the object store has no bucket {self.bucket}")

    def put(
        self, blocks: Iterable[bytes], *, max_bytes: int, declared_sha256: str | None
    ) -> StoredBlob:
        intake = Intake(max_bytes=max_bytes, declared_sha256=declared_sha256)
        key = f"{PREFIX}{uuid.uuid4()}"
        buffer = memoryview(bytearray(self.part_size))
        filled = 0
        upload_id: str | None = None
        parts: list[Part] = []
        try:
            for block in blocks:
                intake.update(block)
                source = memoryview(block)
                while source:
                    taken = min(len(source), self.part_size - filled)
                    buffer[filled : filled + taken] = source[:taken]
                    filled += taken
                    source = source[taken:]
                    if filled == self.part_size:
                        upload_id = upload_id or self._start_upload(key)
                        parts.append(self._send_part(key, upload_id, len(parts) + 1, buffer))
                        filled = 0
            sha256 = intake.finish()
            if upload_id is None:
                self._call(self.client._put_object, self.bucket, key, buffer[:filled], None)
            else:
                if filled or not parts:
                    parts.append(self._send_part(key, upload_id, len(parts) + 1, buffer[:filled]))
                self._call(
                    self.client._complete_multipart_upload, self.bucket, key, upload_id, parts
                )
                upload_id = None
        except BaseException:
            if upload_id is not None:
                self._abort(key, upload_id)
            raise
        finally:
            buffer.release()
        return StoredBlob(key, sha256, intake.size)

    def protect(self, key: str) -> None:
        if self.legal_hold:
            self._call(self.client.enable_object_legal_hold, self.bucket, key)

    def delete_under_retention(self, key: str) -> bool:
        # object lock keeps every version of an object: removing the key would only hide it
        # behind a delete marker, so each version goes, its legal hold released first
        listing = self.client.list_objects(
            self.bucket, prefix=key, recursive=True, include_version=True
        )
        versions = [v for v in self._call(list, listing) if v.object_name == key]
        for version in versions:
            if self.legal_hold and not version.is_delete_marker:
                self._call(
                    self.client.disable_object_legal_hold,
                    self.bucket,
                    key,
                    version_id=version.version_id,
                )
            self._call(self.client.remove_object, self.bucket, key, version_id=version.version_id)
        return any(not v.is_delete_marker for v in versions)

    def size(self, key: str) -> int:
        stat = self._on_object(key, self.client.stat_object)
        return int(stat.size or 0)

    def read(self, key: str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        response = self._on_object(key, self.client.get_object, offset=offset, length=length or 0)

        def chunks() -> Iterator[bytes]:
            try:
                yield from response.stream(READ_SIZE)
            finally:
                response.close()
                response.release_conn()

        return chunks()

    def digest(self, key: str) -> Digest | None:
        hasher = hashlib.sha256()
        size = 0
        try:
            for chunk in self.read(key):
                hasher.update(chunk)
                size += len(chunk)
        except BlobMissing:
            return None
        except STORE_ERRORS as error:
            raise StoreUnavailable(f"the object store broke off: {error}") from error
        return Digest(hasher.hexdigest(), size)

    def sweep(self, older_than: timedelta) -> int:
        cutoff = datetime.now(UTC) - older_than
        swept = 0
        listing = self._call(self.client._list_multipart_uploads, self.bucket, prefix=PREFIX)
        for upload in listing.uploads:
            started = upload.initiated_time
            if started is None or started <= cutoff:
                self._call(
                    self.client._abort_multipart_upload,
                    self.bucket,
                    upload.object_name,
                    upload.upload_id,
                )
                swept += 1
        return swept

    def discard(self, key: str) -> None:
        self._call(self.client.remove_object, self.bucket, key)

    def remove_unclaimed(self, claimed: Container[str], older_than: timedelta) -> list[RemovedBlob]:
        # every upload has its own key: an unclaimed object can only be claimed by the upload
        # that stored it, which records it at once, well within the grace period
        cutoff = datetime.now(UTC) - older_than
        removed: list[RemovedBlob] = []
        listing = self._call(self.client.list_objects, self.bucket, prefix=PREFIX, recursive=True)
        for stored in self._call(list, listing):
            key, modified = stored.object_name, stored.last_modified
            if key in claimed or modified is None or modified > cutoff:
                continue
            self._call(self.client.remove_object, self.bucket, key)
            removed.append(RemovedBlob(key, int(stored.size or 0), modified))
        return removed

    def incomplete_uploads(self) -> list[str]:
        """Keys of multipart uploads begun and neither completed nor aborted."""
        listing = self._call(self.client._list_multipart_uploads, self.bucket, prefix=PREFIX)
        return [upload.object_name for upload in listing.uploads]

    def _start_upload(self, key: str) -> str:
        upload_id: str = self._call(
            self.client._create_multipart_upload,
            self.bucket,
            key,
            {"Content-Type": "application/octet-stream"},
        )
        return upload_id

    def _send_part(self, key: str, upload_id: str, number: int, data: memoryview) -> Part:
        etag = self._call(self.client._upload_part, self.bucket, key, data, None, upload_id, number)
        return Part(number, etag)

    def _abort(self, key: str, upload_id: str) -> None:
        # if the store is down, `sweep` removes the upload once it is back
        with contextlib.suppress(*STORE_ERRORS):
            self.client._abort_multipart_upload(self.bucket, key, upload_id)

    def _on_object(self, key: str, fn: Any, **kwargs: Any) -> Any:
        """`fn(bucket, key, **kwargs)`; BlobMissing if the store holds no object `key`."""
        try:
            return fn(self.bucket, key, **kwargs)
        except S3Error as error:
            if error.code in _MISSING_CODES:
                raise BlobMissing(f"the store holds no object {key}") from error
            raise StoreUnavailable(f"the object store failed: {error}") from error
        except STORE_ERRORS as error:
            raise StoreUnavailable(f"the object store does not answer: {error}") from error

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BlobError:
            raise
        except STORE_ERRORS as error:
            raise StoreUnavailable(f"the object store failed: {error}") from error
