"""A JIT of chosen parties for the admissibility tests: per party an investigator and a legal
advisor, each party's shipped rulebook adopted by its legal advisor; helpers to record facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from domain.admissibility.results import worst
from domain.rule_settings import Outcome
from tests.support import People, Person, log_of, period_end


class Point(NamedTuple):
    """A point of the log: its position, and when the event there was recorded (`as_of`
    takes either)."""

    position: int
    recorded_at: str


@dataclass
class Team:
    id: str
    leader: Person
    investigators: dict[str, Person]
    legal: dict[str, Person]

    def path(self, rest: str = "") -> str:
        return f"/investigations/{self.id}{rest}"

    def post(self, person: Person, rest: str, body: dict[str, Any], status: int = 200) -> Any:
        response = person.post(self.path(rest), json=body)
        assert response.status_code == status, response.text
        return response.json()

    def authorisation(self, country: str, issuer: str = "judge", **fields: Any) -> str:
        """An authorisation of `country`, qualified (who issued it) by its legal advisor."""
        body = {"authority": "judge", "reference": f"{country}-ORDER", "conditions": ""} | fields
        body["country"] = country
        made = self.post(self.legal[country], "/authorisations", body, 201)
        self.post(
            self.legal[country], f"/authorisations/{made['id']}/qualification", {"issuer": issuer}
        )
        return str(made["id"])

    def item(self, country: str, reference: str, **fields: Any) -> str:
        body = {
            "reference": reference,
            "kind": "document",
            "description": reference,
            "collected_by": "police",
            "place": "somewhere",
            "method": "handover by a witness",
        } | fields
        made = self.post(self.investigators[country], "/evidence", body, 201)
        return str(made["id"])

    def keep(self, country: str, evidence_id: str, at: str, content: bytes | None = None) -> None:
        """The collecting investigator takes the item into custody at `at`; a digital item's
        file is attached (hashed at acquisition)."""
        person = self.investigators[country]
        self.post(
            person,
            f"/evidence/{evidence_id}/custody/collection",
            {"place": "office", "occurred_at": at},
        )
        if content is not None:
            response = person.post(
                self.path(f"/evidence/{evidence_id}/files"),
                params={"name": "data.bin"},
                content=content,
            )
            assert response.status_code == 201, response.text

    def collected(
        self,
        country: str,
        reference: str,
        *,
        kept_at: str,
        content: bytes | None = None,
        **fields: Any,
    ) -> str:
        """An item of `country` (`fields` as for `item`), taken into custody at `kept_at`
        (see `keep`)."""
        item = self.item(country, reference, **fields)
        self.keep(country, item, kept_at, content)
        return item

    def extend(
        self, country: str, authorisation_id: str, valid_until: str, reason: str, at: str
    ) -> None:
        """`country`'s legal advisor extends the authorisation until `valid_until`."""
        self.post(
            self.legal[country],
            f"/authorisations/{authorisation_id}/extension",
            {"valid_until": valid_until, "reason": reason, "occurred_at": at},
        )

    def transfer(
        self,
        sender: Person,
        evidence_id: str,
        country: str,
        recipient: Person,
        reason: str,
        at: str,
    ) -> None:
        """`sender` hands the item over to `recipient`, of `country`."""
        body = {"country": country, "recipient_id": str(recipient.user_id), "reason": reason}
        self.post(sender, f"/evidence/{evidence_id}/custody/transfer", body | {"occurred_at": at})

    def use(
        self, user: Person, evidence_id: str, proceeding: str, offence: str, purpose: str, at: str
    ) -> None:
        """`user` records that the item is used in `proceeding`, for `offence`."""
        body = {"proceeding": proceeding, "offence": offence, "purpose": purpose}
        self.post(user, f"/evidence/{evidence_id}/uses", body | {"occurred_at": at})

    def matrix(self, **params: Any) -> dict[tuple[str, str], dict[str, Any]]:
        """(reference, country) -> the matrix cell."""
        response = self.leader.get(self.path("/admissibility"), params=params)
        assert response.status_code == 200, response.text
        return {(c["reference"], c["country"]): c for c in response.json()["cells"]}

    def reached(
        self, evidence_id: str, country: str, rule: str, outcome: str, **params: Any
    ) -> list[dict[str, Any]]:
        """Asserts that `rule` answers `outcome` for the item in `country`'s courts, read
        through the API (`params`: `on`, `as_of`); the rule's results there."""
        return reached(self.explain(evidence_id, **params)[country], rule, outcome)

    def point(self) -> Point:
        """The point the log has reached now, to read the record back as of it."""
        last = log_of(self.leader, self.id)[-1]
        return Point(int(last["position"]), str(last["recorded_at"]))

    def explain_at(
        self, evidence_id: str, point: Point, **params: Any
    ) -> dict[str, dict[str, Any]]:
        """The item's explanation as of `point`, read by log position and by recording time
        (asserted equal)."""
        by_position = self.explain(evidence_id, as_of=str(point.position), **params)
        assert self.explain(evidence_id, as_of=point.recorded_at, **params) == by_position
        return by_position

    def matrix_at(self, point: Point, **params: Any) -> dict[tuple[str, str], dict[str, Any]]:
        """The matrix as of `point`, read by log position and by recording time (asserted
        equal)."""
        by_position = self.matrix(as_of=str(point.position), **params)
        assert self.matrix(as_of=point.recorded_at, **params) == by_position
        return by_position

    def explain(self, evidence_id: str, **params: Any) -> dict[str, dict[str, Any]]:
        """country -> the explanation of the item's verdict there."""
        response = self.leader.get(
            self.path(f"/evidence/{evidence_id}/admissibility"), params=params
        )
        assert response.status_code == 200, response.text
        return {c["country"]: c for c in response.json()["countries"]}


