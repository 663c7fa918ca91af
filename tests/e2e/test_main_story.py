"""The main story of the interface: a French and a Belgian member work on the same evidence,
each in their own browser, and see each other's work as it happens.

Ines Martin (FR, JIT leader) registers the ledger seized in Paris and uploads its scan;
Pieter Claes (BE, investigator), with the evidence register open, sees it arrive without
losing his place; she hands it over to him, he confirms receipt, and both chains of custody
and the activity stream say so in people's words. Anna De Vries (NL, observer) sees only
what the agreement lets her see. Every screen visited is checked with axe.

What a test needs to exist before its story (other items, files, restrictions) is set up
through the API; what the story is about is done in the browser.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.e2e.browsing import Console, NewContext, OpenAs, assert_accessible, log_in
from tests.e2e.team import Team, attach, custody, register, restrict

UPLOAD_BYTES = 50 * 1024 * 1024
# the parts of an upload session (jitspace/services/uploads.py)
PART_BYTES = 8 * 1024 * 1024
# what no person should read in the activity stream: ids, event classes, API words
MACHINE_WORDS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}"  # an id
    r"|\b[A-Z][a-z]+[A-Z][A-Za-z]*"  # an event's class: EvidenceItem, HandedOver, FileAttached
    r"|\w+_\w+"  # an API word: jit_leader, recipient_id
)
LEDGER = "a ledger of payments, seized at the Rue de Lyon"


def open_investigation(page: Page, team: Team) -> None:
    """From my investigations to the investigation's overview, by its link."""
    page.get_by_role("link", name=team.name).click()
    expect(page.get_by_role("heading", level=1, name=team.name)).to_be_visible()


def go_to(page: Page, section: str) -> None:
    """One of the investigation's sections, through its navigation."""
    page.get_by_role("navigation", name="Investigation").get_by_role("link", name=section).click()


def register_rows(page: Page) -> Locator:
    return page.get_by_test_id("evidence-row")


def row_of(page: Page, reference: str) -> Locator:
    return page.locator(f'[data-testid="evidence-row"][data-reference="{reference}"]')


def register_in_the_browser(page: Page, reference: str, description: str) -> str:
    """Register an item through the register's form (the register is open); its id."""
    page.get_by_text("Register an evidence item").click()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Register"))
    form.get_by_label("Reference").fill(reference)
    form.get_by_label("Kind").select_option(label="document")
    form.get_by_label("Collected on (your local time)").fill("2024-05-03T07:30")
    form.get_by_label("Collected by").fill("Cdt. Morel")
    form.get_by_label("Place").fill("Paris 11e")
    form.get_by_label("Method").fill("seizure")
    form.get_by_label("Description").fill(description)
    form.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(reference))).to_be_visible()
    return page.url.rsplit("/", 1)[1]


def mark_the_page(page: Page) -> None:
    """A mark a reload of the page would wipe out."""
    page.evaluate("window.sameDocument = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.sameDocument === true"), "the page was loaded again"


def activity_texts(page: Page) -> list[str]:
    return [text.strip() for text in page.get_by_test_id("activity").all_inner_texts()]


