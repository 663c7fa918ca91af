"""The history control: an evidence item as the team had recorded it at a point of the log (or
as it was by the dates its facts happened, as recorded now; absent before it was recorded),
what was recorded on it since, nothing recordable meanwhile, and back to now. Lists that
cannot show the past say they show now.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.browsing import Console, OpenAs, assert_accessible, local
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
    expect(recorded_since).to_contain_text(
        "Nothing was recorded on this item between those moments."
    )
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


def test_what_was_true_then_beside_what_the_team_knew_then(
    open_as: OpenAs, team: Team, browser_console: Console
) -> None:
    # the item read as of a moment before it was recorded: not found, and the page says so
    browser_console.expect_refusals_of(r"/evidence/[^?]+\?as_of=")
    now = datetime.now(UTC)
    # collected ten days ago, sealed two days ago: both recorded only today
    item = register(
        team.fr, team, reference="FR-LATE-1", place="Lille", occurred_at=days_before(now, 10)
    )
    custody(
        team.fr, team, item["id"], "collection", place="Lille", occurred_at=days_before(now, 10)
    )
    custody(
        team.fr,
        team,
        item["id"],
        "seal",
        seal_number="FR-LATE-SEAL",
        occurred_at=days_before(now, 2),
    )
    # and handed to Pieter Claes in Brussels a day ago, who confirmed receipt
    custody(
        team.fr,
        team,
        item["id"],
        "handover",
        recipient_id=str(team.be.user_id),
        reason="to Brussels",
        occurred_at=days_before(now, 1),
    )
    custody(
        team.be,
        team,
        item["id"],
        "receipt",
        seal_condition="intact",
        seal_number="FR-LATE-SEAL",
        occurred_at=days_before(now, 1),
    )
    five_days_ago = datetime.now().replace(second=0, microsecond=0) - timedelta(days=5)

    page = open_as(team.fr)
    page.goto(team.screen(f"/evidence/{item['id']}"))
    steps = page.get_by_test_id("custody-step")
    expect(steps).to_have_count(5)  # registered, collected, sealed, handed over, received
    expect(page.locator("dt:text-is('Custodian') + dd")).to_contain_text("Pieter Claes")
    control = page.get_by_role("form", name="History")
    control.get_by_label("Date and time").fill(local(five_days_ago))

    # what the team knew five days ago: nothing of the item, recorded only today
    control.get_by_role("button", name="Show as it stood then").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This item was not recorded yet at that moment."
    )
    expect(steps).to_have_count(0)

    # what was true five days ago: collected by then, not sealed yet, held by its collector
    control.get_by_label("as").select_option(label="what was true then")
    expect(page.get_by_test_id("history-banner")).to_contain_text("You are seeing what was true")
    expect(page.get_by_role("heading", level=1, name=re.compile("FR-LATE-1"))).to_be_visible()
    expect(steps).to_have_count(2)
    expect(steps.last).to_contain_text("took the item into custody at collection")
    expect(page.locator("dt:text-is('Custodian') + dd")).to_contain_text("Ines Martin")
    expect(page.locator("dt:text-is('Seal')")).to_have_count(0)  # in the steps, as then
    assert_accessible(page, "an item as it was, by the dates its facts happened")

    # other screens say they show now
    page.get_by_role("navigation", name="Investigation").get_by_role(
        "link", name="Evidence register"
    ).click()
    expect(page.get_by_test_id("history-now-only")).to_contain_text(
        "an item\u2019s page shows what was true then"
    )
    control.get_by_role("button", name="Back to now").click()
    expect(page.get_by_test_id("history-banner")).to_have_count(0)


def days_before(moment: datetime, days: int) -> str:
    return (moment - timedelta(days=days)).isoformat()
