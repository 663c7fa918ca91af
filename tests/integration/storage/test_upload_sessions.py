"""A large file sent in parts: each part checked, a dropped connection resumed from the parts
the server holds, the whole file's SHA-256 computed and recorded; nothing recorded until
every part has arrived, and a session nobody else can see or use."""

from __future__ import annotations

import hashlib
import os
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.integration.storage.stores import Store, register_item
from tests.support import Jit, Person, log_of

PART = 8 * 1024 * 1024


def open_session(person: Person, jit: Jit, item: dict[str, Any], **body: Any) -> Any:
    return person.post(
        jit.path(f"/evidence/{item['id']}/uploads"),
        json={"name": "phone.bin", "media_type": "application/octet-stream", **body},
    )


def send_part(
    person: Person, jit: Jit, item: dict[str, Any], upload: str, number: int, data: bytes
) -> Any:
    return person.post(
        jit.path(f"/evidence/{item['id']}/uploads/{upload}/parts/{number}"),
        content=data,
        headers={"X-Content-SHA256": hashlib.sha256(data).hexdigest()},
    )


def cut_off(base_url: str, path: str, token: str, data: bytes, sent: int) -> None:
    """Send a part's request with its full length announced, then drop the connection after
    `sent` bytes of the body, as a laptop that goes to sleep does."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port)) as raw:
        raw.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Length: {len(data)}\r\n"
                f"X-Content-SHA256: {hashlib.sha256(data).hexdigest()}\r\n\r\n"
            ).encode()
            + data[:sent]
        )


def test_a_file_sent_in_parts_resumes_after_a_drop_and_records_its_hash(
    team: Jit, store: Store
) -> None:
    fr = team.investigator
    item = register_item(fr, team)
    data = os.urandom(2 * PART + 12345)
    whole = hashlib.sha256(data).hexdigest()
    opened = open_session(fr, team, item, size=len(data), sha256=whole)
    assert opened.status_code == 201, opened.text
    session = opened.json()
    assert (session["part_count"], session["missing"]) == (3, [1, 2, 3])
    upload = session["id"]
    parts = [data[i : i + PART] for i in range(0, len(data), PART)]

    assert send_part(fr, team, item, upload, 1, parts[0]).status_code == 200
    # the connection drops in the middle of part 2
    token = fr.client.headers["Authorization"].removeprefix("Bearer ")
    path = team.path(f"/evidence/{item['id']}/uploads/{upload}/parts/2")
    cut_off(store.url, path, token, parts[1], sent=PART // 2)

    # where to resume: the server holds part 1 only, and nothing is recorded yet
    resumed = fr.get(team.path(f"/evidence/{item['id']}/uploads/{upload}")).json()
    assert resumed["missing"] == [2, 3]
    assert resumed["received_bytes"] == PART
    early = fr.post(team.path(f"/evidence/{item['id']}/uploads/{upload}/completion"))
    assert early.status_code == 409, early.text
    assert "parts not received yet: 2, 3" in early.json()["detail"]
    assert not [e for e in log_of(fr, team.id) if e["type"] == "EvidenceItem.FileAttached"]

    for number in (3, 2):  # in any order
        sent = send_part(fr, team, item, upload, number, parts[number - 1])
        assert sent.status_code == 200, sent.text
        assert sent.json()["sha256"] == hashlib.sha256(parts[number - 1]).hexdigest()
    done = fr.post(team.path(f"/evidence/{item['id']}/uploads/{upload}/completion"))
    assert done.status_code == 201, done.text
    assert done.json()["file"]["sha256"] == whole
    assert done.json()["file"]["size"] == len(data)
    # the recorded file downloads whole, as it was
    file_id = done.json()["file"]["id"]
    downloaded = fr.get(
        team.path(f"/evidence/{item['id']}/files/{file_id}/content"),
        params={"purpose": "check the upload"},
    )
    assert hashlib.sha256(downloaded.content).hexdigest() == whole
    # the session is over
    assert fr.get(team.path(f"/evidence/{item['id']}/uploads/{upload}")).status_code == 404


@pytest.mark.parametrize("store", ["directory"], indirect=True)  # the rules, not the store
def test_a_part_that_does_not_match_is_refused_and_not_kept(team: Jit, store: Store) -> None:
    fr = team.investigator
    item = register_item(fr, team)
    data = os.urandom(PART + 10)
    upload = open_session(fr, team, item, size=len(data)).json()["id"]
    url = team.path(f"/evidence/{item['id']}/uploads/{upload}/parts/1")
    wrong = fr.post(url, content=data[:PART], headers={"X-Content-SHA256": "0" * 64})
    assert wrong.status_code == 422, wrong.text
    short = send_part(fr, team, item, upload, 1, data[:100])
    assert short.status_code == 422, short.text
    assert f"part 1 holds {PART} bytes; 100 arrived" in short.json()["detail"]
    beyond = send_part(fr, team, item, upload, 3, data[:10])
    assert beyond.status_code == 422 and "parts 1 to 2" in beyond.json()["detail"]
    state = fr.get(team.path(f"/evidence/{item['id']}/uploads/{upload}")).json()
    assert state["missing"] == [1, 2]


@pytest.mark.parametrize("store", ["directory"], indirect=True)
def test_the_joined_file_must_match_the_declared_hash(team: Jit, store: Store) -> None:
    fr = team.investigator
    item = register_item(fr, team)
    data = os.urandom(1000)
    upload = open_session(fr, team, item, size=len(data), sha256="ab" * 32).json()["id"]
    assert send_part(fr, team, item, upload, 1, data).status_code == 200
    done = fr.post(team.path(f"/evidence/{item['id']}/uploads/{upload}/completion"))
    assert done.status_code == 422, done.text
    assert not [e for e in log_of(fr, team.id) if e["type"] == "EvidenceItem.FileAttached"]


@pytest.mark.parametrize("store", ["directory"], indirect=True)
def test_a_session_is_its_opener_s_alone(team: Jit, store: Store) -> None:
    fr, leader = team.investigator, team.leader
    item = register_item(fr, team)
    upload = open_session(fr, team, item, size=10).json()["id"]
    base = team.path(f"/evidence/{item['id']}/uploads/{upload}")
    assert leader.get(base).status_code == 404
    assert send_part(leader, team, item, upload, 1, b"0123456789").status_code == 404
    assert leader.post(f"{base}/completion").status_code == 404
    assert leader.post(f"{base}/cancellation").status_code == 404
    assert team.outsider.get(base).status_code == 404
    # the opener gives it up: it is gone
    assert fr.post(f"{base}/cancellation").status_code == 204
    assert fr.get(base).status_code == 404


@pytest.mark.parametrize("store", ["directory"], indirect=True)
def test_a_session_that_cannot_be_opened_says_why(team: Jit, store: Store) -> None:
    fr = team.investigator
    item = register_item(fr, team)
    too_big = open_session(fr, team, item, size=10**15)
    assert too_big.status_code == 413 and "limit" in too_big.json()["detail"]
    assert open_session(fr, team, item, size=0).status_code == 400
    assert open_session(fr, team, item, size=10, name="../etc/passwd").status_code == 400
    # an observer of the JIT may not attach files
    assert open_session(team.outsider, team, item, size=10).status_code == 404