def test_fr_registers_an_item_and_uploads_a_large_file_whose_hash_matches(
    new_context: NewContext, team: Team, tmp_path: Path
) -> None:
    scan = tmp_path / "ledger-scan.bin"
    scan.write_bytes(hashlib.shake_256(b"the ledger").digest(UPLOAD_BYTES))
    expected = hashlib.sha256(scan.read_bytes()).hexdigest()
    fr = new_context().new_page()

    log_in(fr, team.fr)
    assert_accessible(fr, "my investigations")
    row = fr.get_by_test_id("investigation-row").filter(has_text=team.name)
    expect(row).to_contain_text("JIT-2024-017")
    expect(row).to_contain_text("JIT leader (FR)")
    open_investigation(fr, team)
    expect(fr.get_by_test_id("connection")).to_contain_text("Connected")
    assert_accessible(fr, "investigation home")
    go_to(fr, "Evidence register")
    expect(fr.get_by_role("heading", level=1, name="Evidence register")).to_be_visible()
    assert_accessible(fr, "evidence register")
    item_id = register_in_the_browser(fr, "FR-DOC-7", LEDGER)
    recorded = team.fr.get(team.path(f"/evidence/{item_id}")).json()
    assert (recorded["reference"], recorded["description"]) == ("FR-DOC-7", LEDGER)
    assert recorded["collected_at"].startswith("2024-05-03T05:30"), recorded  # Paris time
    assert_accessible(fr, "evidence item")
    go_to(fr, "Evidence register")
    expect(row_of(fr, "FR-DOC-7")).to_contain_text(LEDGER)
    row_of(fr, "FR-DOC-7").get_by_role("link", name="FR-DOC-7").click()
    expect(fr.get_by_role("heading", level=1, name=re.compile("FR-DOC-7"))).to_be_visible()

    # every state the progress shows, as the page draws it
    fr.evaluate(
        """() => {
            window.progressSeen = [];
            new MutationObserver(() => {
                for (const entry of document.querySelectorAll('[data-testid=upload-progress]')) {
                    const bar = entry.querySelector('progress');
                    window.progressSeen.push([entry.textContent.trim(), bar ? bar.value : null]);
                }
            }).observe(document.body,
                {subtree: true, childList: true, characterData: true, attributes: true});
        }"""
    )
    fr.get_by_label("Add files").set_input_files(scan)
    progress = fr.get_by_test_id("upload-progress")
    expect(progress).to_contain_text("ledger-scan.bin: uploaded", timeout=60_000)
    expect(progress.locator("progress")).to_have_js_property("value", 100)
    seen = fr.evaluate("window.progressSeen")
    percents = [int(m.group(1)) for text, _ in seen if (m := re.search(r"(\d+)%", text))]
    assert percents, f"the upload never showed its progress in %: {seen[:5]}"
    assert min(percents) < 100, f"the progress showed only its end: {percents}"
    assert percents == sorted(percents), f"the progress went back: {percents}"

    files = fr.get_by_role("table").filter(has_text="SHA-256")
    listed = files.get_by_role("row").filter(has_text="ledger-scan.bin")
    expect(listed).to_be_visible()
    expect(listed.locator(f'[title="{expected}"]')).to_be_visible()
    expect(listed).to_contain_text(expected[:16])
    stored = team.fr.get(team.path(f"/evidence/{item_id}")).json()["files"]
    assert [(f["name"], f["sha256"], f["size"]) for f in stored] == [
        ("ledger-scan.bin", expected, UPLOAD_BYTES)
    ]
    assert_accessible(fr, "evidence item with a file")

    # the chain of custody records the file, in words
    steps = fr.get_by_test_id("custody-step")
    expect(steps).to_have_count(2)
    expect(steps.last).to_contain_text("Ines Martin (FR, JIT leader)")
    for step in steps.all_inner_texts():
        assert not MACHINE_WORDS.search(step), f"a custody step in machine words: {step!r}"


def test_be_sees_a_new_item_arrive_live_and_keeps_his_place(open_as: OpenAs, team: Team) -> None:
    for number in range(1, 41):
        register(team.be, team, reference=f"BE-{number:03}", description=f"exhibit {number}")
    be = open_as(team.be)
    open_investigation(be, team)
    go_to(be, "Evidence register")
    expect(be.get_by_role("status").filter(has_text="40 items")).to_be_visible()
    expect(register_rows(be).first).to_be_visible()
    drawn = register_rows(be).count()
    assert 0 < drawn < 40, f"{drawn} rows in the page: the list draws only those in view"

    # Pieter picks a row down the list with the keyboard (the current row): the list scrolls
    register_rows(be).first.get_by_role("link").focus()
    for _ in range(15):
        be.keyboard.press("ArrowDown")
    selected = be.locator('[data-testid="evidence-row"][aria-current="true"]')
    expect(selected).to_have_count(1)
    reference = selected.get_attribute("data-reference")
    viewport = be.locator(".register-viewport")
    scrolled = viewport.evaluate("element => element.scrollTop")
    assert scrolled > 0, "the list did not scroll to the selected row"
    focused = be.evaluate("document.activeElement.textContent.trim()")
    mark_the_page(be)

    fr = open_as(team.fr)
    fr.goto(team.screen("/evidence"))
    register_in_the_browser(fr, "FR-DOC-8", "a second ledger")

    expect(be.get_by_test_id("new-items")).to_contain_text("1 new")
    expect(row_of(be, "FR-DOC-8")).to_have_count(0)  # not pushed into the list under him
    assert viewport.evaluate("element => element.scrollTop") == scrolled
    expect(selected).to_have_attribute("data-reference", str(reference))
    assert be.evaluate("document.activeElement.textContent.trim()") == focused
    assert_not_reloaded(be)
    assert_accessible(be, "evidence register with new items")

    be.get_by_test_id("new-items").click()
    expect(be.get_by_role("status").filter(has_text="41 items")).to_be_visible()
    expect(be.get_by_test_id("new-items")).to_have_count(0)
    expect(be.locator('[data-testid="evidence-row"][aria-current="true"]')).to_have_attribute(
        "data-reference", str(reference)
    )
    viewport.evaluate("element => { element.scrollTop = 0; }")
    expect(row_of(be, "FR-DOC-8")).to_contain_text("a second ledger")
    # the keyboard's focus went with the selection, row by row
    assert focused == reference, f"row {reference} is selected, the focus is on {focused}"


