"""Legal cooperation in the browser: consent asked and granted, the sender's conditions, an
entrustment and a forum's formalities (US-02 to US-05, DI-02, AU-09, AU-11).

Belgium's legal advisor asks France, on a French item's page, for consent to disclose it;
France's legal advisor grants the request as asked and attaches a condition on its use
binding Belgium; Belgium records the condition met, by the keyboard. On a French order's
page, France records that it entrusted the measure to a Belgian seconded member, Belgium's
forum asks for a formality, and France reports it was not met, and why. Every state visited
is checked with axe; the forms are filled by their labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import OpenAs, assert_accessible
from tests.e2e.conftest import Users
from tests.e2e.team import Team, register
from tests.support import Person, ServerThread, authorisation_body


@pytest.fixture(scope="module")
def advisors(site: ServerThread, site_database: str) -> Iterator[tuple[Person, Person]]:
    """France's and Belgium's legal advisors (users for the whole module)."""
    made = Users(site.url, site_database)
    yield made.new("claire-dubois"), made.new("lotte-peeters")
    for person in made.made:
        person.client.close()


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def recorded(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Recorded.").first).to_be_visible()


def test_consent_conditions_entrustment_and_formalities_in_the_forms(
    open_as: OpenAs, team: Team, advisors: tuple[Person, Person]
) -> None:
    french, belgian = advisors
    for person, country in ((french, "FR"), (belgian, "BE")):
        added = team.fr.post(
            team.path("/members"),
            json={"username": person.username, "country": country, "role": "legal_advisor"},
        )
        assert added.status_code == 200, added.text
    item = register(team.fr, team, reference="FR-COOP-1", description="ledgers")

    # Belgium asks France's consent to disclose the item
    be_page = open_as(belgian)
    be_page.goto(team.screen(f"/evidence/{item['id']}"))
    consents = be_page.get_by_test_id("consents")
    ask = consents.get_by_role("form", name="Ask FR for consent")
    ask.get_by_label("Consent to").select_option(label="disclosure to the defence or the court")
    ask.get_by_label("Note to the originating party").fill("for the Brussels trial")
    ask.get_by_role("button", name="Send the request").click()
    recorded(be_page)
    request = consents.get_by_test_id("consent-request")
    expect(request).to_have_attribute("data-answer", "open")
    expect(request).to_contain_text("BE asked FR for consent to disclosure")
    assert_accessible(be_page, "a request for consent sent")

    # France grants it as asked, and attaches a condition on its use binding Belgium
    fr_page = open_as(french)
    fr_page.goto(team.screen(f"/evidence/{item['id']}"))
    theirs = fr_page.get_by_test_id("consents").get_by_test_id("consent-request")
    theirs.get_by_role("button", name="Grant as asked").click()
    recorded(fr_page)
    expect(theirs).to_have_attribute("data-answer", "granted")
    conditions = fr_page.get_by_test_id("conditions")
    attach = conditions.get_by_role("form", name="Attach a condition")
    attach.get_by_label("The condition bears").select_option(label="on its use")
    attach.get_by_label("The condition", exact=True).fill("only in the trafficking case")
    attach.get_by_label("It binds").select_option(value="BE")
    attach.get_by_role("button", name="Attach a condition").click()
    recorded(fr_page)
    condition = conditions.get_by_test_id("condition")
    expect(condition).to_contain_text("Condition 1")
    expect(condition).to_contain_text("only in the trafficking case")
    assert_accessible(fr_page, "a consent granted and a condition attached")

    # Belgium sees both live, and records the condition met, by the keyboard
    expect(request).to_have_attribute("data-answer", "granted")
    mine = be_page.get_by_test_id("conditions").get_by_test_id("condition")
    expect(mine).to_have_attribute("data-in-force", "true")
    mine.get_by_role("button", name="Record it met").click()
    met = be_page.get_by_role("form", name="Condition 1 was met")
    met.get_by_label("How it was met").fill("used only in the trafficking case")
    met.get_by_label("How it was met").press("Enter")
    recorded(be_page)
    expect(mine).to_have_attribute("data-in-force", "false")
    expect(mine).to_contain_text("used only in the trafficking case")
    assert_accessible(be_page, "a condition met")

    # a French order: France entrusts it to a Belgian seconded member
    order = french.post(
        team.path("/authorisations"),
        json=authorisation_body(
            reference="JLD-COOP-1",
            occurred_at=ago(30).isoformat(),
            valid_from=ago(30).isoformat(),
            valid_until=ago(-30).isoformat(),
        ),
    )
    assert order.status_code == 201, order.text
    fr_page.goto(team.screen("/authorisations"))
    fr_page.get_by_role("button", name="Show JLD-COOP-1").click()
    forums = fr_page.get_by_test_id("authorisation-detail").get_by_test_id("entrustments")
    expect(forums).to_contain_text("The measure was entrusted to no seconded member.")
    entrust = forums.get_by_role("form", name="Record an entrustment")
    entrust.get_by_label("To the seconded member").select_option(value="BE")
    entrust.get_by_label("Entrusted by (authority)").fill("Juge d'instruction, Paris")
    entrust.get_by_label("Legal basis").fill("Art. 13(6) of the 2000 Convention")
    entrust.get_by_role("button", name="Record an entrustment").click()
    recorded(fr_page)
    expect(forums).to_contain_text("Entrusted to BE by Juge d'instruction, Paris")
    expect(forums).to_contain_text("allowed by the law of FR")
    assert_accessible(fr_page, "an entrustment recorded")

    # Belgium's forum asks for a formality; France reports it was not met, and why
    be_page.goto(team.screen("/authorisations"))
    be_page.get_by_role("button", name="Show JLD-COOP-1").click()
    asked = be_page.get_by_test_id("authorisation-detail").get_by_test_id("entrustments")
    form = asked.get_by_role("form", name="Formalities the forum of BE asks")
    form.get_by_label("Formalities", exact=True).fill("a judge listens")
    form.get_by_label("Asked by (authority)").fill("Juge d'instruction, Bruxelles")
    form.get_by_role("button", name="Ask for them").click()
    recorded(be_page)
    expect(asked.get_by_test_id("formality")).to_contain_text("not reported yet")
    assert_accessible(be_page, "a formality asked for")

    fr_page.goto(team.screen("/authorisations"))
    fr_page.get_by_role("button", name="Show JLD-COOP-1").click()
    formality = forums.get_by_test_id("formality")
    formality.get_by_role("button", name="Report").click()
    report = forums.get_by_role("form", name="Report on “a judge listens”")
    report.get_by_label("It was met").uncheck()
    report.get_by_label("Why not (empty: no reason given)").fill("no judge was on duty")
    report.get_by_role("button", name="Report").click()
    recorded(fr_page)
    expect(formality).to_contain_text("not met (no judge was on duty)")
    assert_accessible(fr_page, "a formality reported not met")
