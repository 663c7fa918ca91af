"""A court clerk checks a bundle that someone may have doctored: it reads one way only.

Every byte of the file belongs to a member the signed manifest lists; the clerk is told whose
key signed it and whether that key is one they trust; a hostile or damaged file gets a
verdict in words, never a crash, and never more memory than a genuine bundle takes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import resource
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jitspace.cli import main
from jitspace.disclosure.checking import verify_bundle
from jitspace.ledger import chain
from jitspace.signing import SigningKey, load_public_key
from tests.integration.disclosure.test_bundles import disclose, register
from tests.support import Jit, log_of


def members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        return {name: z.read(name) for name in z.namelist()}


def zipped(files: dict[str, bytes], *, before: dict[str, bytes] | None = None) -> bytes:
    """The files zipped as the exporter zips them; `before`: members written first."""
    out = io.BytesIO()
    with (
        warnings.catch_warnings(),
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z,
    ):
        warnings.simplefilter("ignore")  # "Duplicate name": the point of some tests
        for name, data in [*(before or {}).items(), *files.items()]:
            z.writestr(name, data)
    return out.getvalue()


def published_key(jit: Jit, tmp_path: Path) -> Path:
    path = tmp_path / "publisher.pem"
    path.write_text(jit.legal.get("/ledger/public-key").json()["public_key_pem"])
    return path


# -- 1. one way to read it ---------------------------------------------------------------------


def forged_report_first(bundle: bytes) -> bytes:
    return zipped(members(bundle), before={"report.html": b"<h1>nothing to see</h1>"})


def forged_bundle_prepended(bundle: bytes) -> bytes:
    forged = members(bundle) | {"report.html": b"<h1>nothing to see</h1>"}
    return zipped(forged) + bundle


def with_comment(bundle: bytes) -> bytes:
    out = io.BytesIO(bundle)
    with zipfile.ZipFile(out, "a") as z:
        z.comment = b"the defence never got page 2"
    return out.getvalue()


def with_gap(bundle: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for index, (name, data) in enumerate(members(bundle).items()):
            z.writestr(name, data)
            if index == 0:
                out.write(b"hidden between two members")
                z.start_dir = out.tell()  # the next member starts after the hidden bytes
    return out.getvalue()


def with_extra_field(bundle: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members(bundle).items():
            info = zipfile.ZipInfo(name, (2024, 5, 3, 7, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.extra = struct.pack("<HH", 0xCAFE, 6) + b"hidden"
            z.writestr(info, data)
    return out.getvalue()


class Unseekable(io.RawIOBase):
    """A stream zipfile cannot go back in: it writes data descriptors after each member."""

    def __init__(self) -> None:
        self.out = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.out.write(data)


def with_false_data_descriptor(bundle: bytes) -> bytes:
    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as z:  # type: ignore[arg-type]
        for name, data in members(bundle).items():
            z.writestr(name, data)
    data = bytearray(stream.out.getvalue())
    at = data.index(b"PK\x07\x08")  # the first member's descriptor: CRC, sizes
    data[at + 4 : at + 8] = b"\xde\xad\xbe\xef"
    return bytes(data)


def with_local_header_disagreeing(bundle: bytes) -> bytes:
    data = bytearray(bundle)
    data[10:12] = struct.pack("<H", 0)  # the first local header's time, not the directory's
    return bytes(data)


READ_TWO_WAYS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "a forged report.html before the genuine one": (forged_report_first, "two members"),
    "a forged bundle before the genuine one": (forged_bundle_prepended, "table of contents"),
    "bytes before the first member": (lambda b: b"MZ" + bytes(62) + b, "table of contents"),
    "a zip comment": (with_comment, "a comment"),
    "bytes after the end record": (lambda b: b + b"and more", "bytes were added after it"),
    "bytes between two members": (with_gap, "does not start where the member before it ends"),
    "an extra field": (with_extra_field, "extra field"),
    "a data descriptor that contradicts the directory": (
        with_false_data_descriptor,
        "not one the exporter writes",
    ),
    "a local header that contradicts the directory": (
        with_local_header_disagreeing,
        "does not agree with the table of contents",
    ),
}


@pytest.mark.parametrize("case", sorted(READ_TWO_WAYS))
def test_a_bundle_that_could_be_read_two_ways_fails(jit: Jit, tmp_path: Path, case: str) -> None:
    # Given a genuine bundle, and the same bundle with bytes that a lenient reader skips
    register(jit.investigator, jit, "BE-1")
    genuine = disclose(jit)
    tamper, message = READ_TWO_WAYS[case]
    doctored = tamper(genuine)
    with zipfile.ZipFile(io.BytesIO(genuine)) as z:
        assert z.read("report.html")  # the genuine one is intact
    # When the clerk checks it
    bundle = tmp_path / "doctored.zip"
    bundle.write_bytes(doctored)
    report = verify_bundle(
        bundle, trusted_keys=[load_public_key(published_key(jit, tmp_path).read_bytes())]
    )
    # Then it fails, and says what is wrong with the file
    assert not report.ok
    assert any(message in f.detail for f in report.findings), report.findings


# -- 2. who published it -----------------------------------------------------------------------


def resigned(bundle: bytes, key: SigningKey, **statement_fields: object) -> bytes:
    """The same bundle, its checkpoint and manifest signed again with someone else's key."""
    files = members(bundle)
    checkpoint = json.loads(files["checkpoint.json"])
    statement = json.loads(checkpoint["statement"]) | {"key_id": key.key_id, **statement_fields}
    statement_bytes = json.dumps(statement, separators=(",", ":")).encode()
    checkpoint |= {
        "statement": statement_bytes.decode(),
        "signature": base64.b64encode(key.sign(statement_bytes)).decode(),
        "public_key_pem": key.public_pem,
    }
    files["checkpoint.json"] = json.dumps(checkpoint).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["key_id"] = key.key_id
    for name in manifest["files"]:
        manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    files["manifest.sig"] = base64.b64encode(key.sign(files["manifest.json"]))
    files["public-key.pem"] = key.public_pem.encode()
    return zipped(files)


