"""An investigator's first steps, end to end over HTTP."""

from __future__ import annotations

from tests.support import Jit, evidence_body, log_of


def test_a_registered_item_appears_in_the_register_and_the_log(jit: Jit) -> None:
    # Given an open JIT, when the BE investigator registers an item
    body = evidence_body(reference="BE-1", kind="seized_device", description="phone")
    created = jit.investigator.post(jit.path("/evidence"), json=body)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["country"] == "BE"
    assert created.headers["etag"] == '"1"'
    # then it is in the register the FR leader reads
    register = jit.leader.get(jit.path("/evidence"))
    assert [row["id"] for row in register.json()] == [item["id"]]
    # and the log ends with its registration, by the investigator
    last = log_of(jit.leader, jit.id)[-1]
    assert last["type"] == "EvidenceItem.Registered"
    assert last["actor"]["user_id"] == str(jit.investigator.user_id)
    assert last["data"]["occurred_at"] == "2024-05-03T05:30:00Z"
