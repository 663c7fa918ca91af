"""Authorisations per jurisdiction in the browser.

The French leader records an interception order in the form, sees it listed as in force,
renews it, and the timeline says so step by step; an item registered under it is listed as
resting on it; when a court annuls it, the list and the timeline say so at once, in words
(not by colour alone). Dates are relative to the day the test runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.browsing import OpenAs, assert_accessible, local
from tests.e2e.team import Team, register


def recorded(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Recorded.").first).to_be_visible()


def test_an_authorisation_is_recorded_renewed_and_annulled_in_the_browser(
    open_as: OpenAs, team: Team
) -> None:
    now = datetime.now().replace(second=0, microsecond=0)
    page = open_as(team.fr)
    page.goto(team.screen("/authorisations"))
    expect(
        page.get_by_role("heading", level=1, name="Authorisations per jurisdiction")
    ).to_be_visible()
    expect(page.get_by_text("No authorisation is recorded yet.")).to_be_visible()

    form = page.get_by_role("form", name="Record an authorisation")
    form.get_by_label("Kind", exact=True).select_option(label="interception order")
    form.get_by_label("Issuing country").select_option(value="FR")
    form.get_by_label("Issuing authority").fill("JLD Paris")
    form.get_by_label("Reference", exact=True).fill("JLD-E2E-1")
    form.get_by_label("Issued on").fill(local(now - timedelta(days=10)))
    form.get_by_label("Valid from").fill(local(now - timedelta(days=10)))
    form.get_by_label("Valid until").fill(local(now + timedelta(days=20)))
    form.get_by_label("Targets").fill("phone +33 6 00 00 00 01, phone +33 6 00 00 00 02")
    form.get_by_role("button", name="Record an authorisation").click()
    recorded(page)

    row = page.locator("[data-testid='authorisations'] tr[data-reference='JLD-E2E-1']")
    expect(row).to_contain_text("in force")
    detail = page.get_by_test_id("authorisation-detail")
    expect(detail.get_by_role("heading", level=2)).to_contain_text("JLD-E2E-1")
    timeline = detail.get_by_test_id("authorisation-timeline").locator("li")
    expect(timeline.first).to_contain_text("Issued by JLD Paris, valid from")
    assert_accessible(page, "authorisations, one recorded")

    order_id = team.fr.get(team.path("/authorisations")).json()[0]["id"]
    register(team.fr, team, reference="FR-INTERCEPT-1", authorisation_id=order_id)
    expect(detail.get_by_test_id("resting-items")).to_contain_text("FR-INTERCEPT-1")

    renewal = detail.get_by_role("form", name="Record a renewal")
    renewal.get_by_label("New end of validity").fill(local(now + timedelta(days=50)))
    renewal.get_by_label("Reason").fill("the judge renewed it for a month")
    renewal.get_by_role("button", name="Record a renewal").click()
    recorded(page)
    expect(timeline.last).to_contain_text("Renewed until")
    expect(timeline.last).to_contain_text("(the judge renewed it for a month)")

    # the scope in force is where its amendment starts
    amendment = detail.get_by_role("form", name="Amend the scope")
    expect(amendment.get_by_label("Targets")).to_have_value(
        "phone +33 6 00 00 00 01, phone +33 6 00 00 00 02"
    )
    amendment.get_by_label("Targets").fill("phone +33 6 00 00 00 01, phone +33 6 00 00 00 03")
    amendment.get_by_label("Reason").fill("the suspect changed phones")
    amendment.get_by_role("button", name="Amend the scope").click()
    recorded(page)
    expect(timeline.last).to_contain_text("Scope amended (the suspect changed phones)")
    scope = team.fr.get(team.path(f"/authorisations/{order_id}")).json()["scope"]
    assert scope["targets"] == ["phone +33 6 00 00 00 01", "phone +33 6 00 00 00 03"]

    annulment = detail.get_by_role("form", name="Record an annulment")
    annulment.get_by_label("Court").fill("Chambre de l'instruction de Paris")
    annulment.get_by_label("Ruling").fill("CI-E2E-7")
    annulment.get_by_role("button", name="Record an annulment").click()
    recorded(page)
    expect(timeline.last).to_contain_text(
        "Annulled by Chambre de l'instruction de Paris, ruling CI-E2E-7"
    )
    expect(row).to_contain_text("annulled by a court")
    expect(detail.locator("[data-standing]")).to_have_text("annulled by a court")
    assert_accessible(page, "an annulled authorisation")
