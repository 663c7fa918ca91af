"""The two evidence stores the storage tests run against, and the uploads they send."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from typing import Any

from minio import Minio

from jitspace.settings import Settings
from jitspace.storage.blobs import BlobStore
from jitspace.storage.blobs.directory import DirectoryStore
from jitspace.storage.blobs.s3 import S3Store
from tests import support
from tests.conftest import S3_BUCKET
from tests.storage import object_keys, stored_files
from tests.support import Jit, Person


@dataclass
class Store:
    kind: str
    url: str
    settings: Settings | None = None
    client: Minio | None = None

    def contents(self) -> set[str]:
        """Everything the store holds, including what failed uploads left behind."""
        if self.client is not None:
            incomplete = self.client._list_multipart_uploads(S3_BUCKET, prefix="evidence/")
            return object_keys(self.client, S3_BUCKET) | {
                f"incomplete:{u.object_name}" for u in incomplete.uploads
            }
        assert self.settings is not None
        return stored_files(self.settings.data_dir / "blobs")

    def adapter(self) -> BlobStore:
        """The store itself, as the app opens it."""
        if self.client is not None:
            return S3Store(self.client, S3_BUCKET)
        assert self.settings is not None
        return DirectoryStore(self.settings.data_dir / "blobs")

    def tamper(self, key: str, data: bytes) -> None:
        """Alter a stored file behind JITspace's back."""
        if self.client is not None:
            import io

            self.client.put_object(S3_BUCKET, key, io.BytesIO(data), len(data))
            return
        assert self.settings is not None
        path = self.settings.data_dir / "blobs" / "sha256" / key[7:9] / key[7:]
        path.chmod(stat.S_IWUSR | stat.S_IRUSR)
        path.write_bytes(data)


def register_item(person: Person, jit: Jit, reference: str = "BE-IMG-1") -> dict[str, Any]:
    return support.register_item(
        person,
        jit,
        reference=reference,
        kind="forensic_image",
        description="image of the seized laptop",
    )


def upload(
    person: Person, jit: Jit, item_id: str, data: bytes, name: str = "laptop.E01", **headers: str
) -> Any:
    return person.post(
        jit.path(f"/evidence/{item_id}/files"),
        params={"name": name},
        content=data,
        headers={"Content-Type": "application/octet-stream", **headers},
    )
