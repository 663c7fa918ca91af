"""Pictures of the interface's main screens, from a seeded investigation.

Each screen must draw its main heading. The pictures go to docs/screenshots/ only when
JITSPACE_SCREENSHOTS=1 (whoever updates the README's pictures sets it); otherwise to the
test's temporary folder, so that an ordinary run changes no file of the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.team import Cast, open_team, seed
from tests.support import PASSWORD, People

REPOSITORY = Path(__file__).resolve().parents[2]


def pictures_folder(tmp_path: Path) -> Path:
    if os.environ.get("JITSPACE_SCREENSHOTS") == "1":
        folder = REPOSITORY / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


def test_each_main_screen_draws_its_heading_and_is_pictured(
    page: Page, cast: Cast, users: People, tmp_path: Path
) -> None:
    # a leader of her own, whose investigations are only the pictured one
    team = open_team(Cast(users.new("ines-martin"), cast.be, cast.observer), "Operation Harbour")
    ledger = seed(team)
    folder = pictures_folder(tmp_path)
    taken: list[Path] = []

    def picture(name: str, heading: str) -> None:
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
        taken.append(path)

    page.goto("/")
    page.get_by_label("Username").fill(team.fr.username)
    picture("login", "Log in to JITspace")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("investigation-row")).to_have_count(1)
    picture("investigations", "My investigations")

    page.get_by_role("link", name=team.name).click()
    expect(page.get_by_test_id("connection")).to_contain_text("Connected")
    expect(page.get_by_test_id("activity").first).to_be_visible()
    picture("investigation-home", team.name)

    page.goto(team.screen("/evidence"))
    expect(page.get_by_test_id("evidence-row").first).to_be_visible()
    picture("evidence-register", "Evidence register")

    page.goto(team.screen(f"/evidence/{ledger['id']}"))
    expect(page.get_by_test_id("custody-step").first).to_be_visible()
    picture("evidence-item", "FR-DOC-7 · document")

    page.goto(team.screen("/tasks"))
    expect(page.get_by_test_id("task")).to_have_count(3)
    picture("tasks", "Tasks")

    for path in taken:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
