"""Pictures of the interface's main screens, from the demo: `jitspace demo` as a real
process, logged in as its JIT leader.

Each screen must draw its main heading. The pictures go to docs/screenshots/ only when
JITSPACE_SCREENSHOTS=1 (whoever updates the README's pictures sets it); otherwise to the
test's temporary folder, so that an ordinary run changes no file of the repository.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jitspace.demo import ADMINISTRATOR, DEMO_PASSWORD, USERS
from tests.e2e.browsing import assert_accessible
from tests.processes import Process, cluster_env
from tests.support import free_port, fresh_database

REPOSITORY = Path(__file__).resolve().parents[2]
DEMO_JIT = "LANTERN (demo)"


def pictures_folder(tmp_path: Path) -> Path:
    if os.environ.get("JITSPACE_SCREENSHOTS") == "1":
        folder = REPOSITORY / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[Process]:
    """`jitspace demo` on a database of its own, seeded as the README's first command does."""
    env = cluster_env(fresh_database(database_url, "jitspace_demo"), tmp_path / "demo")
    process = Process("demo", env, tmp_path / "demo.log", free_port())
    process.start()
    yield process
    process.stop()


def test_each_main_screen_of_the_demo_draws_its_heading_and_is_pictured(
    page: Page, demo: Process, tmp_path: Path
) -> None:
    folder = pictures_folder(tmp_path)
    taken: list[Path] = []
    leader = USERS[0][0]

    def picture(name: str, heading: str | re.Pattern[str]) -> None:
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
        taken.append(path)

    page.goto(f"{demo.url}/")
    page.get_by_label("Username").fill(leader)
    picture("login", "Log in to JITspace")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("investigation-row")).to_have_count(1)
    picture("investigations", "My investigations")

    page.get_by_role("link", name=DEMO_JIT).click()
    expect(page.get_by_test_id("connection")).to_contain_text("Connected")
    expect(page.get_by_test_id("activity").first).to_be_visible()
    picture("investigation-home", DEMO_JIT)

    navigation = page.get_by_role("navigation", name="Investigation")
    navigation.get_by_role("link", name="Evidence register").click()
    expect(page.get_by_test_id("evidence-row").first).to_be_visible()
    picture("evidence-register", "Evidence register")

    page.get_by_test_id("evidence-row").first.get_by_role("link").click()
    expect(page.get_by_test_id("custody-step").first).to_be_visible()
    picture("evidence-item", re.compile(r" · "))

    navigation.get_by_role("link", name="Tasks").click()
    expect(page.get_by_test_id("task").first).to_be_visible()
    picture("tasks", "Tasks")

    navigation.get_by_role("link", name="Admissibility").click()
    expect(page.get_by_test_id("matrix-row").first).to_be_visible()
    picture("admissibility", "Admissibility in each country")
    assert_accessible(page, "admissibility matrix")
    page.get_by_role("button", name="Where the countries disagree").click()
    expect(page.get_by_role("button", name="Where the countries disagree")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_test_id("matrix-row").first).to_be_visible()
    picture("admissibility-disagreements", "Admissibility in each country")
    page.get_by_test_id("matrix-row").first.get_by_role(
        "button", name=re.compile("^Why ")
    ).first.click()
    explanation = page.get_by_test_id("verdict-explanation")
    expect(explanation.get_by_test_id("rule-result").first).to_be_visible()
    assert_accessible(page, "a verdict explained")
    path = folder / "verdict-explanation.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    taken.append(path)
    page.keyboard.press("Escape")

    navigation.get_by_role("link", name="Authorisations").click()
    page.locator("[data-testid='authorisations'] tbody tr").first.get_by_role("button").click()
    expect(page.get_by_test_id("authorisation-timeline").locator("li").first).to_be_visible()
    picture("authorisations", "Authorisations per jurisdiction")
    assert_accessible(page, "authorisations")

    navigation.get_by_role("link", name="Rulebooks").click()
    expect(page.get_by_test_id("rulebook").first).to_be_visible()
    picture("rulebooks", "Rulebooks of the forum countries")
    assert_accessible(page, "rulebooks")

    navigation.get_by_role("link", name="Custody audit").click()
    expect(page.get_by_test_id("audit-group").first).to_be_visible()
    picture("custody-audit", "Custody audit")

    navigation.get_by_role("link", name="Team").click()
    expect(page.get_by_test_id("team-member").first).to_be_visible()
    picture("team", "The team")
    assert_accessible(page, "the team")
    page.get_by_label("Language").select_option(label="Français")
    picture("team-fr", "L\u2019équipe")
    page.get_by_label("Langue").select_option(label="English")
    expect(page.get_by_role("heading", level=1, name="The team")).to_be_visible()

    # the matrix as printed (and saved as a PDF by the browser)
    navigation.get_by_role("link", name="Admissibility").click()
    page.get_by_role("button", name="Where the countries disagree").click()
    expect(page.get_by_test_id("matrix-row").first).to_be_visible()
    page.evaluate("() => { window.print = () => {}; }")
    page.get_by_role("button", name="Print or save as PDF").click()
    page.emulate_media(media="print")
    expect(page.get_by_test_id("matrix-print").locator("tbody tr").first).to_be_visible()
    path = folder / "admissibility-print.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    taken.append(path)
    page.emulate_media(media="screen")

    navigation.get_by_role("link", name="Disclosure").click()
    form = page.get_by_role("form", name="Produce a bundle")
    form.get_by_label("Purpose").fill("Tribunal correctionnel de Lille, 24/118")
    with page.expect_download() as downloading:
        form.get_by_role("button", name="Produce a bundle").click()
    bundle = tmp_path / "bundle.zip"
    downloading.value.save_as(bundle)
    expect(page.get_by_test_id("bundles").locator("tbody tr").first).to_be_visible()
    picture("disclosure", "Disclosure to a court")

    navigation.get_by_role("link", name="Check a bundle").click()
    page.get_by_label("Disclosure bundle (.zip)").set_input_files(bundle)
    expect(page.get_by_test_id("bundle-report")).to_be_visible()
    picture("bundle-check", "Check a disclosure bundle")
    assert_accessible(page, "a bundle checked")

    navigation.get_by_role("link", name="Security log").click()
    expect(page.get_by_role("table").or_(page.get_by_text("No entry matches."))).to_be_visible()
    picture("investigation-security-log", "Security log of this investigation")

    # the deployment's administrator, a member of no investigation, logs in where the leader
    # logged out: the page starts again from the list, not from the leader's investigation
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"#/$"))
    page.get_by_label("Username").fill(ADMINISTRATOR[0])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    deployment = page.get_by_role("navigation", name="Deployment")
    deployment.get_by_role("link", name="Users").click()
    expect(page.get_by_role("cell", name=ADMINISTRATOR[1]).first).to_be_visible()
    picture("administration", "Users of this deployment")
    assert_accessible(page, "the deployment's users")
    deployment.get_by_role("link", name="Security log").click()
    expect(page.get_by_role("table")).to_be_visible()
    picture("security-log", "Security log")
    assert_accessible(page, "the deployment's security log")

    for path in taken:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
