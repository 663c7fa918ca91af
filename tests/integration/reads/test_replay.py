"""The state as of any past time or log position equals what the API answered then."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support import Jit, evidence_body, log_of, remove_member

EVIDENCE = evidence_body(
    reference="BE-PHONE-1", kind="seized_device", description="phone of the suspect"
)
AUTHORISATION = {
    "kind": "search_warrant",
    "country": "BE",
    "authority": "Investigating judge, Brussels",
    "reference": "OR-24-1",
    "occurred_at": "2024-05-01T09:00:00+02:00",
    "valid_from": "2024-05-01T09:00:00+02:00",
    "valid_until": "2024-05-08T09:00:00+02:00",
}


def answers(jit: Jit, ids: dict[str, list[str]], as_of: str | None = None) -> dict[str, Any]:
    """Everything a member can read, through the API: now, or `as_of`."""
    query = {"as_of": as_of} if as_of else {}

    def read(path: str, **params: Any) -> Any:
        return jit.leader.get(jit.path(path), params={**params, **query}).json()

    seen: dict[str, Any] = {
        "investigation": read(""),
        "tasks": read("/tasks"),
        "authorisations": read("/authorisations"),
        "evidence": read("/evidence"),
        "events": read("/events", limit=1000)["events"],
        "mine": jit.leader.get("/investigations", params=query).json(),
    }
    for kind, known in ids.items():
        for record_id in known:
            seen[f"{kind}/{record_id}"] = read(f"/{kind}/{record_id}")
    for item_id in ids["evidence"]:
        seen[f"custody/{item_id}"] = read(f"/evidence/{item_id}/custody")
    return seen


def test_every_answer_of_the_past_is_replayed_exactly(jit: Jit) -> None:
    ids: dict[str, list[str]] = {"tasks": [], "authorisations": [], "evidence": []}
    moments: list[tuple[datetime, int, dict[str, list[str]], dict[str, Any]]] = []

    def record_moment() -> None:
        position = log_of(jit.leader, jit.id)[-1]["position"]
        known = {kind: list(known) for kind, known in ids.items()}
        moments.append((datetime.now(UTC), position, known, answers(jit, known)))

    # Given a JIT that changes step by step, and what the API answered after each step
    record_moment()
    warrant = jit.investigator.post(jit.path("/authorisations"), json=AUTHORISATION).json()
    ids["authorisations"].append(warrant["id"])
    record_moment()
    task = jit.leader.post(jit.path("/tasks"), json={"title": "Search the warehouse"}).json()
    ids["tasks"].append(task["id"])
    record_moment()
    jit.leader.post(
        jit.path(f"/tasks/{task['id']}/assignment"),
        json={"assignee_id": str(jit.investigator.user_id)},
    )
    record_moment()
    jit.investigator.post(jit.path(f"/tasks/{task['id']}/status"), json={"status": "in_progress"})
    record_moment()
    extension = {"valid_until": "2024-06-08T09:00:00+02:00", "reason": "renewal"}
    jit.investigator.post(jit.path(f"/authorisations/{warrant['id']}/extension"), json=extension)
    record_moment()
    jit.investigator.post(
        jit.path(f"/authorisations/{warrant['id']}/revocation"), json={"reason": "quashed"}
    )
    record_moment()
    item = jit.investigator.post(jit.path("/evidence"), json=EVIDENCE).json()
    ids["evidence"].append(item["id"])
    record_moment()
    custody = jit.path(f"/evidence/{item['id']}/custody")
    collection = {"place": "Brussels", "occurred_at": "2024-05-03T06:00:00Z"}
    assert jit.investigator.post(f"{custody}/collection", json=collection).status_code == 200
    record_moment()
    handover = {"recipient_id": str(jit.legal.user_id), "reason": "analysis in NL"}
    assert jit.investigator.post(f"{custody}/handover", json=handover).status_code == 200
    record_moment()
    remove_member(jit, jit.legal, "secondment ended")
    record_moment()
    assert len({position for _, position, _, _ in moments}) == len(moments)

    # When each moment is asked for again, by time and by log position
    for moment, position, known, then in moments:
        # Then the answers are the same as then
        assert answers(jit, known, moment.isoformat()) == then
        assert answers(jit, known, str(position)) == then
    # and a record created later did not exist then
    first_moment = moments[0][0].isoformat()
    later = jit.leader.get(jit.path(f"/tasks/{task['id']}"), params={"as_of": first_moment})
    assert later.status_code == 404


def test_as_of_must_be_a_time_with_a_zone_or_a_position(jit: Jit) -> None:
    for bad in ("yesterday", "2024-07-05T10:00:00", "-3", "1e5"):
        response = jit.leader.get(jit.path("/tasks"), params={"as_of": bad})
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["field"] == "as_of"
