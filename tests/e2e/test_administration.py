"""Administration in the browser: an administrator of the deployment adds a user from the
Deployment section of the header, and that person logs in at once in a browser of their
own; the administrator disables and enables them; the security log page filters by kind and
person, with people's names. A JIT leader reads the investigation's entries from its
navigation; the other members are not offered the page. Both screens pass axe."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.e2e.browsing import NewContext, OpenAs, assert_accessible
from tests.e2e.team import Team
from tests.support import PASSWORD, People


def deployment(page: Page, link: str) -> None:
    """Open one of the deployment's pages from the header, as an administrator does."""
    page.get_by_role("navigation", name="Deployment").get_by_role("link", name=link).click()


def test_an_administrator_adds_a_user_who_then_logs_in(
    users: People, open_as: OpenAs, new_context: NewContext
) -> None:
    admin = users.new("site-admin", administrator=True)
    page = open_as(admin)
    deployment(page, "Users")
    expect(page.get_by_role("heading", level=1, name="Users of this deployment")).to_be_visible()
    expect(page.get_by_test_id("user-row").filter(has_text=admin.username)).to_have_count(1)
    assert_accessible(page, "administration")

    username = f"nora-{uuid.uuid4().hex[:8]}"
    form = page.get_by_role("form", name="Add a user")
    form.get_by_label("Full name").fill("Nora Keller")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Add a user").click()
    expect(form.get_by_role("status")).to_have_text("Recorded.")
    row = page.get_by_test_id("user-row").filter(has_text=username)
    expect(row).to_contain_text("Nora Keller")
    expect(row).to_contain_text("Active")

    # she logs in at once, in a browser of her own
    hers = new_context().new_page()
    hers.goto("/")
    hers.get_by_label("Username").fill(username)
    hers.get_by_label("Password").fill(PASSWORD)
    hers.get_by_role("button", name="Log in").click()
    expect(hers.get_by_role("heading", name="My investigations")).to_be_visible()
    expect(hers.get_by_text("Signed in as Nora Keller")).to_be_visible()
    # and is offered no administration
    expect(hers.get_by_role("navigation", name="Deployment")).to_have_count(0)

    row.get_by_role("button", name="Disable Nora Keller").click()
    expect(row).to_contain_text("Disabled since")
    row.get_by_role("button", name="Enable Nora Keller").click()
    expect(row).to_contain_text("Active")

    row.get_by_role("button", name="Password or identity… Nora Keller").click()
    changes = page.get_by_role("region", name="Change Nora Keller")
    expect(changes.get_by_role("heading", name="Change Nora Keller")).to_be_focused()
    changes.get_by_label("Issuer").fill("https://idp.example")
    changes.get_by_label("Subject").fill("nora.keller")
    changes.get_by_role("button", name="Link an identity provider").click()
    expect(row).to_contain_text("nora.keller at https://idp.example")
    assert_accessible(page, "administration, a user chosen")


def test_the_security_log_page_filters_by_kind_and_person(users: People, open_as: OpenAs) -> None:
    admin = users.new("log-admin", administrator=True)
    target, other = users.new("log-target"), users.new("log-other")
    for person in (target, other):
        assert admin.post(f"/users/{person.user_id}/disabling").status_code == 200
        assert admin.post(f"/users/{person.user_id}/enabling").status_code == 200

    page = open_as(admin)
    deployment(page, "Security log")
    expect(page.get_by_role("heading", level=1, name="Security log")).to_be_visible()
    expect(page.get_by_test_id("log-row").first).to_be_visible()
    assert_accessible(page, "security log")

    filters = page.get_by_role("form", name="Filter the log")
    filters.get_by_label("Kind").select_option(label="User disabled")
    filters.get_by_label("Person").select_option(label="Log Target")
    filters.get_by_role("button", name="Show").click()
    rows = page.get_by_test_id("log-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("User disabled")
    expect(rows.first).to_contain_text("Log Admin")  # who
    expect(rows.first).to_contain_text("Log Target")  # concerning
    expect(rows.first.locator("time")).to_have_count(1)

    filters.get_by_label("Person").select_option(label="Anyone")
    filters.get_by_label("From (day)").fill("2000-01-01")
    filters.get_by_label("To (day, included)").fill("2000-01-02")
    filters.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No entry matches.")).to_be_visible()
    assert_accessible(page, "security log, filtered")


def test_a_leader_reads_the_investigations_security_log(
    users: People, open_as: OpenAs, team: Team
) -> None:
    outsider = users.new("curious-outsider")
    assert outsider.get(team.path("/evidence")).status_code == 404  # refused, and logged

    page = open_as(team.fr)  # the JIT leader
    page.goto(team.screen())
    navigation = page.get_by_role("navigation", name="Investigation")
    navigation.get_by_role("link", name="Security log").click()
    heading = page.get_by_role("heading", level=1, name="Security log of this investigation")
    expect(heading).to_be_visible()
    row = page.get_by_test_id("log-row").filter(has_text="Curious Outsider")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Access refused")
    assert_accessible(page, "security log of an investigation")

    member = open_as(team.be)  # an investigator
    member.goto(team.screen())
    member_navigation = member.get_by_role("navigation", name="Investigation")
    expect(member_navigation.get_by_role("link", name="Evidence register")).to_be_visible()
    expect(member_navigation.get_by_role("link", name="Security log")).to_have_count(0)
