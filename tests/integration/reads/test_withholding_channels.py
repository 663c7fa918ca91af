"""Restricted facts never reach a member who may not read them, on any channel (issue #13).

One generated test: unique canary strings are planted in every field the withholding rule
(jitspace/reads/withholding.py) protects, and every read channel of the app is then asked, as
every kind of member, for every record: the REST reads and lists, now and `as_of`, the
event log, the live feed (live, and its catch-up after the hello), custody chains,
verification answers, admissibility, disclosure bundles and the error messages of every
command. No canary a member may not read appears in any answer they get; each canary
reaches a member who may read it (the channels do carry them).

Generated, so that what is not covered fails: the channels are the app's routes (a GET
route whose path this test cannot fill, or a POST route not classified below, fails by
name); the protected fields are the domain's (every event field named in CONTENT_FIELDS
and every event type of the legal file must carry a planted canary); who may read what
comes from the permission table and the handling restrictions, never written per cell.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

import domain.rulebook
import domain.task
from domain.base import JitAggregate
from domain.handling import CONTENT_FIELDS
from domain.permissions import Action, permits
from domain.values import Role
from jitspace.reads.withholding import READ_WITH, read_with
from jitspace.settings import Settings
from jitspace.web import ASSETS
from tests.integration.flows.test_access_matrix import endpoints
from tests.live import Watcher
from tests.support import (
    APRIL_2024,
    Jit,
    People,
    Person,
    ServerThread,
    add_member,
    authorisation_body,
    evidence_body,
    log_of,
)

assert domain.rulebook and domain.task  # every aggregate is loaded, to be enumerated

TYPED = re.compile(r"{(\w+)(:\w+)?}")
CANARY = re.compile(r"CANARY-[A-Z]+-[0-9a-f]{8}")
# the POST routes whose answer is a read: called as every member, answers scanned
POST_READS = {"verification", "disclosures"}
# the POST routes that answer about the caller's own session, not the investigation
SESSION = {"/auth/login", "/auth/logout"}
BASES = {"Event", "Created"}
# eight viewers on a shared, busy machine: how long one may wait for what it must receive
PATIENCE = 60.0


@dataclass(frozen=True)
class Canary:
    text: str
    legal: bool  # part of the legal file: only who may VIEW_LEGAL reads it
    content: bool  # what the restricted item is: only the parties it names read it


@dataclass
class World:
    jit: Jit
    members: dict[str, tuple[Person, str, Role]]  # name -> (person, party, role)
    canaries: list[Canary] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    authorisations: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    readers_of_item: frozenset[str] = frozenset({"BE", "FR"})

    def plant(self, kind: str, *, legal: bool = False, content: bool = False) -> str:
        canary = Canary(f"CANARY-{kind.upper()}-{uuid.uuid4().hex[:8]}", legal, content)
        self.canaries.append(canary)
        return canary.text

    def hidden_from(self, name: str) -> set[str]:
        """The canaries the member may not read, by the permission table and the item's
        handling restrictions (the investigation gives its observers no rights)."""
        _, country, role = self.members[name]
        legal = permits(role, Action.VIEW_LEGAL)
        party = country in self.readers_of_item
        return {
            c.text for c in self.canaries if (c.legal and not legal) or (c.content and not party)
        }


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def plant_everything(w: World, people: People) -> None:
    jit = w.jit
    be, fr_legal, be_legal = (w.members[n][0] for n in ("be", "fr-legal", "be-legal"))
    leader = jit.leader
    # the legal file: authorisations (an interception target's phone number), a rulebook
    a1 = ok(
        leader.post(
            jit.path("/authorisations"),
            json=authorisation_body(
                authority=w.plant("authority", legal=True),
                reference=w.plant("reference", legal=True),
                **APRIL_2024,
                scope={
                    "targets": [w.plant("phone", legal=True) + " +33 6 12 34 56 78"],
                    "places": [w.plant("place", legal=True)],
                },
                conditions=w.plant("conditions", legal=True),
            ),
        ),
        201,
    )["id"]
    a2 = ok(
        leader.post(
            jit.path("/authorisations"),
            json=authorisation_body(
                kind="search_warrant", authority="Juge d'instruction", reference="W-2", **APRIL_2024
            ),
        ),
        201,
    )["id"]
    w.authorisations += [a1, a2]
    steps = {
        "qualification": {"issuer": "judge", "offences": [w.plant("offence", legal=True)]},
        "amendment": {
            "scope": {"targets": [w.plant("target", legal=True)]},
            "reason": w.plant("reason", legal=True),
        },
        "extension": {
            "valid_until": "2024-06-01T00:00:00+02:00",
            "reason": w.plant("reason", legal=True),
        },
        "confirmation": {"judge": w.plant("judge", legal=True)},
        "annulment": {
            "court": w.plant("court", legal=True),
            "ruling": w.plant("ruling", legal=True),
        },
    }
    for step, body in steps.items():
        ok(leader.post(jit.path(f"/authorisations/{a1}/{step}"), json=body))
    # notifications to the states of the target: one sent and objected to, one not made
    notices = {
        "notifications": {"to_country": "CH"},
        "notification-receipts": {"to_country": "CH"},
        "objections": {
            "by_country": "CH",
            "covers": "use_of_data",
            "note": w.plant("note", legal=True),
        },
        "no-notification": {"to_country": "DE", "reason": w.plant("reason", legal=True)},
    }
    for step, body in notices.items():
        ok(leader.post(jit.path(f"/authorisations/{a1}/{step}"), json=body))
    # the measure entrusted to BE's seconded member; a formality BE's forum asked for, not met
    entrusted = {
        "to_country": "BE",
        "entrusted_by": w.plant("authority", legal=True),
        "allowed_by_host_law": True,
        "legal_basis": w.plant("basis", legal=True),
    }
    ok(leader.post(jit.path(f"/authorisations/{a1}/entrustments"), json=entrusted))
    formality = w.plant("formality", legal=True)
    asked = {"formalities": [formality], "requested_by": w.plant("authority", legal=True)}
    ok(be_legal.post(jit.path(f"/authorisations/{a1}/formalities"), json=asked))
    answer = {
        "formality": formality,
        "by_country": "BE",
        "met": False,
        "reason": w.plant("reason", legal=True),
    }
    ok(leader.post(jit.path(f"/authorisations/{a1}/formality-reports"), json=answer))
    revocation = {"reason": w.plant("reason", legal=True)}
    ok(leader.post(jit.path(f"/authorisations/{a2}/revocation"), json=revocation))
    ok(fr_legal.post(jit.path("/rulebooks"), json={"country": "FR", "source": "fr"}), 201)
    rule = {
        "rule": "CU-02",
        "params": {"severity": "FAIL"},
        "reason": w.plant("reason", legal=True),
    }
    ok(fr_legal.post(jit.path("/rulebooks/FR/rules"), json=rule))
    removal = {"reason": w.plant("reason", legal=True)}
    ok(fr_legal.post(jit.path("/rulebooks/FR/rules/PR-01/removal"), json=removal))

    # a BE item only FR may read: every content field of its events
    item = ok(
        be.post(
            jit.path("/evidence"),
            json=evidence_body(
                reference="BE-INF-1",
                kind="seized_device",
                description=w.plant("description", content=True),
                place=w.plant("place", content=True),
                authorisation_id=a1,
                handling={"description_to": ["FR"]},
            ),
        ),
        201,
    )["id"]
    w.items.append(item)
    base = f"/evidence/{item}"
    amendment = {"description": w.plant("description", content=True), "reason": "serial read"}
    ok(be.post(jit.path(f"{base}/description"), json=amendment))
    collection = {"place": w.plant("place", content=True), "note": w.plant("note", content=True)}
    ok(be.post(jit.path(f"{base}/custody/collection"), json=collection))
    name = w.plant("name", content=True) + ".E01"
    uploaded = be.post(jit.path(f"{base}/files"), params={"name": name}, content=b"image bytes")
    w.files.append(ok(uploaded, 201)["file"]["id"])
    storage = {"location": w.plant("location", content=True)}
    ok(be.post(jit.path(f"{base}/custody/storage"), json=storage))
    comment = {"comment": w.plant("comment", content=True)}
    ok(be.post(jit.path(f"{base}/comments"), json=comment))
    # its legal facts: uses, consents, defects (a defect's note is both), whom it concerns
    # (both too: who is in an item says what it is), where its target was, its disclosure
    use = {"proceeding": w.plant("proceeding", legal=True), "purpose": "jit"}
    ok(be.post(jit.path(f"{base}/uses"), json=use))
    consent = {
        "to_country": "FR",
        "purpose": "other_offence",
        "conditions": w.plant("conditions", legal=True),
    }
    ok(be_legal.post(jit.path(f"{base}/consents"), json=consent))
    withdrawal = {
        "to_country": "FR",
        "purpose": "other_offence",
        "reason": w.plant("reason", legal=True),
    }
    ok(be_legal.post(jit.path(f"{base}/consent-withdrawals"), json=withdrawal))
    defect = {"note": w.plant("note", legal=True, content=True)}
    ok(be_legal.post(jit.path(f"{base}/defects"), json=defect))
    person = w.plant("person", legal=True, content=True)
    whom = {"identifiers": [{"kind": "person", "value": person}]}
    ok(be.post(jit.path(f"{base}/concerns"), json=whom))
    ok(be_legal.post(jit.path(f"{base}/target-location"), json={"country": "CH"}))
    # consent asked by FR and refused; BE's conditions, one met and one lifted; sent on
    request = {"purpose": "other_offence", "note": w.plant("note", legal=True)}
    ok(fr_legal.post(jit.path(f"{base}/consent-requests"), json=request))
    refusal = {
        "to_country": "FR",
        "purpose": "other_offence",
        "reason": w.plant("reason", legal=True),
    }
    ok(be_legal.post(jit.path(f"{base}/consent-refusals"), json=refusal))
    for kind in ("use", "disclosure"):
        condition = {"kind": kind, "text": w.plant("condition", legal=True)}
        ok(be_legal.post(jit.path(f"{base}/conditions"), json=condition))
    met = {"number": 1, "note": w.plant("note", legal=True)}
    ok(be_legal.post(jit.path(f"{base}/conditions-met"), json=met))
    lifted = {"number": 2, "reason": w.plant("reason", legal=True)}
    ok(be_legal.post(jit.path(f"{base}/conditions-lifted"), json=lifted))
    onward = {
        "to_country": "CH",
        "recipient": w.plant("recipient", legal=True),
        "reason": w.plant("reason", legal=True),
    }
    ok(fr_legal.post(jit.path(f"{base}/onward-transfers"), json=onward))
    # a legal hold's grounds (placed, released, placed again: the item shows the last)
    for reason in ("reason", "release", "reason"):
        grounds = {"reason": w.plant(reason, legal=True)}
        if reason == "reason":
            grounds["reference"] = w.plant("order", legal=True)
        step = "legal-hold" if reason == "reason" else "legal-hold/release"
        ok(be_legal.post(jit.path(f"{base}/{step}"), json=grounds))
    # its review for privileged content (the legal file; its note what the item is), and the
    # record of the search that seized it (its note: what the item is)
    review = {
        "reviewed_by": w.plant("reviewer", legal=True),
        "result": "privileged_deleted",
        "note": w.plant("note", legal=True, content=True),
    }
    ok(be_legal.post(jit.path(f"{base}/privilege-reviews"), json=review))
    search = {
        "witnesses": ["the occupant"],
        "inventory_made": True,
        "signed_by": ["the officer"],
        "note": w.plant("note", content=True),
    }
    ok(be.post(jit.path(f"{base}/search-record"), json=search))
    # and its step on BE's disclosure schedule (its note is legal)
    schedule = {"step": "reviewed", "note": w.plant("note", legal=True)}
    ok(be.post(jit.path(f"{base}/disclosure-schedule"), json=schedule))
    ok(be.post(jit.path(f"{base}/territory"), json={"country": "CH"}))
    ruling = {"court": "Brussels court", "ruling": "R-1", "effect": "admitted"}
    ok(
        be_legal.post(
            jit.path(f"{base}/rulings"), json=ruling | {"note": w.plant("note", legal=True)}
        )
    )
    # and records everyone reads: a task about the item, an item of FR
    task = {"title": "Trace the payments", "evidence_ids": [item], "authorisation_ids": [a1]}
    w.tasks.append(ok(leader.post(jit.path("/tasks"), json=task), 201)["id"])
    fr_item = {
        "reference": "FR-DOC-1",
        "kind": "document",
        "description": "ledger",
        "occurred_at": "2024-05-03T07:30:00+02:00",
        "collected_by": "Lt. Martin",
        "place": "Lyon",
        "method": "search",
    }
    w.items.append(ok(leader.post(jit.path("/evidence"), json=fr_item), 201)["id"])


# -- the channels ---------------------------------------------------------------------------


def fill(w: World, path: str) -> Iterator[str]:
    """Every concrete path of a declared route: one per record its parameters name."""
    values = {
        "investigation_id": [w.jit.id],
        "evidence_id": w.items,
        "authorisation_id": w.authorisations,
        "task_id": w.tasks,
        "file_id": w.files,
        "country": ["FR", "BE", "NL"],
        "member_id": [str(w.jit.leader.user_id)],
        "user_id": [str(w.jit.leader.user_id)],  # the deployment's users: administrators' only
        "rule": ["PR-01"],
        "path": ["openapi.json"],
        "position": ["1", "2", "3"],  # the log's chain: hashes only, read by every member
        "file_path": [p.name for p in ASSETS.iterdir()],  # the interface: the same for all
        "upload_id": [str(uuid.uuid4())],  # sessions are their openers' alone
        "number": ["1"],
    }
    names = [m.group(1) for m in TYPED.finditer(path)]
    missing = [n for n in names if n not in values]
    assert not missing, f"{path}: this test cannot fill the path parameters {missing}"
    paths = [path]
    for name in names:
        paths = [
            TYPED.sub(lambda m, n=name, v=v: v if m.group(1) == n else m.group(0), p, count=0)
            for p in paths
            for v in values[name]
        ]
    yield from paths


def answers(w: World, person: Person, settings: Settings, head: int) -> Iterator[tuple[str, str]]:
    """(channel, body) of every read the app offers, as `person` asks them."""
    unclassified = []
    for endpoint in endpoints(settings):
        if endpoint.method == "WS":
            continue  # the live feed: see the test
        last = endpoint.path.rsplit("/", 1)[-1]
        for path in fill(w, endpoint.path):
            if endpoint.method == "GET":
                for params in ({}, {"as_of": str(head)}):
                    query = {**params, "limit": "1000", "purpose": "prepare the hearing"}
                    response = person.get(path, params=query)
                    yield f"GET {path} {params}", response.text
            elif endpoint.method == "POST" and last in POST_READS:
                body = {"purpose": "disclosure to the defence", "include_files": True}
                response = person.post(path, json=body if last == "disclosures" else None)
                yield f"POST {path}", bundle_text(response)
            elif endpoint.method == "POST" and endpoint.path in SESSION:
                continue
            elif endpoint.method == "POST":
                # a command: its answer to a caller is the record it changed, through the
                # views its GET route uses; its error messages are read here (an empty body,
                # a stale version: refused before anything is recorded)
                response = person.post(path, json={}, headers={"If-Match": '"0"'})
                if response.status_code < 400:
                    unclassified.append(f"POST {path} accepted an empty command")
                yield f"POST {path} (refused)", response.text
            else:
                unclassified.append(f"{endpoint.method} {endpoint.path}: not classified here")
    assert not unclassified, "\n".join(unclassified)


def bundle_text(response: httpx.Response) -> str:
    """A disclosure bundle's members, as text; any other answer as it is."""
    if response.status_code != 201:
        return response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        return "\n".join(
            bundle.read(name).decode(errors="replace")
            for name in bundle.namelist()
            if not name.startswith("files/")
        )


