"""Rulebooks and the admissibility matrix through the API: bad rulebooks and amendments by
the wrong person are refused and leave no event; new facts change the live matrix at once;
the live matrix equals the matrix replayed from the log at the same position."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.integration.live.test_deadlines import forfeit_in_seconds
from tests.support import People, log_of


def last_position(team: Team) -> int:
    return int(log_of(team.leader, team.id)[-1]["position"])


def refused(team: Team, person: Any, path: str, body: dict[str, Any], status: int) -> Any:
    before = last_position(team)
    response = person.post(team.path(path), json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert last_position(team) == before  # a refused command records nothing
    return response.json()


@pytest.fixture
def team(people: People) -> Team:
    return open_team(people, ["FR", "BE", "NL"])


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        ({"rule": "XX-99"}, "rule.rule", "unknown rule type"),
        ({"rule": "CU-01", "params": {"gap_hours": "a day"}}, "rule.params", "Expected `int`"),
        ({"rule": "CU-01", "params": {"gap_days": 2}}, "rule.params", "gap_days"),
        ({"rule": "AU-02", "params": {"severity": "SEVERE"}}, "rule.params", "severity"),
        ({"rule": "CU-02", "params": {"only_for": ["DE"]}}, "rule.params.only_for", "DE"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(
    team: Team, rule: dict[str, Any], field: str, words: str
) -> None:
    problem = refused(team, team.legal["FR"], "/rulebooks/FR/rules", rule | {"reason": "r"}, 422)
    assert problem["errors"][0]["field"] == field
    assert words in problem["detail"]


def test_a_legal_advisor_reads_the_shipped_rulebooks_before_adopting_one(team: Team) -> None:
    # Given the list of rulebooks shipped with JITspace
    shipped = team.legal["NL"].get("/rulebooks").json()
    by_source = {book["source"]: book for book in shipped}
    # Then each is marked as an illustrative example and shows its rules
    assert {"fr", "be", "nl", "de"} <= set(by_source)
    assert all(book["illustrative"] and "not legal advice" in book["notice"] for book in shipped)
    nl = by_source["nl"]
    assert nl["jurisdiction"] == "NL" and nl["rules"] and all(r["check"] for r in nl["rules"])
    # and the rulebook the team adopted by that source records exactly that file
    adopted = team.legal["NL"].get(team.path("/rulebooks/NL")).json()
    assert adopted["source_name"] == "nl.toml"
    assert (adopted["source_version"], adopted["source_sha256"]) == (nl["version"], nl["sha256"])
    assert [r["rule"] for r in adopted["rules"]] == sorted(r["rule"] for r in nl["rules"])
    # a rulebook adopted as shipped reads exactly as shipped, settings included (a setting
    # that names a rule's default is shown as it is stored: left out)
    for country in ("FR", "BE", "NL"):
        book = team.legal[country].get(team.path(f"/rulebooks/{country}")).json()
        example = by_source[country.lower()]["rules"]
        assert sorted(book["rules"], key=lambda r: r["rule"]) == sorted(
            example, key=lambda r: r["rule"]
        ), country


def test_a_rulebook_that_is_not_shipped_or_a_second_one_is_refused(team: Team) -> None:
    problem = refused(team, team.legal["FR"], "/rulebooks", {"country": "FR", "source": "zz"}, 422)
    assert problem["errors"][0]["field"] == "source"
    problem = refused(team, team.legal["FR"], "/rulebooks", {"country": "FR", "source": "de"}, 422)
    assert problem["errors"][0]["field"] == "country"
    problem = refused(
        team, team.legal["FR"], "/rulebooks", {"country": "FR", "source": "../fr"}, 400
    )
    assert problem["errors"][0]["field"] == "source"
    problem = refused(
        team,
        team.legal["FR"],
        "/rulebooks/FR/rules",
        {"rule": "CU-01", "params": [1], "reason": "r"},
        400,
    )
    assert problem["errors"][0]["field"] == "params", problem


def test_only_that_countrys_legal_advisor_amends_its_rulebook(team: Team) -> None:
    strict = {"rule": "CU-02", "params": {"severity": "FAIL"}, "reason": "strict"}
    # another country's legal advisor is refused by the rulebook, other roles by the table
    problem = refused(team, team.legal["NL"], "/rulebooks/FR/rules", strict, 403)
    assert "legal advisor of FR" in problem["detail"]
    for person in (team.investigators["FR"], team.leader):
        problem = refused(team, person, "/rulebooks/FR/rules", strict, 403)
        assert "may not adopt or amend a rulebook" in problem["detail"]
    refused(team, team.legal["NL"], "/rulebooks/FR/rules/CU-02/removal", {"reason": "r"}, 403)
    outsider = team.investigators["FR"]  # a member; a non-member learns nothing:
    assert outsider.get(team.path("/rulebooks/FR")).status_code == 200
    amended = team.post(team.legal["FR"], "/rulebooks/FR/rules", strict)
    assert {
        "rule": "CU-02",
        "check": "each transfer has its recipient's receipt",
        "params": {"severity": "FAIL"},
    } in amended["rules"]


def test_a_non_member_finds_no_rulebook_and_no_matrix(team: Team, people: People) -> None:
    stranger = people.new("stranger")
    assert stranger.get(team.path("/rulebooks/FR")).status_code == 404
    assert stranger.get(team.path("/admissibility")).status_code == 404
    body = {"rule": "CU-02", "params": {"severity": "FAIL"}, "reason": "r"}
    assert stranger.post(team.path("/rulebooks/FR/rules"), json=body).status_code == 404


def test_a_rulebook_reads_as_it_stood(team: Team) -> None:
    before = last_position(team)
    team.post(team.legal["FR"], "/rulebooks/FR/rules/PR-01/removal", {"reason": "no forfeiture"})
    now = team.leader.get(team.path("/rulebooks/FR")).json()
    then = team.leader.get(team.path("/rulebooks/FR"), params={"as_of": before}).json()
    assert "PR-01" not in {r["rule"] for r in now["rules"]}
    assert "PR-01" in {r["rule"] for r in then["rules"]}
    assert then["source_name"] == "fr.toml" and len(then["source_sha256"]) == 64
    assert "not legal advice" in then["notice"]


# The stories below are told on dates of mid-2026, as written on WRITTEN_ON; each run moves
# them by the days since, so they stand as far before the run as they did then and no
# deadline counted from them (renewals, receipts, consents) passes on a later day.
WRITTEN_ON = datetime(2026, 12, 6, tzinfo=UTC)


def moved(iso: str) -> str:
    shift = timedelta(days=(datetime.now(UTC) - WRITTEN_ON).days)
    return (datetime.fromisoformat(iso) + shift).isoformat()


def cell(team: Team, reference: str, country: str) -> dict[str, Any]:
    return team.matrix()[(reference, country)]


def test_a_renewal_signed_in_time_changes_the_verdict_at_once(team: Team) -> None:
    order = team.authorisation(
        "FR",
        kind="interception_order",
        occurred_at=moved("2026-06-01T08:00:00Z"),
        valid_from=moved("2026-06-01T08:00:00Z"),
        valid_until=moved("2026-06-30T00:00:00Z"),
        scope={"methods": ["interception"]},
    )
    team.collected(
        "FR",
        "I-7",
        kind="intercepted_communication",
        method="interception",
        occurred_at=moved("2026-07-02T09:00:00Z"),
        authorisation_id=order,
        kept_at=moved("2026-07-02T09:30:00Z"),
        content=b"intercepts",
    )
    assert cell(team, "I-7", "BE")["reasons"] == ["AU-02"]
    team.extend("FR", order, moved("2026-08-31T00:00:00Z"), "r", moved("2026-06-28T10:00:00Z"))
    for country in ("FR", "BE", "NL"):
        assert cell(team, "I-7", country)["outcome"] == "PASS"


def test_a_receipt_changes_the_verdict_at_once(team: Team) -> None:
    fr, be = team.investigators["FR"], team.investigators["BE"]
    parcel = team.collected(
        "FR",
        "PARCEL",
        kind="physical_item",
        occurred_at=moved("2026-10-01T09:00:00Z"),
        kept_at=moved("2026-10-01T09:30:00Z"),
    )
    team.transfer(fr, parcel, "BE", be, "lab", moved("2026-10-02T09:00:00Z"))
    assert cell(team, "PARCEL", "NL")["verdict"] == "at risk"
    assert "CU-02" in cell(team, "PARCEL", "NL")["reasons"]
    team.post(
        be,
        f"/evidence/{parcel}/custody/receipt",
        {"seal_condition": "absent", "occurred_at": moved("2026-10-02T15:00:00Z")},
    )
    for country in ("FR", "BE", "NL"):
        assert cell(team, "PARCEL", country)["outcome"] == "PASS"


def test_consent_changes_the_verdict_at_once_and_live_equals_the_replay(team: Team) -> None:
    ledger = team.collected(
        "NL",
        "LEDGER",
        occurred_at=moved("2026-09-01T09:00:00Z"),
        kept_at=moved("2026-09-01T09:30:00Z"),
    )
    team.use(
        team.investigators["BE"],
        ledger,
        "BE VAT",
        "VAT fraud",
        "other_offence",
        moved("2026-10-01T09:00:00Z"),
    )
    assert cell(team, "LEDGER", "BE")["outcome"] == "RESTRICT"
    assert cell(team, "LEDGER", "BE")["reasons"] == ["US-02"]
    team.post(
        team.legal["NL"],
        f"/evidence/{ledger}/consents",
        {
            "to_country": "BE",
            "purpose": "other_offence",
            "occurred_at": moved("2026-09-20T09:00:00Z"),
        },
    )
    assert cell(team, "LEDGER", "BE")["outcome"] == "PASS"
    team.post(
        team.legal["NL"],
        f"/evidence/{ledger}/consent-withdrawals",
        {
            "to_country": "BE",
            "purpose": "other_offence",
            "reason": "r",
            "occurred_at": moved("2026-10-20T09:00:00Z"),
        },
    )
    assert cell(team, "LEDGER", "BE")["outcome"] == "RESTRICT"

    position = last_position(team)
    live = team.leader.get(team.path("/admissibility")).json()
    replayed = team.leader.get(team.path("/admissibility"), params={"as_of": position}).json()
    assert live == replayed
    for country_live, country_replayed in zip(
        team.explain(ledger).values(), team.explain(ledger, as_of=position).values(), strict=True
    ):
        assert country_live == country_replayed


def test_the_api_says_verdicts_are_risk_flags(team: Team) -> None:
    schema = team.leader.get("/schema/openapi.json").json()
    described = schema["paths"]["/investigations/{investigation_id}/admissibility"]["get"]
    assert "the court decides" in described["description"]
    assert "the court decides" in team.leader.get(team.path("/admissibility")).json()["notice"]


def test_a_deadline_passing_changes_the_live_matrix_with_no_new_event(people: People) -> None:
    # Given an FR item collected under an expired order, whose six months to raise the
    # defect before the FR court (PR-01, 180 days in the FR rulebook) end in a few seconds
    team = open_team(people, ["FR", "BE", "NL"])
    now = datetime.now(UTC)
    collected = now - timedelta(days=180) + timedelta(seconds=4)
    order = team.authorisation(
        "FR",
        kind="interception_order",
        authority="juge d'instruction, Paris",
        occurred_at=(now - timedelta(days=400)).isoformat(),
        valid_from=(now - timedelta(days=400)).isoformat(),
        valid_until=(now - timedelta(days=300)).isoformat(),
        scope={"targets": ["phone +33 6 00 00 00 01"], "methods": ["interception"]},
    )
    item = team.collected(
        "FR",
        "LATE-1",
        kind="intercepted_communication",
        method="interception",
        occurred_at=collected.isoformat(),
        authorisation_id=order,
        kept_at=(collected + timedelta(seconds=1)).isoformat(),
        content=b"intercepts",
    )
    # Then the failure stands while the defect may still be raised, and the cell says when
    # that ends
    before = team.matrix()[("LATE-1", "FR")]
    assert before["verdict"] == "inadmissible", team.explain(item)["FR"]
    deadline = datetime.fromisoformat(before["changes_on"])
    assert deadline == collected + timedelta(days=180)
    head = last_position(team)
    # When the deadline passes, with nothing recorded meanwhile
    time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 0.5)
    # Then the live matrix shows the failure forfeited, as a replay on that date does
    after = team.matrix()[("LATE-1", "FR")]
    assert (after["verdict"], after["outcome"]) == ("admissible", "FORFEITED")
    assert after["changes_on"] is None
    assert last_position(team) == head
    team.reached(item, "FR", "PR-01", "FORFEITED")
    on_now = team.matrix(on=datetime.now(UTC).isoformat())[("LATE-1", "FR")]
    assert (on_now["outcome"], on_now["reasons"]) == (after["outcome"], after["reasons"])


def test_a_judge_confirming_an_urgent_order_and_a_court_annulling_it_change_the_verdict(
    team: Team,
) -> None:
    # Given an urgent search ordered by the FR prosecutor, and a parcel seized under it
    order = team.authorisation(
        "FR",
        issuer="prosecutor",
        kind="search_warrant",
        occurred_at=days_ago(90, "08:00"),
        valid_from=days_ago(90, "08:00"),
        valid_until=days_ago(-120, "00:00"),
        scope={"methods": ["search"]},
    )
    team.post(
        team.legal["FR"],
        f"/authorisations/{order}/qualification",
        {"issuer": "prosecutor", "urgent": True},
    )
    parcel = team.collected(
        "FR", "URGENT", kind="physical_item", method="search",
        occurred_at=days_ago(90, "10:00"), authorisation_id=order, kept_at=days_ago(90, "10:30"),
    )  # fmt: skip

    def au(rule: str, **params: Any) -> dict[str, Any]:
        rules = team.explain(parcel, **params)["BE"]["results"]
        return next(r for r in rules if r["rule"] == rule)

    # Then, with no judge's confirmation in the 48 hours, the order falls (AU-05); within
    # them, a judge could still confirm it
    [fallen] = team.reached(parcel, "BE", "AU-05", "FAIL")
    assert fallen["missing"] == "the judge's confirmation of the urgent order"
    team.reached(parcel, "BE", "AU-05", "UNKNOWN", on=days_ago(89, "08:00"))
    # When the judge's confirmation of the next day is recorded, it stands, on that event
    confirmed = team.post(
        team.legal["FR"],
        f"/authorisations/{order}/confirmation",
        {"judge": "JLD Paris", "occurred_at": days_ago(89)},
    )
    assert confirmed["confirmed_by"] == "JLD Paris"
    [standing] = team.reached(parcel, "BE", "AU-05", "PASS")
    assert "Confirmed" in {ref["event"] for ref in standing["rests_on"]}
    assert cell(team, "URGENT", "BE")["outcome"] == "PASS"
    # and a second confirmation is refused
    team.post(team.legal["FR"], f"/authorisations/{order}/confirmation", {"judge": "again"}, 422)
    # When a court's ruling annuls the order, the parcel is inadmissible everywhere (AU-07),
    # resting on the ruling, and was not before it
    annulled = team.post(
        team.legal["FR"],
        f"/authorisations/{order}/annulment",
        {"court": "Chambre de l'instruction", "ruling": "CI-26/17",
         "occurred_at": days_ago(30)},
    )  # fmt: skip
    assert annulled["annulled_by"] == "Chambre de l'instruction, CI-26/17"
    # the list says so too, now and as it stood then
    listed = team.legal["BE"].get(team.path("/authorisations")).json()
    assert [a["annulled"] for a in listed if a["id"] == order] == [True]
    replayed = (
        team.legal["BE"]
        .get(team.path("/authorisations"), params={"as_of": last_position(team)})
        .json()
    )
    assert replayed == listed
    for country in ("FR", "BE", "NL"):
        assert cell(team, "URGENT", country)["verdict"] == "inadmissible"
        assert "AU-07" in cell(team, "URGENT", country)["reasons"]
    assert "Annulled" in {ref["event"] for ref in au("AU-07")["rests_on"]}
    assert au("AU-07", on=days_ago(45, "00:00"))["outcome"] == "PASS"
    # a ruling dated before the order is refused
    team.post(
        team.legal["FR"],
        f"/authorisations/{order}/annulment",
        {"court": "X", "ruling": "Y", "occurred_at": days_ago(120, "00:00")},
        422,
    )


def test_the_adopted_rulebooks_are_listed_as_they_stood(people: People) -> None:
    team = open_team(people, ["FR", "BE", "NL"], rulebooks={"FR": "fr"})
    before = last_position(team)
    team.post(team.legal["NL"], "/rulebooks", {"country": "NL", "source": "nl"}, 201)
    listed = team.legal["BE"].get(team.path("/rulebooks"))
    assert listed.status_code == 200, listed.text
    assert [(b["country"], b["source_name"]) for b in listed.json()] == [
        ("FR", "fr.toml"),
        ("NL", "nl.toml"),
    ]
    then = team.legal["BE"].get(team.path("/rulebooks"), params={"as_of": before}).json()
    assert [b["country"] for b in then] == ["FR"]
    stranger = people.new("stranger")
    assert stranger.get(team.path("/rulebooks")).status_code == 404


def test_as_of_a_time_a_deadline_passed_by_then_is_judged_at_that_time(team: Team) -> None:
    # Given an item whose failure before the FR court is forfeited in a few seconds
    item, deadline = forfeit_in_seconds(team, 3)
    position = log_of(team.leader, team.id)[-1]["position"]
    before = datetime.now(UTC)
    # When the deadline has passed, with nothing recorded since
    time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 0.5)
    passed = deadline + timedelta(seconds=0.2)
    after = passed.isoformat()
    # Then the matrix as of a time before it holds the failure, as of a time after it the
    # forfeited failure, evaluated again at that time, on the same facts
    assert team.matrix(as_of=before.isoformat())[("LATE-1", "FR")]["outcome"] == "FAIL"
    then = team.matrix(as_of=after)[("LATE-1", "FR")]
    assert then["outcome"] == "FORFEITED"
    assert datetime.fromisoformat(then["evaluated_on"]) == passed
    assert team.explain(item, as_of=after)["FR"]["outcome"] == "FORFEITED"
    # and as of the log position, judged when its event was recorded: before the deadline
    assert team.matrix(as_of=str(position))[("LATE-1", "FR")]["outcome"] == "FAIL"
    # and on a date after the deadline, on the facts as of that position
    on = (deadline + timedelta(days=1)).isoformat()
    assert team.matrix(as_of=str(position), on=on)[("LATE-1", "FR")]["outcome"] == "FORFEITED"
