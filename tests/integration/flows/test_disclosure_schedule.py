"""DI-01 through the API, from recorded facts: an item's steps on a common-law forum's
disclosure schedule (reviewed, scheduled as used or unused material, disclosed to the
defence), read on the date asked. Every outcome is reached; the steps go into a disclosure
bundle that verifies; bad input leaves no event. Dates are relative to now."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from jitspace.disclosure.checking import verify_bundle
from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People, Person, log_of


def step(team: Team, person: Person, item: str, name: str, at: str, status: int = 200) -> Any:
    return team.post(
        person,
        f"/evidence/{item}/disclosure-schedule",
        {"step": name, "occurred_at": at, "note": f"{name} by the disclosure officer"},
        status,
    )


def refused(team: Team, person: Person, rest: str, body: dict[str, Any], status: int) -> str:
    """The request is refused with `status`, and the log holds the same events after."""
    before = len(log_of(team.leader, team.id))
    response = person.post(team.path(rest), json=body)
    assert response.status_code == status, response.text
    assert len(log_of(team.leader, team.id)) == before
    return str(response.json().get("detail", ""))


def test_relevant_material_not_scheduled_at_the_date_asked_fails(people: People) -> None:
    # Given a GB-XA JIT (GB's illustrative rulebook has the CPIA duty, DI-01) and an XA
    # item shared with GB
    team = open_team(people, ["GB", "XA"])
    officer = team.investigators["GB"]  # the disclosure officer
    item = team.collected(
        "XA", "XA-LEDGER", occurred_at=days_ago(30), kept_at=days_ago(30, "10:00")
    )
    # Then, neither reviewed nor used in GB, whether it is relevant is not on record
    [unknown] = team.reached(item, "GB", "DI-01", "UNKNOWN")
    assert "review" in unknown["missing"]
    # When GB's disclosure officer reviews it as relevant, 20 days ago
    step(team, officer, item, "reviewed", days_ago(20))
    # Then it is at risk until it is scheduled, and unknown on a date before the review
    [risk] = team.reached(item, "GB", "DI-01", "RISK")
    assert days_ago(20)[:10] in risk["reason"] and "not yet on GB's" in risk["reason"]
    team.reached(item, "GB", "DI-01", "UNKNOWN", on=days_ago(25))
    # When the GB prosecution uses it in its case, 10 days ago, still unscheduled
    team.use(team.legal["GB"], item, "R v Doe", "human trafficking", "jit", days_ago(10))
    # Then relevant material is not on the schedule: it fails
    [failed] = team.reached(item, "GB", "DI-01", "FAIL")
    assert "R v Doe" in failed["reason"] and failed["cure"]
    # When it is scheduled as used material 5 days ago
    step(team, officer, item, "scheduled_used", days_ago(5))
    # Then it passes now, and still fails on a date between its use and its scheduling
    [scheduled] = team.reached(item, "GB", "DI-01", "PASS")
    assert "scheduled as used material" in scheduled["reason"]
    team.reached(item, "GB", "DI-01", "FAIL", on=days_ago(7))
    # and once disclosed to the defence, the explanation says so
    step(team, team.legal["GB"], item, "disclosed", days_ago(2))
    [disclosed] = team.reached(item, "GB", "DI-01", "PASS")
    assert "disclosed to the defence" in disclosed["reason"]
    # while another item, reviewed as not relevant and not used, passes
    other = team.collected(
        "XA", "XA-NOTES", occurred_at=days_ago(30), kept_at=days_ago(30, "10:00")
    )
    step(team, officer, other, "not_relevant", days_ago(3))
    [irrelevant] = team.reached(other, "GB", "DI-01", "PASS")
    assert "not relevant" in irrelevant["reason"]

    # the schedule is in a disclosure bundle, which verifies
    bundle = team.leader.post(team.path("/disclosures"), json={"purpose": "to the defence"})
    assert bundle.status_code == 201, bundle.text
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        records = json.loads(z.read("records.json"))
        report = z.read("report.html").decode()
    schedule = [(s["reference"], s["country"], s["step"]) for s in records["disclosure_schedule"]]
    assert schedule == [
        ("XA-LEDGER", "GB", "reviewed as relevant"),
        ("XA-LEDGER", "GB", "scheduled as used material"),
        ("XA-LEDGER", "GB", "disclosed to the defence"),
        ("XA-NOTES", "GB", "reviewed as not relevant"),
    ]
    assert "Disclosure schedules" in report and "scheduled as used material" in report
    assert verify_bundle(io.BytesIO(bundle.content)).ok


def test_bad_disclosure_steps_are_refused_and_leave_no_event(people: People) -> None:
    team = open_team(people, ["GB", "XA"])
    item = team.collected(
        "XA", "XA-REFUSED", occurred_at=days_ago(30), kept_at=days_ago(30, "10:00")
    )
    officer = team.investigators["GB"]
    path = f"/evidence/{item}/disclosure-schedule"
    # disclosed to the defence before it is on the schedule: it contradicts the record
    detail = refused(team, officer, path, {"step": "disclosed", "occurred_at": days_ago(3)}, 409)
    assert "schedule it" in detail
    step(team, officer, item, "scheduled_unused", days_ago(4))
    # disclosed on a date before it was scheduled
    refused(team, officer, path, {"step": "disclosed", "occurred_at": days_ago(5)}, 409)
    # the same step twice running
    detail = refused(
        team, officer, path, {"step": "scheduled_unused", "occurred_at": days_ago(2)}, 409
    )
    assert "already scheduled as unused material" in detail
    # a step the schedule does not know, a date to come
    refused(team, officer, path, {"step": "forgotten", "occurred_at": days_ago(2)}, 400)
    refused(team, officer, path, {"step": "reviewed", "occurred_at": days_ago(-2)}, 400)
    # an analyst does not keep the schedule
    analyst = people.new("gb-analyst")
    added = team.leader.post(
        team.path("/members"),
        json={"username": analyst.username, "country": "GB", "role": "analyst"},
    )
    assert added.status_code == 200, added.text
    refused(team, analyst, path, {"step": "reviewed", "occurred_at": days_ago(1)}, 403)
