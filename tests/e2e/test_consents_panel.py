"""Consents on an item's page: the originating party's legal advisor grants another party
the use of the item for another offence, then withdraws it with a reason; the other party
sees the consent in force, then withdrawn, with no form to decide it.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.browsing import OpenAs, assert_accessible
from tests.e2e.team import Team, register
from tests.support import People


def test_a_consent_is_granted_and_withdrawn_by_the_originating_party(
    open_as: OpenAs, team: Team, users: People
) -> None:
    advisor = users.new("fr-legal-advisor")
    added = team.fr.post(
        team.path("/members"),
        json={"username": advisor.username, "country": "FR", "role": "legal_advisor"},
    )
    assert added.status_code == 200, added.text
    item = register(team.fr, team, reference="FR-CONSENT-1", description="bank records")

    page = open_as(advisor)
    page.goto(team.screen(f"/evidence/{item['id']}"))
    panel = page.get_by_test_id("consents")
    expect(panel).to_contain_text("FR has given no consent to another use of this item.")
    grant = panel.get_by_role("form", name="Grant a consent")
    grant.get_by_label("To the party").select_option(value="BE")
    grant.get_by_label("For").select_option(label="another offence")
    grant.get_by_label("Offence").fill("VAT fraud")
    grant.get_by_role("button", name="Grant a consent").click()
    consent = panel.get_by_test_id("consent")
    expect(consent).to_contain_text(
        "In force: BE may use it for another offence, offence VAT fraud"
    )
    assert_accessible(page, "an item's consents, as its party's legal advisor")

    belgian = open_as(team.be)
    belgian.goto(team.screen(f"/evidence/{item['id']}"))
    theirs = belgian.get_by_test_id("consents")
    expect(theirs.get_by_test_id("consent")).to_have_attribute("data-in-force", "true")
    expect(theirs.get_by_role("form")).to_have_count(0)
    expect(theirs.get_by_role("button", name="Withdraw")).to_have_count(0)

    consent.get_by_role("button", name="Withdraw").click()
    withdrawal = panel.get_by_role("form", name="Withdraw the consent given to BE")
    withdrawal.get_by_label("Reason").fill("the Belgian case was joined to ours")
    withdrawal.get_by_role("button", name="Withdraw").click()
    expect(consent).to_contain_text("Withdrawn: BE may use it for another offence")
    expect(consent).to_contain_text("the Belgian case was joined to ours")
    # the Belgian page follows live
    expect(theirs.get_by_test_id("consent")).to_have_attribute("data-in-force", "false")
