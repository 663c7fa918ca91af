"""An investigation with evidence, files, custody and a derivation, recorded through the API,
and the CASE tools run on what JITspace exports."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.support import Jit, Person, case_document, register_item

PHONE_IMAGE = b"the phone's memory, imaged\n" * 100
REPORT = b"what the analysis found\n"


def upload(person: Person, jit: Jit, item: dict[str, Any], name: str, data: bytes) -> None:
    stored = person.post(
        jit.path(f"/evidence/{item['id']}/files"), params={"name": name}, content=data
    )
    assert stored.status_code == 201, stored.text


def custody(person: Person, jit: Jit, item: dict[str, Any], step: str, **body: Any) -> None:
    done = person.post(jit.path(f"/evidence/{item['id']}/custody/{step}"), json=body)
    assert done.status_code == 200, done.text


def record_evidence(jit: Jit, prefix: str = "FR") -> list[dict[str, Any]]:
    """A phone seized in Lyon with its image, sealed and transferred to Belgium, and an
    analysis report made from it, registered by the French leader."""
    phone = register_item(
        jit.leader,
        jit,
        reference=f"{prefix}-PHONE-1",
        kind="seized_device",
        description="Samsung phone of the suspect",
        place="Lyon",
        collected_by="Capitaine Martin",
        method="search of the flat",
    )
    upload(jit.leader, jit, phone, "phone.img", PHONE_IMAGE)
    custody(jit.leader, jit, phone, "collection", place="Lyon")
    custody(jit.leader, jit, phone, "seal", seal_number="S-0001")
    custody(
        jit.leader,
        jit,
        phone,
        "transfer",
        country="BE",
        recipient_id=str(jit.investigator.user_id),
        reason="analysis in Brussels",
    )
    custody(jit.investigator, jit, phone, "receipt", seal_condition="intact", seal_number="S-0001")
    report = register_item(
        jit.leader,
        jit,
        reference=f"{prefix}-REPORT-1",
        kind="analysis_report",
        description="What the phone held",
        method="analysis",
    )
    upload(jit.leader, jit, report, "report.txt", REPORT)
    derived = jit.leader.post(
        jit.path(f"/evidence/{report['id']}/derivation"),
        json={
            "parent_id": phone["id"],
            "parent_sha256": hashlib.sha256(PHONE_IMAGE).hexdigest(),
            "relation": "analysis",
            "tool": "a forensic suite",
            "tool_version": "1.0",
            "made_by": "the FR laboratory",
        },
    )
    assert derived.status_code == 200, derived.text
    return [phone, report]


def export(person: Person, jit: Jit, **params: Any) -> dict[str, Any]:
    response = person.get(jit.path("/evidence/case"), params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    document: dict[str, Any] = json.loads(response.content)
    return document


def case_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """case-utils' validator (CASE 1.5, bundled with it: no network) on a file."""
    tool = Path(sys.executable).parent / "case_validate"
    return subprocess.run(
        [str(tool), "--built-version", "case-1.5.0", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def archive(
    document: dict[str, Any], files: dict[str, bytes], named: dict[str, bytes] | None = None
) -> bytes:
    """A zip archive as an import takes it: the document and files/<sha256> (`named`: files
    under the names given)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as written:
        written.writestr("case.jsonld", json.dumps(document))
        for data in files.values():
            written.writestr(f"files/{hashlib.sha256(data).hexdigest()}", data)
        for name, data in (named or {}).items():
            written.writestr(f"files/{name}", data)
    return out.getvalue()


def twice_the_same_file() -> dict[str, Any]:
    """A document of one item holding the same file twice: the item refuses the second when
    it is recorded, after the archive's files were stored."""
    document = copy.deepcopy(case_document("FR-CHAT-2"))
    item = {
        "@id": "kb:phone-1",
        "@type": "uco-observable:ObservableObject",
        "uco-core:name": "FR-PHONE-9",
        "uco-core:description": "a phone",
        "uco-core:tag": ["jitspace-kind:seized_device"],
    }
    twin = copy.deepcopy(document["@graph"][0])
    twin["@id"] = "kb:file-2"
    document["@graph"] += [item, twin]
    document["@graph"][2]["uco-action:result"].append({"@id": "kb:phone-1"})
    for index, file in enumerate(("kb:file-1", "kb:file-2")):
        document["@graph"].append(
            {
                "@id": f"kb:relationship-{index}",
                "@type": "uco-observable:ObservableRelationship",
                "uco-core:source": {"@id": file},
                "uco-core:target": {"@id": "kb:phone-1"},
                "uco-core:kindOfRelationship": "Contained_Within",
                "uco-core:isDirectional": True,
            }
        )
    return document