def open_team(
    people: People,
    parties: list[str],
    *,
    purpose: str = "human trafficking",
    rulebooks: dict[str, str] | None = None,
) -> Team:
    lead = parties[0]
    leader = people.new(f"{lead.lower()}-leader")
    opened = leader.post(
        "/investigations",
        json={
            "name": "Admissibility JIT",
            "agreement_reference": "JIT-ADM-1",
            "purpose": purpose,
            "period_start": "2024-01-01",
            "period_end": period_end(),
            "parties": [
                {"country": c, "name": c, "lead_authority": f"{c} prosecutor"} for c in parties
            ],
            "country": lead,
        },
    )
    assert opened.status_code == 201, opened.text
    team = Team(opened.json()["id"], leader, {}, {})
    for country in parties:
        for role, group in (("investigator", team.investigators), ("legal_advisor", team.legal)):
            person = people.new(f"{country.lower()}-{role.replace('_', '-')}")
            added = leader.post(
                team.path("/members"),
                json={
                    "username": person.username,
                    "country": country,
                    "role": role,
                    "occurred_at": "2024-01-01T00:00:00Z",
                },
            )
            assert added.status_code == 200, added.text
            group[country] = person
    for country, source in (rulebooks or {c: c.lower() for c in parties}).items():
        team.post(team.legal[country], "/rulebooks", {"country": country, "source": source}, 201)
    return team


def reached(explained: dict[str, Any], rule: str, outcome: str) -> list[dict[str, Any]]:
    """Asserts that `rule`'s worst result in one country's explanation of an item (as
    `GET …/evidence/{id}/admissibility` answers it) is `outcome`; the rule's results there.

    Every call names its rule and outcome as literals: the README's table of which API test
    reaches which outcome of which rule is read from these calls (tests/rule_coverage.py)."""
    results = [r for r in explained["results"] if r["rule"] == rule]
    assert results, f"{rule} is not evaluated in {explained['country']}: {issues(explained)}"
    answered = worst([Outcome(r["outcome"]) for r in results])
    assert answered == outcome, f"{rule} answers {answered}, not {outcome}: {issues(explained)}"
    return results


def rules_at(cell: dict[str, Any], outcome: str) -> set[str]:
    return {r["rule"] for r in cell["results"] if r["outcome"] == outcome}


def issues(explained: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The results that are not PASS: (rule, outcome, reason), for assertion messages."""
    return [
        (r["rule"], r["outcome"], r["reason"])
        for r in explained["results"]
        if r["outcome"] != "PASS"
    ]


def days_ago(days: float, at: str = "09:00") -> str:
    """A time `days` before today, as the API takes it: for facts whose verdict the live
    matrix evaluates at now (deadlines run from them), so that no test depends on the day it
    runs."""
    day = (datetime.now(UTC) - timedelta(days=days)).date()
    return f"{day.isoformat()}T{at}:00Z"
