"""AU-01, AU-02 and AU-04 through the API, from recorded items and authorisations: whether a
coercive collection names its authorisation, whether it falls in the authorisation's
validity, and whether its method is among those authorised. Every outcome of the three rules
is reached (AU-02's in DOMAIN.md's scenario A too; AU-05's with the urgent order of
tests/integration/api/test_admissibility.py), in a BE-NL JIT with both shipped rulebooks.

Dates are relative to now (`days_ago`): no verdict depends on the day the tests run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People


@pytest.fixture
def team(people: People) -> Team:
    return open_team(people, ["BE", "NL"])


def search_warrant(team: Team, **fields: Any) -> str:
    """An NL search warrant signed 30 days ago, valid 20 days."""
    body = {
        "kind": "search_warrant",
        "authority": "rechter-commissaris, Rotterdam",
        "occurred_at": days_ago(30, "08:00"),
        "valid_from": days_ago(30, "08:00"),
        "valid_until": days_ago(10, "08:00"),
        "scope": {"methods": ["search", "seizure"]},
    }
    return team.authorisation("NL", **(body | fields))


def test_a_coercive_collection_names_its_authorisation(team: Team) -> None:
    warrant = search_warrant(team)
    # Given a document a witness handed over: nothing coercive, nothing to authorise
    handed = team.item("NL", "HANDED", occurred_at=days_ago(25))
    team.reached(handed, "BE", "AU-01", "PASS")
    # a phone seized under the warrant
    phone = team.item(
        "NL",
        "SEIZED",
        kind="seized_device",
        method="seizure",
        occurred_at=days_ago(25),
        authorisation_id=warrant,
    )
    team.reached(phone, "BE", "AU-01", "PASS")
    # a phone seized with no authorisation named: excluded
    unnamed = team.item(
        "NL", "SEIZED-NO-ORDER", kind="seized_device", method="seizure", occurred_at=days_ago(25)
    )
    [failed] = team.reached(unnamed, "NL", "AU-01", "FAIL")
    assert "no authorisation" in failed["reason"] and failed["cure"]
    # a document whose collection method was left blank: AU-01 cannot tell
    blank = team.item("NL", "NO-METHOD", method=" ", occurred_at=days_ago(25))
    [unknown] = team.reached(blank, "BE", "AU-01", "UNKNOWN")
    assert unknown["missing"] == "how the item was collected (its method)"


def test_a_collection_falls_within_the_authorisations_validity(team: Team) -> None:
    warrant = search_warrant(team)
    inside = team.item(
        "NL", "INSIDE", method="search", occurred_at=days_ago(25), authorisation_id=warrant
    )
    team.reached(inside, "BE", "AU-02", "PASS")
    after = team.item(
        "NL", "AFTER", method="search", occurred_at=days_ago(5), authorisation_id=warrant
    )
    [failed] = team.reached(after, "BE", "AU-02", "FAIL")
    assert "outside the authorisation's validity" in failed["reason"]
    # Given ledgers seized on a day before the warrant under which they are registered was
    # signed (the warrant of 30 days ago names a seizure of 33 days ago)
    early = team.item(
        "NL", "BEFORE", method="search", occurred_at=days_ago(33), authorisation_id=warrant
    )
    # Then, as of the day after the seizure, the warrant was not on record: AU-02 cannot tell
    [unknown] = team.reached(early, "NL", "AU-02", "UNKNOWN", on=days_ago(32, "12:00"))
    assert unknown["missing"] == "the authorisation the item was collected under"
    # and today, the seizure fell before the warrant's validity
    team.reached(early, "NL", "AU-02", "FAIL")


def test_the_method_is_among_those_the_authorisation_covers(team: Team) -> None:
    warrant = search_warrant(team)
    searched = team.item(
        "NL", "SEARCHED", method="search", occurred_at=days_ago(25), authorisation_id=warrant
    )
    team.reached(searched, "BE", "AU-04", "PASS")
    # a search warrant is no authority for remote access to a device
    hacked = team.item(
        "NL",
        "REMOTE",
        kind="forensic_image",
        method="remote access",
        occurred_at=days_ago(25),
        authorisation_id=warrant,
    )
    [failed] = team.reached(hacked, "BE", "AU-04", "FAIL")
    assert "'remote access' is not among the methods authorised" in failed["reason"]
    # an order recorded without the methods it allows: AU-04 cannot tell
    silent = search_warrant(team, reference="NL-ORDER-2", scope={})
    unscoped = team.item(
        "NL", "UNSCOPED", method="search", occurred_at=days_ago(25), authorisation_id=silent
    )
    [unknown] = team.reached(unscoped, "NL", "AU-04", "UNKNOWN")
    assert unknown["missing"] == "the methods of the authorisation's scope"
    # When NL's legal advisor amends the order's scope with the methods it names, it covers
    # the search
    team.post(
        team.legal["NL"],
        f"/authorisations/{silent}/amendment",
        {"scope": {"methods": ["search"]}, "reason": "the methods the order names"},
    )
    team.reached(unscoped, "NL", "AU-04", "PASS")
