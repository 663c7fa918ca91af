"""The security log as pages: the whole of it for administrators (filtered by kind, user and
time, paged), an investigation's entries for its JIT leader only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support import Jit, People, Person, add_member, investigation_body


def page(person: Person, path: str, **params: Any) -> dict[str, Any]:
    response = person.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_administrators_filter_the_log_by_kind_user_and_time_page_by_page(
    people: People,
) -> None:
    admin = people.new("deployment-admin", administrator=True)
    target = people.new("target")
    started = datetime.now(UTC) - timedelta(seconds=1)
    for _ in range(3):  # three changes to the target, newest last
        assert admin.post(f"/users/{target.user_id}/disabling").status_code == 200
        assert admin.post(f"/users/{target.user_id}/enabling").status_code == 200

    mine = page(admin, "/security-log", user=str(target.user_id), since=started.isoformat())
    kinds = [e["kind"] for e in mine["entries"]]
    assert kinds == ["user_enabled", "user_disabled"] * 3
    newest = mine["entries"][0]
    assert newest["user_name"] == "Deployment Admin"
    assert newest["subject_name"] == "Target"
    assert newest["subject_id"] == str(target.user_id)

    only = page(admin, "/security-log", user=str(target.user_id), kind="user_disabled")
    assert [e["kind"] for e in only["entries"]] == ["user_disabled"] * 3

    first = page(admin, "/security-log", user=str(target.user_id), limit=4)
    assert len(first["entries"]) == 4 and first["next_before"] == first["entries"][-1]["id"]
    rest = page(
        admin, "/security-log", user=str(target.user_id), limit=4, before=first["next_before"]
    )
    assert len(rest["entries"]) == 2 and rest["next_before"] is None
    ids = [e["id"] for e in first["entries"] + rest["entries"]]
    assert ids == sorted(ids, reverse=True)

    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert page(admin, "/security-log", user=str(target.user_id), since=later)["entries"] == []
    assert (
        page(admin, "/security-log", user=str(target.user_id), until=started.isoformat())["entries"]
        == []
    )


def test_bad_filters_are_refused_in_words(people: People) -> None:
    admin = people.new("deployment-admin", administrator=True)
    naive = admin.get("/security-log", params={"since": "2024-07-05T00:00:00"})
    assert naive.status_code == 400
    assert "since is a time with a zone" in naive.json()["detail"]
    assert admin.get("/security-log", params={"kind": "gossip"}).status_code == 400
    assert admin.get("/security-log", params={"limit": "0"}).status_code == 400


def test_a_leader_sees_only_their_investigations_entries(jit: Jit, people: People) -> None:
    # Given refusals about this investigation and about another one
    other_leader = people.new("other-leader")
    other = other_leader.post("/investigations", json=investigation_body("Other JIT"))
    assert other.status_code == 201, other.text
    assert jit.outsider.get(jit.path("/evidence")).status_code == 404
    assert jit.outsider.get(f"/investigations/{other.json()['id']}/evidence").status_code == 404

    entries = page(jit.leader, jit.path("/security-log"))["entries"]
    assert entries and {e["investigation_id"] for e in entries} == {jit.id}
    refusal = next(e for e in entries if e["user_id"] == str(jit.outsider.user_id))
    assert refusal["kind"] == "access_refused"
    assert refusal["user_name"] == "Outsider"
    assert refusal["detail"].startswith("view_evidence: ")


def test_members_who_are_not_the_leader_and_outsiders_see_nothing(jit: Jit, people: People) -> None:
    national = add_member(people, jit, "national-member", "FR", "national_member")
    for member in (national, jit.investigator, jit.legal):
        refused = member.get(jit.path("/security-log"))
        assert refused.status_code == 403, refused.text
        assert "who may not read the security log of this investigation" in refused.text
        assert "entries" not in refused.json()
    assert jit.outsider.get(jit.path("/security-log")).status_code == 404
    assert jit.leader.get("/security-log").status_code == 403  # not the whole log
    assert jit.leader.get(f"/investigations/{uuid.uuid4()}/security-log").status_code == 404
