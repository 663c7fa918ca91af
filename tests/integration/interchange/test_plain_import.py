"""Items imported from JSON lines and CSV, all or none: a good document gives its items with
their files and hashes; bad input is refused with each problem named by its line, and leaves
no event and no file; only a member who may register evidence imports."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from jitspace.settings import Settings
from tests.integration.interchange.plain_support import (
    CHAT,
    CSV,
    JSONL,
    PHOTO,
    ZIP,
    collected,
    csv_text,
    json_lines,
    recorded_items,
    row,
    send,
    with_file,
    zipped,
)
from tests.storage import stored_files
from tests.support import (
    Jit,
    People,
    add_member,
    authorisation_body,
    log_of,
    register_item,
)


def nothing_left(jit: Jit, settings: Settings) -> tuple[int, set[str]]:
    return len(log_of(jit.leader, jit.id)), stored_files(settings.data_dir / "blobs")


def test_json_lines_in_an_archive_give_the_items_with_their_files(jit: Jit) -> None:
    warrant = jit.leader.post(jit.path("/authorisations"), json=authorisation_body())
    assert warrant.status_code == 201, warrant.text
    rows = [
        with_file("FR-EXT-1", "media/chat.db", CHAT, kind="intercepted_communication"),
        with_file(
            "FR-EXT-2",
            "media/DCIM/photo.jpg",
            PHOTO,
            file_name="IMG_0001.jpg",
            authorisation_id=warrant.json()["id"],
        ),
        row("FR-EXT-3", description="a note found in the flat\nsecond line"),
    ]
    body = zipped(
        "extraction.jsonl",
        json_lines(rows),
        {"media/chat.db": CHAT, "media/DCIM/photo.jpg": PHOTO},
    )

    imported = send(jit.leader, jit, body, ZIP)

    assert imported.status_code == 201, imported.text
    answer = imported.json()
    assert [i["reference"] for i in answer["items"]] == ["FR-EXT-1", "FR-EXT-2", "FR-EXT-3"]
    assert [i["files"] for i in answer["items"]] == [1, 1, 0]
    assert answer["files_stored"] == 2
    assert answer["events"] == 5  # three registrations, two files attached
    items = recorded_items(jit.leader, jit)
    assert items["FR-EXT-1"]["files"] == [
        ("chat.db", "application/octet-stream", hashlib.sha256(CHAT).hexdigest(), len(CHAT))
    ]
    assert items["FR-EXT-2"]["files"] == [
        ("IMG_0001.jpg", "image/jpeg", hashlib.sha256(PHOTO).hexdigest(), len(PHOTO))
    ]
    assert items["FR-EXT-2"]["authorisation_id"] == warrant.json()["id"]
    assert items["FR-EXT-1"]["kind"] == "intercepted_communication"
    assert items["FR-EXT-3"]["description"] == "a note found in the flat\nsecond line"
    assert items["FR-EXT-3"]["country"] == "FR"
    first = answer["items"][0]
    [file] = jit.leader.get(jit.path(f"/evidence/{first['id']}")).json()["files"]
    content = jit.leader.get(
        jit.path(f"/evidence/{first['id']}/files/{file['id']}/content"),
        params={"purpose": "check the import"},
    )
    assert content.content == CHAT


def test_csv_alone_gives_the_items_as_written(jit: Jit) -> None:
    rows = [
        row("BE-CSV-1", place="Antwerp, the harbour", collected_by="S. Peeters"),
        row("BE-CSV-2", kind="financial_records", occurred_at="2024-05-03T07:30:00+02:00"),
    ]

    imported = send(jit.investigator, jit, csv_text(rows), CSV)

    assert imported.status_code == 201, imported.text
    items = recorded_items(jit.investigator, jit)
    assert set(items) == {"BE-CSV-1", "BE-CSV-2"}
    assert items["BE-CSV-1"]["place"] == "Antwerp, the harbour"
    assert items["BE-CSV-1"]["country"] == "BE"
    assert items["BE-CSV-2"]["kind"] == "financial_records"
    assert items["BE-CSV-2"]["collected_at"] == "2024-05-03T05:30:00Z"
    assert items["BE-CSV-2"]["files"] == []


def test_csv_in_an_archive_names_its_files_by_path(jit: Jit) -> None:
    rows = [with_file("FR-CSV-9", "chat.db", CHAT)]

    imported = send(jit.leader, jit, zipped("items.csv", csv_text(rows), {"chat.db": CHAT}), ZIP)

    assert imported.status_code == 201, imported.text
    assert recorded_items(jit.leader, jit)["FR-CSV-9"]["files"][0][2] == (
        hashlib.sha256(CHAT).hexdigest()
    )


FILES = {"chat.db": CHAT, "photo.jpg": PHOTO}
GOOD = [with_file("FR-OK-1", "chat.db", CHAT), row("FR-OK-2")]


def json_case(bad: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """Two good rows and a bad one on line 3, in a zip with the files."""
    return zipped("items.jsonl", json_lines([*GOOD, bad]), FILES), ZIP


BAD: dict[str, tuple[bytes, dict[str, str], str, str]] = {
    "a reference that exists": (
        *json_case(row("FR-PHONE-1")),
        "line 3",
        "already holds an evidence item with the reference 'FR-PHONE-1'",
    ),
    "a reference the file repeats": (
        *json_case(row("fr-ok-2 ")),
        "line 3",
        "the reference 'fr-ok-2 ' is also that of line 2",
    ),
    "an unknown party": (*json_case(row("FR-OK-3", party="AT")), "line 3", "AT is not a party"),
    "another party's item": (
        *json_case(row("FR-OK-3", party="BE")),
        "line 3",
        "a member for BE imports it",
    ),
    "a hash that does not match its file": (
        *json_case(with_file("FR-OK-3", "photo.jpg", b"other bytes")),
        "line 3",
        f"'photo.jpg' hash to {hashlib.sha256(PHOTO).hexdigest()}",
    ),
    "a missing file": (
        *json_case(with_file("FR-OK-3", "gone.db", CHAT)),
        "line 3",
        "the archive holds no file 'gone.db'",
    ),
    "a file without an archive": (
        json_lines([with_file("FR-OK-3", "chat.db", CHAT)]),
        JSONL,
        "line 1",
        "a file comes in a zip archive",
    ),
    "a bad date": (
        *json_case(row("FR-OK-3", occurred_at="03/05/2024 07:30")),
        "line 3",
        "occurred_at is not a date and time",
    ),
    "a date without a zone": (
        *json_case(row("FR-OK-3", occurred_at="2024-05-03T07:30:00")),
        "line 3",
        "occurred_at has no time zone",
    ),
    "a date in the future": (
        *json_case(row("FR-OK-3", occurred_at=collected(days_ago=-2))),
        "line 3",
        "is in the future",
    ),
    "an unknown field": (
        *json_case(row("FR-OK-3", colour="red")),
        "line 3",
        "'colour' is not a field of an item",
    ),
    "an unknown kind": (
        *json_case(row("FR-OK-3", kind="hunch")),
        "line 3",
        "kind: 'hunch' is not one of",
    ),
    "broken JSON": (
        json_lines(GOOD[1:]) + b'{"reference": "FR-OK-3",\n',
        JSONL,
        "line 2",
        "is not a JSON object",
    ),
    "a missing field": (
        *json_case({k: v for k, v in row("FR-OK-3").items() if k != "method"}),
        "line 3",
        "method is missing",
    ),
    "an unknown authorisation": (
        *json_case(row("FR-OK-3", authorisation_id="6b86b273-ff34-4ce1-9d6b-804eff5a3f57")),
        "line 3",
        "is not one of this investigation",
    ),
    "an unknown column": (
        csv_text([row("FR-OK-3", colour="red")]),
        CSV,
        "line 1",
        "the columns 'colour' are not fields of an item",
    ),
    "a bad date in CSV": (
        csv_text([row("FR-OK-3"), row("FR-OK-4", occurred_at="yesterday")]),
        CSV,
        "line 3",
        "occurred_at is not a date and time",
    ),
    "a control character": (
        *json_case(row("FR-OK-3", place="Ly\x00on")),
        "line 3",
        "place contains a NUL character",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_refused_by_line_and_leaves_nothing(
    jit: Jit, settings: Settings, case: str
) -> None:
    register_item(jit.leader, jit, reference="FR-PHONE-1")
    body, headers, where, reason = BAD[case]
    before = nothing_left(jit, settings)

    refused = send(jit.leader, jit, body, headers)

    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert any(e["field"] == where and reason in e["message"] for e in errors), errors
    assert nothing_left(jit, settings) == before
    assert set(recorded_items(jit.leader, jit)) == {"FR-PHONE-1"}


def test_every_bad_line_is_named_at_once(jit: Jit) -> None:
    rows = [row("FR-A", party="AT"), row("FR-B"), row("FR-C", occurred_at="soon")]

    refused = send(jit.leader, jit, json_lines(rows), JSONL)

    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["line 1", "line 3"]
    assert "2 problem(s)" in refused.json()["detail"]


def test_problems_are_listed_by_their_lines_whenever_found(jit: Jit) -> None:
    # references repeated (named once the document is read) among other problems (named as
    # their rows are read), more than are listed
    rows = [row("FR-A", party="AT"), row("FR-R"), row("fr-r "), row("FR-B", party="AT")]
    rows += [row("FR-R")] * 100

    refused = send(jit.leader, jit, json_lines(rows), JSONL)

    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == [f"line {n}" for n in [1, *range(3, 102)]] + ["document"]
    assert "is also that of line 2" in errors[1]["message"]
    assert "AT is not a party" in errors[2]["message"]
    assert errors[-1]["message"] == "and 3 more problems"
    assert "103 problem(s)" in refused.json()["detail"]


def test_only_a_member_who_registers_evidence_imports(people: People, jit: Jit) -> None:
    observer = add_member(people, jit, "europol-observer", "FR", "observer")
    body = json_lines([row("XX-1")])

    assert send(jit.outsider, jit, body, JSONL).status_code == 404
    assert send(observer, jit, body, JSONL).status_code == 403
    assert recorded_items(jit.leader, jit) == {}
