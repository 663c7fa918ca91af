"""The originating party decides who reads its item and who downloads its files; what it
withholds stays withheld in the REST API, the live feed and disclosure bundles alike."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from jitspace.disclosure.checking import verify_bundle
from tests.live import Watcher, token_of, watching
from tests.support import Jit, People, Person, ServerThread, add_member, log_of

SECRET = "phone of the informant, seized at his home"
PLACE = "Antwerp, Kerkstraat 12"
FILE_NAME = "informant-phone.E01"
FILE_BYTES = b"bytes of the informant's phone image"


def register(
    person: Person,
    jit: Jit,
    handling: dict[str, Any] | None = None,
    description: str = SECRET,
    place: str = PLACE,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": f"BE-INF-{uuid.uuid4().hex[:6]}",  # references are unique in a JIT
        "kind": "seized_device",
        "description": description,
        "occurred_at": "2024-05-03T07:30:00+02:00",
        "collected_by": "S. Peeters",
        "place": place,
        "method": "seizure",
    }
    if handling is not None:
        body["handling"] = handling
    created = person.post(jit.path("/evidence"), json=body)
    assert created.status_code == 201, created.text
    item: dict[str, Any] = created.json()
    return item


def upload(
    person: Person, jit: Jit, item_id: str, name: str = FILE_NAME, data: bytes = FILE_BYTES
) -> dict[str, Any]:
    response = person.post(
        jit.path(f"/evidence/{item_id}/files"),
        params={"name": name},
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 201, response.text
    file: dict[str, Any] = response.json()["file"]
    return file


def download(person: Person, jit: Jit, item_id: str, file_id: str) -> Any:
    return person.get(
        jit.path(f"/evidence/{item_id}/files/{file_id}/content"),
        params={"purpose": "prepare the hearing"},
    )


def restricted_item(jit: Jit) -> tuple[dict[str, Any], dict[str, Any]]:
    """A BE item that FR may read and download, NL neither."""
    item = register(jit.investigator, jit, {"description_to": ["FR"]})
    return item, upload(jit.investigator, jit, item["id"])


def events_of(person: Person, jit: Jit, item_id: str) -> list[dict[str, Any]]:
    return [e for e in log_of(person, jit.id) if e["aggregate_id"] == item_id]


# -- REST ---------------------------------------------------------------------------------------


def test_a_party_not_allowed_sees_the_item_exists_but_not_what_it_is(jit: Jit) -> None:
    # Given a BE item that only FR may read
    item, _ = restricted_item(jit)
    # When the NL legal advisor reads it, the register and the log
    seen = jit.legal.get(jit.path(f"/evidence/{item['id']}")).json()
    [listed] = [e for e in jit.legal.get(jit.path("/evidence")).json() if e["id"] == item["id"]]
    logged = events_of(jit.legal, jit, item["id"])
    # Then they see that it exists, who holds it and its hash, but not what it is
    assert seen["description"] is None and seen["place"] is None
    assert seen["files"][0]["name"] is None and len(seen["files"][0]["sha256"]) == 64
    assert seen["withheld"] == [
        "description",
        "place",
        "files.name",
        "location",
        "comments.comment",
    ]
    assert seen["handling"] is None  # nor who may read it
    assert listed["description"] is None and listed["withheld"] == ["description"]
    text = json.dumps([seen, listed, logged])
    assert SECRET not in text and PLACE not in text and FILE_NAME not in text
    registered = next(e for e in logged if e["type"] == "EvidenceItem.Registered")
    assert registered["withheld"] == ["description", "place"]
    restricted = next(e for e in logged if e["type"] == "EvidenceItem.HandlingRestricted")
    assert restricted["data"]["restrictions"] is None


def test_the_allowed_and_the_originating_parties_read_it_whole(jit: Jit) -> None:
    item, _ = restricted_item(jit)
    for person in (jit.leader, jit.investigator):
        seen = person.get(jit.path(f"/evidence/{item['id']}")).json()
        assert seen["description"] == SECRET and seen["files"][0]["name"] == FILE_NAME
        registered = events_of(person, jit, item["id"])[0]
        assert registered["data"]["description"] == SECRET and registered["withheld"] == []
    # only the originating party sees the restrictions themselves
    own = jit.investigator.get(jit.path(f"/evidence/{item['id']}")).json()
    assert own["handling"] == {"description_to": ["FR"], "files_to": None, "consent_first": False}
    assert jit.leader.get(jit.path(f"/evidence/{item['id']}")).json()["handling"] is None


def test_a_download_refused_by_the_originator_is_not_recorded_and_tells_nothing_more(
    jit: Jit,
) -> None:
    item, file = restricted_item(jit)
    before = len(events_of(jit.investigator, jit, item["id"]))
    refused = download(jit.legal, jit, item["id"], file["id"])
    assert refused.status_code == 403, refused.text
    assert "originating party does not allow your party" in refused.json()["detail"]
    assert "FR" not in refused.json()["detail"]
    assert len(events_of(jit.investigator, jit, item["id"])) == before
    allowed = download(jit.leader, jit, item["id"], file["id"])
    assert allowed.status_code == 200 and allowed.content == FILE_BYTES


def test_lifting_the_restrictions_shows_the_item_again(jit: Jit) -> None:
    item, _ = restricted_item(jit)
    lifted = jit.investigator.post(jit.path(f"/evidence/{item['id']}/handling"), json={})
    assert lifted.status_code == 200, lifted.text
    assert jit.legal.get(jit.path(f"/evidence/{item['id']}")).json()["description"] == SECRET


def test_files_can_be_kept_back_from_a_party_that_may_read_the_item(jit: Jit) -> None:
    item = register(jit.investigator, jit, {"description_to": ["FR", "NL"], "files_to": ["FR"]})
    file = upload(jit.investigator, jit, item["id"])
    assert jit.legal.get(jit.path(f"/evidence/{item['id']}")).json()["description"] == SECRET
    assert download(jit.legal, jit, item["id"], file["id"]).status_code == 403
    assert download(jit.leader, jit, item["id"], file["id"]).status_code == 200


def test_consent_first_holds_the_files_until_the_originator_consents(
    jit: Jit, people: People
) -> None:
    # Given a BE item whose files another party downloads only with BE's consent
    item = register(jit.investigator, jit, {"consent_first": True})
    file = upload(jit.investigator, jit, item["id"])
    be_member = add_member(people, jit, "be-national-member", "BE", "national_member")
    # Then FR may read it but not download it, until BE consents to FR's use
    assert jit.leader.get(jit.path(f"/evidence/{item['id']}")).json()["description"] == SECRET
    refused = download(jit.leader, jit, item["id"], file["id"])
    assert refused.status_code == 403 and "consent" in refused.json()["detail"]
    consent = be_member.post(
        jit.path(f"/evidence/{item['id']}/consents"),
        json={"to_country": "FR", "purpose": "jit"},
    )
    assert consent.status_code == 200, consent.text
    assert download(jit.leader, jit, item["id"], file["id"]).status_code == 200
    # and NL, still without consent, is still refused
    assert download(jit.legal, jit, item["id"], file["id"]).status_code == 403


def test_only_the_originating_party_sets_restrictions_naming_parties_of_the_jit(jit: Jit) -> None:
    item = register(jit.investigator, jit)
    path = jit.path(f"/evidence/{item['id']}/handling")
    by_other = jit.leader.post(path, json={"description_to": ["NL"]})
    assert by_other.status_code == 403, by_other.text
    outside = jit.investigator.post(path, json={"description_to": ["DE"]})
    assert outside.status_code == 422, outside.text
    assert outside.json()["errors"][0]["field"] == "description_to[0]"
    unknown = jit.investigator.post(path, json={"readers": ["FR"]})
    assert unknown.status_code == 400, unknown.text
    # and none of the refusals left an event
    assert [e["type"] for e in events_of(jit.investigator, jit, item["id"])] == [
        "EvidenceItem.Registered"
    ]


# -- the live feed ------------------------------------------------------------------------------


async def test_the_live_feed_withholds_what_the_rest_api_withholds(
    jit: Jit, server: ServerThread
) -> None:
    async with watching([server.url], jit.id, jit.legal, jit.leader) as (nl, fr):
        # When BE registers a restricted item while both watch
        item, _ = restricted_item(jit)
        head = log_of(jit.leader, jit.id)[-1]["position"]
        await nl.reach(head)
        await fr.reach(head)
    # Then NL received each event as its REST log shows it, FR whole
    live_nl = [m["event"] for m in nl.events if m["event"]["aggregate_id"] == item["id"]]
    live_fr = [m["event"] for m in fr.events if m["event"]["aggregate_id"] == item["id"]]
    assert live_nl == events_of(jit.legal, jit, item["id"])
    assert live_fr == events_of(jit.leader, jit, item["id"])
    assert SECRET not in json.dumps(live_nl) and FILE_NAME not in json.dumps(live_nl)
    assert any(e["data"].get("description") == SECRET for e in live_fr)
    # and one catching up from the log later gets the same withheld documents
    async with Watcher([server.url], jit.id, token_of(jit.legal)) as late:
        await late.caught_up()
    assert [m["event"] for m in late.events if m["event"]["aggregate_id"] == item["id"]] == live_nl


# -- disclosure ---------------------------------------------------------------------------------


def test_a_bundle_withholds_what_the_disclosing_party_may_not_read_or_have(
    jit: Jit, tmp_path: Path
) -> None:
    # Given a BE item NL may not read, and one NL may read but not download
    hidden, _ = restricted_item(jit)
    readable = register(
        jit.investigator,
        jit,
        {"description_to": ["NL"], "files_to": []},
        description="ledger of payments",
        place="Ghent",
    )
    kept_back = upload(jit.investigator, jit, readable["id"], "payments.pdf", b"payments")
    shared = register(jit.leader, jit, description="FR notes", place="Lille")
    given = upload(jit.leader, jit, shared["id"], "notes.txt", b"notes of the FR team")
    # When the NL legal advisor discloses, files included
    response = jit.legal.post(
        jit.path("/disclosures"),
        json={"purpose": "disclosure to the defence", "include_files": True},
    )
    assert response.status_code == 201, response.text
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(response.content)
    # Then the hidden item's events are withheld (their hashes kept), the other's file is
    # left out, and the bundle still verifies offline
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        text = z.read("events.jsonl").decode() + z.read("records.json").decode()
        records = json.loads(z.read("records.json"))
        files = [n for n in z.namelist() if n.startswith("files/")]
    for secret in (SECRET, PLACE, FILE_NAME):
        assert secret not in text
    assert hidden["id"] in records["withheld"]
    assert hidden["id"] not in [e["id"] for e in records["evidence"]]
    assert readable["id"] in [e["id"] for e in records["evidence"]]
    assert f"files/{kept_back['sha256']}" not in files
    assert files == [f"files/{given['sha256']}"]
    assert verify_bundle(bundle).ok


def test_the_past_is_shown_by_the_restrictions_in_force_now(jit: Jit) -> None:
    # Given an item NL could read when it was registered, restricted since
    item = register(jit.investigator, jit)
    then = log_of(jit.leader, jit.id)[-1]["position"]
    restricted = jit.investigator.post(
        jit.path(f"/evidence/{item['id']}/handling"), json={"description_to": ["FR"]}
    )
    assert restricted.status_code == 200, restricted.text
    # When NL reads the item and the register as they stood then
    past = jit.legal.get(jit.path(f"/evidence/{item['id']}"), params={"as_of": then}).json()
    listed = jit.legal.get(jit.path("/evidence"), params={"as_of": then}).json()
    # Then what it may no longer read is withheld there too; FR still reads it whole
    assert past["description"] is None and past["withheld"]
    assert [e["description"] for e in listed if e["id"] == item["id"]] == [None]
    fr = jit.leader.get(jit.path(f"/evidence/{item['id']}"), params={"as_of": then}).json()
    assert fr["description"] == SECRET
