"""Retention through the API: legal holds placed and released on an item, the JIT agreement's
retention, the deletion date an item's document shows (the one DP-01 judges by), and a
leader deleting an item whose date has passed, refused while a hold is on."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support import Jit, log_of, register_item


def ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def item_of(jit: Jit, item: str) -> dict[str, Any]:
    answer = jit.leader.get(jit.path(f"/evidence/{item}"))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def listed(jit: Jit, item: str) -> dict[str, Any]:
    """The item's row in the evidence register."""
    register = jit.leader.get(jit.path("/evidence"))
    assert register.status_code == 200, register.text
    [row] = [r for r in register.json() if r["id"] == item]
    return dict(row)


def hold(jit: Jit, item: str, **body: Any) -> Any:
    return jit.legal.post(
        jit.path(f"/evidence/{item}/legal-hold"), json={"reason": "appeal pending", **body}
    )


def test_a_legal_hold_is_placed_and_released_on_record(jit: Jit) -> None:
    # Given an item
    item = register_item(jit.investigator, jit, occurred_at=ago(3))["id"]
    # When the legal advisor places a hold, naming the court order
    placed = hold(jit, item, reference="CA Bruxelles 2024/118")
    # Then the item's document shows it: since when, by whom, why
    assert placed.status_code == 200, placed.text
    shown = item_of(jit, item)["legal_hold"]
    assert shown["placed_by"]["user_id"] == str(jit.legal.user_id)
    assert (shown["reason"], shown["reference"]) == ("appeal pending", "CA Bruxelles 2024/118")
    assert datetime.fromisoformat(shown["placed_at"]) <= datetime.now(UTC)
    # and so does the register
    assert listed(jit, item)["legal_hold"] is True
    events = len(log_of(jit.leader, jit.id))

    # When it is placed again, it is refused in words, and nothing is recorded
    again = hold(jit, item)
    assert again.status_code == 409, again.text
    assert "a legal hold is on the item already" in again.json()["detail"]
    assert len(log_of(jit.leader, jit.id)) == events

    # When the leader releases it
    release = {"reason": "the appeal was decided"}
    released = jit.leader.post(jit.path(f"/evidence/{item}/legal-hold/release"), json=release)
    assert released.status_code == 200, released.text
    assert released.json()["legal_hold"] is None
    assert listed(jit, item)["legal_hold"] is False
    kinds = [e["type"] for e in log_of(jit.leader, jit.id)]
    assert kinds[-1] == "EvidenceItem.LegalHoldReleased"
    assert kinds.count("EvidenceItem.LegalHoldPlaced") == 1

    # Then releasing it again is refused: there is none
    none = jit.leader.post(jit.path(f"/evidence/{item}/legal-hold/release"), json=release)
    assert none.status_code == 409, none.text
    assert "no legal hold is on the item" in none.json()["detail"]
    assert len(log_of(jit.leader, jit.id)) == len(kinds)


def test_who_may_hold_an_item(jit: Jit) -> None:
    item = register_item(jit.investigator, jit)["id"]
    path = jit.path(f"/evidence/{item}/legal-hold")
    # an investigator may not (the legal advisors, prosecutors, national members and the
    # leader may); someone who is no member learns nothing of the investigation
    refused = jit.investigator.post(path, json={"reason": "keep it"})
    assert refused.status_code == 403, refused.text
    assert "place or release a legal hold" in refused.json()["detail"]
    assert jit.outsider.post(path, json={"reason": "keep it"}).status_code == 404
    # and a hold without a reason is refused
    assert jit.legal.post(path, json={"reason": ""}).status_code == 400


