"""Every read as of a point (by time and by log position) answers what replaying the
investigation's events up to that point gives, the paged lists page after page and the
admissibility matrix among them: the reads answer from each record's own events and from the
read models' kept rows; the replay here is the reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from eventsourcing.persistence import JSONTranscoder, Notification
from psycopg.rows import dict_row

from domain.authorisation import LegalAuthorisation
from domain.base import replay
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.task import Task
from jitspace.documents.admissibility import NOTICE, AdmissibilityMatrix, ItemAdmissibility
from jitspace.documents.custody import AuditedItem, CustodyDefect, custody_audit
from jitspace.documents.views import (
    authorisation_summary,
    authorisation_view,
    cell_view,
    custody_view,
    evidence_summary,
    evidence_view,
    explanation_view,
    investigation_view,
    lineage_of,
    task_summary,
    task_view,
)
from jitspace.ledger.eventlog import MsgspecMapper
from jitspace.reads.withholding import custody_for
from projections.admissibility import matrix_as_of, matrix_on, revisited
from projections.custody import chains_as_of
from tests.integration.api.test_lineage import derive
from tests.integration.api.test_list_pages import walk
from tests.support import Jit, Person, evidence_body, log_of, remove_member

from .test_replay import AUTHORISATION


def events_up_to(database_url: str, jit: Jit, position: int) -> list[Any]:
    """The investigation's domain events up to `position`, in log order."""
    mapper = MsgspecMapper(transcoder=JSONTranscoder())
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rows = conn.execute(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM jitspace_events WHERE investigation_id = %s AND notification_id <= %s "
            "ORDER BY notification_id",
            (UUID(jit.id), position),
        ).fetchall()
    return [
        mapper.to_domain_event(
            Notification(
                id=r["notification_id"],
                originator_id=r["originator_id"],
                originator_version=r["originator_version"],
                topic=r["topic"],
                state=bytes(r["state"]),
            )
        )
        for r in rows
    ]


def as_json(document: Any) -> Any:
    return msgspec.json.decode(msgspec.json.encode(document))


def replayed(events: list[Any], jit: Jit, country: str, withheld: set[UUID]) -> dict[str, Any]:
    """What a member of `country` reads, from the events replayed (the reference)."""
    records = replay(events)
    chains = chains_as_of(events)
    investigation = records[UUID(jit.id)]
    assert isinstance(investigation, Investigation)

    def of(cls: type[Any]) -> list[Any]:
        return [r for r in records.values() if isinstance(r, cls)]

    items = sorted(of(EvidenceItem), key=lambda i: (i.created_on, i.id))
    register = {
        i.id: evidence_summary(i, chains.get(i.id, (None, 0))[0], i.id not in withheld)
        for i in items
    }
    defective = [
        AuditedItem(
            i.id,
            i.reference,
            msgspec.convert(msgspec.to_builtins(chain.defects), list[CustodyDefect]),
        )
        for i in sorted(items, key=lambda i: (i.reference, str(i.id)))
        if (chain := chains.get(i.id, (None, 0))[0]) is not None and chain.defects
    ]
    seen: dict[str, Any] = {
        "investigation": investigation_view(investigation),
        "tasks": [task_summary(t) for t in sorted(of(Task), key=lambda t: (t.created_on, t.id))],
        "authorisations": [
            authorisation_summary(a)
            for a in sorted(of(LegalAuthorisation), key=lambda a: (a.valid_from, a.id))
        ],
        "evidence": list(register.values()),
        "evidence/custody-audit": custody_audit(
            [(d.evidence_id, d.reference, d.defects) for d in defective]
        ),
        # not a read of its own: the rows the custody audit's pages walk through
        "audited": defective,
    }
    for task in of(Task):
        seen[f"tasks/{task.id}"] = task_view(task)
    for authorisation in of(LegalAuthorisation):
        seen[f"authorisations/{authorisation.id}"] = authorisation_view(authorisation)
    for item in items:
        readable = item.id not in withheld
        deletion = item.deletion_date(investigation, records.get)
        seen[f"evidence/{item.id}"] = evidence_view(
            item, country, readable=readable, deletion=deletion
        )
        chain, version = chains[item.id]
        seen[f"evidence/{item.id}/custody"] = custody_for(
            custody_view(item.id, chain, version), readable
        )
        seen[f"evidence/{item.id}/lineage"] = lineage_of(
            item.id, {i.id: (register[i.id], i.parent_id, i.relation) for i in items}
        )
    return {path: as_json(document) for path, document in seen.items()}


