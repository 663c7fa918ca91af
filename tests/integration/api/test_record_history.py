"""One record's history: the log's events of that record only, in order, withheld as the
whole log is for the reader's party; a record of another investigation has no history here."""

from __future__ import annotations

from typing import Any

from tests.support import Jit, People, open_investigation, register_item


def history(person: Any, jit: Jit, record: str, **params: Any) -> list[dict[str, Any]]:
    response = person.get(jit.path("/events"), params={"record": record, **params})
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def test_a_records_history_is_its_events_only_in_order(jit: Jit) -> None:
    item = register_item(jit.leader, jit, reference="FR-H1", place="Lyon")
    register_item(jit.leader, jit, reference="FR-OTHER")
    collected = jit.leader.post(
        jit.path(f"/evidence/{item['id']}/custody/collection"), json={"place": "Lyon"}
    )
    assert collected.status_code == 200, collected.text
    events = history(jit.investigator, jit, item["id"])
    assert [e["type"] for e in events] == ["EvidenceItem.Registered", "EvidenceItem.Collected"]
    assert {e["aggregate_id"] for e in events} == {item["id"]}
    positions = [e["position"] for e in events]
    assert positions == sorted(positions)
    # paging within the history
    assert history(jit.investigator, jit, item["id"], after=positions[0]) == events[1:]


def test_a_restricted_records_history_withholds_what_the_log_withholds(jit: Jit) -> None:
    item = register_item(
        jit.leader,
        jit,
        reference="FR-SECRET",
        description="informant codename nightjar",
        handling={"description_to": ["NL"]},
    )
    response = jit.investigator.get(jit.path("/events"), params={"record": item["id"]})
    assert response.status_code == 200
    assert "nightjar" not in response.text
    assert "nightjar" in jit.leader.get(jit.path("/events"), params={"record": item["id"]}).text


def test_a_record_of_another_investigation_has_no_history_here(jit: Jit, people: People) -> None:
    other = open_investigation(people)
    elsewhere = register_item(other.leader, other, reference="XX-ELSEWHERE")
    assert history(jit.leader, jit, elsewhere["id"]) == []
