"""The history control: an evidence item as the team had recorded it at a point of the log,
what was recorded on it since, nothing recordable meanwhile, and back to now. Lists that
cannot show the past say they show now.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.browsing import OpenAs, assert_accessible, local
from tests.e2e.team import Team, custody, register


def test_an_item_as_it_stood_at_a_log_position_and_back_to_now(open_as: OpenAs, team: Team) -> None:
    item = register(team.fr, team, reference="FR-PAST-1", place="Lille")
    custody(team.fr, team, item["id"], "collection", place="Lille")
    events = team.fr.get(team.path("/events"), params={"limit": 1000}).json()["events"]
    then = events[-1]["position"]
    custody(team.fr, team, item["id"], "seal", seal_number="FR-PAST-SEAL")
    custody(
        team.fr,
        team,
        item["id"],
        "handover",
        recipient_id=str(team.be.user_id),
        reason="to Brussels",
    )

    page = open_as(team.fr)
    page.goto(team.screen(f"/evidence/{item['id']}"))
    steps = page.get_by_test_id("custody-step")
    expect(steps).to_have_count(4)
    expect(page.get_by_role("form", name="Hand over")).to_have_count(0)  # handed over now

    control = page.get_by_role("form", name="History")
    control.get_by_label("or log position").fill(str(then))
    control.get_by_role("button", name="Show as it stood then").click()
    expect(page.get_by_test_id("history-banner")).to_contain_text(
        f"as it stood at log position {then}"
    )
    # then: collected, not yet sealed nor handed over
    expect(steps).to_have_count(2)
    expect(steps.last).to_contain_text("took the item into custody at collection")
    expect(page.locator("dt:text-is('Seal') + dd")).not_to_contain_text("FR-PAST-SEAL")
    since = page.get_by_test_id("recorded-since").get_by_role("listitem")
    expect(since).to_have_count(2)
    expect(since.first).to_contain_text("handed FR-PAST-1 to Pieter Claes (BE)")
    expect(since.last).to_contain_text("sealed FR-PAST-1 with seal FR-PAST-SEAL")
    # between then and a minute ago (before the seal and the handover): nothing yet
    recorded_since = page.get_by_test_id("recorded-since")
    a_minute_ago = datetime.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    recorded_since.get_by_label("To").fill(local(a_minute_ago))
    expect(since).to_have_count(0)
    expect(recorded_since).to_contain_text("Nothing was recorded on this item between those moments.")
    recorded_since.get_by_label("To").fill("")
    expect(since).to_have_count(2)
    # nothing can be recorded in the past
    expect(page.locator("#handling-title")).to_have_count(0)
    for form in ("Seal", "Hand over", "Take into custody"):
        expect(page.get_by_role("form", name=form)).to_have_count(0)
    expect(page.get_by_label("Your comment")).to_have_count(0)
    assert_accessible(page, "an item in the past")

    # a list that shows only now says so
    page.get_by_role("navigation", name="Investigation").get_by_role(
        "link", name="Evidence register"
    ).click()
    expect(page.get_by_test_id("history-now-only")).to_be_visible()

    control.get_by_role("button", name="Back to now").click()
    expect(page.get_by_test_id("history-banner")).to_have_count(0)
    expect(page.get_by_test_id("history-now-only")).to_have_count(0)
    page.go_back()
    expect(page.get_by_role("heading", level=1, name=re.compile("FR-PAST-1"))).to_be_visible()
    expect(steps).to_have_count(4)
