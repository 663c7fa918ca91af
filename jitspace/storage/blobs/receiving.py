"""From an HTTP request body (async) to a blob store (blocking), with flat memory.

The event loop gathers the body into blocks of about 1 MiB and queues them (a few at most);
a worker thread takes them, and the store hashes, counts and writes them. When the queue is
full the loop waits, so the client is slowed to the store's pace instead of filling memory.
If the client breaks off, the worker learns it and the store leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Iterator

from anyio import to_thread

from jitspace.storage.blobs import BLOCK_SIZE, BlobError, BlobStore, StoredBlob

QUEUED_BLOCKS = 8
_POLL = 0.002


class UploadBrokenOff(BlobError):
    """The client stopped sending before the end of the file."""


async def store_stream(
    store: BlobStore,
    body: AsyncIterator[bytes],
    *,
    max_bytes: int,
    declared_sha256: str | None,
) -> StoredBlob:
    blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_BLOCKS)
    broken_off = threading.Event()

    def received() -> Iterator[bytes]:
        while True:
            try:
                block = blocks.get(timeout=0.2)
            except queue.Empty:
                if broken_off.is_set():
                    raise UploadBrokenOff(
                        "the upload broke off before the end of the file"
                    ) from None
                continue
            if block is None:
                return
            yield block

    def put() -> StoredBlob:
        return store.put(received(), max_bytes=max_bytes, declared_sha256=declared_sha256)

    worker = asyncio.ensure_future(to_thread.run_sync(put))

    async def hand_over(block: bytes | None) -> bool:
        while not worker.done():
            try:
                blocks.put_nowait(block)
                return True
            except queue.Full:
                await asyncio.sleep(_POLL)
        return False

    try:
        pending: list[bytes] = []
        pending_size = 0
        async for chunk in body:
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size >= BLOCK_SIZE:
                if not await hand_over(b"".join(pending)):
                    break  # the store gave up: its error is the worker's
                pending, pending_size = [], 0
        else:
            if pending:
                await hand_over(b"".join(pending))
            await hand_over(None)  # the end of the file
    except BaseException:
        broken_off.set()
        # the worker ends (and the store cleans up) before the error goes on
        await asyncio.wait([worker])
        if not worker.cancelled():
            worker.exception()  # retrieved: the error that goes on is the client's
        raise
    return await worker