def verify_command(
    capsys: pytest.CaptureFixture[str], bundle: Path, *options: str
) -> tuple[int, str]:
    status = main(["verify", str(bundle), *options])
    return status, capsys.readouterr().out


def test_the_clerk_is_told_whose_key_signed_a_bundle_and_whether_they_trust_it(
    jit: Jit, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JITSPACE_TRUSTED_KEYS", raising=False)
    # Given a genuine bundle, and the same bundle signed again by a forger with their own key
    register(jit.investigator, jit, "BE-1")
    genuine = tmp_path / "genuine.zip"
    genuine.write_bytes(disclose(jit))
    forger = SigningKey(Ed25519PrivateKey.generate())
    forged = tmp_path / "forged.zip"
    forged.write_bytes(resigned(genuine.read_bytes(), forger))
    published = jit.legal.get("/ledger/public-key").json()
    publisher = published_key(jit, tmp_path)
    assert verify_bundle(forged).ok  # intact in itself: only the key tells them apart

    # When the clerk checks the forged bundle without naming a key they trust
    status, out = verify_command(capsys, forged)
    # Then it is not called OK: the publisher was not checked, and the forger's key is shown
    assert status == 3, out
    assert "publisher NOT checked" in out and ": OK" not in out
    forger_fingerprint = verify_bundle(forged).signed_by
    assert forger_fingerprint in out and forger_fingerprint != published["fingerprint"]

    # When they name the publisher's key, the forgery fails and the genuine bundle passes
    status, out = verify_command(capsys, forged, "--public-key", str(publisher))
    assert status == 1 and "which is not the trusted key" in out, out
    status, out = verify_command(capsys, genuine, "--public-key", str(publisher))
    assert status == 0 and ": OK" in out, out
    assert f"signed by {published['fingerprint']}, a trusted key ({publisher})" in out

    # And a folder of trusted keys (any of them will do), named once in the environment
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    (trusted / "other-jit.pem").write_text(SigningKey(Ed25519PrivateKey.generate()).public_pem)
    (trusted / "publisher.pem").write_bytes(publisher.read_bytes())
    monkeypatch.setenv("JITSPACE_TRUSTED_KEYS", str(trusted))
    assert verify_command(capsys, genuine)[0] == 0
    status, out = verify_command(capsys, forged)
    assert status == 1 and "which is not one of the trusted keys" in out, out

    # And a key file that holds no key is a usage error, not a verdict
    (tmp_path / "empty.pem").write_text("")
    assert verify_command(capsys, genuine, "--public-key", str(tmp_path / "empty.pem"))[0] == 2


# -- 3. memory stays flat ----------------------------------------------------------------------


def deflated_repeats(block: bytes, times: int) -> tuple[bytes, int, int]:
    """`block` * `times`, deflated cheaply (data, CRC-32, size): after a full flush the
    compressor starts afresh, so the block's compressed form can simply be repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    one = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return one * times + b"\x03\x00", crc, len(block) * times  # and an empty final block


def raw_zip(files: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip of deflated members (data, CRC-32, size), laid out as the exporter lays one out."""
    out, directory = bytearray(), bytearray()
    for name, (data, crc, size) in files.items():
        raw_name = name.encode()
        fields = (8, 0x6000, 0x5821, crc, len(data), size, len(raw_name), 0)
        directory += struct.pack(
            "<4sBBHH HHHIIIHH HHHII".replace(" ", ""),
            *(b"PK\x01\x02", 20, 3, 20, 0, *fields, 0, 0, 0, 0o600 << 16, len(out)),
        )
        directory += raw_name
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, *fields) + raw_name + data
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(files), len(files), len(directory), len(out), 0
    )
    return bytes(out + directory + end)


