"""CU-01 to CU-04 through the API, from recorded custody: who held the item and when, its
transfers and their receipts, its seals, the downloads of its files. Every outcome of the
four rules is reached, in an NL-DE JIT with both shipped rulebooks.

Dates are relative to now (`days_ago`): no verdict depends on the day the tests run."""

from __future__ import annotations

import pytest

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People, Person


@pytest.fixture
def team(people: People) -> Team:
    return open_team(people, ["NL", "DE"])


def seized(team: Team, reference: str, **fields: str) -> str:
    """An NL parcel seized 20 days ago, not yet taken into custody."""
    body = {"kind": "physical_item", "method": "seizure", "occurred_at": days_ago(20)}
    return team.item("NL", reference, **(body | fields))


def test_who_held_the_item_at_every_moment(team: Team) -> None:
    nl, de = team.investigators["NL"], team.investigators["DE"]
    # Given a parcel whose custodian is not on record: CU-01 cannot tell
    nobody = seized(team, "NO-CUSTODIAN")
    team.reached(nobody, "DE", "CU-01", "UNKNOWN")
    # a parcel taken into custody at once
    kept = seized(team, "KEPT")
    team.keep("NL", kept, days_ago(20, "09:30"))
    team.reached(kept, "NL", "CU-01", "PASS")
    # a parcel taken into custody only 30 hours after the seizure (both rulebooks: 24 hours)
    late = seized(team, "LATE")
    team.keep("NL", late, days_ago(19, "15:00"))
    [risk] = team.reached(late, "DE", "CU-01", "RISK")
    assert "after the collection" in risk["reason"] and risk["cure"]
    # a parcel three days in transit between NL and the BKA, received then: custody had no
    # gap on either side, but the carrier held it three days
    carried = seized(team, "CARRIED")
    team.keep("NL", carried, days_ago(20, "09:30"))
    team.transfer(nl, carried, "DE", de, "drug analysis at the BKA", days_ago(15))
    team.post(
        de,
        f"/evidence/{carried}/custody/receipt",
        {"seal_condition": "absent", "occurred_at": days_ago(12)},
    )
    [transit] = team.reached(carried, "NL", "CU-01", "WARN")
    assert transit["reason"].startswith("in transit for 3 days"), transit
    # and that transfer has its receipt (CU-02)
    team.reached(carried, "DE", "CU-02", "PASS")


def test_each_transfer_has_its_recipients_receipt(team: Team) -> None:
    nl, de = team.investigators["NL"], team.investigators["DE"]
    # Given an NL extraction of a phone (hashed on upload), and a parcel, both handed to the
    # BKA with no receipt
    phone = team.collected(
        "NL",
        "PHONE",
        kind="seized_device",
        method="seizure",
        occurred_at=days_ago(20),
        kept_at=days_ago(20, "09:30"),
        content=b"extraction of the phone",
    )
    parcel = seized(team, "PARCEL")
    team.keep("NL", parcel, days_ago(20, "09:30"))
    for item in (phone, parcel):
        team.transfer(nl, item, "DE", de, "analysis at the BKA", days_ago(10))
        team.reached(item, "NL", "CU-02", "RISK")
    # When the phone's files are re-verified after the transfer and match, the missing
    # receipt is only a warning for digital data
    team.post(nl, f"/evidence/{phone}/verification", {})
    [warned] = team.reached(phone, "DE", "CU-02", "WARN")
    assert warned["missing"] == "the recipient's receipt"
    team.reached(parcel, "DE", "CU-02", "RISK")
    # When the BKA records the parcel's receipt, the transfer is whole
    team.post(
        de,
        f"/evidence/{parcel}/custody/receipt",
        {"seal_condition": "absent", "occurred_at": days_ago(10, "15:00")},
    )
    team.reached(parcel, "DE", "CU-02", "PASS")


def sealed_and_sent(team: Team, reference: str, seal: str) -> str:
    """An NL parcel, kept and sealed as `seal`, handed to the BKA."""
    item = seized(team, reference)
    team.keep("NL", item, days_ago(20, "09:30"))
    team.post(
        team.investigators["NL"],
        f"/evidence/{item}/custody/seal",
        {"seal_number": seal, "occurred_at": days_ago(20, "09:40")},
    )
    team.transfer(
        team.investigators["NL"],
        item,
        "DE",
        team.investigators["DE"],
        "drug analysis",
        days_ago(19),
    )
    return item


