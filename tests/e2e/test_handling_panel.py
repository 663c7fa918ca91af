"""The forensic and handling facts of an item, in the browser (CO-03, CO-05).

France's legal advisor (Claire Dubois) has adopted France's rulebook and added CO-03 (a
review of intercepts for privileged content). On the page of a French intercept she
records, in the item's forms and by the keyboard, a judge's review that found privileged
content not yet deleted, and how the data was acquired (through a write-blocker, by a
qualified examiner): both are listed in words, and CO-03 warns that the content is still in
the item. Every state visited is checked with axe; the forms are filled by their labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import OpenAs, assert_accessible
from tests.e2e.conftest import Users
from tests.e2e.team import Team, register
from tests.support import Person, ServerThread


@pytest.fixture(scope="module")
def advisor(site: ServerThread, site_database: str) -> Iterator[Person]:
    """France's legal advisor in the team (a user for the whole module)."""
    made = Users(site.url, site_database)
    yield made.new("claire-dubois-handling")
    for person in made.made:
        person.client.close()


def recorded(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Recorded.").first).to_be_visible()


def test_a_privilege_review_and_an_examination_recorded_in_the_forms(
    open_as: OpenAs, team: Team, advisor: Person
) -> None:
    added = team.fr.post(
        team.path("/members"),
        json={"username": advisor.username, "country": "FR", "role": "legal_advisor"},
    )
    assert added.status_code == 200, added.text
    adopted = advisor.post(team.path("/rulebooks"), json={"country": "FR", "source": "fr"})
    assert adopted.status_code == 201, adopted.text
    rule = {"rule": "CO-03", "params": {}, "reason": "intercepts are reviewed for privilege"}
    assert advisor.post(team.path("/rulebooks/FR/rules"), json=rule).status_code == 200
    ago = (datetime.now(UTC) - timedelta(days=20)).isoformat()
    item = register(
        team.fr,
        team,
        reference="FR-TAP-PRIV",
        kind="intercepted_communication",
        method="interception",
        occurred_at=ago,
    )

    page = open_as(advisor)
    page.goto(team.screen(f"/evidence/{item['id']}"))
    panel = page.get_by_test_id("item-handling")
    expect(panel).to_contain_text("Nothing recorded.")
    assert_accessible(page, "an item with no handling facts")

    # a judge's review, by the keyboard
    panel.get_by_text("Record a privilege review", exact=True).first.click()
    panel.get_by_label("Reviewed by").fill("Juge Lambert")
    panel.get_by_label("What the review found").select_option(
        label="privileged content found, not deleted"
    )
    panel.get_by_label("Reviewed by").press("Enter")
    recorded(page)
    facts = panel.get_by_test_id("handling-facts")
    expect(facts).to_contain_text("reviewed by Juge Lambert: privileged content found, not deleted")
    assert_accessible(page, "a privilege review recorded")

    # how the data was acquired
    panel.get_by_text("Record how the data was acquired", exact=True).first.click()
    panel.get_by_label("Examiner").fill("Lt. Moreau")
    panel.get_by_label("Their qualification").fill("certified forensic examiner")
    panel.get_by_label("Their qualification").press("Enter")
    recorded(page)
    expect(facts).to_contain_text(
        "acquired through a write-blocker by Lt. Moreau (certified forensic examiner)"
    )
    assert_accessible(page, "an examination recorded")

    # and CO-03 reads the review: the content is still in the item
    explained = advisor.get(team.path(f"/evidence/{item['id']}/admissibility"))
    assert explained.status_code == 200, explained.text
    [fr] = [c for c in explained.json()["countries"] if c["country"] == "FR"]
    assert [r["outcome"] for r in fr["results"] if r["rule"] == "CO-03"] == ["WARN"]
