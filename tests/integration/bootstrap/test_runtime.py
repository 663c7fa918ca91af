"""What opening a runtime does to what other processes are doing."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import msgspec

from jitspace.bootstrap import open_runtime
from jitspace.settings import Settings


def test_a_command_leaves_an_upload_of_another_replica_alone(
    settings: Settings, tmp_path: Path
) -> None:
    # Given an upload that another replica has been receiving for three hours
    incoming = tmp_path / "blobs" / "incoming"
    incoming.mkdir(parents=True)
    live_upload = incoming / "live.part"
    live_upload.write_bytes(b"the first gigabytes")
    three_hours_ago = time.time() - 3 * 3600
    os.utime(live_upload, (three_hours_ago, three_hours_ago))

    # When a command line command opens the runtime (it keeps no read models)
    async def run_command() -> None:
        command = msgspec.structs.replace(settings, data_dir=tmp_path, run_projections=False)
        async with open_runtime(command):
            pass

    asyncio.run(run_command())

    # Then the upload is still there
    assert live_upload.read_bytes() == b"the first gigabytes"
