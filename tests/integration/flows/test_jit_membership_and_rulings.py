"""AU-07 and AU-08 through the API, from recorded facts: a court's ruling annulling the
measure; the JIT agreement's period and its extension (not retroactive), a party joining
late or leaving, and the state on whose territory an item was collected. Dates are relative
to now; bad input leaves no event."""

from __future__ import annotations

from typing import Any

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People, Person, log_of


def refused(team: Team, person: Person, rest: str, body: dict[str, Any], status: int) -> str:
    """The request is refused with `status`, and the log holds the same events after."""
    before = len(log_of(team.leader, team.id))
    response = person.post(team.path(rest), json=body)
    assert response.status_code == status, response.text
    assert len(log_of(team.leader, team.id)) == before
    return str(response.json().get("detail", ""))


def searched(team: Team, country: str, reference: str, issued: float, collected: float) -> str:
    """A search order of `country` issued `issued` days ago, and an item collected under it
    `collected` days ago."""
    order = team.authorisation(
        country,
        kind="search_warrant",
        reference=f"ORDER-{reference}",
        occurred_at=days_ago(issued),
        valid_from=days_ago(max(issued, collected) + 1),
        valid_until=days_ago(-60),
        scope={"methods": ["search"]},
    )
    return team.collected(
        country,
        reference,
        kind="physical_item",
        method="search",
        occurred_at=days_ago(collected),
        authorisation_id=order,
        kept_at=days_ago(collected, "10:00"),
    )


def test_a_ruling_annulling_the_measure_fails_what_it_gathered(people: People) -> None:
    # Given an XA-XB JIT and an XA item seized under an order recorded 10 days ago, for a
    # search of 20 days ago
    team = open_team(people, ["XA", "XB"])
    item = searched(team, "XA", "XA-PARCEL", issued=10, collected=20)
    # Then no ruling annuls it: it passes; before the order was issued, it cannot be told
    team.reached(item, "XA", "AU-07", "PASS")
    team.reached(item, "XB", "AU-07", "UNKNOWN", on=days_ago(15))
    # When XA's court annuls the order
    response = team.legal["XA"].post(
        team.path(f"/authorisations/{_order_of(team, item)}/annulment"),
        json={"court": "Court of A", "ruling": "2/25", "occurred_at": days_ago(2)},
    )
    assert response.status_code == 200, response.text
    # Then the item fails in every forum, resting on the ruling
    [annulled] = team.reached(item, "XB", "AU-07", "FAIL")
    assert "Annulled" in {ref["event"] for ref in annulled["rests_on"]}
    team.reached(item, "XA", "AU-07", "FAIL")
    team.reached(item, "XA", "AU-07", "PASS", on=days_ago(5))


def test_a_forum_court_excluding_or_admitting_an_item_decides_there(people: People) -> None:
    # Given an XA-XB JIT and an XA item used before XB's courts
    team = open_team(people, ["XA", "XB"])
    item = searched(team, "XA", "XA-LEDGER", issued=30, collected=20)
    rulings = f"/evidence/{item}/rulings"
    # When XB's court excludes it
    excluded = {"court": "Court of B", "ruling": "B-12/25", "effect": "excluded"}
    team.post(team.legal["XB"], rulings, excluded | {"occurred_at": days_ago(6)})
    # Then it fails in XB, naming the ruling, and stays as it was in XA
    [fails] = team.reached(item, "XB", "AU-07", "FAIL")
    assert "Court of B excluded the item" in fails["reason"] and "B-12/25" in fails["reason"]
    team.reached(item, "XA", "AU-07", "PASS")
    assert team.explain(item)["XB"]["verdict"] == "inadmissible"
    # When XB's appeal court admits it
    admitted = {"court": "Appeal court of B", "ruling": "B-A-3/25", "effect": "admitted"}
    team.post(team.legal["XB"], rulings, admitted | {"occurred_at": days_ago(1)})
    # Then it passes there, saying so, and failed on a date between the two rulings
    [passes] = team.reached(item, "XB", "AU-07", "PASS")
    assert "Appeal court of B admitted the item" in passes["reason"]
    team.reached(item, "XB", "AU-07", "FAIL", on=days_ago(3))
    # Bad input leaves no event: the same ruling again, no court, an investigator
    again = admitted | {"ruling": "B-A-4/25"}
    assert "already" in refused(team, team.legal["XB"], rulings, again, 409)
    refused(team, team.legal["XB"], rulings, excluded | {"court": "  "}, 422)
    refused(team, team.investigators["XB"], rulings, excluded, 403)