# Runs a command and writes its peak resident memory (KiB) to the file named first. A process
# forked from this test's own large one would count the test's memory as its own (Linux keeps
# the high-water mark across exec), hence a small Python in between.
PEAK_OF = """
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(status)
"""


def verify_in_a_process(bundle: Path, *options: str) -> tuple[int, str, float]:
    """`jitspace verify` run as a process, with no database: its exit status, its output,
    and its peak resident memory in MiB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JITSPACE_")}
    env["JITSPACE_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"
    peak = bundle.with_suffix(".peak")
    command = [sys.executable, "-m", "jitspace.cli", "verify", str(bundle), *options]
    process = subprocess.Popen(
        [sys.executable, "-c", PEAK_OF, str(peak), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        # on a shared machine, a verifier that inflates a bomb into memory fails rather than
        # taking all of it
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30)),
    )
    out, _ = process.communicate(timeout=300)
    return process.returncode, out.decode(), int(peak.read_text()) / 1024


def test_a_zip_bomb_gets_a_verdict_and_memory_stays_flat(jit: Jit, tmp_path: Path) -> None:
    # Given a genuine bundle, and what checking it takes
    register(jit.investigator, jit, "BE-1")
    genuine = tmp_path / "genuine.zip"
    genuine.write_bytes(disclose(jit))
    trusted = ("--public-key", str(published_key(jit, tmp_path)))
    status, out, genuine_peak = verify_in_a_process(genuine, *trusted)
    assert status == 0, out
    files = {
        name: (zlib.compress(data, 9, wbits=-zlib.MAX_WBITS), zlib.crc32(data), len(data))
        for name, data in members(genuine.read_bytes()).items()
    }
    assert verify_bundle(_written(tmp_path / "rezipped.zip", raw_zip(files))).ok
    # When one member, whichever, inflates from 1 MB to 1 GiB of zeros
    gigabyte = deflated_repeats(bytes(1 << 20), 1024)
    assert len(gigabyte[0]) < 2 << 20 and gigabyte[2] == 1 << 30
    for member in (*files, f"files/{'0' * 64}"):
        bomb = _written(tmp_path / "bomb.zip", raw_zip(files | {member: gigabyte}))
        status, out, peak = verify_in_a_process(bomb, *trusted)
        # Then the bundle fails with a reason, and checking it takes no more memory
        assert status == 1, out
        assert f"{member} would inflate" in out or f"{member} is {1 << 30} bytes" in out, out
        assert peak < genuine_peak + 32, (member, peak, genuine_peak)
    # And events that compress like real ones, in one endless line, are read a line at a time
    line = deflated_repeats(os.urandom(1 << 15).hex().encode(), 1024)  # 64 MiB, no newline
    endless = _written(tmp_path / "endless.zip", raw_zip(files | {"events.jsonl": line}))
    status, out, peak = verify_in_a_process(endless, *trusted)
    assert status == 1 and "line 1 is longer than any event can be" in out, out
    assert peak < genuine_peak + 32, (peak, genuine_peak)


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- 4. damage -------------------------------------------------------------------------------


def test_every_single_bit_flip_of_a_bundle_gets_a_verdict(jit: Jit, tmp_path: Path) -> None:
    # Given the smallest bundle there is: the investigation's first event
    first = log_of(jit.leader, jit.id)[0]["position"]
    genuine = disclose(jit, up_to_position=first)
    key = load_public_key(published_key(jit, tmp_path).read_bytes())
    as_exported = members(genuine)
    passed: list[int] = []
    # When each of its bits in turn is flipped, then checked (any exception fails the test)
    for bit in range(len(genuine) * 8):
        damaged = bytearray(genuine)
        damaged[bit // 8] ^= 1 << (bit % 8)
        report = verify_bundle(io.BytesIO(damaged), trusted_keys=[key])
        # Then every flip gets a verdict in words
        if not report.ok:
            assert all(f.detail for f in report.findings)
            continue
        # and one that passes left every member's bytes exactly as exported: only the spare
        # bits after the end of a compressed stream, which no reader reads, can do that
        passed.append(bit)
        assert members(bytes(damaged)) == as_exported, bit
    print(f"{len(genuine) * 8} bits flipped, {len(passed)} left the members unchanged")
    assert len(passed) < len(as_exported) * 8  # at most the spare bits of each member


def forged_last_event(bundle: bytes, tmp_path: Path, **changes: str) -> tuple[Path, SigningKey]:
    """A forger's bundle: its last event changed, its chain and checkpoint recomputed and
    signed with the forger's key, so it is consistent in itself."""
    genuine = members(bundle)
    events = [json.loads(line) for line in genuine["events.jsonl"].splitlines()]
    last = events[-1] | changes
    if "state" in changes:
        last["state_sha256"] = hashlib.sha256(changes["state"].encode()).hexdigest()
    digest = chain.event_hash(
        last["position"],
        UUID(last["originator_id"]),
        last["originator_version"],
        UUID(last["investigation_id"]),
        datetime.fromisoformat(last["recorded_at"]),
        last["topic"],
        bytes.fromhex(last["state_sha256"]),
    )
    last["event_hash"] = digest.hex()
    previous = bytes.fromhex(events[-2]["investigation_hash"]) if len(events) > 1 else chain.GENESIS
    last["investigation_hash"] = chain.link(previous, digest).hex()
    events[-1] = last
    genuine["events.jsonl"] = b"".join(json.dumps(e).encode() + b"\n" for e in events)
    forger = SigningKey(Ed25519PrivateKey.generate())
    forged = tmp_path / "forged.zip"
    forged.write_bytes(resigned(zipped(genuine), forger, head_hash=last["investigation_hash"]))
    return forged, forger


