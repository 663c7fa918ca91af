"""The forum countries' rulebooks in the browser.

A Belgian legal advisor adopts Belgium's rulebook from the shipped example, then gives the
custody rule a longer gap with a reason: the table says the rule now differs from the
example, the history says who changed it and why, and the leader's page, open meanwhile,
shows the change without reloading. A wrong setting is refused in words and records
nothing. Only a country's own legal advisors get the forms for its rulebook; those who may
not see legal matters get no rulebooks at all.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.browsing import Console, OpenAs, assert_accessible
from tests.e2e.team import Team
from tests.e2e.test_main_story import assert_not_reloaded, mark_the_page
from tests.support import People, Person


def legal_advisor(users: People, team: Team, country: str) -> Person:
    person = users.new(f"{country.lower()}-legal-advisor")
    added = team.fr.post(
        team.path("/members"),
        json={"username": person.username, "country": country, "role": "legal_advisor"},
    )
    assert added.status_code == 200, added.text
    return person


def open_rulebooks(page: Page, team: Team) -> None:
    page.goto(team.screen("/rulebooks"))
    expect(
        page.get_by_role("heading", level=1, name="Rulebooks of the forum countries")
    ).to_be_visible()


def events_of(team: Team) -> int:
    return len(team.fr.get(team.path("/events"), params={"limit": 1000}).json()["events"])


def test_a_legal_advisor_adopts_and_amends_her_countrys_rulebook(
    open_as: OpenAs, team: Team, users: People, browser_console: Console
) -> None:
    advisor = legal_advisor(users, team, "BE")
    leader = open_as(team.fr)
    open_rulebooks(leader, team)
    belgium_seen_by_leader = leader.get_by_test_id("rulebook").and_(
        leader.locator("[data-country='BE']")
    )
    expect(belgium_seen_by_leader).to_contain_text("No rulebook adopted yet")
    # the leader is no Belgian legal advisor: no forms for Belgium's rulebook
    expect(belgium_seen_by_leader.get_by_role("form")).to_have_count(0)
    mark_the_page(leader)

    page = open_as(advisor)
    open_rulebooks(page, team)
    belgium = page.locator("[data-testid='rulebook'][data-country='BE']")
    france = page.locator("[data-testid='rulebook'][data-country='FR']")
    expect(france.get_by_role("form")).to_have_count(0)  # not hers
    adopt = belgium.get_by_role("form", name="Adopt a rulebook")
    adopt.get_by_label("Start from the example").select_option(value="be")
    adopt.get_by_role("button", name="Adopt a rulebook").click()
    expect(belgium.get_by_role("status")).to_have_text("Recorded.")
    expect(belgium.get_by_text("Adopted from be.toml")).to_be_visible()
    custody_rule = belgium.locator("tr[data-rule='CU-01']")
    expect(custody_rule).to_contain_text("as shipped")
    assert_accessible(page, "rulebooks, a legal advisor's own country")

    amend = belgium.get_by_role("form", name="Add or change a rule")
    amend.get_by_label("Rule").select_option(value="CU-01")
    # a setting the rule does not take: refused in words, nothing recorded
    before = events_of(team)
    amend.get_by_label("Settings (JSON)").fill('{"gap_days": 2}')
    amend.get_by_label("Reason").fill("the Belgian courts accept two days")
    amend.get_by_role("button", name="Add or change a rule").click()
    expect(belgium.get_by_role("alert")).to_contain_text("gap_days")
    assert events_of(team) == before
    # the browser logs the refusal it was given; that one was provoked on purpose
    refusals = [p for p in browser_console.problems if "422 (Unprocessable Entity)" in p]
    assert len(refusals) == 1, browser_console.problems
    browser_console.problems[:] = [p for p in browser_console.problems if p not in refusals]
    amend.get_by_label("Settings (JSON)").fill('{"gap_hours": 48}')
    amend.get_by_label("Severity").select_option(label="risk")
    amend.get_by_role("button", name="Add or change a rule").click()
    expect(belgium.get_by_role("status")).to_have_text("Recorded.")
    expect(custody_rule).to_contain_text("gap hours 48")
    expect(custody_rule).to_contain_text("changed")
    history = belgium.get_by_test_id("rulebook-history")
    expect(history.locator("li").first).to_contain_text("set CU-01 · risk (gap hours 48)")
    expect(history.locator("li").first).to_contain_text(
        "Reason: the Belgian courts accept two days"
    )
    expect(history.locator("li").last).to_contain_text("adopted the rulebook from be.toml")

    # the leader, on the same screen all along, sees it without reloading
    expect(belgium_seen_by_leader.locator("tr[data-rule='CU-01']")).to_contain_text("gap hours 48")
    assert_not_reloaded(leader)
    assert_accessible(leader, "rulebooks, another country's")


def test_those_who_may_not_see_legal_matters_get_no_rulebooks(open_as: OpenAs, team: Team) -> None:
    page = open_as(team.observer)  # observers see legal matters only if the team lets them
    page.goto(team.screen())
    navigation = page.get_by_role("navigation", name="Investigation")
    expect(navigation.get_by_role("link", name="Evidence register")).to_be_visible()
    expect(navigation.get_by_role("link", name="Rulebooks")).to_have_count(0)
    page.goto(team.screen("/rulebooks"))
    expect(
        page.get_by_role("heading", level=1, name="Rulebooks of the forum countries")
    ).to_be_visible()
    # the page says why, and shows no rule and no form
    expect(page.get_by_role("alert")).to_contain_text("see authorisations, rulebooks")
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_test_id("rulebook")).to_have_count(0)
    # the only form is the history control, on every screen
    expect(page.get_by_role("form")).to_have_count(1)
    expect(page.get_by_role("form", name="History")).to_be_visible()