# -- what the domain says is protected -------------------------------------------------------


def event_classes() -> Iterator[tuple[str, type]]:
    for aggregate in JitAggregate.__subclasses__():
        for name, value in vars(aggregate).items():
            if name in BASES:
                continue  # the library's own bases of the aggregate's events
            if isinstance(value, type) and issubclass(value, JitAggregate.Event):
                yield f"{aggregate.__name__}.{value.__name__}", value


def coverage_problems(w: World, log: list[dict[str, Any]]) -> list[str]:
    problems = [
        f"{a.__name__}: its events are read with no action of jitspace/reads/withholding.py"
        for a in JitAggregate.__subclasses__()
        if a.__name__ not in READ_WITH
    ]
    planted = {c.text for c in w.canaries}

    def carries(event_type: str, name: str | None = None) -> bool:
        for event in log:
            if event["type"] != event_type:
                continue
            values = [event["data"].get(name)] if name else list(event["data"].values())
            if any(set(CANARY.findall(str(v))) & planted for v in values):
                return True
        return False

    for event_type, cls in event_classes():
        fields = {f.name for f in dataclasses.fields(cls)}
        problems += [
            f"{event_type}.{name}: a protected field with no canary planted by this test"
            for name in sorted(fields & set(CONTENT_FIELDS))
            if event_type.startswith("EvidenceItem.") and not carries(event_type, name)
        ]
        if read_with(event_type) is Action.VIEW_LEGAL and not any(
            e["type"] == event_type for e in log
        ):
            problems.append(f"{event_type}: a legal-file event this test does not record")
    return problems