def test_a_seal_is_found_as_it_was_put_and_opened_on_authority(team: Team) -> None:
    de = team.investigators["DE"]
    # Given a parcel received at the lab with its seal intact, as numbered at the seizure
    intact = sealed_and_sent(team, "INTACT", "NL-1001")
    team.post(
        de,
        f"/evidence/{intact}/custody/receipt",
        {"seal_condition": "intact", "seal_number": "NL-1001", "occurred_at": days_ago(19)},
    )
    team.reached(intact, "NL", "CU-03", "PASS")
    # and one the lab opened with the right number but no one's authority recorded
    opened = sealed_and_sent(team, "OPENED", "NL-1002")
    team.post(
        de,
        f"/evidence/{opened}/seal-opening",
        {"seal_number": "NL-1002", "occurred_at": days_ago(18)},
    )
    [unauthorised] = team.reached(opened, "DE", "CU-03", "RISK")
    assert unauthorised["reason"] == "opened with no recorded authorisation"
    # and one whose seal the lab records with another number
    swapped = sealed_and_sent(team, "SWAPPED", "NL-4471")
    team.post(
        de,
        f"/evidence/{swapped}/seal-opening",
        {"seal_number": "NL-4417", "authorised_by": "lab head", "occurred_at": days_ago(18)},
    )
    for country in ("NL", "DE"):
        team.reached(swapped, country, "CU-03", "RISK")
    # When NL's legal advisor makes a seal mismatch fatal in NL's courts
    team.post(
        team.legal["NL"],
        "/rulebooks/NL/rules",
        {"rule": "CU-03", "params": {"mismatch": "FAIL"}, "reason": "NL sealing rules"},
    )
    # Then it fails there, and stays a risk in DE
    [failed] = team.reached(swapped, "NL", "CU-03", "FAIL")
    assert "'NL-4471'" in failed["reason"] and "'NL-4417'" in failed["reason"]
    team.reached(swapped, "DE", "CU-03", "RISK")


def test_every_download_is_by_a_member_in_a_role_the_forum_allows(team: Team) -> None:
    # Given an NL intercept file
    item = team.collected(
        "NL",
        "TAP",
        kind="intercepted_communication",
        method="interception",
        occurred_at=days_ago(20),
        kept_at=days_ago(20, "09:30"),
    )
    uploaded = team.investigators["NL"].post(
        team.path(f"/evidence/{item}/files"), params={"name": "tap.wav"}, content=b"call"
    )
    assert uploaded.status_code == 201, uploaded.text
    content = team.path(f"/evidence/{item}/files/{uploaded.json()['file']['id']}/content")

    def download(person: Person, purpose: str) -> None:
        got = person.get(content, params={"purpose": purpose})
        assert got.status_code == 200, got.text

    # Then no download is on record, and none is amiss
    team.reached(item, "DE", "CU-04", "PASS")
    # When the NL investigator and NL's legal advisor download it
    download(team.investigators["NL"], "transcription")
    download(team.legal["NL"], "review of the intercept's legality")
    team.reached(item, "NL", "CU-04", "PASS")
    # and DE's legal advisor allows only investigators and analysts to access intercepts
    team.post(
        team.legal["DE"],
        "/rulebooks/DE/rules",
        {
            "rule": "CU-04",
            "params": {"roles": ["investigator", "analyst"]},
            "reason": "only operational staff handle intercepts",
        },
    )
    # Then the legal advisor's download is a warning in DE's courts, not in NL's
    [warned] = team.reached(item, "DE", "CU-04", "WARN")
    assert warned["reason"] == "accessed by a legal_advisor"
    team.reached(item, "NL", "CU-04", "PASS")
    # When the leader records, late, that NL's legal advisor had left the team the day
    # before that download
    removed = team.leader.post(
        team.path(f"/members/{team.legal['NL'].user_id}/removal"),
        json={"reason": "seconded back", "occurred_at": days_ago(1)},
    )
    assert removed.status_code == 200, removed.text
    # Then the download was by someone who was no member then: a risk in both
    for country in ("NL", "DE"):
        [risk] = team.reached(item, country, "CU-04", "RISK")
        assert "not a member at" in risk["reason"]
