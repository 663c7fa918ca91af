"""Every list a page at a time: walking all the pages while other members add rows never
skips nor repeats a row that was there when the walk began, and gives the rows in the order
promised (the sort value, then the id); filters are the server's; a page that cannot be
read says why; a stranger reads nothing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.rule_settings import Outcome
from tests.support import (
    Jit,
    People,
    Person,
    authorisation_body,
    investigation_body,
    log_of,
    period_end,
    register_item,
)

PASSWORD = "correct horse battery staple"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def walk(person: Person, path: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of every page, following the cursors."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        body = ok(person.get(path, params={**params, **({"after": cursor} if cursor else {})}))
        rows.extend(body["items"])
        if (cursor := body["next"]) is None:
            return rows


@dataclass
class Lister:
    """One paged list: where it is read, by whom, how a row is added, and the sort value a
    row shows."""

    path: str
    reader: Person
    add: Callable[[int], None]
    sort: str
    value: Callable[[dict[str, Any]], Any]
    params: dict[str, Any]
    id_key: str = "id"


def walked_while_others_add(lister: Lister, *, limit: int = 3, added: int = 8) -> None:
    before = walk(lister.reader, lister.path, **lister.params, sort=lister.sort)
    assert len(before) >= 5, "the list needs rows before the walk"
    adding = threading.Thread(target=lambda: [lister.add(n) for n in range(100, 100 + added)])
    adding.start()
    try:
        for order in ("asc", "desc"):
            rows = walk(
                lister.reader,
                lister.path,
                **lister.params,
                sort=lister.sort,
                order=order,
                limit=limit,
            )
            ids = [row[lister.id_key] for row in rows]
            assert len(ids) == len(set(ids)), "a row was repeated"
            assert {row[lister.id_key] for row in before} <= set(ids), "a row was skipped"
            keys = [(lister.value(row), uuid.UUID(row[lister.id_key])) for row in rows]
            assert keys == sorted(keys, reverse=order == "desc"), "out of order"
    finally:
        adding.join()


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def new_task(person: Person, jit: Jit, title: str, **fields: Any) -> dict[str, Any]:
    created: dict[str, Any] = ok(
        person.post(jit.path("/tasks"), json={"title": title, **fields}), 201
    )
    return created


# -- walking every list while rows are added ------------------------------------------------


def test_the_task_list_walked_while_tasks_are_created(jit: Jit) -> None:
    for n in range(6):
        new_task(jit.leader, jit, f"Task {n}")
    walked_while_others_add(
        Lister(
            jit.path("/tasks/page"),
            jit.investigator,
            lambda n: new_task(jit.leader, jit, f"Task {n}") and None,
            "created_at",
            lambda row: when(row["created_at"]),
            {},
        )
    )


def test_the_task_list_by_due_date_puts_undated_tasks_last(jit: Jit) -> None:
    today = date.today()
    for n in range(6):
        due = None if n % 3 == 0 else (today + timedelta(days=n)).isoformat()
        new_task(jit.leader, jit, f"Task {n}", due_on=due)
    walked_while_others_add(
        Lister(
            jit.path("/tasks/page"),
            jit.investigator,
            lambda n: new_task(jit.leader, jit, f"Task {n}", due_on=today.isoformat()) and None,
            "due_on",
            lambda row: date.fromisoformat(row["due_on"] or date.max.isoformat()),
            {},
        )
    )


def test_the_authorisations_walked_while_others_are_recorded(jit: Jit) -> None:
    start = datetime.now(UTC) - timedelta(days=40)

    def record(n: int) -> None:
        valid_from = start + timedelta(days=n % 7)
        body = authorisation_body(
            reference=f"JLD-{n}",
            occurred_at=valid_from.isoformat(),
            valid_from=valid_from.isoformat(),
            valid_until=(valid_from + timedelta(days=90)).isoformat(),
        )
        ok(jit.legal.post(jit.path("/authorisations"), json=body), 201)

    for n in range(6):
        record(n)
    walked_while_others_add(
        Lister(
            jit.path("/authorisations/page"),
            jit.legal,
            record,
            "valid_from",
            lambda row: when(row["valid_from"]),
            {},
        )
    )


def test_the_evidence_list_walked_while_items_are_registered(jit: Jit) -> None:
    for n in range(6):
        register_item(jit.leader, jit, reference=f"FR-{n}")
    walked_while_others_add(
        Lister(
            jit.path("/evidence/page"),
            jit.investigator,
            lambda n: register_item(jit.leader, jit, reference=f"FR-{n}") and None,
            "registered_at",
            lambda row: when(row["registered_at"]),
            {},
        )
    )


def handed_over_unreceived(jit: Jit, reference: str) -> dict[str, Any]:
    """An item the leader collected and handed to the investigator, who has not received it:
    a defect of its chain of custody."""
    item = register_item(jit.leader, jit, reference=reference)
    for what, body in (
        ("collection", {"place": "Lyon"}),
        ("handover", {"recipient_id": str(jit.investigator.user_id), "reason": "lab"}),
    ):
        ok(jit.leader.post(jit.path(f"/evidence/{item['id']}/custody/{what}"), json=body))
    return item


def test_the_custody_audit_walked_while_defects_appear(jit: Jit) -> None:
    for n in range(6):
        handed_over_unreceived(jit, f"FR-{n}")
    walked_while_others_add(
        Lister(
            jit.path("/evidence/custody-audit/page"),
            jit.investigator,
            lambda n: handed_over_unreceived(jit, f"FR-{n}") and None,
            "defects",
            lambda row: len(row["defects"]),
            {},
            id_key="evidence_id",
        ),
        added=4,
    )


def test_the_investigations_walked_while_others_are_opened(jit: Jit) -> None:
    def open_one(n: int) -> None:
        body = investigation_body(f"Operation {n}", period_end=period_end())
        ok(jit.leader.post("/investigations", json=body), 201)

    for n in range(5):
        open_one(n)
    walked_while_others_add(
        Lister(
            "/investigations/page",
            jit.leader,
            open_one,
            "name",
            lambda row: row["name"],
            {},
        ),
        added=4,
    )


def test_the_users_walked_while_others_are_added(people: People) -> None:
    admin = people.new("deployment-admin", administrator=True)
    tag = uuid.uuid4().hex[:10]

    def add(n: int) -> None:
        body = {"username": f"u{n}-{tag}", "display_name": f"User {n}", "password": PASSWORD}
        ok(admin.post("/users", json=body), 201)

    for n in range(6):
        add(n)
    walked_while_others_add(
        Lister(
            "/users/page",
            admin,
            add,
            "created_at",
            lambda row: when(row["created_at"]),
            {"q": tag},
        )
    )


# -- filters --------------------------------------------------------------------------------


def test_tasks_filtered_by_status_assignee_due_date_and_title(jit: Jit) -> None:
    today = date.today()
    soon = new_task(jit.leader, jit, "Ask the bank", due_on=(today + timedelta(days=2)).isoformat())
    later = new_task(
        jit.leader, jit, "Ask the port", due_on=(today + timedelta(days=20)).isoformat()
    )
    new_task(jit.leader, jit, "Read the seizure report")
    assignee = str(jit.investigator.user_id)
    ok(
        jit.leader.post(
            jit.path(f"/tasks/{later['id']}/assignment"), json={"assignee_id": assignee}
        )
    )
    ok(jit.leader.post(jit.path(f"/tasks/{soon['id']}/status"), json={"status": "in_progress"}))

    def titles(**params: Any) -> list[str]:
        return [t["title"] for t in walk(jit.investigator, jit.path("/tasks/page"), **params)]

    assert titles(status="in_progress") == ["Ask the bank"]
    assert titles(assignee=assignee) == ["Ask the port"]
    assert titles(due_before=(today + timedelta(days=10)).isoformat()) == ["Ask the bank"]
    assert titles(due_after=(today + timedelta(days=10)).isoformat()) == ["Ask the port"]
    assert titles(q="ASK THE", sort="title", order="desc") == ["Ask the port", "Ask the bank"]
    assert titles(q="%") == []  # wildcards are taken literally
    first = ok(jit.investigator.get(jit.path("/tasks/page"), params={"limit": 1}))
    assert first["total"] == 3 and len(first["items"]) == 1 and first["next"]


def test_authorisations_filtered_by_party_kind_and_status(jit: Jit) -> None:
    now = datetime.now(UTC)

    def record(reference: str, start: datetime, end: datetime, **fields: Any) -> str:
        body = authorisation_body(
            reference=reference,
            occurred_at=min(start, now).isoformat(),
            valid_from=start.isoformat(),
            valid_until=end.isoformat(),
            **fields,
        )
        created: dict[str, Any] = ok(jit.legal.post(jit.path("/authorisations"), json=body), 201)
        return str(created["id"])

    record("IN-FORCE", now - timedelta(days=5), now + timedelta(days=5))
    record("EXPIRED", now - timedelta(days=50), now - timedelta(days=20))
    record("PENDING", now + timedelta(days=5), now + timedelta(days=50))
    revoked = record("REVOKED", now - timedelta(days=5), now + timedelta(days=5))
    ok(
        jit.legal.post(
            jit.path(f"/authorisations/{revoked}/revocation"), json={"reason": "no longer needed"}
        )
    )
    record(
        "BE-ORDER",
        now - timedelta(days=5),
        now + timedelta(days=5),
        country="BE",
        kind="production_order",
        authority="Juge d'instruction, Bruxelles",
    )

    def references(**params: Any) -> list[str]:
        rows = walk(jit.legal, jit.path("/authorisations/page"), **params, sort="reference")
        return [a["reference"] for a in rows]

    assert references(status="in_force") == ["BE-ORDER", "IN-FORCE"]
    assert references(status="expired") == ["EXPIRED"]
    assert references(status="pending") == ["PENDING"]
    assert references(status="revoked") == ["REVOKED"]
    assert references(party="BE") == ["BE-ORDER"]
    assert references(kind="production_order") == ["BE-ORDER"]
    assert references(q="bruxelles") == ["BE-ORDER"]


def test_the_custody_audit_filtered_by_code_and_reference(jit: Jit) -> None:
    handed_over_unreceived(jit, "FR-BOX")
    handed_over_unreceived(jit, "FR-PARCEL")
    register_item(jit.leader, jit, reference="FR-UNHELD")  # no custodian: a defect of its own
    rows = walk(jit.investigator, jit.path("/evidence/custody-audit/page"))
    assert [r["reference"] for r in rows] == ["FR-BOX", "FR-PARCEL", "FR-UNHELD"]
    # the handover's defect: one the item with no custodian does not have
    (code,) = {d["code"] for d in rows[0]["defects"]} - {d["code"] for d in rows[2]["defects"]}
    by_code = walk(jit.investigator, jit.path("/evidence/custody-audit/page"), code=code)
    assert [r["reference"] for r in by_code] == ["FR-BOX", "FR-PARCEL"]
    assert walk(jit.investigator, jit.path("/evidence/custody-audit/page"), code="no-such") == []
    found = walk(jit.investigator, jit.path("/evidence/custody-audit/page"), q="parcel")
    assert [r["reference"] for r in found] == ["FR-PARCEL"]


# -- refusals -------------------------------------------------------------------------------

PAGED = [
    "/tasks/page",
    "/authorisations/page",
    "/evidence/custody-audit/page",
    "/evidence/page",
]


BAD_PAGES = [
    ({"after": "not-a-cursor"}, "after"),
    ({"after": "WyJub3QgYSB0aW1lIiwiMSJd"}, "after"),  # ["not a time","1"]
    ({"limit": 0}, "limit"),
    ({"limit": 1001}, "limit"),
    ({"limit": "many"}, "limit"),
    ({"sort": "secret"}, "sort"),
    ({"order": "sideways"}, "order"),
]


# -- a past page -----------------------------------------------------------------------------


def ids(rows: list[dict[str, Any]], key: str = "id") -> list[str]:
    return [row[key] for row in rows]


def test_a_past_page_lists_the_rows_of_then_filtered_as_they_stood_then(jit: Jit) -> None:
    # Given tasks, items, a phone handed over and not received (a custody defect) and an
    # authorisation in force at a point of the log
    tasks = [new_task(jit.leader, jit, f"Errand {n}") for n in range(4)]
    ledger = register_item(
        jit.leader, jit, reference="FR-LEDGER", description="the orchard accounts"
    )
    unreceived = handed_over_unreceived(jit, "FR-PHONE")
    start = datetime.now(UTC) - timedelta(days=10)
    warrant = ok(
        jit.legal.post(
            jit.path("/authorisations"),
            json=authorisation_body(
                occurred_at=start.isoformat(),
                valid_from=start.isoformat(),
                valid_until=(start + timedelta(days=90)).isoformat(),
            ),
        ),
        201,
    )
    then = str(log_of(jit.leader, jit.id)[-1]["position"])
    # When, after it, more tasks are created and one is started, the ledger is described
    # anew, the phone received, more items registered and the warrant revoked
    for n in range(4, 7):
        new_task(jit.leader, jit, f"Errand {n}")
    status = {"status": "in_progress"}
    ok(jit.leader.post(jit.path(f"/tasks/{tasks[0]['id']}/status"), json=status))
    amendment = {"description": "a notebook", "reason": "misread"}
    ok(jit.leader.post(jit.path(f"/evidence/{ledger['id']}/description"), json=amendment))
    receipt = jit.path(f"/evidence/{unreceived['id']}/custody/receipt")
    ok(jit.investigator.post(receipt, json={"seal_condition": "absent"}))
    for n in range(3):
        register_item(jit.leader, jit, reference=f"FR-LATER-{n}")
    revocation = jit.path(f"/authorisations/{warrant['id']}/revocation")
    ok(jit.legal.post(revocation, json={"reason": "quashed"}))

    def past(path: str, **params: Any) -> list[dict[str, Any]]:
        return walk(jit.legal, jit.path(path), as_of=then, limit=2, **params)

    # Then each page as of the point lists the rows of then, in the unpaged list's order
    for page, listed in (
        ("/tasks/page", "/tasks"),
        ("/authorisations/page", "/authorisations"),
        ("/evidence/page", "/evidence"),
    ):
        assert past(page) == ok(jit.legal.get(jit.path(listed), params={"as_of": then}))
    assert len(past("/tasks/page")) == 4 and len(past("/evidence/page")) == 2

    def total(path: str, **params: Any) -> int:
        found: int = ok(jit.legal.get(jit.path(path), params={"limit": 1, **params}))["total"]
        return found

    # each page's total, kept (no filter) or counted (a filter), is its rows', then and now
    for page in ("/tasks/page", "/authorisations/page", "/evidence/page", "/admissibility/page"):
        assert total(page, as_of=then) == len(past(page)), page
        assert total(page) == len(walk(jit.legal, jit.path(page))), page
    assert total("/tasks/page", as_of=then, status="open") == len(
        past("/tasks/page", status="open")
    )
    assert total("/evidence/page", q="FR-LATER") == 3
    # filtered by what they were then: the task still open, the words the ledger was
    # described in, the warrant in force, the phone not received
    assert ids(past("/tasks/page", status="in_progress")) == []
    assert tasks[0]["id"] in ids(past("/tasks/page", status="open"))
    assert ids(past("/evidence/page", q="orchards")) == [ledger["id"]]
    assert ids(past("/evidence/page", q="notebook")) == []
    assert ids(past("/authorisations/page", status="in_force")) == [warrant["id"]]
    assert ids(past("/authorisations/page", status="revoked")) == []
    audited = past("/evidence/custody-audit/page")
    assert unreceived["id"] in ids(audited, "evidence_id")
    matrix = past("/admissibility/page")
    assert [row["item"] for row in matrix] == past("/evidence/page")
    # filtered and sorted by the verdicts of then, evaluated at the point
    for forum in sorted({c["country"] for row in matrix for c in row["cells"]}):
        outcomes = {c["outcome"] for row in matrix for c in row["cells"] if c["country"] == forum}
        for outcome in outcomes:
            expected = [
                row["item"]["id"]
                for row in matrix
                if any(c["country"] == forum and c["outcome"] == outcome for c in row["cells"])
            ]
            found = past("/evidence/page", outcome=outcome, forum=forum)
            assert ids(found) == expected, (forum, outcome)
    ranks = list(Outcome)

    def worst(row: dict[str, Any]) -> int:
        return max((ranks.index(Outcome(c["outcome"])) + 1 for c in row["cells"]), default=0)

    by_worst = sorted(matrix, key=lambda row: (worst(row), row["item"]["id"]))
    assert past("/admissibility/page", sort="worst") == by_worst
    agreeing = [row for row in matrix if len({c["outcome"] for c in row["cells"]}) <= 1]
    assert past("/admissibility/page", disagreeing="false") == agreeing
    # and now, the rows of now
    assert tasks[0]["id"] in ids(walk(jit.legal, jit.path("/tasks/page"), status="in_progress"))
    assert ids(walk(jit.legal, jit.path("/evidence/page"), q="notebook")) == [ledger["id"]]
    assert ids(walk(jit.legal, jit.path("/authorisations/page"), status="revoked")) == [
        warrant["id"]
    ]


@pytest.mark.parametrize("path", [*PAGED, "/investigations/page", "/users/page"])
def test_a_page_that_cannot_be_read_says_why(people: People, jit: Jit, path: str) -> None:
    admin = people.new("deployment-admin", administrator=True)
    reader = admin if path == "/users/page" else jit.legal
    full = path if path in {"/investigations/page", "/users/page"} else jit.path(path)
    for params, key in BAD_PAGES:
        response = reader.get(full, params=params)
        assert response.status_code == 400, (params, response.text)
        assert key in response.text
        assert response.json()["detail"]


@pytest.mark.parametrize("path", PAGED)
def test_a_stranger_reads_no_page(jit: Jit, path: str) -> None:
    new_task(jit.leader, jit, "Secret errand")
    response = jit.outsider.get(jit.path(path))
    assert response.status_code == 404
    assert "Secret errand" not in response.text


def test_the_users_are_for_administrators_only(jit: Jit) -> None:
    assert jit.leader.get("/users/page").status_code == 403


def test_another_member_s_investigations_are_not_listed(jit: Jit) -> None:
    rows = walk(jit.outsider, "/investigations/page")
    assert jit.id not in {row["id"] for row in rows}
    assert jit.id in {row["id"] for row in walk(jit.investigator, "/investigations/page")}
