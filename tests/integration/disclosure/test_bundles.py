"""A legal advisor discloses the history to a court, which checks the bundle offline."""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jitspace.disclosure.checking import verify_bundle
from tests.processes import jitspace
from tests.support import Jit, log_of

EVIDENCE = {
    "kind": "seized_device",
    "description": "phone of the warehouse manager",
    "occurred_at": "2024-05-03T07:30:00+02:00",
    "collected_by": "E. Bakker",
    "place": "Rotterdam",
    "method": "search and seizure",
}


def register(person, jit: Jit, reference: str) -> dict:  # type: ignore[no-untyped-def]
    response = person.post(jit.path("/evidence"), json={**EVIDENCE, "reference": reference})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def disclose(jit: Jit, **body: object) -> bytes:
    response = jit.legal.post(
        jit.path("/disclosures"), json={"purpose": "disclosure to the defence", **body}
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/zip"
    return response.content


@pytest.fixture
def publisher_key(jit: Jit, tmp_path: Path) -> Path:
    key = jit.legal.get("/ledger/public-key").json()
    path = tmp_path / "publisher.pem"
    path.write_text(key["public_key_pem"])
    return path


def test_a_bundle_verifies_offline_with_no_server(
    jit: Jit, tmp_path: Path, publisher_key: Path
) -> None:
    # Given evidence registered by two parties, one of it taken into custody
    be_item = register(jit.investigator, jit, "BE-1")
    register(jit.leader, jit, "FR-1")
    collection = {"place": "Brussels", "occurred_at": "2024-05-03T06:00:00Z"}
    collected = jit.investigator.post(
        jit.path(f"/evidence/{be_item['id']}/custody/collection"), json=collection
    )
    assert collected.status_code == 200, collected.text
    # When the NL legal advisor produces a bundle
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(disclose(jit))
    # Then a clerk with only the bundle and the publisher's key checks it, with no database
    env = {k: v for k, v in os.environ.items() if not k.startswith("JITSPACE_")}
    env["JITSPACE_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"
    done = jitspace("verify", str(bundle), "--public-key", str(publisher_key), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK" in done.stdout
    # and the bundle holds the history and the records
    with zipfile.ZipFile(bundle) as z:
        events = [json.loads(line) for line in z.read("events.jsonl").splitlines()]
        records = json.loads(z.read("records.json"))
        report = z.read("report.html").decode()
    logged = [e["position"] for e in log_of(jit.leader, jit.id)][:-1]  # before the disclosure
    assert [e["position"] for e in events] == logged
    assert sorted(r["reference"] for r in records["evidence"]) == ["BE-1", "FR-1"]
    verdicts = {(v["reference"], v["country"]) for v in records["admissibility"]}
    assert verdicts == {(ref, c) for ref in ("BE-1", "FR-1") for c in ("BE", "FR", "NL")}
    assert "Admissibility per country" in report
    custody = {c["evidence_id"]: c for c in records["custody"]}
    assert custody[be_item["id"]]["status"] == "held"
    assert custody[be_item["id"]]["custodian_id"] == str(jit.investigator.user_id)
    assert "BE-1" in report and "Test JIT" in report


def test_producing_a_bundle_is_recorded_in_the_log(jit: Jit) -> None:
    data = disclose(jit)
    last = log_of(jit.leader, jit.id)[-1]
    assert last["type"] == "Investigation.DisclosureProduced"
    assert last["actor"]["user_id"] == str(jit.legal.user_id)
    assert last["data"]["bundle_sha256"] == hashlib.sha256(data).hexdigest()
    assert last["data"]["purpose"] == "disclosure to the defence"


def test_only_legal_roles_disclose_and_outsiders_learn_nothing(jit: Jit) -> None:
    body = {"purpose": "curiosity"}
    refused = jit.investigator.post(jit.path("/disclosures"), json=body)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert jit.outsider.post(jit.path("/disclosures"), json=body).status_code == 404
    assert all(e["type"] != "Investigation.DisclosureProduced" for e in log_of(jit.leader, jit.id))


def test_a_bundle_as_of_a_date_holds_the_history_known_then(jit: Jit, tmp_path: Path) -> None:
    register(jit.investigator, jit, "BE-early")
    time.sleep(0.05)
    cut = datetime.now(UTC)
    time.sleep(0.05)
    register(jit.investigator, jit, "BE-late")
    bundle = tmp_path / "asof.zip"
    bundle.write_bytes(disclose(jit, as_of=cut.isoformat()))
    assert verify_bundle(bundle).ok
    with zipfile.ZipFile(bundle) as z:
        records = json.loads(z.read("records.json"))
    assert [r["reference"] for r in records["evidence"]] == ["BE-early"]


def test_a_withheld_party_is_redacted_and_the_chain_still_verifies(
    jit: Jit, tmp_path: Path
) -> None:
    be_item = register(jit.investigator, jit, "BE-secret")
    register(jit.leader, jit, "FR-open")
    bundle = tmp_path / "withheld.zip"
    bundle.write_bytes(disclose(jit, withhold_parties=["BE"]))
    report = verify_bundle(bundle)
    assert report.ok, report.findings
    with zipfile.ZipFile(bundle) as z:
        events = [json.loads(line) for line in z.read("events.jsonl").splitlines()]
        records = json.loads(z.read("records.json"))
        everything = b"".join(z.read(n) for n in z.namelist())
    [withheld] = [e for e in events if e["originator_id"] == be_item["id"]]
    assert withheld["state"] is None and len(withheld["state_sha256"]) == 64
    assert records["withheld"] == [be_item["id"]]
    assert [r["reference"] for r in records["evidence"]] == ["FR-open"]
    assert b"BE-secret" not in everything


def rewrite(bundle: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == name:
                changed = change(data)
                assert changed != data, f"the tampering left {name} unchanged"
                data = changed
            dst.writestr(item, data)
        if name not in src.namelist():
            dst.writestr(name, change(b""))
    return out.getvalue()


def resign_manifest_hash(bundle: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """Change a file AND update its hash in the manifest (which breaks the manifest signature)."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        new = change(z.read(name))
        manifest = json.loads(z.read("manifest.json"))
    manifest["files"][name] = hashlib.sha256(new).hexdigest()
    changed = rewrite(bundle, name, lambda _: new)
    return rewrite(changed, "manifest.json", lambda _: json.dumps(manifest).encode())


def drop_second_event(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:1] + lines[2:])


TAMPERING: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "an event's state": (
        lambda b: rewrite(b, "events.jsonl", lambda d: d.replace(b"Test JIT", b"Best JIT", 1)),
        "events.jsonl was altered",
    ),
    "an event removed, manifest re-hashed": (
        lambda b: resign_manifest_hash(b, "events.jsonl", drop_second_event),
        "manifest.json was altered",
    ),
    "the manifest": (
        lambda b: rewrite(b, "manifest.json", lambda d: d.replace(b"defence", b"defense")),
        "manifest.json was altered",
    ),
    "the report": (
        lambda b: rewrite(b, "report.html", lambda d: d.replace(b"Members", b"Memb3rs")),
        "report.html was altered",
    ),
    "the report, and a line that is not an event": (
        lambda b: rewrite(
            rewrite(b, "events.jsonl", lambda d: d + b"not an event\n"),
            "report.html",
            lambda d: d.replace(b"Members", b"Memb3rs"),
        ),
        "report.html was altered",
    ),
    "the records": (
        lambda b: rewrite(b, "records.json", lambda d: d.replace(b"Test JIT", b"Other")),
        "records.json was altered",
    ),
    "the checkpoint": (
        lambda b: rewrite(
            b, "checkpoint.json", lambda d: d.replace(b'\\"position\\":', b'\\"position\\":1', 1)
        ),
        "checkpoint.json was altered",
    ),
    "a file added": (
        lambda b: rewrite(b, "extra.txt", lambda _: b"planted"),
        "extra.txt is not listed in the manifest",
    ),
}


@pytest.mark.parametrize("part", sorted(TAMPERING))
def test_a_bundle_altered_in_any_part_fails(jit: Jit, tmp_path: Path, part: str) -> None:
    register(jit.investigator, jit, "BE-1")
    tamper, message = TAMPERING[part]
    bundle = tmp_path / "tampered.zip"
    bundle.write_bytes(tamper(disclose(jit)))
    report = verify_bundle(bundle)
    assert not report.ok
    assert any(message in f.detail for f in report.findings), report.findings


def test_verify_names_a_position_only_where_there_is_one(
    jit: Jit, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from jitspace.cli import main

    # Given a bundle with a file planted in it (a problem of the bundle, not of an event)
    bundle = tmp_path / "planted.zip"
    bundle.write_bytes(rewrite(disclose(jit), "extra.txt", lambda _: b"planted"))
    # When a clerk verifies it, the problem is told without a log position
    assert main(["verify", str(bundle)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any("extra.txt is not listed in the manifest" in line for line in lines), lines
    assert not any(line.startswith("position 0") for line in lines), lines


@pytest.mark.parametrize(
    ("body", "field", "names"),
    [
        pytest.param(
            {"withhold_parties": ["DE"]}, "withhold_parties", "DE: not a party", id="non-party"
        ),
        pytest.param(
            {"as_of": "2099-01-01T00:00:00Z", "up_to_position": 3},
            "up_to_position",
            "not both",
            id="as-of-and-position",
        ),
    ],
)
def test_a_disclosure_asked_for_in_contradictory_terms_is_refused(
    jit: Jit, body: dict[str, object], field: str, names: str
) -> None:
    response = jit.legal.post(jit.path("/disclosures"), json={"purpose": "defence", **body})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert names in response.json()["detail"]


def test_a_disclosure_of_a_time_before_anything_was_recorded_is_refused(jit: Jit) -> None:
    response = jit.legal.post(
        jit.path("/disclosures"),
        json={"purpose": "defence", "as_of": "2001-01-01T00:00:00Z"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"
    assert "nothing had been recorded" in response.json()["detail"]


def test_evidence_files_travel_in_the_bundle_and_are_checked_against_their_hash(
    jit: Jit, tmp_path: Path
) -> None:
    # Given an item with a file (the session's server keeps files in its directory store)
    item = register(jit.investigator, jit, "BE-IMG")
    data = os.urandom(300_000)
    uploaded = jit.investigator.post(
        jit.path(f"/evidence/{item['id']}/files"),
        params={"name": "image.E01"},
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert uploaded.status_code == 201, uploaded.text
    sha256 = hashlib.sha256(data).hexdigest()
    # When a bundle is produced with the files
    bundle = tmp_path / "with-files.zip"
    bundle.write_bytes(disclose(jit, include_files=True))
    # Then the file is in it under its hash, and the bundle verifies
    with zipfile.ZipFile(bundle) as z:
        assert z.read(f"files/{sha256}") == data
    assert verify_bundle(bundle).ok
    # and a file altered in the bundle, even with the manifest's hash updated, is caught
    altered = tmp_path / "altered.zip"
    altered.write_bytes(
        resign_manifest_hash(bundle.read_bytes(), f"files/{sha256}", lambda d: d[:-1] + b"!")
    )
    report = verify_bundle(altered)
    assert any("does not match the hash recorded for it" in f.detail for f in report.findings)


def test_a_withheld_partys_files_stay_out_of_the_bundle(jit: Jit, tmp_path: Path) -> None:
    item = register(jit.investigator, jit, "BE-IMG")
    data = os.urandom(1000)
    jit.investigator.post(
        jit.path(f"/evidence/{item['id']}/files"),
        params={"name": "image.E01"},
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    bundle = tmp_path / "withheld-files.zip"
    bundle.write_bytes(disclose(jit, include_files=True, withhold_parties=["BE"]))
    with zipfile.ZipFile(bundle) as z:
        assert not [n for n in z.namelist() if n.startswith("files/")]
    assert verify_bundle(bundle).ok
