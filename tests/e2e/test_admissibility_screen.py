"""The admissibility screen: every evidence item judged in the courts of every country of the
team, and the board of the items the countries disagree on.

The team of the other browser tests gets a legal advisor for each of its countries (Claire
Dubois for France, Marc Janssens for Belgium, Sanne Bakker for the Netherlands), and each
adopts the rulebook shipped for their country. Three items are judged: a French document
kept in custody, which every country finds admissible; a Belgian document nobody took into
custody, which every country judges unknown; and a Dutch ledger that Belgium used in a VAT
case without the Netherlands' consent, which only the Belgian courts would restrict (rule
US-02). That ledger is the one item the countries disagree on.

The legal advisors of France and Belgium watch the board while the Dutch legal advisor
grants consent: the ledger leaves both boards as it happens, without a reload; when the
consent is withdrawn, the Belgian cell of the whole matrix turns back just as live. A cell
explains its verdict (the deciding rule, its reason and its cure) in a dialog the keyboard
closes, with the facts it rests on linked to their records; the rows are walked with the
arrow keys; the CSV holds what the screen shows; a rule filter lists the items a rule flags in
the courts chosen; the matrix prints as shown (and saves as a PDF); two moments compared list
the verdicts that changed; a cure (a judge's confirmation, a consent) is recorded from the
cell by those who may, and the cell changes on another country's screen; a member who may not
see legal matters gets neither the link nor the verdicts; and the screen speaks French. Every
state visited is checked with axe.

What a test needs to exist before its story is set up through the API; the story is done in
the browser.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browsing import Console, OpenAs, assert_accessible, local
from tests.e2e.conftest import Users
from tests.e2e.team import Team, custody, register
from tests.e2e.test_main_story import assert_not_reloaded, mark_the_page, open_investigation
from tests.support import Person, ServerThread, authorisation_body

HEADING = "Admissibility in each country"
BOARD = "Where the countries disagree"
ALL = "All items"
CSV_HEADER = "reference,kind,from,country,verdict,outcome,rules,reasons"
# the team's countries, as the matrix orders its columns
COUNTRIES = ["BE", "FR", "NL"]


@dataclass
class Advisors:
    """A legal advisor of each of the team's countries (users for the whole module)."""

    fr: Person
    be: Person
    nl: Person

    def of(self, country: str) -> Person:
        person: Person = getattr(self, country.lower())
        return person


@pytest.fixture(scope="module")
def advisors(site: ServerThread, site_database: str) -> Iterator[Advisors]:
    made = Users(site.url, site_database)
    yield Advisors(made.new("claire-dubois"), made.new("marc-janssens"), made.new("sanne-bakker"))
    for person in made.made:
        person.client.close()


@dataclass
class Judged:
    """The team's items whose verdicts the tests read: the Dutch ledger Belgium used without
    consent (the only disagreement), and the moment of that use."""

    ledger: str
    used_at: datetime


def days_ago(days: float) -> str:
    """A moment `days` before now, as the API takes it (verdicts are judged as of now)."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def advise(team: Team, advisors: Advisors) -> None:
    """The team gets a legal advisor per country, who adopts the country's rulebook."""
    for country in COUNTRIES:
        person = advisors.of(country)
        added = team.fr.post(
            team.path("/members"),
            json={"username": person.username, "country": country, "role": "legal_advisor"},
        )
        assert added.status_code == 200, added.text
        adopted = person.post(
            team.path("/rulebooks"), json={"country": country, "source": country.lower()}
        )
        assert adopted.status_code == 201, adopted.text


