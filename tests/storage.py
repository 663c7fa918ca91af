"""Test helpers for evidence files: an S3 server on loopback and a proxy that breaks links.

The S3 server is moto in server mode, spoken to over HTTP by the same minio adapter as in
production. The proxy stands between the app and that server so a test can take the store
down, or cut it off part-way through an upload.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

from minio import Minio

from jitspace.storage.blobs.s3 import connect

ACCESS_KEY, SECRET_KEY = "jitspace-test", "jitspace-test-secret"


def s3_client(endpoint: str) -> Minio:
    return connect(endpoint, ACCESS_KEY, SECRET_KEY, secure=False)


def object_keys(client: Minio, bucket: str) -> set[str]:
    return {o.object_name for o in client.list_objects(bucket, prefix="evidence/", recursive=True)}


def stored_files(root: Path) -> set[str]:
    """Files of a directory store, and what failed uploads left in `incoming/`."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


class BreakingProxy:
    """A TCP proxy on loopback. `down`: refuse everything; `cut_after`: stop forwarding
    (and close both sides) after that many bytes sent upstream in total."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.down = False
        self.cut_after: int | None = None
        self.sent = 0
        self._lock = threading.Lock()
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def restore(self) -> None:
        self.down, self.cut_after, self.sent = False, None, 0

    def close(self) -> None:
        self._closing = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if self.down:
                    break
                if upstream:
                    with self._lock:
                        self.sent += len(data)
                        if self.cut_after is not None and self.sent > self.cut_after:
                            self.down = True
                            break
                sink.sendall(data)
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


def chunks_of(data: bytes, size: int = 256 * 1024) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]
