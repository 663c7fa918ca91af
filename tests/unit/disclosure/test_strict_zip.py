"""The strict reader takes what Python's zipfile writes, Zip64 included, and nothing else."""

from __future__ import annotations

import io
import zipfile

import pytest

from jitspace.disclosure.strict_zip import DamagedZip, StrictZip


def test_a_zip64_end_record_as_zipfile_writes_it_is_read_and_must_agree() -> None:
    # Given more members than a plain end record can count: zipfile adds the Zip64 records
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for index in range(0x10000 + 1):
            z.writestr(f"m{index}", b"")
        z.writestr("last", b"the end")
    data = out.getvalue()
    assert b"PK\x06\x06" in data[-98:]
    # Then every member is read
    read = StrictZip(io.BytesIO(data))
    assert len(read.members) == 0x10000 + 2
    assert b"".join(read.chunks("last")) == b"the end"
    # and a Zip64 end record that counts otherwise is refused
    count = data.rindex(b"PK\x06\x06") + 24
    wrong = data[:count] + (0x10001).to_bytes(8, "little") + data[count + 8 :]
    with pytest.raises(DamagedZip, match="Zip64 end record"):
        StrictZip(io.BytesIO(wrong))