@pytest.fixture
def judged(team: Team, advisors: Advisors) -> Judged:
    """The team with a legal advisor and an adopted rulebook per country, and three items:
    FR-DOC-1 (kept in custody: admissible everywhere), BE-DOC-1 (never taken into custody:
    unknown everywhere), NL-LEDGER-1 (used by Belgium in a VAT case without the Netherlands'
    consent: restricted in Belgium only)."""
    advise(team, advisors)
    # a handover by a witness needs no authorisation: no other rule decides these verdicts
    witnessed = {"method": "handover by a witness", "description": "a ledger of payments"}
    ledger = register(
        advisors.nl,
        team,
        reference="NL-LEDGER-1",
        occurred_at=days_ago(20),
        place="Rotterdam",
        **witnessed,
    )
    custody(
        advisors.nl, team, ledger["id"], "collection", place="Rotterdam", occurred_at=days_ago(20)
    )
    document = register(
        team.fr, team, reference="FR-DOC-1", occurred_at=days_ago(15), place="Paris", **witnessed
    )
    custody(team.fr, team, document["id"], "collection", place="Paris", occurred_at=days_ago(15))
    register(
        team.be, team, reference="BE-DOC-1", occurred_at=days_ago(15), place="Brussels", **witnessed
    )
    used_at = datetime.now(UTC) - timedelta(days=5)
    used = team.be.post(
        team.path(f"/evidence/{ledger['id']}/uses"),
        json={
            "proceeding": "BE VAT",
            "offence": "VAT fraud",
            "purpose": "other_offence",
            "occurred_at": used_at.isoformat(),
        },
    )
    assert used.status_code == 200, used.text
    return Judged(str(ledger["id"]), used_at)


# the screen


def open_matrix(page: Page, team: Team) -> None:
    """The admissibility screen, by the investigation's navigation."""
    open_investigation(page, team)
    navigation = page.get_by_role("navigation", name="Investigation")
    navigation.get_by_role("link", name="Admissibility").click()
    expect(page.get_by_role("heading", level=1, name=HEADING)).to_be_visible()


def show(page: Page, view: str) -> None:
    """One of the two views: all items, or the board of disagreements."""
    page.get_by_role("button", name=view).click()
    expect(page.get_by_role("button", name=view)).to_have_attribute("aria-pressed", "true")


def rows(page: Page) -> Locator:
    return page.get_by_test_id("matrix-row")


def row_of(page: Page, reference: str) -> Locator:
    return page.locator(f'[data-testid="matrix-row"][data-reference="{reference}"]')


def cell_of(page: Page, reference: str, country: str) -> Locator:
    """The button of an item's cell in a country (the button names the verdict)."""
    return row_of(page, reference).get_by_role(
        "button", name=re.compile(rf"^Why {re.escape(reference)} is “.+” in {country}$")
    )


def outcome_of(page: Page, reference: str, country: str) -> Locator:
    return row_of(page, reference).locator(f'[data-country="{country}"] .verdict')


def count(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=re.compile(rf"^\s*{text}\b"))


# the tests


