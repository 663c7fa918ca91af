"""The blob store a deployment's settings choose: MinIO/S3 if configured, else a directory."""

from __future__ import annotations

from jitspace.blobs import BlobStore
from jitspace.blobs.directory import DirectoryStore
from jitspace.blobs.s3 import S3Store, connect
from jitspace.settings import Settings


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