def test_the_register_sorts_by_its_headers_and_filters(open_as: OpenAs, team: Team) -> None:
    for reference, description in [("BE-3", "van"), ("BE-1", "phone"), ("BE-2", "ledger copy")]:
        register(team.be, team, reference=reference, description=description)
    register(team.fr, team, reference="FR-DOC-7", description=LEDGER)
    be = open_as(team.be)
    be.goto(team.screen("/evidence"))
    expect(be.get_by_role("status").filter(has_text="4 items")).to_be_visible()

    header = be.get_by_role("columnheader", name=re.compile("^Reference"))
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(register_rows(be).first).to_have_attribute("data-reference", "BE-1")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(register_rows(be).first).to_have_attribute("data-reference", "FR-DOC-7")

    be.get_by_label("Party", exact=True).select_option("FR")
    expect(be.get_by_role("status").filter(has_text=re.compile(r"\b1 items?\b"))).to_be_visible()
    expect(register_rows(be)).to_have_count(1)
    be.get_by_role("button", name="Clear filters").click()
    be.get_by_label("Search").fill("ledger")
    expect(be.get_by_role("status").filter(has_text="2 items")).to_be_visible()
    expect(register_rows(be)).to_have_count(2)
    assert sorted(row.get_attribute("data-reference") or "" for row in register_rows(be).all()) == [
        "BE-2",
        "FR-DOC-7",
    ]
    assert_accessible(be, "evidence register, sorted and searched")


def test_the_activity_stream_holds_new_entries_while_the_reader_is_scrolled_down(
    open_as: OpenAs, team: Team
) -> None:
    for number in range(1, 31):
        register(team.be, team, reference=f"BE-{number:03}", description=f"exhibit {number}")
    be = open_as(team.be)
    open_investigation(be, team)
    stream = be.get_by_role("list", name="Activity")
    expect(stream.get_by_test_id("activity").filter(has_text="registered BE-030")).to_be_visible()
    stream.evaluate("element => { element.scrollTop = 300; }")
    scrolled = stream.evaluate("element => element.scrollTop")
    assert scrolled > 0, "the activity stream does not scroll"
    mark_the_page(be)

    register(team.fr, team, reference="FR-DOC-9", description="a third ledger")

    arrived = "Ines Martin (FR, JIT leader) registered FR-DOC-9"
    expect(be.get_by_test_id("new-activity")).to_contain_text("1 new")
    expect(stream.get_by_test_id("activity").filter(has_text=arrived)).to_have_count(0)
    assert stream.evaluate("element => element.scrollTop") == scrolled
    assert_not_reloaded(be)
    be.get_by_test_id("new-activity").click()
    expect(stream.get_by_test_id("activity").first).to_contain_text(arrived)
    expect(be.get_by_test_id("new-activity")).to_have_count(0)


