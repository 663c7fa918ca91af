"""The list pages show each record as it now is, with the version its next write expects."""

from __future__ import annotations

from typing import Any

from tests.support import Jit, Person

AUTHORISATION = {
    "kind": "search_warrant",
    "country": "BE",
    "authority": "Investigating judge, Brussels",
    "reference": "OR-24-7",
    "occurred_at": "2024-05-01T09:00:00+02:00",
    "valid_from": "2024-05-01T09:00:00+02:00",
    "valid_until": "2024-05-08T09:00:00+02:00",
}
EVIDENCE = {
    "reference": "NL-LEDGER-1",
    "kind": "document",
    "description": "ledger of payments",
    "occurred_at": "2024-05-03T07:30:00+02:00",
    "collected_by": "E. Bakker",
    "place": "Rotterdam",
    "method": "search and seizure",
}


def listed(person: Person, jit: Jit, path: str, record_id: str) -> dict[str, Any]:
    rows = person.get(jit.path(path)).json()
    return next(row for row in rows if row["id"] == record_id)


def etag_version(person: Person, path: str) -> int:
    response = person.get(path)
    assert response.status_code == 200, response.text
    return int(response.headers["ETag"].strip('"'))


def test_an_extended_authorisation_is_listed_with_its_new_validity(jit: Jit) -> None:
    # Given an authorisation that was extended
    warrant = jit.investigator.post(jit.path("/authorisations"), json=AUTHORISATION).json()
    extended = jit.investigator.post(
        jit.path(f"/authorisations/{warrant['id']}/extension"),
        json={"valid_until": "2024-06-08T09:00:00+02:00", "reason": "renewal"},
    )
    assert extended.status_code == 200, extended.text

    # When the authorisations are listed
    row = listed(jit.leader, jit, "/authorisations", warrant["id"])

    # Then the row shows the new end of validity and the version the record's next write expects
    assert row["valid_until"] == extended.json()["valid_until"]
    record = jit.path(f"/authorisations/{warrant['id']}")
    assert row["version"] == etag_version(jit.leader, record) == extended.json()["version"]
    # and a write with the If-Match taken from the list is accepted
    revoked = jit.investigator.post(
        f"{record}/revocation",
        json={"reason": "quashed"},
        headers={"If-Match": f'"{row["version"]}"'},
    )
    assert revoked.status_code == 200, revoked.text


def test_an_item_with_a_legal_fact_is_listed_with_its_current_version(jit: Jit) -> None:
    # Given an item of the Netherlands whose use the Netherlands consented to
    item = jit.legal.post(jit.path("/evidence"), json=EVIDENCE)
    assert item.status_code == 201, item.text
    item_id = item.json()["id"]
    consent = jit.legal.post(
        jit.path(f"/evidence/{item_id}/consents"),
        json={"to_country": "BE", "purpose": "other_offence"},
    )
    assert consent.status_code == 200, consent.text

    # When the evidence register is listed
    row = listed(jit.leader, jit, "/evidence", item_id)

    # Then its version is the item's
    assert row["version"] == etag_version(jit.leader, jit.path(f"/evidence/{item_id}"))
    assert row["version"] == consent.json()["version"]


def test_an_investigation_is_listed_with_its_version_after_a_disclosure(jit: Jit) -> None:
    # Given an investigation whose evidence was disclosed
    jit.legal.post(jit.path("/evidence"), json=EVIDENCE)
    disclosed = jit.legal.post(
        jit.path("/disclosures"), json={"purpose": "disclosure to the defence"}
    )
    assert disclosed.status_code == 201, disclosed.text

    # When the member lists their investigations (once the registers show the disclosure:
    # a read of one investigation's register waits for that, the list of all does not)
    jit.leader.get(jit.path("/tasks"))
    rows = jit.leader.get("/investigations").json()
    row = next(row for row in rows if row["id"] == jit.id)

    # Then the investigation's version is the one its next write expects
    assert row["version"] == etag_version(jit.leader, jit.path(""))
