"""Disclosure in the browser: the JIT leader produces a bundle for a court, with one party's
evidence withheld; the page shows its progress and downloads it; the bundle checks offline
(the same check as `jitspace verify`); the list says who produced it, when and for what,
and a bundle can be produced again at the same point of the log. Members who may not
disclose are told so, with no refused request.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from jitspace.disclosure.checking import verify_bundle
from tests.e2e.browsing import OpenAs, assert_accessible
from tests.e2e.team import Team, register


def test_the_leader_produces_a_bundle_that_checks_offline(
    open_as: OpenAs, team: Team, tmp_path: Path
) -> None:
    register(team.fr, team, reference="FR-DISC-1", description="a ledger")
    register(team.be, team, reference="BE-DISC-1", description="a statement")
    page = open_as(team.fr)
    page.goto(team.screen("/disclosure"))
    expect(page.get_by_role("heading", level=1, name="Disclosure to a court")).to_be_visible()
    expect(page.get_by_text("No bundle has been produced yet.")).to_be_visible()
    assert_accessible(page, "disclosure")

    form = page.get_by_role("form", name="Produce a bundle")
    form.get_by_label("Purpose").fill("Tribunal correctionnel de Lille, 24/118")
    form.get_by_label("BE ·").check()
    with page.expect_download() as downloading:
        form.get_by_role("button", name="Produce a bundle").click()
    download = downloading.value
    assert download.suggested_filename.startswith("disclosure-")
    bundle = tmp_path / download.suggested_filename
    download.save_as(bundle)
    expect(form.get_by_role("status").filter(has_text="The bundle is downloaded")).to_be_visible()
    expect(page.get_by_test_id("disclosure-progress")).to_have_count(0)

    report = verify_bundle(bundle)
    assert report.ok, report
    assert report.events_checked > 0 and report.signed_by

    rows = page.get_by_test_id("bundles").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tribunal correctionnel de Lille, 24/118")
    expect(rows.first).to_contain_text("Ines Martin (FR, JIT leader)")
    assert_accessible(page, "disclosure, one bundle produced")

    rows.first.get_by_role("button", name="Produce again").click()
    expect(form).to_contain_text("The same point of the log as before")
    expect(form.get_by_label("Purpose")).to_have_value("Tribunal correctionnel de Lille, 24/118")


def test_a_member_who_may_not_disclose_is_told_so(open_as: OpenAs, team: Team) -> None:
    page = open_as(team.be)  # an investigator
    page.goto(team.screen())
    navigation = page.get_by_role("navigation", name="Investigation")
    expect(navigation.get_by_role("link", name="Evidence register")).to_be_visible()
    expect(navigation.get_by_role("link", name="Disclosure")).to_have_count(0)
    page.goto(team.screen("/disclosure"))
    expect(page.get_by_role("alert")).to_have_text(
        "In this investigation you may not produce disclosure bundles."
    )
    expect(page.get_by_role("form", name="Produce a bundle")).to_have_count(0)
