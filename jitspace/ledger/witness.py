"""The witness file: the log's signed checkpoints, kept also outside the database.

Whoever can write to the database can delete the checkpoints stored there, rewrite an event
and recompute every hash after it: the log then looks whole. Each checkpoint of the log is
therefore also appended to this file, one JSON document a line (the document
`GET /ledger/checkpoints/latest` answers). `jitspace verify` checks the log against every
checkpoint of the file and names each one the database no longer holds, and the signer
refuses to sign a log that no longer holds the head it last witnessed. Point it
(`JITSPACE_WITNESS_FILE`) at storage the database's operators cannot rewrite: an append-only
file (`chattr +a`), a WORM mount, a disk of another administration.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

# the last line is found within this many bytes from the end (a line is under 1 KiB)
_TAIL = 64 * 1024


class Witness:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, line: bytes) -> None:
        """Add one line, on disk (fsync) before this returns; processes may share the file."""
        if b"\n" in line:
            msg = "a witness line holds no line break"
            raise ValueError(msg)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            os.write(descriptor, line + b"\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def lines(self) -> list[bytes]:
        """Every line, oldest first; none if the file does not exist."""
        try:
            return self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return []

    def last(self) -> bytes | None:
        """The newest line, read from the end of the file."""
        try:
            with self.path.open("rb") as file:
                size = file.seek(0, os.SEEK_END)
                file.seek(max(0, size - _TAIL))
                tail = file.read().splitlines()
        except FileNotFoundError:
            return None
        return tail[-1] if tail else None