def matrix_replayed(
    events: list[Any], jit: Jit, moment: datetime, on: datetime | None = None
) -> dict[str, Any]:
    """The matrix then, from the events replayed by the projection's own functions (the
    reference): each cell as the last event that touched it left it, evaluated again at
    `moment` where a deadline had passed by then, and reported as evaluated at `moment` (the
    read evaluates every cell then, on the facts kept: the same verdicts and reasons); or,
    `on` a date, every cell on that date."""
    case, cells = matrix_as_of(events)
    rows = list(matrix_on(case, on).values()) if on is not None else list(cells.values())
    if on is None:
        rows = [
            msgspec.structs.replace(r, evaluated_on=moment) for r in revisited(case, rows, moment)
        ]
    rows.sort(key=lambda r: (r.reference, str(r.verdict.evidence_id), r.verdict.country))
    seen: dict[str, Any] = {
        "admissibility": AdmissibilityMatrix(UUID(jit.id), NOTICE, [cell_view(r) for r in rows])
    }
    for evidence_id, item in case.items.items():
        mine = [r for r in rows if r.verdict.evidence_id == evidence_id]
        seen[f"evidence/{evidence_id}/admissibility"] = ItemAdmissibility(
            evidence_id, item.reference if mine else "", NOTICE, [explanation_view(r) for r in mine]
        )
    return {path: as_json(document) for path, document in seen.items()}


# the paged lists, each with the unpaged list (or the replay's rows) its pages walk through
# (their default order is the unpaged lists': by creation, validity, registration, reference)
PAGES = {
    "tasks/page": "tasks",
    "authorisations/page": "authorisations",
    "evidence/page": "evidence",
    "evidence/custody-audit/page": "audited",
}


def pages_replayed(expected: dict[str, Any], matrix: dict[str, Any]) -> dict[str, Any]:
    """The rows every page of each paged list gives then, from the replay's lists."""
    cells = matrix["admissibility"]["cells"]
    rows = {page: expected[listed] for page, listed in PAGES.items()}
    rows["admissibility/page"] = [
        {
            "item": item,
            "cells": sorted(
                (c for c in cells if c["evidence_id"] == item["id"]), key=lambda c: c["country"]
            ),
        }
        for item in expected["evidence"]
    ]
    return rows


def walked(person: Person, jit: Jit, pages: list[str], as_of: str) -> dict[str, Any]:
    """Every page of each paged list as of a time or a position, two rows a page."""
    return {page: walk(person, jit.path(f"/{page}"), as_of=as_of, limit=2) for page in pages}


def read(
    person: Person, jit: Jit, paths: list[str], as_of: str, on: str | None = None
) -> dict[str, Any]:
    """The same reads through the API, as of a time or a position (and `on` a date)."""
    answers = {}
    params = {"as_of": as_of} if on is None else {"as_of": as_of, "on": on}
    for path in paths:
        response = person.get(
            jit.path("" if path == "investigation" else f"/{path}"), params=params
        )
        assert response.status_code == 200, (path, response.text)
        answers[path] = response.json()
    return answers