def test_events_of_a_kind_outside_the_domain_are_a_verdict_and_never_imported(
    jit: Jit, tmp_path: Path
) -> None:
    # Given a forger's bundle whose last event names a class outside JITspace's domain
    forged, forger = forged_last_event(disclose(jit), tmp_path, topic="json.decoder:JSONDecoder")
    last = json.loads(members(forged.read_bytes())["events.jsonl"].splitlines()[-1])
    # When it is checked, even trusting the forger's key
    report = verify_bundle(forged, trusted_keys=[forger.public_key])
    # Then the chain holds, and the unknown kind of event is the verdict: it is not replayed
    assert [f.detail for f in report.findings] == [
        f"the event at position {last['position']} is of an unknown kind: json.decoder:JSONDecoder"
    ]


@pytest.mark.parametrize("state", ["not json", "[1, 2]", '{"name": "a.bin"}'])
def test_a_file_record_that_cannot_be_read_is_a_verdict_not_a_crash(
    jit: Jit, tmp_path: Path, state: str
) -> None:
    # Given a forger's bundle whose last event records an evidence file in a state that is
    # not one JITspace writes (not JSON, not an object, without the file's hash)
    forged, forger = forged_last_event(
        disclose(jit), tmp_path, topic="domain.evidence:EvidenceItem.FileAttached", state=state
    )
    position = json.loads(members(forged.read_bytes())["events.jsonl"].splitlines()[-1])["position"]
    # When it is checked, even trusting the forger's key: a verdict that names the event
    report = verify_bundle(forged, trusted_keys=[forger.public_key])
    assert not report.ok
    assert any(
        f"event at position {position}" in f.detail and "evidence file" in f.detail
        for f in report.findings
    ), [f.detail for f in report.findings]