def legal_file_problems(name: str, log: list[dict[str, Any]]) -> list[str]:
    """Of a member who may not see the legal file: its events keep their header only."""
    return [
        f"{name} read {e['type']} at {e['position']}: {e['data']}"
        for e in log
        if read_with(e["type"]) is Action.VIEW_LEGAL
        and (any(v is not None for v in e["data"].values()) or e["withheld"] != list(e["data"]))
    ]


# -- the test ----------------------------------------------------------------------------------


async def test_no_channel_gives_a_member_a_fact_they_may_not_read(
    jit: Jit, people: People, server: ServerThread, settings: Settings
) -> None:
    members = {
        "fr-leader": (jit.leader, "FR", Role.JIT_LEADER),
        "be": (jit.investigator, "BE", Role.INVESTIGATOR),
        "nl-legal": (jit.legal, "NL", Role.LEGAL_ADVISOR),
    }
    for name, country, role in (
        ("fr-legal", "FR", Role.LEGAL_ADVISOR),
        ("be-legal", "BE", Role.LEGAL_ADVISOR),
        ("fr-observer", "FR", Role.OBSERVER),
        ("nl-observer", "NL", Role.OBSERVER),
        ("nl-investigator", "NL", Role.INVESTIGATOR),
    ):
        person = await asyncio.to_thread(add_member, people, jit, name, country, role.value)
        members[name] = (person, country, role)
    w = World(jit, members)
    tokens = {
        n: p.client.headers["Authorization"].removeprefix("Bearer ")
        for n, (p, _, _) in members.items()
    }
    seen: dict[str, list[tuple[str, str]]] = {name: [] for name in members}

    # Given every member watching the live feed while the canaries are planted
    watchers = {n: Watcher([server.url], jit.id, tokens[n]) for n in members}
    for watcher in watchers.values():
        await watcher.__aenter__()
    try:
        for watcher in watchers.values():
            await watcher.caught_up(PATIENCE)
        await asyncio.to_thread(plant_everything, w, people)
        head = (await asyncio.to_thread(log_of, jit.leader, jit.id))[-1]["position"]
        for watcher in watchers.values():
            await watcher.reach(head, PATIENCE)
    finally:
        for watcher in watchers.values():
            await watcher.stop()
    for name, watcher in watchers.items():
        seen[name].append(("live feed", str(watcher.messages)))
    # and catching up after the hello, from the start and from the middle of the log
    for name in members:
        for after in (0, head // 2):
            async with Watcher([server.url], jit.id, tokens[name], after=after) as late:
                await late.reach(head, PATIENCE)
            seen[name].append((f"live catch-up after {after}", str(late.messages)))

    # When each member reads every channel
    for name, (person, _, _) in members.items():
        got = await asyncio.to_thread(lambda p=person: list(answers(w, p, settings, head)))
        seen[name] += got

    # Then the test covers every protected field and legal-file event of the domain
    log = await asyncio.to_thread(log_of, members["fr-legal"][0], jit.id)
    problems = coverage_problems(w, log)
    for name, (person, _, role) in members.items():
        if not permits(role, Action.VIEW_LEGAL):
            problems += legal_file_problems(name, await asyncio.to_thread(log_of, person, jit.id))
    # and no member received a canary they may not read, on any channel
    for name, bodies in seen.items():
        hidden = w.hidden_from(name)
        for channel, body in bodies:
            problems += [
                f"{name} read {c} in {channel}" for c in sorted(set(CANARY.findall(body)) & hidden)
            ]
    # while each canary reached someone who may read it (the channels do carry them)
    received = {c for bodies in seen.values() for _, body in bodies for c in CANARY.findall(body)}
    problems += [f"{c.text} reached no one" for c in w.canaries if c.text not in received]
    assert {n for n in members if w.hidden_from(n)} >= {"fr-observer", "nl-legal", "nl-observer"}
    assert not problems, "\n".join(problems[:80]) + f"\n({len(problems)} problems)"


async def test_a_viewer_whose_rights_change_while_watching_reads_by_the_new_ones(
    jit: Jit, people: People, server: ServerThread
) -> None:
    # Given an FR investigator watching the live feed
    person = await asyncio.to_thread(add_member, people, jit, "fr-inv", "FR", "investigator")
    token = person.client.headers["Authorization"].removeprefix("Bearer ")
    warrant = {
        "kind": "interception_order",
        "country": "FR",
        "authority": "Juge d'instruction",
        "reference": "W-9",
        "occurred_at": "2024-04-01T09:00:00+02:00",
        "valid_from": "2024-04-01T00:00:00+02:00",
        "valid_until": "2024-05-01T00:00:00+02:00",
    }

    def record(target: str) -> None:
        body = {**warrant, "scope": {"targets": [target]}}
        ok(jit.leader.post(jit.path("/authorisations"), json=body), 201)

    def change(path: str, body: dict[str, Any]) -> None:
        ok(jit.leader.post(jit.path(path), json=body))

    async with Watcher([server.url], jit.id, token) as watcher:
        await watcher.caught_up()
        # When they become an observer, then an interception order is recorded
        role = {"role": "observer", "reason": "seconded to Europol"}
        await asyncio.to_thread(change, f"/members/{person.user_id}/role", role)
        await asyncio.to_thread(record, "+33 6 00 00 00 01")
        # and the JIT agreement then gives observers the legal file, and another is recorded
        rights = {"rights": ["view_legal"], "agreement_clause": "art. 7"}
        await asyncio.to_thread(change, "/observer-rights", rights)
        await asyncio.to_thread(record, "+33 6 00 00 00 02")
        head = (await asyncio.to_thread(log_of, jit.leader, jit.id))[-1]["position"]
        await watcher.reach(head)
    # Then the first reached them withheld, the second whole
    recorded = [
        m["event"] for m in watcher.events if m["event"]["type"] == "LegalAuthorisation.Recorded"
    ]
    assert len(recorded) == 2 and recorded[0]["data"]["scope"] is None
    assert recorded[1]["data"]["scope"]["targets"] == ["+33 6 00 00 00 02"]
    assert "+33 6 00 00 00 01" not in str(watcher.messages)
