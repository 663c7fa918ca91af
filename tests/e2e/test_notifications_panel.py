"""Notifications of a measure to the state where its target was, in the browser (AU-10).

The French leader's team intercepted a target in Switzerland, outside the JIT; the French
legal advisor (Claire Dubois) has adopted France's rulebook with AU-10 in it. On the
authorisation's page she records, in the form, that Switzerland was notified ten days ago:
the item's cell in the French column no longer flags the missing notification. She then
records Switzerland's objection to the use of the data within the 96 hours: the cell turns
to "restricted use" on the admissibility screen. Every state visited is checked with axe;
the forms are filled by their labels. On the item's page she records whom it concerns and
where its target was, by the keyboard. Dates are relative to the day the test runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import OpenAs, assert_accessible, local
from tests.e2e.conftest import Users
from tests.e2e.team import Team, custody, register
from tests.e2e.test_admissibility_screen import open_matrix, row_of
from tests.support import Person, ServerThread, authorisation_body


@pytest.fixture(scope="module")
def advisor(site: ServerThread, site_database: str) -> Iterator[Person]:
    """France's legal advisor in the team (a user for the whole module)."""
    made = Users(site.url, site_database)
    yield made.new("claire-dubois")
    for person in made.made:
        person.client.close()


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def recorded(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Recorded.").first).to_be_visible()


def test_a_notification_and_an_objection_recorded_in_the_forms_change_the_verdict(
    open_as: OpenAs, team: Team, advisor: Person
) -> None:
    added = team.fr.post(
        team.path("/members"),
        json={"username": advisor.username, "country": "FR", "role": "legal_advisor"},
    )
    assert added.status_code == 200, added.text
    adopted = advisor.post(team.path("/rulebooks"), json={"country": "FR", "source": "fr"})
    assert adopted.status_code == 201, adopted.text
    rule = {"rule": "AU-10", "params": {}, "reason": "interceptions abroad are notified"}
    assert advisor.post(team.path("/rulebooks/FR/rules"), json=rule).status_code == 200
    order = advisor.post(
        team.path("/authorisations"),
        json=authorisation_body(
            reference="JLD-CH-1",
            occurred_at=ago(30).isoformat(),
            valid_from=ago(30).isoformat(),
            valid_until=ago(-30).isoformat(),
            scope={"places": ["CH"], "methods": ["interception"]},
        ),
    )
    assert order.status_code == 201, order.text
    item = register(
        team.fr,
        team,
        reference="FR-CH-INTERCEPT",
        kind="intercepted_communication",
        method="interception",
        occurred_at=ago(20).isoformat(),
        authorisation_id=order.json()["id"],
    )
    custody(team.fr, team, item["id"], "collection", place="Paris", occurred_at=ago(20).isoformat())

    page = open_as(advisor)
    open_matrix(page, team)
    cell = row_of(page, "FR-CH-INTERCEPT").locator('[data-country="FR"] button')
    expect(cell).to_have_accessible_name(re.compile("^Why FR-CH-INTERCEPT is “risk” in FR"))

    page.goto(team.screen("/authorisations"))
    page.get_by_role("button", name="Show JLD-CH-1").click()
    detail = page.get_by_test_id("authorisation-detail")
    notices = detail.get_by_test_id("notifications")
    expect(notices).to_contain_text("No notification is on record.")
    form = notices.get_by_role("form", name="Record")
    form.get_by_label("What happened").select_option(label="Notification sent")
    form.get_by_label("State (ISO code, e.g. CH)").fill("CH")
    form.get_by_label("When (empty: now)").fill(local(datetime.now() - timedelta(days=10)))
    form.get_by_role("button", name="Record").click()
    recorded(page)
    expect(notices.locator("li[data-country='CH']")).to_contain_text("sent")
    timeline = detail.get_by_test_id("authorisation-timeline").locator("li")
    expect(timeline.last).to_contain_text("Notified to CH")
    assert_accessible(page, "an authorisation notified to a state")

    form.get_by_label("What happened").select_option(label="The state objected")
    form.get_by_label("State (ISO code, e.g. CH)").fill("CH")
    form.get_by_label("When (empty: now)").fill(local(datetime.now() - timedelta(days=9)))
    form.get_by_label("The objection covers").select_option(label="the use of the data")
    form.get_by_label("terms").fill("only for the trafficking case")
    form.get_by_role("button", name="Record").click()
    recorded(page)
    expect(notices.locator("li[data-country='CH']")).to_contain_text(
        "only for the trafficking case"
    )
    assert_accessible(page, "an objection recorded")

    page.get_by_role("navigation", name="Investigation").get_by_role(
        "link", name="Admissibility"
    ).click()
    expect(cell).to_have_accessible_name(
        re.compile("^Why FR-CH-INTERCEPT is “restricted use” in FR")
    )
    assert_accessible(page, "the matrix after the objection")

    # on the item's page, whom it concerns and where its target was, by the keyboard
    page.goto(team.screen(f"/evidence/{item['id']}"))
    targets = page.get_by_test_id("item-targets")
    expect(targets.get_by_test_id("target-location")).to_contain_text("Not recorded")
    concerns = targets.get_by_role("form", name="Record whom it concerns")
    concerns.get_by_label("Kind").select_option(label="Phone number")
    concerns.get_by_label("Name, number or account").fill("+41 79 000 00 01")
    concerns.get_by_role("button", name="Record whom it concerns").focus()
    page.keyboard.press("Enter")
    recorded(page)
    expect(targets.get_by_test_id("concerns")).to_contain_text("Phone number: +41 79 000 00 01")
    where = targets.get_by_role("form", name="Record where the target was")
    where.get_by_label("State (ISO code, e.g. CH)").fill("ch")
    where.get_by_label("State (ISO code, e.g. CH)").press("Enter")
    recorded(page)
    expect(targets.get_by_test_id("target-location")).to_have_text("CH")
    assert_accessible(page, "an item's target recorded")
