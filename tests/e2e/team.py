"""The investigation the browser tests work in, and the set-up steps they take through the API.

What a test is about happens in the browser; what it needs to exist before (the team, an
item registered by another country) is made here, through the public API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.support import (
    BELGIUM,
    FRANCE,
    NETHERLANDS,
    People,
    Person,
    evidence_body,
    investigation_body,
    period_end,
)


@dataclass
class Team:
    """A FR-BE-NL investigation led from France: Ines Martin (FR, JIT leader), Pieter Claes
    (BE, investigator) and Anna de Vries (NL, observer)."""

    id: str
    name: str
    fr: Person
    be: Person
    observer: Person

    def path(self, rest: str = "") -> str:
        """An API path of the investigation."""
        return f"/investigations/{self.id}{rest}"

    def screen(self, rest: str = "") -> str:
        """The interface's address of one of the investigation's screens."""
        return f"/#/investigations/{self.id}{rest}"


@dataclass
class Cast:
    """The people of the browser tests' investigations (users are slow to make: their
    passwords are hashed as in production)."""

    fr: Person
    be: Person
    observer: Person


def cast_of(people: People) -> Cast:
    return Cast(people.new("ines-martin"), people.new("pieter-claes"), people.new("anna-de-vries"))


def open_team(cast: Cast, name: str = "") -> Team:
    """A new investigation of the cast: the leader opens it and adds the others (its name:
    `name`, else one of its own)."""
    fr, be, observer = cast.fr, cast.be, cast.observer
    name = name or f"Operation Harbour {uuid.uuid4().hex[:6]}"
    opened = fr.post(
        "/investigations",
        json=investigation_body(
            name,
            agreement_reference="JIT-2024-017",
            period_end=period_end(),
            parties=[FRANCE, BELGIUM, NETHERLANDS],
        ),
    )
    assert opened.status_code == 201, opened.text
    team = Team(opened.json()["id"], name, fr, be, observer)
    for person, country, role in ((be, "BE", "investigator"), (observer, "NL", "observer")):
        added = fr.post(
            team.path("/members"),
            json={"username": person.username, "country": country, "role": role},
        )
        assert added.status_code == 200, added.text
    return team


def register(person: Person, team: Team, **fields: Any) -> dict[str, Any]:
    """An item `person` registers (fields as tests.support.evidence_body), as the API answered."""
    created = person.post(team.path("/evidence"), json=evidence_body(**fields))
    assert created.status_code == 201, created.text
    item: dict[str, Any] = created.json()
    return item


def custody(person: Person, team: Team, item_id: str, step: str, **body: Any) -> dict[str, Any]:
    """A custody step (`collection`, `handover`, `receipt`, `seal`, `storage`...) by `person`."""
    done = person.post(team.path(f"/evidence/{item_id}/custody/{step}"), json=body)
    assert done.status_code in (200, 201), done.text
    answer: dict[str, Any] = done.json()
    return answer


def restrict(person: Person, team: Team, item_id: str, **handling: Any) -> None:
    """Handling restrictions the originating party sets on its item."""
    version = person.get(team.path(f"/evidence/{item_id}")).json()["version"]
    done = person.post(
        team.path(f"/evidence/{item_id}/handling"),
        json=handling,
        headers={"If-Match": f'"{version}"'},
    )
    assert done.status_code in (200, 201), done.text


def attach(person: Person, team: Team, item_id: str, name: str, content: bytes) -> str:
    """A file `person` attaches to an item; its id."""
    stored = person.post(
        team.path(f"/evidence/{item_id}/files"),
        params={"name": name},
        content=content,
        headers={"Content-Type": "application/pdf"},
    )
    assert stored.status_code == 201, stored.text
    file_id: str = stored.json()["file"]["id"]
    return file_id


def task(
    person: Person, team: Team, title: str, assignee: Person | None = None, **fields: Any
) -> str:
    """A task `person` creates (and assigns, if `assignee`); its id."""
    created = person.post(team.path("/tasks"), json={"title": title, **fields})
    assert created.status_code == 201, created.text
    task_id: str = created.json()["id"]
    if assignee is not None:
        assigned = person.post(
            team.path(f"/tasks/{task_id}/assignment"),
            json={"assignee_id": str(assignee.user_id)},
        )
        assert assigned.status_code == 200, assigned.text
    return task_id


def seed(team: Team) -> dict[str, Any]:
    """A few weeks of the team's work: items of both countries, one handed over and
    received, one restricted, files, tasks; the French ledger (`FR-DOC-7`) as the API has it."""
    fr, be = team.fr, team.be
    ledger = register(
        fr,
        team,
        reference="FR-DOC-7",
        description="ledger of payments, Rue de Lyon",
        place="Paris 11e",
        collected_by="Cdt. Morel",
        occurred_at="2024-05-03T06:10:00+02:00",
    )
    custody(fr, team, ledger["id"], "collection", place="Paris 11e")
    attach(fr, team, ledger["id"], "ledger-scan.pdf", b"%PDF-1.7 ledger of payments")
    custody(fr, team, ledger["id"], "seal", seal_number="FR-4471")
    custody(
        fr,
        team,
        ledger["id"],
        "handover",
        recipient_id=str(be.user_id),
        reason="analysis of the ledger in Brussels",
    )
    custody(
        be,
        team,
        ledger["id"],
        "receipt",
        seal_condition="intact",
        seal_number="FR-4471",
        packaging="sealed bag, undamaged",
    )
    phone = register(
        be,
        team,
        reference="BE-DEV-3",
        kind="seized_device",
        description="phone of the driver",
        place="Antwerp port",
        collected_by="Insp. Janssens",
        occurred_at="2024-05-04T09:00:00+02:00",
    )
    custody(be, team, phone["id"], "collection", place="Antwerp port")
    witness = register(
        fr,
        team,
        reference="FR-WIT-12",
        kind="witness_statement",
        description="statement of the protected witness W-12",
        place="Lille",
        collected_by="Lt. Caron",
        occurred_at="2024-05-06T14:00:00+02:00",
    )
    restrict(fr, team, witness["id"], description_to=["BE"])
    for number, (kind, description) in enumerate(
        [
            ("financial_records", "bank statements of the shell company"),
            ("intercepted_communication", "calls of the organiser, week 19"),
            ("open_source_capture", "advertisements of the travel agency"),
            ("physical_item", "passports found in the van"),
        ],
        start=10,
    ):
        register(
            be,
            team,
            reference=f"BE-{number}",
            kind=kind,
            description=description,
            place="Brussels",
            occurred_at=f"2024-05-{number}T08:00:00+02:00",
        )
    task(fr, team, "Trace the payments in the ledger", be, due_on="2024-06-01")
    task(fr, team, "Ask the bank for the account holders", fr, due_on="2099-01-31")
    done = task(be, team, "Image the driver's phone", be)
    finished = be.post(team.path(f"/tasks/{done}/status"), json={"status": "done"})
    assert finished.status_code == 200, finished.text
    return ledger