def _order_of(team: Team, item: str) -> str:
    response = team.leader.get(team.path(f"/evidence/{item}"))
    assert response.status_code == 200, response.text
    return str(response.json()["authorisation_id"])


def test_collection_inside_the_jit_its_parties_their_territory_and_period(
    people: People,
) -> None:
    # Given an XA-XB JIT
    team = open_team(people, ["XA", "XB"])
    inside = team.collected("XA", "XA-IN", occurred_at=days_ago(20), kept_at=days_ago(20, "10:00"))
    team.reached(inside, "XB", "AU-08", "PASS")
    # When XA records that it collected an item on Swiss territory (not a party)
    abroad = team.collected("XA", "XA-CH", occurred_at=days_ago(20), kept_at=days_ago(20, "10:00"))
    team.post(team.investigators["XA"], f"/evidence/{abroad}/territory", {"country": "CH"})
    # Then it was collected outside the JIT
    [outside] = team.reached(abroad, "XB", "AU-08", "FAIL")
    assert "CH" in outside["reason"] and "not a party" in outside["reason"]
    # and one collected on XB's territory, a party, passes, naming it
    on_xb = team.collected("XA", "XA-XB", occurred_at=days_ago(20), kept_at=days_ago(20, "10:00"))
    team.post(team.investigators["XA"], f"/evidence/{on_xb}/territory", {"country": "XB"})
    [passed] = team.reached(on_xb, "XA", "AU-08", "PASS")
    assert "in XB" in passed["reason"]
    # When XB leaves the JIT 5 days ago
    team.post(
        team.leader,
        "/departures",
        {"country": "XB", "reason": "XB's case was closed", "occurred_at": days_ago(5)},
    )
    # Then what XB collects after is outside the JIT, and what it collected before is not
    late = team.collected("XB", "XB-LATE", occurred_at=days_ago(2), kept_at=days_ago(2, "10:00"))
    [left] = team.reached(late, "XA", "AU-08", "FAIL")
    assert "after XB left the JIT" in left["reason"]
    early = team.collected("XB", "XB-EARLY", occurred_at=days_ago(9), kept_at=days_ago(9, "10:00"))
    team.reached(early, "XA", "AU-08", "PASS")
    # and so is what XA collects on XB's territory after XB left
    there = team.collected("XA", "XA-XB-2", occurred_at=days_ago(1), kept_at=days_ago(1, "10:00"))
    team.post(team.investigators["XA"], f"/evidence/{there}/territory", {"country": "XB"})
    [gone] = team.reached(there, "XA", "AU-08", "FAIL")
    assert "collected in XB after XB left" in gone["reason"]
    # When a party joins late (today), what it collected before joining is outside the JIT
    team.post(team.leader, "/parties", {"country": "LU", "name": "C", "lead_authority": "C"})
    lu = people.new("lu-investigator")
    added = team.leader.post(
        team.path("/members"),
        json={"username": lu.username, "country": "LU", "role": "investigator"},
    )
    assert added.status_code == 200, added.text
    team.investigators["LU"] = lu
    before = team.collected("LU", "LU-1", occurred_at=days_ago(3), kept_at=days_ago(3, "10:00"))
    [joined] = team.reached(before, "XA", "AU-08", "FAIL")
    assert "before LU joined the JIT" in joined["reason"]
    # and the party's departure shows on the investigation, as does when LU joined
    parties = {p["country"]: p for p in team.leader.get(team.path()).json()["parties"]}
    assert parties["XB"]["left_at"].startswith(days_ago(5)[:10])
    assert parties["LU"]["joined_at"] is not None and parties["XA"]["joined_at"] is None
    # A party does not leave before it joined: refused, and nothing recorded
    detail = refused(
        team,
        team.leader,
        "/departures",
        {"country": "LU", "reason": "x", "occurred_at": days_ago(1)},
        409,
    )
    assert "LU joined the JIT on" in detail