def test_every_read_as_of_a_point_equals_the_replay(jit: Jit, database_url: str) -> None:
    points: list[tuple[datetime, int]] = []

    def point() -> None:
        points.append((datetime.now(UTC), log_of(jit.leader, jit.id)[-1]["position"]))

    # Given a JIT with many kinds of events, a point taken after each step
    point()
    warrant = jit.investigator.post(jit.path("/authorisations"), json=AUTHORISATION).json()
    task = jit.leader.post(jit.path("/tasks"), json={"title": "Search the warehouse"}).json()
    point()
    assignment = {"assignee_id": str(jit.investigator.user_id)}
    jit.leader.post(jit.path(f"/tasks/{task['id']}/assignment"), json=assignment)
    jit.investigator.post(jit.path(f"/tasks/{task['id']}/status"), json={"status": "in_progress"})
    extension = {"valid_until": "2024-06-08T09:00:00+02:00", "reason": "renewal"}
    jit.investigator.post(jit.path(f"/authorisations/{warrant['id']}/extension"), json=extension)
    point()
    phone = jit.investigator.post(
        jit.path("/evidence"),
        json=evidence_body(reference="BE-PHONE-1", handling={"description_to": ["NL"]}),
    ).json()
    ledger = jit.leader.post(jit.path("/evidence"), json=evidence_body(reference="FR-1")).json()
    point()
    custody = jit.path(f"/evidence/{phone['id']}/custody")
    collection = {"place": "Brussels", "occurred_at": "2024-05-03T06:00:00Z"}
    assert jit.investigator.post(f"{custody}/collection", json=collection).status_code == 200
    handover = {"recipient_id": str(jit.legal.user_id), "reason": "analysis in NL"}
    assert jit.investigator.post(f"{custody}/handover", json=handover).status_code == 200
    amendment = {"description": "the ledger, 2023", "reason": "year read"}
    jit.leader.post(jit.path(f"/evidence/{ledger['id']}/description"), json=amendment)
    point()
    image = jit.leader.post(
        jit.path("/evidence"), json=evidence_body(reference="FR-IMG", kind="forensic_image")
    ).json()
    assert derive(jit, image, ledger, "copy").status_code == 200
    jit.investigator.post(
        jit.path(f"/authorisations/{warrant['id']}/revocation"), json={"reason": "quashed"}
    )
    point()
    remove_member(jit, jit.legal, "secondment ended")
    point()
    assert len({position for _, position in points}) == len(points)

    judged: set[int] = set()
    # When each point is read again, by time and by position, by FR (the phone withheld from
    # it by BE's restriction) and by BE
    for reader, country, withheld in (
        (jit.leader, "FR", {UUID(phone["id"])}),
        (jit.investigator, "BE", set()),
    ):
        for moment, position in points:
            events = events_up_to(database_url, jit, position)
            expected = replayed(events, jit, country, withheld)
            audited = {"audited": expected.pop("audited")}
            # Then every answer equals the replay's
            assert read(reader, jit, list(expected), moment.isoformat()) == expected
            assert read(reader, jit, list(expected), str(position)) == expected
            # the matrix too: its deadlines judged at the time asked for, or when the event
            # at the position was recorded; and on another date, on the facts then
            matrix = matrix_replayed(events, jit, moment)
            assert read(reader, jit, list(matrix), moment.isoformat()) == matrix
            judged.add(len(matrix["admissibility"]["cells"]))
            matrix = matrix_replayed(events, jit, events[-1].timestamp)
            assert read(reader, jit, list(matrix), str(position)) == matrix
            # and the paged lists, every page of each, with the matrix's as `matrix` said
            pages = pages_replayed(expected | audited, matrix)
            assert walked(reader, jit, list(pages), str(position)) == pages
            by_time = pages_replayed(expected | audited, matrix_replayed(events, jit, moment))
            assert walked(reader, jit, list(by_time), moment.isoformat()) == by_time
            on = points[0][0] + timedelta(days=400)
            matrix = matrix_replayed(events, jit, moment, on)
            assert read(reader, jit, list(matrix), str(position), on.isoformat()) == matrix
    # (the matrix grew as items were registered: none, then cells in every country)
    assert 0 in judged and max(judged) >= 3 * 3
