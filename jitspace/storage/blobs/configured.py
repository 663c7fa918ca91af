"""The blob store a deployment's settings choose: MinIO/S3 if configured, else a directory."""

from __future__ import annotations

from jitspace.settings import Settings
from jitspace.storage.blobs import BlobStore
from jitspace.storage.blobs.directory import DirectoryStore
from jitspace.storage.blobs.s3 import S3Store, connect


def open_blob_store(settings: Settings) -> BlobStore:
    if not settings.s3_endpoint:
        return DirectoryStore(settings.data_dir / "blobs")
    client = connect(
        settings.s3_endpoint,
        settings.s3_access_key,
        settings.s3_secret_key,
        secure=settings.s3_secure,
    )
    return S3Store(
        client,
        settings.s3_bucket,
        object_lock=settings.s3_object_lock,
        part_size=settings.s3_part_size,
    )
