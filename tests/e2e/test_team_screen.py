"""The team's page: the leader sees the parties, the agreement's period and the members,
records an extension of the agreement, a party joining late and a party's departure through
its forms, and sees each on the page; a bad input shows the API's words and records nothing;
the Belgian investigator, who does not run the team, sees the same page with no form, kept
up to date live.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.browsing import Console, OpenAs, assert_accessible, local
from tests.e2e.team import Team

DEPARTURE = "Record a party\u2019s departure"


def the_record(team: Team) -> dict[str, Any]:
    read = team.fr.get(team.path())
    assert read.status_code == 200, read.text
    record: dict[str, Any] = read.json()
    return record


def party_row(page: Page, country: str) -> Any:
    return page.get_by_test_id("party").and_(page.locator(f"[data-country='{country}']"))


def test_the_leader_records_an_extension_and_a_departure_on_the_team_page(
    open_as: OpenAs, team: Team, browser_console: Console
) -> None:
    # the two refusals the test asks for
    browser_console.expect_refusals_of(r"/extension$")
    browser_console.expect_refusals_of(r"/departures$")
    # the browsers' clock is Paris's: the dates typed are its wall time
    now = datetime.now(ZoneInfo("Europe/Paris")).replace(second=0, microsecond=0)
    end = date.fromisoformat(the_record(team)["period_end"])
    belgian = open_as(team.be)
    belgian.goto(team.screen("/team"))
    expect(belgian.get_by_role("heading", level=1, name="The team")).to_be_visible()
    expect(party_row(belgian, "BE")).to_contain_text("still a party")
    # who does not run the team sees no form
    expect(belgian.get_by_test_id("team-forms")).to_have_count(0)
    for form in ("Record an extension", DEPARTURE, "Add a party", "Add a member"):
        expect(belgian.get_by_role("form", name=form)).to_have_count(0)

    page = open_as(team.fr)
    page.goto(team.screen())
    page.get_by_role("navigation", name="Investigation").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1, name="The team")).to_be_visible()
    # the parties by their names, the members by theirs, with party and role
    expect(party_row(page, "NL")).to_contain_text("Netherlands")
    expect(party_row(page, "NL").get_by_test_id("party-joined")).to_contain_text("founding party")
    ines = page.get_by_test_id("team-member").filter(has_text="Ines Martin")
    expect(ines).to_contain_text("France")
    expect(ines).to_contain_text("JIT leader")
    expect(page.get_by_test_id("team-member").filter(has_text="Anna De Vries")).to_contain_text(
        "observer"
    )
    expect(page.get_by_test_id("no-extensions")).to_be_visible()

    # an extension that ends before the agreement does is refused, in the API's words
    version = the_record(team)["version"]
    extension = page.get_by_role("form", name="Record an extension")
    extension.get_by_label("New end of the period").fill((end - timedelta(days=30)).isoformat())
    extension.get_by_label("Amendment").fill("Amendment 1, signed by FR, BE and NL")
    extension.get_by_label("Date of the decision").fill(local(now - timedelta(days=2)))
    extension.get_by_role("button", name="Record an extension").click()
    expect(extension.get_by_role("alert")).to_contain_text(
        f"an extension ends after the JIT's period does ({end.isoformat()})"
    )
    assert the_record(team)["version"] == version
    expect(page.get_by_test_id("no-extensions")).to_be_visible()

    # an extension a year further, decided two days ago, is recorded and shown
    new_end = end + timedelta(days=365)
    extension.get_by_label("New end of the period").fill(new_end.isoformat())
    extension.get_by_role("button", name="Record an extension").click()
    expect(extension.get_by_role("status")).to_have_text("Recorded.")
    row = page.get_by_test_id("extension")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Amendment 1, signed by FR, BE and NL")
    [recorded] = the_record(team)["extensions"]
    assert recorded["period_end"] == new_end.isoformat()
    assert recorded["previous_end"] == end.isoformat()
    assert datetime.fromisoformat(recorded["signed_at"]) == now - timedelta(days=2)

    # Luxembourg joins by an amendment of three days ago
    joining = page.get_by_role("form", name="Add a party")
    joining.get_by_label("Country code").fill("LU")
    joining.get_by_label("Name of the state or body").fill("Luxembourg")
    joining.get_by_label("Lead authority").fill("Parquet de Luxembourg")
    joining.get_by_label("Joined on").fill(local(now - timedelta(days=3)))
    joining.get_by_role("button", name="Add a party").click()
    expect(party_row(page, "LU")).to_contain_text("Luxembourg")
    expect(party_row(page, "LU").get_by_test_id("party-joined")).not_to_contain_text("founding")

    # a departure before it joined is refused, in the API's words, and records nothing
    version = the_record(team)["version"]
    leaving = page.get_by_role("form", name=DEPARTURE)
    leaving.get_by_label("Party").select_option("LU")
    leaving.get_by_label("Why it left").fill("its case was closed")
    leaving.get_by_label("Left on").fill(local(now - timedelta(days=5)))
    leaving.get_by_role("button", name=DEPARTURE).click()
    expect(leaving.get_by_role("alert")).to_contain_text("LU joined the JIT on")
    expect(leaving.get_by_role("alert")).to_contain_text("it cannot leave before")
    assert the_record(team)["version"] == version
    expect(party_row(page, "LU").get_by_test_id("party-left")).to_have_text("still a party")

    # Belgium leaving yesterday is recorded, and shown here and on the Belgian's page, live
    leaving.get_by_label("Party").select_option("BE")
    leaving.get_by_label("Left on").fill(local(now - timedelta(days=1)))
    leaving.get_by_role("button", name=DEPARTURE).click()
    expect(leaving.get_by_role("status")).to_have_text("Recorded.")
    expect(party_row(page, "BE").get_by_test_id("party-left")).not_to_have_text("still a party")
    expect(party_row(belgian, "BE").get_by_test_id("party-left")).not_to_have_text("still a party")
    expect(party_row(page, "BE").get_by_test_id("party-left")).to_contain_text(
        "its case was closed"
    )
    expect(belgian.get_by_test_id("extension")).to_have_count(1)
    parties = {p["country"]: p for p in the_record(team)["parties"]}
    assert datetime.fromisoformat(parties["BE"]["left_at"]) == now - timedelta(days=1)
    assert parties["LU"]["left_at"] is None

    assert_accessible(page, "the team, with its forms, as the leader")
    assert_accessible(belgian, "the team, as an investigator")


def test_the_leader_changes_a_role_and_observers_rights_and_removes_a_member(
    open_as: OpenAs, team: Team, browser_console: Console
) -> None:
    browser_console.expect_refusals_of(r"/role$")
    observer = open_as(team.observer)
    observer.goto(team.screen("/team"))
    expect(observer.get_by_test_id("observer-rights")).to_have_text("Nothing beyond their role.")
    page = open_as(team.fr)
    page.goto(team.screen("/team"))
    expect(page.get_by_role("heading", level=1, name="The team")).to_be_visible()
    members = page.get_by_test_id("team-member")
    pieter = members.filter(has_text="Pieter Claes")
    expect(pieter).to_contain_text("investigator")

    # Pieter Claes moves to the analysis cell: chosen by his name, his new role shown
    role = page.get_by_role("form", name="Change a member\u2019s role")
    role.get_by_label("Member").select_option(label="Pieter Claes (Belgium, investigator)")
    role.get_by_label("New role").select_option(label="analyst")
    role.get_by_label("Why").fill("moved to the analysis cell")
    role.get_by_role("button", name="Change a member\u2019s role").click()
    expect(role.get_by_role("status")).to_have_text("Recorded.")
    expect(pieter).to_contain_text("analyst")
    # the same role again is refused in the API's words, and records nothing
    version = the_record(team)["version"]
    role.get_by_label("Member").select_option(label="Pieter Claes (Belgium, analyst)")
    role.get_by_label("New role").select_option(label="analyst")
    role.get_by_label("Why").fill("again")
    role.get_by_role("button", name="Change a member\u2019s role").click()
    expect(role.get_by_role("alert")).to_contain_text("this member is analyst already")
    assert the_record(team)["version"] == version

    # the agreement gives observers the legal file: ticked, recorded, shown to the observer
    rights = page.get_by_role("form", name="Set what observers may do")
    rights.get_by_label("see legal matters").check()
    rights.get_by_label("Clause of the agreement").fill("JIT agreement, art. 7")
    rights.get_by_role("button", name="Record observers\u2019 rights").click()
    expect(rights.get_by_role("status")).to_have_text("Recorded.")
    expect(page.get_by_test_id("observer-rights")).to_contain_text("see legal matters")
    expect(observer.get_by_test_id("observer-rights")).to_contain_text("see legal matters")
    assert the_record(team)["observer_rights"] == ["view_legal"]
    # the boxes show what is recorded
    expect(rights.get_by_label("see legal matters")).to_be_checked()
    expect(rights.get_by_label("comment")).not_to_be_checked()

    # Anna de Vries's secondment ends: she is no longer listed, and no longer a member
    assert_accessible(page, "the team, with its forms for members and observers' rights")
    removal = page.get_by_role("form", name="Remove a member")
    removal.get_by_label("Member").select_option(label="Anna De Vries (Netherlands, observer)")
    removal.get_by_label("Why they leave the team").fill("secondment ended")
    removal.get_by_role("button", name="Remove a member").click()
    expect(removal.get_by_role("status")).to_have_text("Recorded.")
    expect(members.filter(has_text="Anna De Vries")).to_have_count(0)
    assert str(team.observer.user_id) not in {m["user_id"] for m in the_record(team)["members"]}
