"""An item's disclosure schedule, in the browser (DI-01).

France's legal advisor (Claire Dubois) opens an item on its page and records, in the
"Disclosure schedule" panel, by its labels and the keyboard, that the item was reviewed as
relevant, then scheduled as unused material: each step is listed under France. Disclosing
to the defence before a step is refused in words. Every state visited is checked with axe.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import Console, OpenAs, assert_accessible
from tests.e2e.conftest import Users
from tests.e2e.team import Team, register
from tests.support import Person, ServerThread


@pytest.fixture(scope="module")
def advisor(site: ServerThread, site_database: str) -> Iterator[Person]:
    """France's legal advisor in the team (a user for the whole module)."""
    made = Users(site.url, site_database)
    yield made.new("claire-dubois-schedule")
    for person in made.made:
        person.client.close()


RECORD = "Record a step on your party\u2019s schedule"


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def recorded(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Recorded.").first).to_be_visible()


def test_steps_recorded_in_the_form_are_listed_on_the_schedule(
    open_as: OpenAs, team: Team, advisor: Person, browser_console: Console
) -> None:
    browser_console.expect_refusals_of(r"/disclosure-schedule$")
    added = team.fr.post(
        team.path("/members"),
        json={"username": advisor.username, "country": "FR", "role": "legal_advisor"},
    )
    assert added.status_code == 200, added.text
    item = register(team.fr, team, reference="FR-SCHEDULED", occurred_at=ago(20).isoformat())

    page = open_as(advisor)
    page.goto(team.screen(f"/evidence/{item['id']}"))
    panel = page.get_by_test_id("disclosure-schedule")
    expect(panel).to_contain_text("Not on any disclosure schedule.")
    assert_accessible(page, "an item with no disclosure schedule")
    form = panel.get_by_role("form", name=RECORD)

    # disclosing to the defence before scheduling is refused, in words
    form.get_by_label("Step").select_option(label="disclosed to the defence")
    form.get_by_role("button", name=RECORD).click()
    expect(panel.get_by_role("alert")).to_contain_text("schedule it")

    form.get_by_label("Step").select_option(label="reviewed as relevant")
    form.get_by_label("Note").fill("relevant to the trafficking charge")
    form.get_by_label("Note").press("Enter")
    recorded(page)
    expect(panel.locator("li[data-country=FR]").first).to_contain_text("reviewed as relevant")

    form.get_by_label("Step").select_option(label="scheduled as unused material")
    form.get_by_role("button", name=RECORD).focus()
    page.keyboard.press("Enter")
    recorded(page)
    expect(panel.locator("li[data-country=FR]")).to_have_count(2)
    expect(panel).to_contain_text("scheduled as unused material")
    assert_accessible(page, "an item on France's disclosure schedule")


def test_a_ruling_and_the_state_of_collection_recorded_in_the_forms(
    open_as: OpenAs, team: Team, advisor: Person
) -> None:
    # (the advisor joined France's team in the test above, or joins it here)
    team.fr.post(
        team.path("/members"),
        json={"username": advisor.username, "country": "FR", "role": "legal_advisor"},
    )
    item = register(team.fr, team, reference="FR-RULED", occurred_at=ago(20).isoformat())
    page = open_as(advisor)
    page.goto(team.screen(f"/evidence/{item['id']}"))
    panel = page.get_by_test_id("item-rulings")
    expect(panel).to_contain_text("No ruling on record.")
    assert_accessible(page, "an item with no ruling")
    ruling = panel.get_by_role("form", name="Record a ruling of your courts")
    ruling.get_by_label("Court").fill("Tribunal correctionnel de Lyon")
    ruling.get_by_label("Ruling (reference)").fill("24/118")
    ruling.get_by_label("What it ruled").select_option(label="excluded the item")
    ruling.get_by_label("Ruling (reference)").press("Enter")
    recorded(page)
    expect(panel.get_by_test_id("rulings")).to_contain_text("excluded the item")
    where = panel.get_by_role("form", name="Record where it was collected")
    where.get_by_label("State (ISO code, e.g. BE)").fill("be")
    where.get_by_label("State (ISO code, e.g. BE)").press("Enter")
    recorded(page)
    expect(panel.get_by_test_id("territory")).to_have_text("BE")
    assert_accessible(page, "an item with a ruling and the state it was collected in")