def test_a_handover_and_its_receipt_show_in_both_chains_and_in_words(
    open_as: OpenAs, team: Team
) -> None:
    item = register(team.fr, team, reference="FR-DOC-7", description=LEDGER, place="Paris")
    be = open_as(team.be)
    open_investigation(be, team)
    expect(be.get_by_text("Nothing is waiting for your receipt.")).to_be_visible()
    mark_the_page(be)
    fr = open_as(team.fr)
    open_investigation(fr, team)
    # who is online now: Pieter, on the overview
    pieter = fr.get_by_test_id("member").filter(has_text="Pieter Claes")
    expect(pieter).to_contain_text("online now")
    expect(pieter).to_have_attribute("data-online", "true")
    expect(fr.get_by_test_id("member").filter(has_text="Anna De Vries")).not_to_contain_text(
        "online now"
    )
    fr.goto(team.screen(f"/evidence/{item['id']}"))
    expect(fr.get_by_role("heading", level=1, name=re.compile("FR-DOC-7"))).to_be_visible()

    collection = fr.get_by_role("form", name="Take into custody")
    expect(collection.get_by_label("Place")).to_have_value("Paris")  # where it was seized
    collection.get_by_label("Place").fill("Paris 11e")
    collection.get_by_role("button", name="Take into custody").click()
    expect(fr.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()
    expect(fr.locator("dt:text-is('Custodian') + dd")).to_contain_text(
        "Ines Martin (FR, JIT leader)"
    )
    expect(collection).to_have_count(0)

    seal = fr.get_by_role("form", name="Seal")
    seal.get_by_label("Seal number").fill("FR-4471")
    seal.get_by_role("button", name="Seal").click()
    expect(fr.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()
    expect(fr.locator("dt:text-is('Seal') + dd")).to_have_text("FR-4471")

    handover = fr.get_by_role("form", name="Hand over")
    handover.get_by_label("Recipient").select_option(label="Pieter Claes (BE, investigator)")
    handover.get_by_label("Reason").fill("analysis of the ledger in Brussels")
    handover.get_by_role("button", name="Hand over").click()
    expect(fr.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()
    expect(fr.get_by_text("Handed over, awaiting receipt by Pieter Claes (BE)")).to_be_visible()
    fr_chain = fr.get_by_test_id("custody-step")
    expect(fr_chain.last).to_contain_text(
        "Ines Martin (FR, JIT leader) handed the item to Pieter Claes (BE)"
    )

    # Pieter, on the overview, sees it come to him without reloading
    handed = "Ines Martin (FR, JIT leader) handed FR-DOC-7 to Pieter Claes (BE)"
    expect(be.get_by_test_id("activity").filter(has_text=handed)).to_be_visible()
    awaiting = be.get_by_role("list", name="Awaiting my receipt")
    expect(awaiting.get_by_role("link", name="FR-DOC-7")).to_be_visible()
    assert_not_reloaded(be)
    assert_accessible(be, "investigation home, an item awaiting receipt")
    awaiting.get_by_role("link", name="FR-DOC-7").click()

    receipt = be.get_by_role("form", name="Confirm receipt")
    receipt.get_by_label("Seal on arrival").select_option(label="intact")
    receipt.get_by_label("Number on the seal you found").fill("FR-4471")
    receipt.get_by_label("State of the packaging").fill("sealed bag, undamaged")
    receipt.get_by_role("button", name="Confirm receipt").click()
    expect(be.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()
    received = "Pieter Claes (BE, investigator) received the item; seal intact"
    expect(be.get_by_test_id("custody-step").last).to_contain_text(received)
    expect(be.get_by_role("form", name="Hand over")).to_be_visible()  # his to pass on now
    assert_accessible(be, "evidence item after receipt")

    # Ines's page, open all along, shows the receipt too
    expect(fr_chain.last).to_contain_text(received)
    expect(fr.get_by_role("form", name="Hand over")).to_have_count(0)
    expect(fr.locator("dt:text-is('Custodian') + dd")).to_contain_text(
        "Pieter Claes (BE, investigator)"
    )
    steps = [step.split("\n")[0] for step in fr_chain.all_inner_texts()]
    assert steps[-4:] == [
        "Ines Martin (FR, JIT leader) took the item into custody at collection (Paris 11e)",
        "Ines Martin (FR, JIT leader) sealed the item with seal FR-4471",
        "Ines Martin (FR, JIT leader) handed the item to Pieter Claes (BE)",
        received,
    ], steps

    # the overview's activity says who did what, in words
    go_to(fr, "Overview")
    expect(fr.get_by_test_id("activity").filter(has_text=handed)).to_be_visible()
    expect(
        fr.get_by_test_id("activity").filter(
            has_text="Pieter Claes (BE, investigator) confirmed receipt of FR-DOC-7"
        )
    ).to_be_visible()
    expect(
        fr.get_by_test_id("activity").filter(
            has_text="Ines Martin (FR, JIT leader) registered FR-DOC-7"
        )
    ).to_be_visible()
    for entry in activity_texts(fr):
        assert not MACHINE_WORDS.search(entry), f"an activity entry in machine words: {entry!r}"
    assert_accessible(fr, "investigation home with activity")


def test_the_observer_sees_only_what_the_agreement_allows(open_as: OpenAs, team: Team) -> None:
    secret = "statement of the protected witness W-12"
    open_item = register(team.fr, team, reference="FR-DOC-7", description=LEDGER)
    restricted = register(
        team.fr,
        team,
        reference="FR-WIT-12",
        kind="witness_statement",
        description=secret,
        place="Lille",
    )
    restrict(team.fr, team, restricted["id"], description_to=["BE"])
    custody(team.fr, team, open_item["id"], "collection", place="Paris 11e")
    scan = attach(team.fr, team, open_item["id"], "ledger-scan.pdf", b"%PDF-1.7 the ledger")
    content = team.path(f"/evidence/{open_item['id']}/files/{scan}/content")

    observer = open_as(team.observer)
    row = observer.get_by_test_id("investigation-row").filter(has_text=team.name)
    expect(row).to_contain_text("observer (NL)")
    open_investigation(observer, team)
    go_to(observer, "Evidence register")
    expect(row_of(observer, "FR-DOC-7")).to_contain_text(LEDGER)
    expect(row_of(observer, "FR-WIT-12")).to_contain_text("withheld by FR")
    assert_accessible(observer, "evidence register, as an observer")

    row_of(observer, "FR-WIT-12").get_by_role("link", name="FR-WIT-12").click()
    expect(observer.get_by_role("heading", level=1, name=re.compile("FR-WIT-12"))).to_be_visible()
    expect(observer.get_by_text("withheld by FR").first).to_be_visible()
    assert_accessible(observer, "evidence item withheld, as an observer")

    go_to(observer, "Overview")
    expect(observer.get_by_test_id("activity").first).to_be_visible()
    assert secret not in observer.content()
    assert "Lille" not in observer.content()

    # the Belgian investigator, whom the restriction names, reads it
    be = open_as(team.be)
    be.goto(team.screen(f"/evidence/{restricted['id']}"))
    expect(be.get_by_text(secret)).to_be_visible()

    observer.goto(team.screen(f"/evidence/{open_item['id']}"))
    expect(observer.get_by_role("heading", level=1, name=re.compile("FR-DOC-7"))).to_be_visible()
    expect(observer.get_by_text(LEDGER)).to_be_visible()
    files = observer.get_by_role("region", name="Files")
    expect(files.get_by_role("row").filter(has_text="ledger-scan.pdf")).to_be_visible()
    # an observer keeps no custody and, unless the agreement gives it, adds and downloads no
    # file: the page offers nothing the API would refuse
    refused = team.observer.get(content, params={"purpose": "reading the file"})
    assert refused.status_code == 403, refused.text
    expect(observer.get_by_role("form", name="Hand over")).to_have_count(0)
    expect(files.get_by_role("button", name=re.compile("^Download"))).to_have_count(0)
    expect(files.get_by_label("Add files")).to_have_count(0)

    granted = team.fr.post(
        team.path("/observer-rights"),
        json={"rights": ["download_files"], "agreement_clause": "art. 7: NL observes the file"},
    )
    assert granted.status_code == 200, granted.text
    assert team.observer.get(content, params={"purpose": "reading the file"}).status_code == 200
    observer.reload()
    expect(files.get_by_role("button", name=re.compile("^Download"))).to_be_visible()


def test_switching_to_french_shows_french(open_as: OpenAs, team: Team) -> None:
    register(team.fr, team, reference="FR-DOC-7", description=LEDGER)
    page = open_as(team.fr)
    page.get_by_label("Language").select_option(label="Français")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes enquêtes")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.get_by_role("link", name=team.name).click()
    sections = page.get_by_role("navigation", name="Enquête")
    expect(sections.get_by_role("link", name="Registre des preuves")).to_be_visible()
    page.reload()  # the choice is remembered
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1, name=team.name)).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Activité")).to_be_visible()
    # \u2019: the apostrophe of French typography
    expect(page.get_by_test_id("activity").filter(has_text="FR-DOC-7")).to_contain_text(
        "Ines Martin (FR, chef de l\u2019ECE) a enregistré FR-DOC-7"
    )
    assert_accessible(page, "investigation home, in French")


@pytest.mark.parametrize(
    ("language", "code", "mine", "logout", "sections", "register"),
    [
        ("Nederlands", "nl", "Mijn onderzoeken", "Afmelden", "Onderzoek", "Bewijsregister"),
        (
            "Deutsch",
            "de",
            "Meine Ermittlungen",
            "Abmelden",
            "Ermittlung",
            "Beweismittelverzeichnis",
        ),
    ],
)
def test_dutch_and_german_too(
    open_as: OpenAs,
    team: Team,
    language: str,
    code: str,
    mine: str,
    logout: str,
    sections: str,
    register: str,
) -> None:
    page = open_as(team.be)
    page.get_by_label("Language").select_option(label=language)
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.get_by_role("heading", level=1)).to_have_text(mine)
    expect(page.get_by_role("button", name=logout)).to_be_visible()
    page.get_by_role("link", name=team.name).click()
    navigation = page.get_by_role("navigation", name=sections)
    expect(navigation.get_by_role("link", name=register)).to_be_visible()
    assert_accessible(page, f"investigation home, language {code}")


def test_two_members_editing_one_task_the_second_is_told_and_keeps_his_input(
    open_as: OpenAs, team: Team, browser_console: Console
) -> None:
    created = team.fr.post(team.path("/tasks"), json={"title": "Trace the payments"})
    assert created.status_code == 201, created.text
    task_id = created.json()["id"]
    editors = []
    for person in (team.fr, team.be):
        page = open_as(person)
        page.goto(team.screen("/tasks"))
        page.get_by_test_id("task").filter(has_text="Trace the payments").get_by_role(
            "button", name=re.compile("^Details and comments")
        ).click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_label("Title", exact=True)).to_have_value("Trace the payments")
        editors.append((page, dialog))
    (_, fr_dialog), (be, be_dialog) = editors
    be_dialog.get_by_label("Due on").fill("2031-03-15")  # typed, not saved yet

    fr_dialog.get_by_label("Title", exact=True).fill("Trace the payments to Antwerp")
    fr_dialog.get_by_role("button", name="Save changes").click()
    expect(fr_dialog).to_contain_text("Task changed.")

    be_dialog.get_by_role("button", name="Save changes").click()
    expect(be_dialog).to_contain_text("Someone changed this task while you were editing it")
    expect(be_dialog).to_contain_text(
        "Ines Martin (FR) changed the title to “Trace the payments to Antwerp” meanwhile"
    )
    expect(be_dialog.get_by_label("Due on")).to_have_value("2031-03-15")  # his input, kept
    assert_accessible(be, "task details after a conflict")
    be_dialog.get_by_role("button", name="Save changes").click()
    expect(be_dialog).to_contain_text("Task changed.")
    saved = team.fr.get(team.path(f"/tasks/{task_id}")).json()
    assert (saved["title"], saved["due_on"]) == ("Trace the payments to Antwerp", "2031-03-15")
    # the browser logged the API's 409, the one answer the page handled
    conflicts = [p for p in browser_console.problems if "409 (Conflict)" in p]
    assert len(conflicts) == 1, browser_console.problems
    browser_console.problems[:] = [p for p in browser_console.problems if p not in conflicts]


