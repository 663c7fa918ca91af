"""Every refused access is in the security log: who, which investigation, what was refused."""

from __future__ import annotations

import threading
import time
import uuid

import psycopg

from jitspace.auth.security_log import SecurityEntry
from tests.support import Jit, People, add_member, evidence_body, log_of, security_log


def refusals_of(database_url: str, user_id: uuid.UUID, count: int) -> list[SecurityEntry]:
    """The user's access_refused entries, once there are `count` of them (a refusal by a
    record's own rule is written just after its answer)."""

    def read() -> list[SecurityEntry]:
        entries = security_log(database_url, "access_refused")
        return [e for e in entries if e.user_id == user_id]

    deadline = time.monotonic() + 10
    while len(read()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # and long enough for a second entry, were the refusal logged twice
    return read()


def test_a_non_member_guessing_an_investigation_is_logged(jit: Jit, database_url: str) -> None:
    response = jit.outsider.get(jit.path("/evidence"))
    assert response.status_code == 404
    [entry] = refusals_of(database_url, jit.outsider.user_id, 1)
    assert str(entry.investigation_id) == jit.id
    assert entry.detail.startswith("view_evidence: ")
    assert entry.client == "127.0.0.1"


def test_a_role_refused_by_the_table_is_logged(jit: Jit, people: People, database_url: str) -> None:
    observer = add_member(people, jit, "europol-observer", "FR", "observer")
    response = observer.post(jit.path("/tasks"), json={"title": "map the network"})
    assert response.status_code == 403, response.text
    [entry] = refusals_of(database_url, observer.user_id, 1)
    assert entry.detail == (
        "manage_tasks: in this investigation you are an observer, who may not create or "
        "assign tasks"
    )


def test_a_refusal_by_a_records_own_rule_is_logged(jit: Jit, database_url: str) -> None:
    # Given a BE item, when the FR leader tries to set its handling restrictions
    created = jit.investigator.post(jit.path("/evidence"), json=evidence_body(method="search"))
    assert created.status_code == 201, created.text
    path = jit.path(f"/evidence/{created.json()['id']}/handling")
    response = jit.leader.post(path, json={"description_to": []})
    # Then the item refuses (403) and the refusal is logged once, with the route
    assert response.status_code == 403, response.text
    [entry] = refusals_of(database_url, jit.leader.user_id, 1)
    assert (
        entry.detail
        == f"POST {path}: only the originating party sets an item's handling restrictions"
    )
    assert str(entry.investigation_id) == jit.id


def test_an_allowed_request_logs_nothing(jit: Jit, database_url: str) -> None:
    assert jit.investigator.get(jit.path("/evidence")).status_code == 200
    assert refusals_of(database_url, jit.investigator.user_id, 0) == []


def test_an_observer_does_what_the_jit_agreement_gives_and_no_more(
    jit: Jit, people: People
) -> None:
    # Given a Eurojust observer, refused the legal file by the table
    observer = add_member(people, jit, "eurojust-observer", "FR", "observer")
    assert observer.get(jit.path("/authorisations")).status_code == 403
    # When the leader records what the agreement gives observers
    path = jit.path("/observer-rights")
    body = {"rights": ["view_legal"], "agreement_clause": "art. 7: Eurojust follows the file"}
    granted = jit.leader.post(path, json=body)
    assert granted.status_code == 200, granted.text
    assert granted.json()["observer_rights"] == ["view_legal"]
    # Then the observer reads it at once, and still may not do what was not given
    assert observer.get(jit.path("/authorisations")).status_code == 200
    assert observer.post(jit.path("/tasks"), json={"title": "t"}).status_code == 403
    # an agreement cannot give custody or legal decisions, and only the team's leaders give
    too_much = jit.leader.post(path, json={**body, "rights": ["disclose"]})
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "rights"
    assert jit.investigator.post(path, json=body).status_code == 403
    # and taking the rights back takes them back
    assert jit.leader.post(path, json={**body, "rights": []}).status_code == 200
    assert observer.get(jit.path("/authorisations")).status_code == 403


def test_a_role_change_is_in_the_list_of_investigations_however_late_the_registers(
    jit: Jit, database_url: str
) -> None:
    # Given the registers' projection held back: its tracking row is locked for a moment, so
    # the role change below is in the log before the list's read model holds it
    locked, release = threading.Event(), threading.Event()

    def hold_the_registers() -> None:
        with psycopg.connect(database_url) as conn, conn.transaction():
            conn.execute("SELECT * FROM registers_tracking FOR UPDATE")
            locked.set()
            release.wait(1.0)

    holder = threading.Thread(target=hold_the_registers)
    holder.start()
    try:
        assert locked.wait(10)
        # When the leader makes the BE investigator BE's national member
        path = jit.path(f"/members/{jit.investigator.user_id}/role")
        changed = jit.leader.post(path, json={"role": "national_member", "reason": "appointed"})
        assert changed.status_code == 200, changed.text
        # Then their list of investigations shows the new role at once (read your writes)
        mine = jit.investigator.get("/investigations").json()
        assert [i["my_role"] for i in mine if i["id"] == jit.id] == ["national_member"]
    finally:
        release.set()
        holder.join()


def test_a_role_change_changes_what_the_member_may_do_at_once(jit: Jit, people: People) -> None:
    # Given the BE investigator, who may not second anyone
    newcomer = people.new("be-newcomer")
    second = {"username": newcomer.username, "country": "BE", "role": "investigator"}
    assert jit.investigator.post(jit.path("/members"), json=second).status_code == 403
    # When the leader makes them BE's national member
    path = jit.path(f"/members/{jit.investigator.user_id}/role")
    changed = jit.leader.post(path, json={"role": "national_member", "reason": "appointed"})
    assert changed.status_code == 200, changed.text
    # Then they may, at once, and their list of investigations shows the new role
    assert jit.investigator.post(jit.path("/members"), json=second).status_code == 200
    [mine] = [i for i in jit.investigator.get("/investigations").json() if i["id"] == jit.id]
    assert mine["my_role"] == "national_member"
    # and the change is an event of the investigation, by the leader
    [event] = [
        e for e in log_of(jit.leader, jit.id) if e["type"] == "Investigation.MemberRoleChanged"
    ]
    assert event["actor"]["user_id"] == str(jit.leader.user_id)
    assert event["data"]["role"] == "national_member"