def test_the_document_and_dp01_show_the_same_deletion_date(jit: Jit) -> None:
    # Given an NL item collected ten days ago, and NL's rulebook (retention 1825 days)
    collected = datetime.now(UTC) - timedelta(days=10)
    item = register_item(jit.legal, jit, reference="NL-1", occurred_at=collected.isoformat())
    adopted = jit.legal.post(jit.path("/rulebooks"), json={"country": "NL", "source": "nl"})
    assert adopted.status_code == 201, adopted.text

    # Then the item's deletion date is NL's, and DP-01 judges by the same
    document = item_of(jit, item["id"])
    assert datetime.fromisoformat(document["deletion_date"]) == collected + timedelta(days=1825)
    assert "NL's retention of 1825 days" in document["deletion_ground"]
    assert dp01_until(jit, item["id"]) == document["deletion_date"]

    # When the JIT agreement sets a shorter retention
    agreed = jit.leader.post(
        jit.path("/retention"), json={"retention_days": 30, "agreement_clause": "art. 12"}
    )
    assert agreed.status_code == 200, agreed.text
    assert agreed.json()["retention_days"] == 30

    # Then it decides, on the document and for DP-01 alike
    document = item_of(jit, item["id"])
    assert datetime.fromisoformat(document["deletion_date"]) == collected + timedelta(days=30)
    assert "the JIT agreement's retention of 30 days" in document["deletion_ground"]
    assert dp01_until(jit, item["id"]) == document["deletion_date"]


def dp01_until(jit: Jit, item: str) -> str:
    answer = jit.legal.get(jit.path(f"/evidence/{item}/admissibility"))
    assert answer.status_code == 200, answer.text
    [nl] = [c for c in answer.json()["countries"] if c["country"] == "NL"]
    [dp01] = [r for r in nl["results"] if r["rule"] == "DP-01"]
    return str(dp01["until"])


def test_a_leader_deletes_an_item_past_its_date_unless_it_is_held(jit: Jit) -> None:
    # Given the agreement keeps evidence 30 days, and an item collected 40 days ago, with a
    # file, under a legal hold
    agreed = {"retention_days": 30, "agreement_clause": "art. 12"}
    assert jit.leader.post(jit.path("/retention"), json=agreed).status_code == 200
    item = register_item(jit.investigator, jit, occurred_at=ago(40))["id"]
    data = b"ledger pages " * 100
    stored = jit.investigator.post(
        jit.path(f"/evidence/{item}/files"), params={"name": "ledger.pdf"}, content=data
    )
    assert stored.status_code == 201, stored.text
    file = stored.json()["file"]
    assert hold(jit, item).status_code == 200
    delete = jit.path(f"/evidence/{item}/retention-deletion")

    # When the leader deletes it, it is refused while held, and nothing is recorded
    events = len(log_of(jit.leader, jit.id))
    refused = jit.leader.post(delete)
    assert refused.status_code == 409, refused.text
    assert "a legal hold is on the item" in refused.json()["detail"]
    assert len(log_of(jit.leader, jit.id)) == events
    # and only the leader may delete
    assert jit.legal.post(delete).status_code == 403

    # When the hold is released, the leader deletes it
    release = {"reason": "the appeal was decided"}
    released = jit.legal.post(jit.path(f"/evidence/{item}/legal-hold/release"), json=release)
    assert released.status_code == 200, released.text
    deleted = jit.leader.post(delete)
    assert deleted.status_code == 200, deleted.text
    on_record = deleted.json()["deleted_under_retention"]
    assert on_record["deleted_by"]["user_id"] == str(jit.leader.user_id)
    assert "the JIT agreement's retention of 30 days" in on_record["ground"]
    [event] = [
        e for e in log_of(jit.leader, jit.id) if e["type"] == "EvidenceItem.DeletedUnderRetention"
    ]
    assert event["data"]["files"] == [
        {"file_id": file["id"], "sha256": file["sha256"], "size": len(data)}
    ]

    # Then its file is gone, in words that say when and why
    content = jit.path(f"/evidence/{item}/files/{file['id']}/content")
    gone = jit.leader.get(content, params={"purpose": "prepare the hearing"})
    assert gone.status_code == 410, gone.text
    day = on_record["deleted_at"][:10]
    assert f"deleted under retention on {day}" in gone.json()["detail"]
    # and deleting again is refused
    assert jit.leader.post(delete).status_code == 409
    # the register shows the item deleted
    assert listed(jit, item)["deleted_under_retention_at"] == on_record["deleted_at"]
    # and a bundle with the files is still produced, without the deleted one
    body = {"purpose": "disclosure to the defence", "include_files": True}
    bundle = jit.leader.post(jit.path("/disclosures"), json=body)
    assert bundle.status_code == 201, bundle.text
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as opened:
        assert f"files/{file['sha256']}" not in opened.namelist()
