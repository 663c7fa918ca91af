"""Checking a disclosure bundle in the browser, offline: the JIT leader produces a bundle on
the Disclosure screen and checks it on the page it links to, as `jitspace verify` checks it,
first without and then with the publisher's key pinned; a court clerk with no account opens
the check from the login page, and a bundle with one byte of one event altered fails in the
browser and on the command line, both naming that event. The bundle never leaves the
browser: no request reaches the server while it is checked.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Page, Request, expect

from tests.e2e.browsing import NewContext, OpenAs, assert_accessible
from tests.e2e.team import Team, register
from tests.processes import jitspace

PURPOSE = "Tribunal correctionnel de Lille, 24/118"


def _produce(page: Page, team: Team, bundle: Path) -> None:
    page.goto(team.screen("/disclosure"))
    form = page.get_by_role("form", name="Produce a bundle")
    form.get_by_label("Purpose").fill(PURPOSE)
    with page.expect_download() as downloading:
        form.get_by_role("button", name="Produce a bundle").click()
    downloading.value.save_as(bundle)
    expect(form.get_by_role("status").filter(has_text="The bundle is downloaded")).to_be_visible()


def _verify(bundle: Path, *more: str) -> tuple[int, list[str]]:
    """`jitspace verify BUNDLE` as a clerk runs it: no server, no database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JITSPACE_")}
    env["JITSPACE_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"
    done = jitspace("verify", str(bundle), *more, env=env)
    return done.returncode, done.stdout.splitlines()


def _watch_requests(page: Page) -> list[str]:
    """Every request the page makes from now on."""
    made: list[str] = []

    def seen(request: Request) -> None:
        made.append(f"{request.method} {request.url}")

    page.on("request", seen)
    return made


def _check(page: Page, bundle: Path) -> None:
    page.get_by_label("Disclosure bundle (.zip)").set_input_files(bundle)


def _alter_one_event(bundle: Path, altered: Path) -> int:
    """A copy of the bundle with one digit inside one event's state changed (the zip itself
    rewritten whole, so that it still reads); the position of that event."""
    with zipfile.ZipFile(bundle) as original:
        members = {name: original.read(name) for name in original.namelist()}
    lines = members["events.jsonl"].split(b"\n")
    index = len([line for line in lines if line]) // 2
    line = lines[index]
    start = line.index(b'"state":"') + len(b'"state":"')
    at = next(i for i in range(start, len(line)) if line[i : i + 1] in b"012345678")
    lines[index] = line[:at] + bytes([line[at] + 1]) + line[at + 1 :]
    members["events.jsonl"] = b"\n".join(lines)
    with zipfile.ZipFile(altered, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return int(json.loads(line)["position"])


def test_a_bundle_from_the_disclosure_screen_checks_in_the_browser_as_with_jitspace_verify(
    open_as: OpenAs, team: Team, tmp_path: Path
) -> None:
    register(team.fr, team, reference="FR-CHECK-1", description="a ledger")
    page = open_as(team.fr)
    bundle = tmp_path / "bundle.zip"
    _produce(page, team, bundle)
    status, said = _verify(bundle)
    assert status == 3, said  # intact, publisher not checked
    fingerprint = said[-1].removeprefix("signed by ").split(",")[0]

    page.get_by_role("link", name="Check a bundle in this browser").click()
    expect(page.get_by_role("heading", level=1, name="Check a disclosure bundle")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Investigation")
    expect(navigation.get_by_role("link", name="Check a bundle")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page, "bundle check")

    requests = _watch_requests(page)
    _check(page, bundle)
    report = page.get_by_test_id("bundle-report")
    expect(report.get_by_role("heading", level=2)).to_have_text(
        "Contents intact, publisher NOT checked."
    )
    counted = re.search(r"(\d+) events and (\d+) signed checkpoint", said[0])
    assert counted is not None, said
    expect(report).to_contain_text(
        f"bundle.zip: {counted[1]} events and {counted[2]} signed checkpoint(s) checked."
    )
    expect(report).to_contain_text(f"Signed by {fingerprint}, and no key was given.")
    expect(report).to_contain_text("Ines Martin (FR, JIT leader)")
    expect(report).to_contain_text(PURPOSE)
    expect(page.locator("[aria-live=polite]")).to_contain_text(
        "Contents intact, publisher NOT checked."
    )
    assert_accessible(page, "bundle check, a bundle checked")

    # pinned: the key the publisher announces, pasted as PEM
    announced = team.fr.get("/ledger/public-key").json()
    assert announced["fingerprint"] == fingerprint
    key_file = tmp_path / "publisher.pem"
    key_file.write_text(announced["public_key_pem"])
    page.get_by_label(re.compile(r"^The publisher.s public key")).fill(announced["public_key_pem"])
    page.get_by_role("button", name="Check the bundle").click()
    expect(report.get_by_role("heading", level=2)).to_have_text(
        "Intact, and signed by the key you gave."
    )
    expect(report).to_contain_text(f"Signed by {fingerprint}.")
    status, said = _verify(bundle, "--public-key", str(key_file))
    assert status == 0 and said[-2].endswith(": OK"), said
    assert requests == [], "the bundle was checked in the browser alone"


def test_a_clerk_with_no_account_finds_the_altered_event_jitspace_verify_names(
    open_as: OpenAs, new_context: NewContext, team: Team, tmp_path: Path
) -> None:
    register(team.fr, team, reference="FR-CHECK-2", description="a ledger")
    register(team.be, team, reference="BE-CHECK-2", description="a statement")
    bundle, altered = tmp_path / "bundle.zip", tmp_path / "altered.zip"
    _produce(open_as(team.fr), team, bundle)
    position = _alter_one_event(bundle, altered)
    status, said = _verify(altered)
    assert status == 1, said
    named = [line for line in said if line.startswith("position ")]
    assert named == [
        f"position {position}: altered: the event at position {position} does not match the "
        "hash recorded for it"
    ], said

    clerk = new_context().new_page()
    clerk.goto("/")
    expect(clerk.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    clerk.get_by_role("link", name="Check a disclosure bundle").click()
    expect(clerk.get_by_role("heading", level=1, name="Check a disclosure bundle")).to_be_visible()
    clerk.wait_for_load_state("networkidle")
    requests = _watch_requests(clerk)
    _check(clerk, altered)
    report = clerk.get_by_test_id("bundle-report")
    problems = len([line for line in said if ": " in line and not line.startswith("bundle ")])
    expect(report.get_by_role("heading", level=2)).to_have_text(f"{problems} problems found.")
    rows = report.get_by_test_id("bundle-findings").locator("tbody tr")
    expect(rows).to_have_count(problems)
    expect(rows.filter(has_text=f"position {position}")).to_have_text(
        re.compile(
            rf"position {position}\s*altered\s*the event at position {position} does not match "
            "the hash recorded for it"
        )
    )
    expect(rows.filter(has_text="events.jsonl was altered")).to_have_count(1)
    assert "events.jsonl was altered: its SHA-256 differs from the manifest's" in "\n".join(said)
    assert_accessible(clerk, "bundle check, problems found")

    # the intact bundle, next to it, still checks
    _check(clerk, bundle)
    expect(report.get_by_role("heading", level=2)).to_have_text(
        "Contents intact, publisher NOT checked."
    )
    assert requests == [], "the bundle was checked in the browser alone"