def test_the_tasks_board_takes_a_task_and_its_assignee_works_it(
    open_as: OpenAs, team: Team
) -> None:
    title = "Trace the payments in the ledger"
    be = open_as(team.be)
    open_investigation(be, team)
    expect(be.get_by_text("No open tasks are assigned to you.")).to_be_visible()

    fr = open_as(team.fr)
    fr.goto(team.screen("/tasks"))
    expect(fr.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    assert_accessible(fr, "tasks")
    fr.get_by_text("New task").click()
    fr.get_by_label("Title", exact=True).fill(title)
    fr.get_by_label("Due on").fill("2024-06-01")
    fr.get_by_role("button", name="Create task").click()
    card = fr.get_by_role("region", name=re.compile("^To do")).get_by_test_id("task")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(title)
    expect(card).to_contain_text("overdue since")  # in words, not colour only
    card.get_by_label("Assigned to").select_option(label="Pieter Claes (BE)")
    assert_accessible(fr, "tasks with a task")

    # Pieter's overview lists it as his, live; he starts it from his board
    mine = be.get_by_role("region", name="My tasks")
    expect(mine.get_by_role("link", name=title)).to_be_visible()
    mine.get_by_role("link", name=title).click()
    expect(be.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    be.get_by_label("Only my tasks").check()
    his = be.get_by_test_id("task").filter(has_text=title)
    his.get_by_label("Status").select_option(label="in progress")
    expect(
        be.get_by_role("region", name=re.compile("^In progress")).get_by_test_id("task")
    ).to_contain_text(title)

    # Ines's board, open all along, moves the card
    doing = fr.get_by_role("region", name=re.compile("^In progress")).get_by_test_id("task")
    expect(doing).to_contain_text(title)
    expect(
        fr.get_by_role("region", name=re.compile("^To do")).get_by_test_id("task")
    ).to_have_count(0)
    expect(doing.get_by_label("Assigned to")).to_have_value(str(team.be.user_id))


def test_a_download_states_its_purpose_and_the_chain_records_it(
    open_as: OpenAs, team: Team
) -> None:
    content = b"%PDF-1.7 ledger of payments, pages 1-40"
    item = register(team.fr, team, reference="FR-DOC-7", description=LEDGER)
    attach(team.fr, team, item["id"], "ledger-scan.pdf", content)
    fr = open_as(team.fr)
    fr.goto(team.screen(f"/evidence/{item['id']}"))
    expect(fr.get_by_role("heading", level=1, name=re.compile("FR-DOC-7"))).to_be_visible()

    fr.get_by_role("button", name="Download ledger-scan.pdf").click()
    dialog = fr.get_by_role("dialog", name="Download ledger-scan.pdf")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Download")).to_be_disabled()  # not without why
    dialog.get_by_label("Why do you need this file?").fill("comparison with the BE ledger")
    assert_accessible(fr, "evidence item, download dialog")
    with fr.expect_download() as downloading:
        dialog.get_by_role("button", name="Download").click()
    download = downloading.value
    assert download.suggested_filename == "ledger-scan.pdf"
    assert Path(download.path()).read_bytes() == content
    expect(dialog).to_be_hidden()

    expect(fr.get_by_test_id("custody-step").last).to_contain_text(
        "Ines Martin (FR, JIT leader) downloaded a file, purpose: comparison with the BE ledger"
    )


def test_a_change_arriving_live_keeps_what_the_user_is_typing(open_as: OpenAs, team: Team) -> None:
    item = register(team.fr, team, reference="FR-DOC-7", description=LEDGER)
    custody(team.fr, team, item["id"], "collection", place="Paris 11e")
    fr = open_as(team.fr)
    fr.goto(team.screen(f"/evidence/{item['id']}"))
    store = fr.get_by_role("form", name="Store")
    store.get_by_label("Storage location").fill("Evidence room 2, shelf")
    mark_the_page(fr)

    # meanwhile, from her other device, she seals the item
    custody(team.fr, team, item["id"], "seal", seal_number="FR-4471")

    expect(fr.locator("dt:text-is('Seal') + dd")).to_have_text("FR-4471")
    expect(store.get_by_label("Storage location")).to_have_value("Evidence room 2, shelf")
    assert_not_reloaded(fr)
    store.get_by_label("Storage location").press("End")
    store.get_by_label("Storage location").press_sequentially(" 4")
    store.get_by_role("button", name="Store").click()
    expect(fr.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()
    expect(fr.locator("dt:text-is('Location') + dd")).to_have_text("Evidence room 2, shelf 4")


def test_a_comment_reaches_the_member_it_mentions_live(open_as: OpenAs, team: Team) -> None:
    item = register(team.fr, team, reference="FR-DOC-7", description=LEDGER)
    be = open_as(team.be)
    be.goto(team.screen(f"/evidence/{item['id']}"))
    expect(be.get_by_text("No comments yet.")).to_be_visible()
    mark_the_page(be)
    be.get_by_label("Your comment").fill("I will check the BE accounts")  # not sent yet

    fr = open_as(team.fr)
    fr.goto(team.screen(f"/evidence/{item['id']}"))
    fr.get_by_label("Your comment").fill("Pieter, page 12 lists the Antwerp transfers")
    mention = fr.get_by_role("group", name="Mention members (they are notified)")
    mention.get_by_label("Pieter Claes (BE)").check()
    fr.get_by_role("button", name="Add comment").click()
    expect(fr.get_by_test_id("comment")).to_have_count(1)

    comment = be.get_by_test_id("comment")
    expect(comment).to_contain_text("Pieter, page 12 lists the Antwerp transfers")
    expect(comment).to_contain_text("Ines Martin (FR, JIT leader)")
    expect(comment).to_contain_text("mentions Pieter Claes (BE)")
    expect(be.get_by_label("Your comment")).to_have_value("I will check the BE accounts")
    assert_not_reloaded(be)
    assert_accessible(be, "evidence item with a comment")

    # and his notifications say so
    expect(be.get_by_test_id("inbox-count")).to_have_attribute("data-count", "1")
    be.get_by_role("button", name="Notifications").click()
    notification = be.get_by_test_id("inbox").get_by_test_id("notification")
    expect(notification).to_contain_text("mentioned you in a comment on FR-DOC-7")
    expect(notification).to_contain_text("Ines Martin")
    assert_accessible(be, "notifications")


def test_an_upload_cut_in_the_middle_resumes_where_it_stopped(
    open_as: OpenAs, team: Team, tmp_path: Path, browser_console: Console
) -> None:
    item = register(team.fr, team, reference="FR-IMG-2", description=LEDGER)
    scan = tmp_path / "phone-image.bin"
    scan.write_bytes(hashlib.shake_256(b"the phone").digest(2 * PART_BYTES + 12_345))
    expected = hashlib.sha256(scan.read_bytes()).hexdigest()
    fr = open_as(team.fr)
    fr.goto(team.screen(f"/evidence/{item['id']}"))
    expect(fr.get_by_role("heading", level=1, name=re.compile("FR-IMG-2"))).to_be_visible()
    sent: list[str] = []
    fr.on("request", lambda request: sent.append(request.url.rsplit("/", 1)[1]))
    cut: list[str] = []

    def drop_once(route: Route) -> None:
        """The connection drops in the middle of part 2, once (a laptop going to sleep)."""
        if cut:
            route.continue_()
        else:
            cut.append(route.request.url)
            route.abort("connectionreset")

    fr.route("**/uploads/*/parts/2", drop_once)
    fr.get_by_label("Add files").set_input_files(scan)
    progress = fr.get_by_test_id("upload-progress")
    expect(progress).to_contain_text("phone-image.bin: failed", timeout=60_000)
    assert cut, "the upload never sent its second part"
    fr.get_by_role("button", name=re.compile("^Try again")).click()
    expect(progress).to_contain_text("phone-image.bin: uploaded", timeout=60_000)

    # the part the server held was not sent again; the file recorded is the file, whole
    assert sent.count("1") == 1, sent
    assert sent.count("2") == 2, sent  # cut, then sent again
    files = team.fr.get(team.path(f"/evidence/{item['id']}")).json()["files"]
    assert [(f["name"], f["sha256"], f["size"]) for f in files] == [
        ("phone-image.bin", expected, 2 * PART_BYTES + 12_345)
    ]
    # the browser reported the dropped connection, and nothing else
    dropped = [p for p in browser_console.problems if "ERR_CONNECTION_RESET" in p]
    assert dropped, browser_console.problems
    browser_console.problems[:] = [p for p in browser_console.problems if p not in dropped]