def test_a_consent_takes_the_item_off_both_boards_as_it_is_recorded(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    boards: list[Page] = []
    for person in (advisors.fr, advisors.be):
        page = open_as(person)
        open_matrix(page, team)
        show(page, BOARD)
        expect(rows(page)).to_have_count(1)
        expect(row_of(page, "NL-LEDGER-1")).to_be_visible()
        expect(cell_of(page, "NL-LEDGER-1", "BE")).to_have_accessible_name(
            "Why NL-LEDGER-1 is “restricted use” in BE"
        )
        expect(outcome_of(page, "NL-LEDGER-1", "BE")).to_have_attribute("data-outcome", "RESTRICT")
        for country in ("FR", "NL"):
            expect(outcome_of(page, "NL-LEDGER-1", country)).to_have_attribute(
                "data-outcome", "PASS"
            )
        mark_the_page(page)
        boards.append(page)
    assert_accessible(boards[1], "board of disagreements")

    # the Dutch legal advisor consents to the use, dated before it: nothing to restrict now
    consent = advisors.nl.post(
        team.path(f"/evidence/{judged.ledger}/consents"),
        json={
            "to_country": "BE",
            "purpose": "other_offence",
            "occurred_at": (judged.used_at - timedelta(days=1)).isoformat(),
        },
    )
    assert consent.status_code == 200, consent.text
    cells = team.fr.get(team.path(f"/evidence/{judged.ledger}/admissibility")).json()
    assert {c["country"]: c["outcome"] for c in cells["countries"]} == dict.fromkeys(
        COUNTRIES, "PASS"
    )

    for page in boards:
        expect(row_of(page, "NL-LEDGER-1")).to_have_count(0)
        expect(page.get_by_text("The countries agree on every item shown.")).to_be_visible()
        assert_not_reloaded(page)

    # the whole matrix, on the page open all along, has the new verdict
    be = boards[1]
    show(be, ALL)
    expect(rows(be)).to_have_count(3)
    expect(cell_of(be, "NL-LEDGER-1", "BE")).to_have_accessible_name(
        "Why NL-LEDGER-1 is “pass” in BE"
    )
    assert_not_reloaded(be)
    assert_accessible(be, "admissibility matrix after a consent")


def test_a_withdrawn_consent_changes_the_cell_in_the_whole_matrix_as_it_is_recorded(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    granted = advisors.nl.post(
        team.path(f"/evidence/{judged.ledger}/consents"),
        json={
            "to_country": "BE",
            "purpose": "other_offence",
            "occurred_at": (judged.used_at - timedelta(days=1)).isoformat(),
        },
    )
    assert granted.status_code == 200, granted.text
    be = open_as(advisors.be)
    open_matrix(be, team)
    expect(outcome_of(be, "NL-LEDGER-1", "BE")).to_have_attribute("data-outcome", "PASS")
    mark_the_page(be)

    withdrawn = advisors.nl.post(
        team.path(f"/evidence/{judged.ledger}/consent-withdrawals"),
        json={
            "to_country": "BE",
            "purpose": "other_offence",
            "reason": "the VAT case is not what the JIT agreed to",
            "occurred_at": (judged.used_at - timedelta(hours=12)).isoformat(),
        },
    )
    assert withdrawn.status_code == 200, withdrawn.text

    expect(outcome_of(be, "NL-LEDGER-1", "BE")).to_have_attribute("data-outcome", "RESTRICT")
    expect(cell_of(be, "NL-LEDGER-1", "BE")).to_have_accessible_name(
        "Why NL-LEDGER-1 is “restricted use” in BE"
    )
    expect(outcome_of(be, "NL-LEDGER-1", "FR")).to_have_attribute("data-outcome", "PASS")
    assert_not_reloaded(be)


def test_a_cell_explains_its_verdict_and_the_dialog_closes_with_escape(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    be = open_as(advisors.be)
    open_matrix(be, team)
    expect(rows(be)).to_have_count(3)
    assert_accessible(be, "admissibility matrix")

    cell = cell_of(be, "NL-LEDGER-1", "BE")
    cell.click()
    explanation = be.get_by_test_id("verdict-explanation")
    expect(explanation).to_be_visible()
    expect(
        explanation.get_by_role("heading", name="NL-LEDGER-1 in the courts of BE")
    ).to_be_visible()
    results = explanation.get_by_test_id("rule-result")
    # the rule at fault first, then those that passed
    expect(results.first).to_have_attribute("data-rule", "US-02")
    deciding = explanation.locator('[data-testid="rule-result"][data-rule="US-02"]')
    expect(deciding.locator(".verdict")).to_have_attribute("data-outcome", "RESTRICT")
    expect(deciding).to_contain_text("for VAT fraud without NL's consent")
    expect(deciding).to_contain_text("Missing: NL's consent")
    expect(deciding).to_contain_text("What would cure it: ask NL for consent")
    expect(deciding).to_contain_text("Use: BE VAT")
    # the setting of Belgium's rulebook that decided it, linked to the rulebooks
    setting = deciding.get_by_test_id("rule-setting")
    expect(setting).to_contain_text("Setting in BE\u2019s rulebook (be.toml")
    expect(setting.get_by_role("link")).to_have_attribute(
        "href", team.screen("/rulebooks").removeprefix("/")
    )
    # the facts it rests on, in words, each linked to its record
    deciding.get_by_text(re.compile(r"^Rests on ")).click()
    facts = deciding.get_by_test_id("rests-on").get_by_role("link")
    expect(facts.first).to_be_visible()
    expect(facts).to_have_count(1)
    expect(facts.first).to_have_text(
        "Pieter Claes (BE, investigator) recorded that BE used NL-LEDGER-1 in a proceeding"
    )
    expect(facts.first).to_have_attribute(
        "href", team.screen(f"/evidence/{judged.ledger}").removeprefix("/")
    )
    # every other rule passed, and says why
    assert results.count() > 1
    for result in results.all()[1:]:
        expect(result.locator(".verdict").first).to_have_attribute("data-outcome", "PASS")
    assert_accessible(be, "a verdict explained")

    be.keyboard.press("Escape")
    expect(explanation).to_have_count(0)
    # the focus goes back to the cell the explanation was opened from
    assert be.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Why NL-LEDGER-1 is “restricted use” in BE"
    )


def test_an_unknown_verdict_says_which_facts_would_decide_it(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    be = open_as(advisors.be)
    open_matrix(be, team)
    cell_of(be, "BE-DOC-1", "BE").click()
    lacking = be.get_by_test_id("verdict-explanation").get_by_test_id("lacking-facts")
    expect(lacking.get_by_role("heading")).to_have_text(
        "What would decide it (facts not recorded yet)"
    )
    # never taken into custody: its custody is what is missing
    expect(lacking).to_contain_text("CU-01")
    assert_accessible(be, "an unknown verdict explained")


def test_the_arrow_keys_move_between_rows_and_tab_reaches_the_cells(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    fr = open_as(advisors.fr)
    open_matrix(fr, team)
    expect(rows(fr)).to_have_count(3)
    assert [row.get_attribute("data-reference") for row in rows(fr).all()] == [
        "BE-DOC-1",
        "FR-DOC-1",
        "NL-LEDGER-1",
    ]

    def focused() -> str:
        return str(fr.evaluate("document.activeElement.textContent.trim()"))

    rows(fr).first.get_by_role("link", name="BE-DOC-1").focus()
    assert focused() == "BE-DOC-1"
    fr.keyboard.press("ArrowDown")
    expect(row_of(fr, "FR-DOC-1").get_by_role("link", name="FR-DOC-1")).to_be_focused()
    expect(row_of(fr, "FR-DOC-1")).to_have_attribute("aria-current", "true")
    fr.keyboard.press("ArrowDown")
    expect(row_of(fr, "NL-LEDGER-1").get_by_role("link", name="NL-LEDGER-1")).to_be_focused()
    fr.keyboard.press("ArrowUp")
    expect(row_of(fr, "FR-DOC-1").get_by_role("link", name="FR-DOC-1")).to_be_focused()

    # from the row's link, Tab goes through its cells, one country after the other
    for country in COUNTRIES:
        fr.keyboard.press("Tab")
        expect(fr.locator(":focus")).to_have_accessible_name(f"Why FR-DOC-1 is “pass” in {country}")
    # and Enter on a cell opens its explanation
    fr.keyboard.press("Enter")
    explanation = fr.get_by_test_id("verdict-explanation")
    expect(explanation.get_by_role("heading", name="FR-DOC-1 in the courts of NL")).to_be_visible()
    fr.keyboard.press("Escape")
    expect(explanation).to_have_count(0)


def csv_lines(page: Page, tmp_path: Path) -> list[list[str]]:
    """The CSV the export link downloads, as rows of values (its header first)."""
    with page.expect_download() as started:
        page.get_by_test_id("matrix-export").click()
    download = started.value
    assert download.suggested_filename == "admissibility.csv"
    path = tmp_path / "admissibility.csv"
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(CSV_HEADER), text[:200]
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_holds_the_items_and_countries_the_screen_shows(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged, tmp_path: Path
) -> None:
    be = open_as(advisors.be)
    open_matrix(be, team)
    show(be, BOARD)
    expect(rows(be)).to_have_count(1)

    header, *lines = csv_lines(be, tmp_path)
    assert header[:8] == CSV_HEADER.split(",")
    # the board's one item, once in each country
    assert [(line[0], line[3]) for line in lines] == [("NL-LEDGER-1", c) for c in COUNTRIES]
    belgian = next(line for line in lines if line[3] == "BE")
    assert belgian[1:3] == ["document", "NL"]
    assert belgian[4:7] == ["at risk", "RESTRICT", "US-02"]
    assert belgian[7].startswith("US-02: used on "), belgian
    assert "for VAT fraud without NL's consent" in belgian[7], belgian
    assert [line[5] for line in lines if line[3] != "BE"] == ["PASS", "PASS"]

    # the whole matrix, filtered on the French party's items
    show(be, ALL)
    be.get_by_label("Party", exact=True).select_option("FR")
    expect(rows(be)).to_have_count(1)
    expect(row_of(be, "FR-DOC-1")).to_be_visible()
    _, *lines = csv_lines(be, tmp_path)
    assert [(line[0], line[3], line[5]) for line in lines] == [
        ("FR-DOC-1", country, "PASS") for country in COUNTRIES
    ]

    # and searched instead: two items, in the register's order
    be.get_by_label("Party", exact=True).select_option("")
    be.get_by_label("Search").fill("DOC")
    expect(rows(be)).to_have_count(2)
    _, *lines = csv_lines(be, tmp_path)
    assert [(line[0], line[3]) for line in lines] == [
        (reference, country) for reference in ("BE-DOC-1", "FR-DOC-1") for country in COUNTRIES
    ]
    assert {line[5] for line in lines if line[0] == "BE-DOC-1"} == {"UNKNOWN"}


def test_the_matrix_lists_the_items_a_rule_flags_in_the_courts_chosen(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged, tmp_path: Path
) -> None:
    fr = open_as(advisors.fr)
    open_matrix(fr, team)
    expect(rows(fr)).to_have_count(3)
    # US-02, a use without the sender's consent: in the Belgian courts, the Dutch ledger only
    fr.get_by_label("Flagged by rule").select_option("US-02")
    fr.get_by_label("In the courts of").select_option("BE")
    expect(rows(fr)).to_have_count(1)
    expect(row_of(fr, "NL-LEDGER-1")).to_be_visible()
    assert_accessible(fr, "matrix filtered by a rule")
    _, *lines = csv_lines(fr, tmp_path)
    assert {line[0] for line in lines} == {"NL-LEDGER-1"}
    # the Dutch courts see nothing wrong with the use
    fr.get_by_label("In the courts of").select_option("NL")
    expect(fr.get_by_text("No evidence matches these filters.")).to_be_visible()
    expect(rows(fr)).to_have_count(0)


def test_the_matrix_prints_as_shown_with_its_reasons_and_saves_as_a_pdf(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    be = open_as(advisors.be)
    open_matrix(be, team)
    show(be, BOARD)
    expect(rows(be)).to_have_count(1)
    # the browser's print dialog is the user's to answer: the test notes it was asked for
    be.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    be.get_by_role("button", name="Print or save as PDF").click()
    be.wait_for_function("() => window.__printed === 1")

    # on paper: the sheet alone, the board's item in every country with the Belgian reason
    be.emulate_media(media="print")
    sheet = be.get_by_test_id("matrix-print")
    expect(sheet).to_be_visible()
    expect(be.get_by_role("navigation", name="Investigation")).to_be_hidden()
    expect(sheet).to_contain_text(team.name)
    expect(sheet).to_contain_text("Printed by Marc Janssens")
    expect(sheet).to_contain_text("Filters: Where the countries disagree")
    expect(sheet).to_contain_text("not legal advice")
    printed = sheet.locator("tbody tr")
    expect(printed).to_have_count(len(COUNTRIES))
    belgian = printed.filter(has=be.locator("td:nth-child(4)", has_text="BE"))
    expect(belgian).to_contain_text("restricted use")
    expect(belgian).to_contain_text("without NL's consent")
    pdf = be.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF-")
    # on screen the sheet is not shown
    be.emulate_media(media="screen")
    expect(sheet).to_be_hidden()
    expect(rows(be)).to_have_count(1)
    assert_accessible(be, "matrix after printing")


def test_the_matrix_between_two_moments_shows_what_changed(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    # a minute before the items were recorded (the browser's clock: the test machine's)
    before = datetime.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    be = open_as(advisors.be)
    open_matrix(be, team)
    be.get_by_text("Compare two moments").click()
    compare = be.get_by_role("form", name="Compare two moments")
    compare.get_by_label("From").fill(local(before))
    compare.get_by_role("button", name="Compare").click()
    changes = be.get_by_test_id("matrix-changes").locator("tbody tr")
    # every item was recorded in between: each of its cells appears
    expect(changes).to_have_count(3 * len(COUNTRIES))
    ledger_in_be = changes.filter(has_text="NL-LEDGER-1").filter(
        has=be.locator("td:nth-child(2)", has_text="BE")
    )
    expect(ledger_in_be.locator("td")).to_have_text(
        ["NL-LEDGER-1", "BE", "not recorded yet", "restricted use"]
    )
    expect(be.get_by_role("status").filter(has_text="As recorded between")).to_contain_text(
        "9 verdicts changed or appeared."
    )
    assert_accessible(be, "the matrix between two moments")


def test_a_member_who_may_not_see_legal_matters_gets_no_verdicts(
    open_as: OpenAs,
    team: Team,
    advisors: Advisors,
    judged: Judged,
    browser_console: Console,
) -> None:
    refused = team.observer.get(team.path("/admissibility/page"))
    assert refused.status_code == 403, refused.text

    nl = open_as(team.observer)
    open_investigation(nl, team)
    navigation = nl.get_by_role("navigation", name="Investigation")
    expect(navigation.get_by_role("link", name="Evidence register")).to_be_visible()
    expect(navigation.get_by_role("link", name="Admissibility")).to_have_count(0)

    # the address typed in: the screen says why, asks the server nothing, and shows nothing else
    nl.goto(team.screen("/admissibility"))
    expect(nl.get_by_role("heading", level=1, name=HEADING)).to_be_visible()
    expect(nl.get_by_role("alert")).to_have_text(
        "In this investigation you may not see authorisations, rulebooks and admissibility."
    )
    expect(rows(nl)).to_have_count(0)
    expect(nl.locator(".verdict")).to_have_count(0)
    for nothing_to_use in (
        nl.get_by_test_id("matrix-export"),
        nl.get_by_role("button", name=BOARD),
        nl.get_by_role("form", name="Filters"),
        nl.get_by_role("button", name="Try again"),
        count(nl, r"\d+ items?"),
    ):
        expect(nothing_to_use).to_have_count(0)
    assert_accessible(nl, "admissibility refused to an observer")
    assert browser_console.problems == []  # no refused request was even made


def test_the_screen_in_french(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    fr = open_as(advisors.fr)
    open_matrix(fr, team)
    expect(rows(fr)).to_have_count(3)
    fr.get_by_label("Language").select_option(label="Français")

    expect(fr.locator("html")).to_have_attribute("lang", "fr")
    expect(fr.get_by_role("heading", level=1)).to_have_text("Recevabilité dans chaque pays")
    navigation = fr.get_by_role("navigation", name="Enquête")
    expect(navigation.get_by_role("link", name="Recevabilité")).to_be_visible()
    expect(fr.get_by_role("button", name="Là où les pays divergent")).to_be_visible()
    expect(outcome_of(fr, "NL-LEDGER-1", "BE")).to_have_text(re.compile("usage restreint"))
    expect(outcome_of(fr, "FR-DOC-1", "FR")).to_have_text(re.compile("conforme"))
    expect(outcome_of(fr, "BE-DOC-1", "NL")).to_have_text(re.compile("indéterminé"))
    expect(row_of(fr, "NL-LEDGER-1")).not_to_contain_text("restricted")
    expect(row_of(fr, "NL-LEDGER-1").locator('[data-country="BE"] button')).to_have_attribute(
        "aria-label", "Pourquoi NL-LEDGER-1 est « usage restreint » en BE"
    )
    assert_accessible(fr, "admissibility matrix, in French")

    row_of(fr, "NL-LEDGER-1").locator('[data-country="BE"] button').click()
    explanation = fr.get_by_test_id("verdict-explanation")
    expect(
        explanation.get_by_role("heading", name="NL-LEDGER-1 devant les juridictions de BE")
    ).to_be_visible()
    deciding = explanation.locator('[data-testid="rule-result"][data-rule="US-02"]')
    expect(deciding.locator(".verdict")).to_have_text(re.compile("usage restreint"))
    expect(deciding).to_contain_text("Ce qui y remédierait")
    assert_accessible(fr, "a verdict explained, in French")


def test_a_cure_recorded_from_a_cell_changes_the_cell_on_another_countrys_screen(
    open_as: OpenAs, team: Team, advisors: Advisors
) -> None:
    # A French prosecutor's urgent search of a flat two hours ago, which a judge must confirm
    # within 48 hours; a ledger was seized in the search and kept in custody
    advise(team, advisors)
    order = team.fr.post(
        team.path("/authorisations"),
        json=authorisation_body(
            kind="search_warrant",
            authority="Parquet de Lille",
            reference="PARQUET-URG-1",
            occurred_at=days_ago(2 / 24),
            valid_from=days_ago(2 / 24),
            valid_until=(datetime.now(UTC) + timedelta(days=2)).isoformat(),
            scope={"methods": ["search"]},
        ),
    )
    assert order.status_code == 201, order.text
    qualified = advisors.fr.post(
        team.path(f"/authorisations/{order.json()['id']}/qualification"),
        json={"issuer": "prosecutor", "offences": ["drug trafficking"], "urgent": True},
    )
    assert qualified.status_code == 200, qualified.text
    ledger = register(
        team.fr,
        team,
        reference="FR-SEARCH-1",
        description="a ledger found in the search",
        method="search",
        place="Lille",
        occurred_at=days_ago(1 / 24),
        authorisation_id=order.json()["id"],
    )
    custody(team.fr, team, ledger["id"], "collection", place="Lille", occurred_at=days_ago(1 / 24))

    # The Belgian legal advisor has the matrix open: the French search waits for its judge
    be = open_as(advisors.be)
    open_matrix(be, team)
    expect(outcome_of(be, "FR-SEARCH-1", "BE")).to_have_attribute("data-outcome", "UNKNOWN")
    mark_the_page(be)

    # The French legal advisor opens the French cell: the urgent order waits for a judge
    fr = open_as(advisors.fr)
    open_matrix(fr, team)
    cell_of(fr, "FR-SEARCH-1", "FR").click()
    explanation = fr.get_by_test_id("verdict-explanation")
    waiting = explanation.locator('[data-testid="rule-result"][data-rule="AU-05"]')
    expect(waiting.locator(".verdict")).to_have_attribute("data-outcome", "UNKNOWN")
    expect(waiting).to_contain_text("Missing: the judge's confirmation of the urgent order")
    # and records the confirmation from there
    waiting.get_by_role("button", name="Record a judge\u2019s confirmation").click()
    form = waiting.get_by_role("form", name="Record a judge\u2019s confirmation")
    form.get_by_label("Judge or court").fill("JLD Lille")
    assert_accessible(fr, "a cure about to be recorded from a verdict's explanation")
    form.get_by_role("button", name="Record it").click()
    expect(explanation.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()
    # the explanation follows: the order stands, confirmed by a judge
    confirmed = explanation.locator('[data-testid="rule-result"][data-rule="AU-05"]')
    expect(confirmed.locator(".verdict")).to_have_attribute("data-outcome", "PASS")
    expect(confirmed).to_contain_text("confirmed by a judge on")
    expect(confirmed.get_by_test_id("cure-action")).to_have_count(0)

    # and on the Belgian screen, without a reload, the cell has changed
    expect(outcome_of(be, "FR-SEARCH-1", "BE")).not_to_have_attribute("data-outcome", "UNKNOWN")
    after = team.fr.get(team.path(f"/evidence/{ledger['id']}/admissibility")).json()
    belgian = next(c for c in after["countries"] if c["country"] == "BE")
    expect(outcome_of(be, "FR-SEARCH-1", "BE")).to_have_attribute(
        "data-outcome", belgian["outcome"]
    )
    assert all(r["rule"] != "AU-05" or r["outcome"] == "PASS" for r in belgian["results"])
    assert_not_reloaded(be)


def test_a_consent_is_granted_from_the_cell_that_lacks_it_by_the_party_that_decides(
    open_as: OpenAs, team: Team, advisors: Advisors, judged: Judged
) -> None:
    # The Belgian legal advisor sees what is missing, and who can grant it
    be = open_as(advisors.be)
    open_matrix(be, team)
    cell_of(be, "NL-LEDGER-1", "BE").click()
    restricted = be.locator('[data-testid="rule-result"][data-rule="US-02"]')
    expect(restricted.get_by_test_id("cure-action")).to_contain_text(
        "Only the legal advisors of NL can grant this consent."
    )
    expect(restricted.get_by_role("button")).to_have_count(0)

    # The Dutch legal advisor grants it from the same cell
    nl = open_as(advisors.nl)
    open_matrix(nl, team)
    cell_of(nl, "NL-LEDGER-1", "BE").click()
    lacking = nl.locator('[data-testid="rule-result"][data-rule="US-02"]')
    lacking.get_by_role("button", name="Grant this consent").click()
    form = lacking.get_by_role("form", name="Grant this consent")
    expect(form).to_contain_text("BE may use it for another offence · offence VAT fraud")
    form.get_by_label("When it happened").fill(
        (judged.used_at - timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_role("button", name="Record it").click()
    expect(nl.get_by_test_id("verdict-explanation").get_by_role("status")).to_contain_text(
        "Recorded."
    )
    # both explanations, open all along, now pass
    for page in (be, nl):
        deciding = page.locator('[data-testid="rule-result"][data-rule="US-02"]')
        expect(deciding.locator(".verdict")).to_have_attribute("data-outcome", "PASS")
