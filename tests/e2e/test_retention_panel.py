"""Retention on an item's page: the leader sees the item's deletion date and the retention
that sets it, places a legal hold naming the court order, and releases it; the Belgian
investigator sees the hold, with no form to place or release one.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.browsing import OpenAs, assert_accessible
from tests.e2e.team import Team, register


def test_a_legal_hold_is_placed_and_released_on_the_items_page(open_as: OpenAs, team: Team) -> None:
    agreed = {"retention_days": 365, "agreement_clause": "art. 12: one year"}
    assert team.fr.post(team.path("/retention"), json=agreed).status_code == 200
    item = register(team.fr, team, reference="FR-HOLD-1", description="bank records")

    page = open_as(team.fr)
    page.goto(team.screen(f"/evidence/{item['id']}"))
    panel = page.get_by_test_id("retention")
    expect(panel.get_by_test_id("deletion-date")).to_contain_text(
        "the JIT agreement's retention of 365 days"
    )
    expect(panel.get_by_test_id("legal-hold")).to_have_text("None")
    place = panel.get_by_role("form", name="Place a legal hold")
    place.get_by_label("Reason").fill("appeal pending")
    place.get_by_label("Order or decision").fill("CA Paris 2024/17")
    place.get_by_role("button", name="Place a legal hold").click()
    expect(panel.get_by_test_id("legal-hold")).to_contain_text("appeal pending (CA Paris 2024/17)")
    assert_accessible(page, "an item's retention, under a legal hold, as the leader")

    belgian = open_as(team.be)
    belgian.goto(team.screen(f"/evidence/{item['id']}"))
    theirs = belgian.get_by_test_id("retention")
    expect(theirs.get_by_test_id("legal-hold")).to_contain_text("appeal pending")
    expect(theirs.get_by_role("form")).to_have_count(0)

    release = panel.get_by_role("form", name="Release the legal hold")
    release.get_by_label("Reason").fill("the appeal was decided")
    release.get_by_role("button", name="Release the legal hold").click()
    expect(panel.get_by_test_id("legal-hold")).to_have_text("None")
    # the Belgian page follows live
    expect(theirs.get_by_test_id("legal-hold")).to_have_text("None")
