"""Comments on evidence items and tasks, mentioning members; editing a task's title and due
date. A comment is an event of its record: in the log, withheld with what its item is where
the item's handling restrictions say so, refused when it mentions someone outside the team.
Two members editing the same task: the second is told what changed (409, current version)."""

from __future__ import annotations

from typing import Any

from tests.support import Jit, People, add_member, log_of, register_item


def comment(person: Any, jit: Jit, path: str, text: str, *mentions: Any) -> Any:
    body = {"comment": text, "mentions": [str(m.user_id) for m in mentions]}
    return person.post(jit.path(f"{path}/comments"), json=body)


def test_a_comment_mentions_members_and_is_logged(jit: Jit) -> None:
    item = register_item(jit.leader, jit, reference="FR-C1")
    response = comment(jit.investigator, jit, f"/evidence/{item['id']}", "Seal intact?", jit.leader)
    assert response.status_code == 200, response.text
    comments = response.json()["comments"]
    assert [c["comment"] for c in comments] == ["Seal intact?"]
    assert comments[0]["mentions"] == [str(jit.leader.user_id)]
    assert comments[0]["author"]["user_id"] == str(jit.investigator.user_id)
    logged = log_of(jit.leader, jit.id)[-1]
    assert logged["type"] == "EvidenceItem.Commented"
    assert logged["data"]["comment"] == "Seal intact?"
    assert logged["data"]["mentions"] == [str(jit.leader.user_id)]


def test_a_comment_on_a_restricted_item_is_withheld_with_it(jit: Jit) -> None:
    item = register_item(jit.leader, jit, reference="FR-SRC", handling={"description_to": ["NL"]})
    path = f"/evidence/{item['id']}"
    assert comment(jit.leader, jit, path, "source met on 3 May").status_code == 200
    # NL may read the item: the comment too
    as_nl = jit.legal.get(jit.path(path)).json()
    assert as_nl["comments"][0]["comment"] == "source met on 3 May"
    # BE may not: the comment is there, its words are not, in the record and in the log
    as_be = jit.investigator.get(jit.path(path)).json()
    assert as_be["comments"][0]["comment"] is None
    assert "comments.comment" in as_be["withheld"]
    logged = [e for e in log_of(jit.investigator, jit.id) if e["type"] == "EvidenceItem.Commented"]
    assert logged[-1]["data"]["comment"] is None
    assert "comment" in logged[-1]["withheld"]
    assert "source met" not in str(log_of(jit.investigator, jit.id))


def test_a_comment_mentions_only_members_and_says_something(jit: Jit) -> None:
    item = register_item(jit.leader, jit, reference="FR-C2")
    path = f"/evidence/{item['id']}"
    before = log_of(jit.leader, jit.id)
    outside = comment(jit.leader, jit, path, "look", jit.outsider)
    assert outside.status_code == 422, outside.text
    assert "members of the investigation" in outside.json()["detail"]
    empty = comment(jit.leader, jit, path, "   ")
    assert empty.status_code == 422, empty.text
    assert log_of(jit.leader, jit.id) == before


def test_observers_do_not_comment_unless_the_agreement_lets_them(jit: Jit, people: People) -> None:
    item = register_item(jit.leader, jit, reference="FR-C3")
    observer = add_member(people, jit, "eurojust-observer", "BE", "observer")
    refused = comment(observer, jit, f"/evidence/{item['id']}", "noted")
    assert refused.status_code == 403, refused.text
    assert (
        jit.outsider.post(
            jit.path(f"/evidence/{item['id']}/comments"), json={"comment": "x"}
        ).status_code
        == 404
    )


def test_a_task_comment_and_its_edit(jit: Jit) -> None:
    task = jit.leader.post(jit.path("/tasks"), json={"title": "Trace the payments"}).json()
    path = f"/tasks/{task['id']}"
    assert comment(jit.investigator, jit, path, "on it", jit.leader).status_code == 200
    edited = jit.leader.post(
        jit.path(f"{path}/details"),
        json={"title": "Trace the payments to Antwerp", "due_on": "2031-01-15"},
        headers={"If-Match": f'"{task["version"]}"'},
    )
    assert edited.status_code == 409, edited.text  # the comment moved the version on
    assert edited.json()["current_version"] == task["version"] + 1
    fresh = jit.leader.get(jit.path(path))
    edited = jit.leader.post(
        jit.path(f"{path}/details"),
        json={"title": "Trace the payments to Antwerp", "due_on": "2031-01-15"},
        headers={"If-Match": fresh.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["due_on"]) == (
        "Trace the payments to Antwerp",
        "2031-01-15",
    )
    assert edited.json()["comments"][0]["comment"] == "on it"
    board = {t["id"]: t for t in jit.leader.get(jit.path("/tasks")).json()}
    assert board[task["id"]]["title"] == "Trace the payments to Antwerp"
    assert board[task["id"]]["due_on"] == "2031-01-15"
    unchanged = jit.leader.post(
        jit.path(f"{path}/details"),
        json={"title": "Trace the payments to Antwerp", "due_on": "2031-01-15"},
    )
    assert unchanged.status_code == 422 and "unchanged" in unchanged.json()["detail"]
