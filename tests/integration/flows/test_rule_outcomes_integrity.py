"""IN-02 and IN-03 through the API, from files hashed on upload, re-verifications, transfers
and derivations (copies and analyses with the parent's hash, the tool and its version).
Every outcome of both rules is reached (their failures in DOMAIN.md's scenario C too), in a
BE-FR JIT with both shipped rulebooks.

Dates are relative to now (`days_ago`): no verdict depends on the day the tests run."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People

IMAGE = b"forensic image of the laptop"
H1 = hashlib.sha256(IMAGE).hexdigest()


@pytest.fixture
def team(people: People) -> Team:
    return open_team(people, ["BE", "FR"])


def image(team: Team, reference: str = "BE-IMG", days: float = 30) -> str:
    """BE's forensic image of a laptop, made under a search warrant, hashed on upload."""
    warrant = team.authorisation(
        "BE",
        kind="search_warrant",
        reference=f"BE-WARRANT-{reference}",
        occurred_at=days_ago(days + 5, "08:00"),
        valid_from=days_ago(days + 5, "08:00"),
        valid_until=days_ago(days - 5, "08:00"),
        scope={"methods": ["search", "forensic imaging"]},
    )
    return team.collected(
        "BE",
        reference,
        kind="forensic_image",
        method="forensic imaging",
        authorisation_id=warrant,
        occurred_at=days_ago(days),
        kept_at=days_ago(days, "09:30"),
        content=IMAGE,
    )


def derived(
    team: Team,
    reference: str,
    parent: str,
    relation: str,
    content: bytes | None,
    days: float,
    **link: Any,
) -> str:
    """An FR item made from `parent` `days` ago (a copy or an analysis), its file attached
    if `content` is given, linked to the parent by `link` (default: H1, X-Ways 20.9)."""
    item = team.collected(
        "FR",
        reference,
        kind="forensic_image" if relation == "copy" else "analysis_report",
        method="copy received from BE" if relation == "copy" else "analysis",
        occurred_at=days_ago(days),
        kept_at=days_ago(days, "09:30"),
        content=content,
    )
    body = {
        "parent_id": parent,
        "parent_sha256": H1,
        "relation": relation,
        "tool": "X-Ways",
        "tool_version": "20.9",
        "made_by": "FR lab",
        "occurred_at": days_ago(days, "10:00"),
    }
    team.post(team.investigators["FR"], f"/evidence/{item}/derivation", body | link)
    return item


def test_a_hash_is_reverified_after_each_change_of_hands(team: Team) -> None:
    be, fr = team.investigators["BE"], team.investigators["FR"]
    # Given BE's image, hashed on upload and never moved: nothing to re-verify
    original = image(team)
    team.reached(original, "FR", "IN-02", "PASS")
    # When it is handed to FR
    team.transfer(be, original, "FR", fr, "analysis", days_ago(20))
    team.post(
        fr,
        f"/evidence/{original}/custody/receipt",
        {"seal_condition": "absent", "occurred_at": days_ago(20, "15:00")},
    )
    # Then it must be re-verified
    [warned] = team.reached(original, "BE", "IN-02", "WARN")
    assert warned["missing"] == "a re-verification of the files' hashes"
    # When FR re-verifies it: it matches
    team.post(fr, f"/evidence/{original}/verification", {})
    team.reached(original, "BE", "IN-02", "PASS")


def test_a_copy_verifies_against_its_parents_hash(team: Team) -> None:
    original = image(team)
    # Given FR's copy, linked to the original, whose own data is not attached yet
    copy = derived(team, "C1", original, "copy", None, 25)
    [unknown] = team.reached(copy, "FR", "IN-02", "UNKNOWN")
    assert unknown["missing"] == "the data itself (a file attached to the item)"
    # When its data is attached and hashes otherwise than the original: the copy fails
    attached = team.investigators["FR"].post(
        team.path(f"/evidence/{copy}/files"),
        params={"name": "copy.e01"},
        content=IMAGE + b" (damaged in transit)",
    )
    assert attached.status_code == 201, attached.text
    for country in ("BE", "FR"):
        team.reached(copy, country, "IN-02", "FAIL")
    # and a copy that hashes as the original verifies
    sound = derived(team, "C2", original, "copy", IMAGE, 24)
    team.reached(sound, "FR", "IN-02", "PASS")


def test_a_derivative_is_linked_to_its_parents_hash_and_inherits_its_failure(
    team: Team,
) -> None:
    original = image(team)
    # Given an analysis of the original, with its hash, tool and version
    report = derived(team, "R1", original, "analysis", b"report on the image", 25)
    [linked] = team.reached(report, "FR", "IN-03", "PASS")
    assert "X-Ways 20.9" in linked["reason"]
    # an analysis linked to a hash the original does not have
    stray = derived(
        team,
        "R2",
        original,
        "analysis",
        b"report",
        25,
        parent_sha256=hashlib.sha256(b"x").hexdigest(),
    )
    team.reached(stray, "BE", "IN-03", "WARN")
    # an analysis of a copy that does not verify: it fails as its parent does
    broken = derived(team, "C1", original, "copy", IMAGE + b" (damaged)", 24)
    on_broken = derived(team, "R3", broken, "analysis", b"report on C1", 23)
    [failed] = team.reached(on_broken, "BE", "IN-03", "FAIL")
    assert "C1" in failed["reason"] and failed["cure"]
    # in FR the failure stands while the defence may still raise it before the court (PR-01:
    # six months from the collection)
    team.reached(on_broken, "FR", "IN-03", "FAIL")
    [pending] = team.reached(on_broken, "FR", "PR-01", "UNKNOWN")
    assert pending["until"] is not None and pending["missing"] == "a defect raised before the court"


def test_a_derivative_dated_before_its_parent_was_collected(team: Team) -> None:
    # Given an image whose collection is recorded as 20 days ago, and an analysis of it
    # dated 25 days ago (one of the two dates is wrong)
    original = image(team, days=20)
    report = derived(team, "R-EARLY", original, "analysis", b"report", 25)
    # Then, as of a day between the two, the parent was not collected: IN-03 cannot tell
    [unknown] = team.reached(report, "FR", "IN-03", "UNKNOWN", on=days_ago(22, "12:00"))
    assert unknown["missing"] == "the item it was derived from"
    # and today the link is judged
    team.reached(report, "FR", "IN-03", "PASS")
