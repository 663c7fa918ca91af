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
