"""PR-02 through the API: a fact recorded long after it happened (its `recorded_at` far after
its `occurred_at`, beyond the forum's rulebook parameter) is flagged WARN with both dates,
as of any date; one recorded in time passes. Dates are relative to now."""

from __future__ import annotations

from typing import Any

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People, log_of


def refused(team: Team, person: Any, rest: str, body: dict[str, Any], status: int) -> str:
    """The request is refused with `status`, and the log holds the same events after."""
    before = len(log_of(team.leader, team.id))
    response = person.post(team.path(rest), json=body)
    assert response.status_code == status, response.text
    assert len(log_of(team.leader, team.id)) == before
    return str(response.json().get("detail", ""))


def test_a_fact_recorded_long_after_it_happened_is_flagged_with_both_dates(
    people: People,
) -> None:
    # Given a GB-XA JIT: GB's shipped rulebook flags facts recorded more than 30 days late
    # (CPIA Code para. 4.1), XA adopts PR-02 with 60 days
    team = open_team(people, ["GB", "XA"])
    team.post(
        team.legal["XA"],
        "/rulebooks/XA/rules",
        {"rule": "PR-02", "params": {"days": 60}, "reason": "our own tolerance"},
    )
    # When a GB item's custody is recorded today, 40 days after it was taken, and another's
    # the day after
    late = team.collected("GB", "GB-LATE", occurred_at=days_ago(40), kept_at=days_ago(40, "10:00"))
    prompt = team.collected(
        "GB", "GB-PROMPT", occurred_at=days_ago(40), kept_at=days_ago(1, "10:00")
    )
    # Then GB's court sees the first flagged, with both dates, and the second passes
    flagged = team.reached(late, "GB", "PR-02", "WARN")
    reason = flagged[0]["reason"]
    assert days_ago(40)[:10] in reason and days_ago(0)[:10] in reason, reason
    assert "collected" in reason, reason
    assert {ref["event"] for ref in flagged[0]["rests_on"]} == {"Collected"}
    team.reached(prompt, "GB", "PR-02", "PASS")
    # and XA's, whose tolerance is 60 days, lets both pass
    team.reached(late, "XA", "PR-02", "PASS")
    # and the flag stands whatever date is asked, once the late fact had happened
    team.reached(late, "GB", "PR-02", "WARN", on=days_ago(39))
    # while as of the log before the late record, the team knew of nothing late
    registered = next(
        e["position"]
        for e in log_of(team.leader, team.id)
        if e["type"] == "EvidenceItem.Registered" and e["aggregate_id"] == late
    )
    team.reached(late, "GB", "PR-02", "PASS", as_of=registered)
    # while the matrix, item by item, says the item stays admissible with the warning
    assert team.matrix()[("GB-LATE", "GB")]["verdict"] == "admissible"
    # When a handover of 35 days ago is recorded now on the prompt item
    team.transfer(
        team.investigators["GB"],
        prompt,
        "XA",
        team.investigators["XA"],
        "analysis",
        days_ago(35, "11:00"),
    )
    # Then it is flagged too (the facts about an item, not only its custody's start)
    assert {r["event"] for r in team.reached(prompt, "GB", "PR-02", "WARN")[0]["rests_on"]} == {
        "TransferredToParty"
    }


def test_a_late_records_rule_with_a_bad_tolerance_is_refused_and_leaves_no_event(
    people: People,
) -> None:
    team = open_team(people, ["XA", "XB"])
    legal = team.legal["XA"]
    for days in (0, -3):
        body = {"rule": "PR-02", "params": {"days": days}, "reason": "no tolerance"}
        assert "at least 1" in refused(team, legal, "/rulebooks/XA/rules", body, 422)
    body = {"rule": "PR-02", "params": {"days": "a month"}, "reason": "no tolerance"}
    refused(team, legal, "/rulebooks/XA/rules", body, 422)
