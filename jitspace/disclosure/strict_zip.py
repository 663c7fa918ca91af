"""Reading a disclosure bundle's zip file so that it cannot be read two ways.

Zip readers are lenient: they find the directory from the end of the file, skip what they do
not expect and let a later member of the same name hide an earlier one. A file with a forged
`report.html` first and the genuine one last, or a second zip prepended to the genuine one,
then shows one thing to one reader and another to the next. This reader accepts only the
layout the exporter writes (Python's `zipfile`, seekable output), and requires every byte of
the file to belong to it:

- local headers follow each other from offset 0, each directly followed by its data, in the
  order of the central directory; the central directory follows the last member's data, and
  the file ends exactly with the end-of-central-directory record (no comment);
- each local header repeats its central directory entry: version, flags, method, time, CRC,
  sizes, name;
- no encryption, no data descriptors, no comments, no extra fields but Zip64 sizes and
  offsets where the 32-bit field says so, single disk, stored or deflated, no name twice;
- the fields nothing else checks (version made by, file attributes) hold the values the
  exporter writes, so that a flipped bit there is noticed too;
- a member inflates to exactly its declared size and CRC-32, with no data left over.

`DamagedZip` says in words what is wrong. Members are read as a stream of chunks, so memory
stays flat whatever a member inflates to.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sBBHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
_END64_LOCATOR = struct.Struct("<4sIQI")
_END64 = struct.Struct("<4sQBBHIIQQQQ")
_ZIP64_EXTRA = 0x0001
_MAX16 = 0xFFFF
_MAX32 = 0xFFFFFFFF
_STORED, _DEFLATED = 0, 8
# what Python's zipfile writes: versions 2.0 (deflate) and 4.5 (Zip64), made on Windows (0)
# or Unix (3), file attributes none or rw------- (writestr)
_VERSIONS = frozenset({20, 45})
_SYSTEMS = frozenset({0, 3})
_ATTRIBUTES = frozenset({0, 0o600 << 16})
_CHUNK = 1 << 16
_MISPLACED_DIRECTORY = (
    "its table of contents is not where its end record says: bytes were added before it or "
    "inside it"
)
# the central directory is held while it is read: beyond this, it is not a bundle's
MAX_DIRECTORY_BYTES = 64 << 20


class DamagedZip(Exception):
    """The file is not a bundle as the exporter writes it; the message says where."""


@dataclass(frozen=True)
class Member:
    name: str
    method: int
    crc: int
    compressed_size: int
    size: int
    data_offset: int


class StrictZip:
    """The members of a zip file that holds nothing else; raises `DamagedZip` otherwise."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.members: dict[str, Member] = {}
        file.seek(0, 2)
        self.size = file.tell()
        directory_start, directory_end, count = self._end_records()
        if directory_end - directory_start > MAX_DIRECTORY_BYTES:
            raise DamagedZip("its table of contents is larger than a bundle's can be")
        directory = self._read_at(directory_start, directory_end - directory_start)
        at = 0
        expected_offset = 0
        while at < len(directory):
            member, repeated, at = self._central_entry(directory, at)
            if member.name in self.members:
                raise DamagedZip(f"two members are named {member.name}")
            if member.data_offset != expected_offset:
                raise DamagedZip(
                    f"{member.name} does not start where the member before it ends "
                    f"(at byte {member.data_offset}, not {expected_offset})"
                )
            member = self._local_header(member, repeated)
            expected_offset = member.data_offset + member.compressed_size
            self.members[member.name] = member
        if len(self.members) != count:
            raise DamagedZip(
                f"its table of contents lists {len(self.members)} members, its end record {count}"
            )
        if expected_offset != directory_start:
            raise DamagedZip(
                f"there are {directory_start - expected_offset} bytes between the last member "
                "and the table of contents"
                if expected_offset < directory_start
                else "its last member runs into its table of contents"
            )

    def chunks(self, name: str) -> Iterator[bytes]:
        """The member's bytes, inflated, in chunks of at most 1 MiB; `DamagedZip` unless
        they are exactly the declared size and CRC-32."""
        member = self.members[name]
        produced = 0
        crc = 0
        for chunk in self._inflated(member):
            produced += len(chunk)
            if produced > member.size:
                raise DamagedZip(f"{name} inflates to more than its declared {member.size} bytes")
            crc = zlib.crc32(chunk, crc)
            yield chunk
        if produced != member.size:
            raise DamagedZip(f"{name} inflates to {produced} bytes, not its declared {member.size}")
        if crc != member.crc:
            raise DamagedZip(f"{name} does not match its CRC-32: it was damaged")

    def _inflated(self, member: Member) -> Iterator[bytes]:
        self._file.seek(member.data_offset)
        left = member.compressed_size
        if member.method == _STORED:
            while left:
                chunk = self._file.read(min(_CHUNK, left))
                if not chunk:
                    raise DamagedZip(f"{member.name} is cut short")
                left -= len(chunk)
                yield chunk
            return
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        pending = b""
        while not inflate.eof:
            if not pending and left:
                pending = self._file.read(min(_CHUNK, left))
                left -= len(pending)
            try:
                chunk = inflate.decompress(pending, 1 << 20)
            except zlib.error as error:
                raise DamagedZip(f"{member.name} does not inflate: {error}") from None
            pending = inflate.unconsumed_tail
            if chunk:
                yield chunk
            elif not pending and not left and not inflate.eof:
                raise DamagedZip(f"{member.name} ends before its compressed data does")
        if pending or left or inflate.unused_data:
            raise DamagedZip(f"{member.name} holds bytes after the end of its compressed data")

    def check(self) -> None:
        """Inflate every member once: `DamagedZip` if any is damaged."""
        for name in self.members:
            for _ in self.chunks(name):
                pass

    # -- the layout ----------------------------------------------------------------------

    def _read_at(self, offset: int, size: int) -> bytes:
        self._file.seek(offset)
        data = self._file.read(size)
        if len(data) != size:
            raise DamagedZip("it is cut short")
        return data

    def _end_records(self) -> tuple[int, int, int]:
        """Where the central directory starts and ends, and how many entries it has."""
        if self.size < _END.size:
            raise DamagedZip("it is too short to be a zip file")
        end_offset = self.size - _END.size
        (signature, disk, directory_disk, disk_entries, entries, directory_size, directory_offset,
         comment_length) = _END.unpack(self._read_at(end_offset, _END.size))  # fmt: skip
        if signature != b"PK\x05\x06" or comment_length:
            raise DamagedZip(
                "it does not end with the end of a zip directory: bytes were added after it, "
                "or a comment"
            )
        if disk or directory_disk or disk_entries != entries:
            raise DamagedZip("its end record speaks of several disks")
        locator_offset = end_offset - _END64_LOCATOR.size
        if locator_offset < 0 or self._read_at(locator_offset, 4) != b"PK\x06\x07":
            if directory_offset + directory_size != end_offset:
                raise DamagedZip(_MISPLACED_DIRECTORY)
            return directory_offset, end_offset, entries
        # Zip64: the end record holds the 32-bit values clamped, the Zip64 one the real ones
        _, locator_disk, end64_offset, disks = _END64_LOCATOR.unpack(
            self._read_at(locator_offset, _END64_LOCATOR.size)
        )
        if locator_disk or disks != 1 or end64_offset != locator_offset - _END64.size:
            raise DamagedZip("its Zip64 end locator does not point right before itself")
        (signature, record_size, made_by_version, made_by_system, needed, disk, directory_disk,
         disk_entries64, entries64, size64, offset64) = _END64.unpack(
            self._read_at(end64_offset, _END64.size)
        )  # fmt: skip
        if (
            signature != b"PK\x06\x06"
            or record_size != _END64.size - 12
            or made_by_version not in _VERSIONS
            or made_by_system not in _SYSTEMS
            or needed not in _VERSIONS
            or disk
            or directory_disk
            or disk_entries64 != entries64
            or (entries, directory_size, directory_offset)
            != (min(entries64, _MAX16), min(size64, _MAX32), min(offset64, _MAX32))
        ):
            raise DamagedZip("its Zip64 end record does not agree with its end record")
        if offset64 + size64 != end64_offset:
            raise DamagedZip(_MISPLACED_DIRECTORY)
        return offset64, end64_offset, entries64

    def _central_entry(
        self, directory: bytes, at: int
    ) -> tuple[Member, tuple[int | bytes, ...], int]:
        """The entry at `at` (its `data_offset` is its local header's, until that is read),
        the fields its local header must repeat, and where the next entry starts."""
        if len(directory) - at < _CENTRAL.size:
            raise DamagedZip("its table of contents ends in the middle of an entry")
        (signature, made_by_version, made_by_system, needed, flags, method, time, date, crc,
         compressed_size, size, name_length, extra_length, comment_length, disk,
         internal_attributes, external_attributes, offset,
         ) = _CENTRAL.unpack_from(directory, at)  # fmt: skip
        end = at + _CENTRAL.size + name_length + extra_length + comment_length
        if signature != b"PK\x01\x02" or end > len(directory):
            raise DamagedZip(f"its table of contents is damaged at byte {at}")
        raw_name = directory[at + _CENTRAL.size : at + _CENTRAL.size + name_length]
        name = _name(raw_name)
        extra = directory[at + _CENTRAL.size + name_length : end - comment_length]
        if (
            made_by_version not in _VERSIONS
            or made_by_system not in _SYSTEMS
            or needed not in _VERSIONS
            or flags
            or method not in (_STORED, _DEFLATED)
            or comment_length
            or disk
            or internal_attributes
            or external_attributes not in _ATTRIBUTES
        ):
            raise DamagedZip(
                f"the table of contents entry of {name} is not one the exporter writes"
            )
        size, compressed_size, offset = _zip64_fields(name, extra, (size, compressed_size, offset))
        if method == _STORED and size != compressed_size:
            raise DamagedZip(f"{name} is stored uncompressed but declares two sizes")
        repeated = (needed, flags, method, time, date, crc, raw_name)
        return Member(name, method, crc, compressed_size, size, offset), repeated, end

    def _local_header(self, member: Member, repeated: tuple[int | bytes, ...]) -> Member:
        offset = member.data_offset
        header = self._read_at(offset, _LOCAL.size)
        (signature, needed, flags, method, time, date, crc, compressed_size, size, name_length,
         extra_length) = _LOCAL.unpack(header)  # fmt: skip
        if signature != b"PK\x03\x04":
            raise DamagedZip(f"{member.name} has no local header where the table of contents says")
        rest = self._read_at(offset + _LOCAL.size, name_length + extra_length)
        raw_name, extra = rest[:name_length], rest[name_length:]
        if extra:
            # the exporter's Zip64 members: both sizes in the extra field, 0xFFFFFFFF above
            if (compressed_size, size) != (_MAX32, _MAX32):
                raise DamagedZip(f"the local header of {member.name} has an unexpected extra field")
            size, compressed_size = _zip64_fields(member.name, extra, (size, compressed_size))[:2]
        if (needed, flags, method, time, date, crc, raw_name) != repeated or (
            compressed_size,
            size,
        ) != (member.compressed_size, member.size):
            raise DamagedZip(
                f"the local header of {member.name} does not agree with the table of contents"
            )
        data_offset = offset + _LOCAL.size + name_length + extra_length
        if data_offset + member.compressed_size > self.size:
            raise DamagedZip(f"{member.name} runs past the end of the file")
        return Member(
            member.name, member.method, member.crc, member.compressed_size, member.size, data_offset
        )


def _name(raw: bytes) -> str:
    try:
        name = raw.decode("ascii")
    except UnicodeDecodeError:
        raise DamagedZip("a member's name is not plain ASCII") from None
    if not name or not name.isprintable():
        raise DamagedZip(f"a member's name is not printable: {name!r}")
    return name


def _zip64_fields(name: str, extra: bytes, values: tuple[int, ...]) -> tuple[int, ...]:
    """`values` with each one that is 0xFFFFFFFF replaced, in order, from the Zip64 extra
    field, which must hold exactly those and be the only extra field."""
    wanted = sum(1 for value in values if value == _MAX32)
    if not wanted:
        if extra:
            raise DamagedZip(f"{name} has an extra field the exporter does not write")
        return values
    if len(extra) != 4 + 8 * wanted or struct.unpack_from("<HH", extra) != (
        _ZIP64_EXTRA,
        8 * wanted,
    ):
        raise DamagedZip(f"{name} has a Zip64 field that does not hold what it should")
    real = iter(struct.unpack_from(f"<{wanted}Q", extra, 4))
    return tuple(next(real) if value == _MAX32 else value for value in values)
