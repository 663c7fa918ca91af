"""The chain of custody: two-person handovers, and each defect flagged in its own test."""

from __future__ import annotations

from typing import Any

from tests.integration.admissibility_support import days_ago, open_team
from tests.support import Jit, People, Person, register_item, remove_member


def register(jit: Jit, person: Person) -> str:
    phone = register_item(
        person,
        jit,
        reference="BE-PHONE-1",
        kind="seized_device",
        description="phone of the suspect",
    )
    return str(phone["id"])


def step(jit: Jit, person: Person, item: str, what: str, **body: Any) -> Any:
    response = person.post(jit.path(f"/evidence/{item}/custody/{what}"), json=body)
    return response


def ok(jit: Jit, person: Person, item: str, what: str, **body: Any) -> None:
    response = step(jit, person, item, what, **body)
    assert response.status_code == 200, response.text


def chain(jit: Jit, item: str) -> dict[str, Any]:
    response = jit.leader.get(jit.path(f"/evidence/{item}/custody"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def defects(jit: Jit, item: str) -> list[str]:
    return [d["code"] for d in chain(jit, item)["defects"]]


def handed_to_legal(jit: Jit, item: str, **body: Any) -> None:
    """The investigator hands the item over to the legal advisor, for the lab."""
    ok(
        jit,
        jit.investigator,
        item,
        "handover",
        recipient_id=str(jit.legal.user_id),
        reason="lab",
        **body,
    )


def collected(jit: Jit) -> str:
    item = register(jit, jit.investigator)
    ok(
        jit,
        jit.investigator,
        item,
        "collection",
        place="Brussels",
        occurred_at="2024-05-03T06:00:00Z",
    )
    return item


def test_a_handover_and_its_receipt_pass_custody_by_two_people(jit: Jit) -> None:
    item = collected(jit)
    ok(
        jit,
        jit.investigator,
        item,
        "seal",
        seal_number="BE-4471",
        occurred_at="2024-05-03T06:10:00Z",
    )
    handover = {"recipient_id": str(jit.legal.user_id), "reason": "analysis in NL"}
    ok(jit, jit.investigator, item, "handover", **handover, occurred_at="2024-05-04T09:00:00Z")
    # only the named recipient receives it
    assert (
        step(
            jit, jit.leader, item, "receipt", seal_condition="intact", seal_number="BE-4471"
        ).status_code
        == 403
    )
    ok(
        jit,
        jit.legal,
        item,
        "receipt",
        seal_condition="intact",
        seal_number="BE-4471",
        packaging="bag closed",
        occurred_at="2024-05-04T15:00:00Z",
    )
    ok(
        jit,
        jit.legal,
        item,
        "storage",
        location="NFI locker 12",
        occurred_at="2024-05-04T16:00:00Z",
    )
    got = chain(jit, item)
    assert [e["kind"] for e in got["entries"]] == [
        "Registered", "Collected", "Sealed", "HandedOver", "Received", "Stored",
    ]  # fmt: skip
    custodians = [e["custodian_id"] for e in got["entries"]]
    inv, legal = str(jit.investigator.user_id), str(jit.legal.user_id)
    assert custodians == [None, inv, inv, None, legal, legal]
    assert (got["status"], got["custodian_id"], got["defects"]) == ("held", legal, [])
    row = next(r for r in jit.leader.get(jit.path("/evidence")).json() if r["id"] == item)
    assert (row["custody_status"], row["custodian_id"], row["custody_defects"]) == (
        "held",
        legal,
        0,
    )


def test_only_the_custodian_hands_over_and_only_to_a_member(jit: Jit) -> None:
    item = collected(jit)
    to_legal = {"recipient_id": str(jit.legal.user_id), "reason": "analysis"}
    assert step(jit, jit.leader, item, "handover", **to_legal).status_code == 403
    outsider = {"recipient_id": str(jit.outsider.user_id), "reason": "analysis"}
    refused = step(jit, jit.investigator, item, "handover", **outsider)
    assert refused.status_code == 404
    assert refused.json()["errors"][0]["field"] == "recipient_id"


def test_a_handover_never_received_is_flagged(jit: Jit) -> None:
    item = collected(jit)
    handed_to_legal(jit, item, occurred_at="2024-05-04T09:00:00Z")
    assert defects(jit, item) == ["handover-not-received"]
    assert chain(jit, item)["status"] == "in transit"
    # and the defect names the person by their name and party, and the moment in words
    [defect] = chain(jit, item)["defects"]
    assert defect["message"] == (
        "handed over to Nl Legal (NL) on 2024-05-04 09:00 UTC: no receipt on record"
    )


def test_an_item_with_no_custodian_on_record_is_flagged(jit: Jit) -> None:
    item = register(jit, jit.investigator)
    assert defects(jit, item) == ["no-custodian"]


def test_a_long_transit_with_no_custodian_is_flagged(jit: Jit) -> None:
    item = collected(jit)
    handed_to_legal(jit, item, occurred_at="2024-05-04T09:00:00Z")
    ok(
        jit, jit.legal, item, "receipt",
        seal_condition="absent", occurred_at="2024-05-08T10:00:00Z",
    )  # fmt: skip
    assert defects(jit, item) == ["no-custodian"]
    [defect] = chain(jit, item)["defects"]
    assert defect["message"] == (
        "in transit with no custodian for 4 days 1 hour: "
        "from 2024-05-04 09:00 UTC to 2024-05-08 10:00 UTC"
    )


def received_under_seal(jit: Jit, seal_condition: str, seal_number: str) -> str:
    """An item sealed NL-4471 and handed over to the legal advisor, who receives it with a
    seal in `seal_condition`, numbered `seal_number`."""
    item = collected(jit)
    ok(jit, jit.investigator, item, "seal", seal_number="NL-4471")
    handed_to_legal(jit, item)
    receipt = {"seal_condition": seal_condition, "seal_number": seal_number}
    ok(jit, jit.legal, item, "receipt", **receipt)
    return item


def test_a_seal_found_with_another_number_is_flagged(jit: Jit) -> None:
    item = received_under_seal(jit, "intact", "NL-4417")
    assert defects(jit, item) == ["seal-broken"]


def test_a_seal_reported_broken_is_flagged(jit: Jit) -> None:
    item = received_under_seal(jit, "broken", "NL-4471")
    assert defects(jit, item) == ["seal-broken"]


def upload(jit: Jit, item: str, data: bytes) -> dict[str, Any]:
    response = jit.investigator.post(
        jit.path(f"/evidence/{item}/files"), params={"name": "dump.bin"}, content=data
    )
    assert response.status_code == 201, response.text
    file: dict[str, Any] = response.json()["file"]
    return file


def test_a_file_never_verified_is_flagged_until_it_is(jit: Jit) -> None:
    item = collected(jit)
    upload(jit, item, b"extraction")
    assert defects(jit, item) == ["hash-not-verified"]
    assert jit.leader.post(jit.path(f"/evidence/{item}/verification")).status_code == 200
    assert defects(jit, item) == []
    # a change of hands calls for a new verification
    handed_to_legal(jit, item)
    ok(jit, jit.legal, item, "receipt", seal_condition="absent")
    assert defects(jit, item) == ["hash-not-verified"]


def test_an_access_by_someone_no_longer_a_member_then_is_flagged(jit: Jit) -> None:
    item = collected(jit)
    file = upload(jit, item, b"intercept")
    jit.leader.post(jit.path(f"/evidence/{item}/verification"))
    content = jit.path(f"/evidence/{item}/files/{file['id']}/content")
    assert jit.legal.get(content, params={"purpose": "review"}).status_code == 200
    assert defects(jit, item) == []
    # the leader records, late, that the legal advisor had left before that download
    remove_member(jit, jit.legal, "seconded back", occurred_at="2024-06-01T00:00:00Z")
    assert defects(jit, item) == ["access-by-non-member"]


def test_the_register_judges_a_gap_by_the_items_party_as_cu_01_does(people: People) -> None:
    # BE's shipped rulebook lets an item spend 48 hours with no custodian, NL's 24
    team = open_team(people, ["BE", "NL"])
    item = team.collected(
        "BE",
        "BE-LATE-CUSTODY",
        occurred_at=days_ago(3, "09:00"),
        kept_at=days_ago(2, "15:00"),  # 30 hours after the collection
    )

    def register_and_cu_01() -> tuple[list[str], dict[str, str]]:
        got = team.leader.get(team.path(f"/evidence/{item}/custody"))
        assert got.status_code == 200, got.text
        explained = team.explain(item)
        return [d["code"] for d in got.json()["defects"]], {
            country: next(r["outcome"] for r in cell["results"] if r["rule"] == "CU-01")
            for country, cell in explained.items()
        }

    # the register reads BE's gap, as BE's verdict does; NL's verdict reads its own
    assert register_and_cu_01() == ([], {"BE": "PASS", "NL": "RISK"})
    # BE's legal advisor amends the gap to 24 hours: register and BE's verdict follow
    strict = {"rule": "CU-01", "params": {"gap_hours": 24}, "reason": "stricter"}
    team.post(team.legal["BE"], "/rulebooks/BE/rules", strict)
    assert register_and_cu_01() == (["no-custodian"], {"BE": "RISK", "NL": "RISK"})
