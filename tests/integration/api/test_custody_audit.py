"""The custody audit: every defect of every item's chain of custody, grouped by kind, the
largest group first; as it stood at a point of the log; for members only."""

from __future__ import annotations

from typing import Any

from tests.support import Jit, log_of, register_item


def step(person: Any, jit: Jit, item: dict[str, Any], what: str, **body: Any) -> None:
    done = person.post(jit.path(f"/evidence/{item['id']}/custody/{what}"), json=body)
    assert done.status_code == 200, done.text


def handed_to_belgium(jit: Jit, reference: str, seal: str) -> dict[str, Any]:
    """An item the leader took into custody at once, sealed and handed to the investigator."""
    item = register_item(jit.leader, jit, reference=reference)
    step(jit.leader, jit, item, "collection", place="Lyon")
    step(jit.leader, jit, item, "seal", seal_number=seal)
    recipient = str(jit.investigator.user_id)
    step(jit.leader, jit, item, "handover", recipient_id=recipient, reason="lab")
    return item


def audit(jit: Jit, **params: Any) -> dict[str, list[str]]:
    response = jit.investigator.get(jit.path("/evidence/custody-audit"), params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    groups = {g["reason"]: [e["reference"] for e in g["entries"]] for g in body["groups"]}
    assert body["items"] == len({r for refs in groups.values() for r in refs})
    sizes = [len(g["entries"]) for g in body["groups"]]
    assert sizes == sorted(sizes, reverse=True)
    return groups


def test_the_audit_groups_every_defect_by_kind_as_it_stood(jit: Jit) -> None:
    parcel = handed_to_belgium(jit, "FR-PARCEL", "FR-1")
    handed_to_belgium(jit, "FR-BOX", "FR-2")
    before_receipt = log_of(jit.leader, jit.id)[-1]["position"]
    step(jit.investigator, jit, parcel, "receipt", seal_condition="absent")
    groups = audit(jit)
    assert groups["seal-absent"] == ["FR-PARCEL"]
    assert groups["not-received"] == ["FR-BOX"]
    # then: both were awaiting their receipt, neither seal was found missing yet
    then = audit(jit, as_of=before_receipt)
    assert then["not-received"] == ["FR-BOX", "FR-PARCEL"]
    assert "seal-absent" not in then


def test_a_stranger_reads_no_audit(jit: Jit) -> None:
    handed_to_belgium(jit, "FR-HIDDEN", "FR-3")
    response = jit.outsider.get(jit.path("/evidence/custody-audit"))
    assert response.status_code == 404
    assert "FR-HIDDEN" not in response.text