def test_a_party_joins_by_an_amendment_signed_on_a_date_it_gives(people: People) -> None:
    # Given an XA-XB JIT
    team = open_team(people, ["XA", "XB"])
    # When LU joins by an amendment signed 3 days ago
    team.post(
        team.leader,
        "/parties",
        {"country": "LU", "name": "Luxembourg", "lead_authority": "C", "occurred_at": days_ago(3)},
    )
    # Then the investigation says so
    parties = {p["country"]: p for p in team.leader.get(team.path()).json()["parties"]}
    assert parties["LU"]["joined_at"].startswith(days_ago(3)[:10])


def test_an_extension_of_the_agreement_is_not_retroactive(people: People) -> None:
    # Given a JIT whose agreement ended 40 days ago
    team = open_team(people, ["XA", "XB"])
    leader = team.leader
    ended = days_ago(40)[:10]
    shortened = leader.post(
        "/investigations",
        json={
            "name": "A JIT that lapsed",
            "agreement_reference": "JIT-LAPSED",
            "purpose": "human trafficking",
            "period_start": "2024-01-01",
            "period_end": ended,
            "parties": [
                {"country": c, "name": c, "lead_authority": f"{c} prosecutor"} for c in ("XA", "XB")
            ],
            "country": "XA",
        },
    )
    assert shortened.status_code == 201, shortened.text
    lawyer = team.legal["XA"]
    lapsed = Team(shortened.json()["id"], leader, {"XA": leader}, {"XA": lawyer})
    lapsed.post(
        leader, "/members", {"username": lawyer.username, "country": "XA", "role": "legal_advisor"}
    )
    lapsed.post(lawyer, "/rulebooks", {"country": "XA", "source": "xa"}, 201)
    # and an item collected 20 days ago, in the lapse
    item = lapsed.item("XA", "XA-LAPSE", occurred_at=days_ago(20))
    [outside] = lapsed.reached(item, "XA", "AU-08", "FAIL")
    assert ended in outside["reason"]
    # When the agreement is extended by an amendment signed 10 days ago
    lapsed.post(
        leader,
        "/extension",
        {"period_end": days_ago(-365)[:10], "reason": "amendment 1", "occurred_at": days_ago(10)},
    )
    # Then the item collected in the lapse stays outside (not retroactive), and says why
    [lapse] = lapsed.reached(item, "XA", "AU-08", "FAIL")
    assert "not retroactive" in lapse["reason"]
    # and the investigation shows the extension, with the end it replaced
    [extension] = leader.get(lapsed.path()).json()["extensions"]
    assert extension["previous_end"] == ended and extension["reason"] == "amendment 1"
    assert extension["period_end"] == days_ago(-365)[:10]
    # and one collected after the amendment was signed is inside
    after = lapsed.item("XA", "XA-AFTER", occurred_at=days_ago(5))
    lapsed.reached(after, "XA", "AU-08", "PASS")
    # Bad input leaves no event: an extension that does not extend, a party that is none
    detail = refused(lapsed, leader, "/extension", {"period_end": ended, "reason": "x"}, 422)
    assert "ends after" in detail
    refused(lapsed, leader, "/departures", {"country": "LU", "reason": "never one"}, 422)
    lapsed.post(leader, "/departures", {"country": "XB", "reason": "its case closed"})
    refused(lapsed, leader, "/departures", {"country": "XB", "reason": "again"}, 409)
    refused(lapsed, leader, "/departures", {"country": "XA", "reason": "the last"}, 409)
    # an investigator does not change the agreement
    refused(
        team,
        team.investigators["XA"],
        "/extension",
        {"period_end": "2099-01-01", "reason": "x"},
        403,
    )
    # a territory that is no state's
    refused(
        team,
        team.investigators["XA"],
        f"/evidence/{_any_item(team)}/territory",
        {"country": "ZZ"},
        422,
    )


def _any_item(team: Team) -> str:
    return team.item("XA", "XA-ANY", occurred_at=days_ago(3))
