"""Custody beyond a plain handover, an item's lineage, and a live feed that loses its
connection and picks up where it stopped.

Ines Martin (FR, JIT leader) opens the seal of an item she holds and transfers another one to
the Belgian party, for Pieter Claes; Pieter, with the investigation's overview open, is told
at once (his notifications and his list of items awaiting his receipt) without reloading. He
finds no seal on arrival, and the chain of custody says so as a defect, in his words and in
Dutch when he reads Dutch. An item made from another (a forensic image of a seized phone, an
extraction from that image) shows the whole tree it belongs to, and leads to its relatives.
When Pieter's browser goes offline the page says so; what was recorded meanwhile arrives
when it comes back online, each entry once, in order, in the same page.

What a test needs to exist before its story is set up through the API; the story is done in
the browser. Every screen visited is checked with axe.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, WebSocket, expect

from tests.e2e.browsing import OpenAs, assert_accessible
from tests.e2e.team import Team, custody, register
from tests.e2e.test_main_story import assert_not_reloaded, mark_the_page, open_investigation

INES = "Ines Martin (FR, JIT leader)"
PIETER = "Pieter Claes (BE, investigator)"


def open_item(page: Page, team: Team, item_id: str, reference: str) -> None:
    page.goto(team.screen(f"/evidence/{item_id}"))
    expect(page.get_by_role("heading", level=1, name=re.compile(reference))).to_be_visible()


def sealed_item(team: Team, reference: str, seal: str) -> str:
    """An item Ines registered, took into custody and sealed; its id."""
    item = register(
        team.fr,
        team,
        reference=reference,
        kind="physical_item",
        description="a parcel of 2 kg seized at the Gare du Nord",
        place="Paris 10e",
    )
    custody(team.fr, team, item["id"], "collection", place="Paris 10e")
    custody(team.fr, team, item["id"], "seal", seal_number=seal)
    return str(item["id"])


def recorded(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Recorded.")).to_be_visible()


def test_opening_the_seal_is_a_step_of_the_chain_of_custody(open_as: OpenAs, team: Team) -> None:
    item_id = sealed_item(team, "FR-PARCEL-3", "FR-5520")
    fr = open_as(team.fr)
    open_item(fr, team, item_id, "FR-PARCEL-3")
    steps = fr.get_by_test_id("custody-step")
    expect(steps.last).to_contain_text(f"{INES} sealed the item with seal FR-5520")
    assert_accessible(fr, "evidence item, custody forms")

    opening = fr.get_by_role("form", name="Open the seal")
    opening.get_by_label("Number on the seal you found").fill("FR-5520")
    opening.get_by_label("Opening authorised by").fill("juge d'instruction Lefèvre")
    opening.get_by_role("button", name="Open the seal").click()
    recorded(fr)
    expect(steps.last).to_contain_text(f"{INES} opened the seal")
    # open now: the item has no seal until it is sealed again, and cannot be opened twice
    expect(fr.locator("dt:text-is('Seal') + dd")).not_to_contain_text("FR-5520")
    expect(opening).to_have_count(0)
    expect(fr.get_by_role("form", name="Seal")).to_be_visible()
    assert_accessible(fr, "evidence item after the seal was opened")


def test_a_transfer_reaches_its_recipient_live_and_a_missing_seal_is_a_defect(
    open_as: OpenAs, team: Team
) -> None:
    item_id = sealed_item(team, "FR-PARCEL-4", "FR-4471")

    # Pieter has the overview open before anything is sent to him
    be = open_as(team.be)
    open_investigation(be, team)
    expect(be.get_by_test_id("connection")).to_have_attribute("data-state", "connected")
    expect(be.get_by_text("Nothing is waiting for your receipt.")).to_be_visible()
    notifications = be.get_by_role("button", name=re.compile("^Notifications"))
    expect(notifications).to_have_accessible_name("Notifications 0 unread")
    mark_the_page(be)

    fr = open_as(team.fr)
    open_item(fr, team, item_id, "FR-PARCEL-4")
    transfer = fr.get_by_role("form", name="Transfer to another party")
    recipient = transfer.get_by_label("Recipient")
    expect(recipient).to_be_disabled()  # a recipient of which party?
    party = transfer.get_by_label("Party")
    # the other parties, not her own
    assert [o.strip() for o in party.locator("option").all_inner_texts()] == [
        "—",
        "BE · Belgium",
        "NL · Netherlands",
    ]
    party.select_option(label="BE · Belgium")
    expect(recipient).to_be_enabled()
    assert [o.strip() for o in recipient.locator("option").all_inner_texts()] == ["—", PIETER]
    recipient.select_option(label=PIETER)
    transfer.get_by_label("Reason").fill("drug analysis at the NICC laboratory, Brussels")
    assert_accessible(fr, "evidence item, transfer form filled in")
    transfer.get_by_role("button", name="Transfer to another party").click()
    recorded(fr)
    fr_chain = fr.get_by_test_id("custody-step")
    expect(fr_chain.last).to_contain_text(
        f"{INES} transferred the item to BE, for Pieter Claes (BE)"
    )
    expect(fr.get_by_text("Handed over, awaiting receipt by Pieter Claes (BE)")).to_be_visible()
    expect(fr.get_by_role("form", name="Transfer to another party")).to_have_count(0)

    # Pieter's overview, open all along, tells him
    expect(be.get_by_test_id("inbox-count")).to_have_attribute("data-count", "1")
    expect(notifications).to_have_accessible_name("Notifications 1 unread")
    awaiting = be.get_by_role("list", name="Awaiting my receipt")
    expect(awaiting.get_by_role("link", name="FR-PARCEL-4")).to_be_visible()
    expect(
        be.get_by_test_id("activity").filter(
            has_text=f"{INES} transferred FR-PARCEL-4 to BE, for Pieter Claes (BE)"
        )
    ).to_have_count(1)
    assert_not_reloaded(be)
    notifications.click()
    notification = be.get_by_test_id("inbox").get_by_test_id("notification")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text(
        f"{INES} handed FR-PARCEL-4 to you; it awaits your receipt"
    )
    assert_accessible(be, "notifications, a transfer awaiting receipt")
    notification.get_by_role("link").click()
    expect(be.get_by_role("heading", level=1, name=re.compile("FR-PARCEL-4"))).to_be_visible()
    assert_not_reloaded(be)

    # the package arrives with no seal on it
    receipt = be.get_by_role("form", name="Confirm receipt")
    receipt.get_by_label("Seal on arrival").select_option(label="absent")
    receipt.get_by_label("State of the packaging").fill("bag cut open, no seal on it")
    assert_accessible(be, "evidence item, receipt form")
    receipt.get_by_role("button", name="Confirm receipt").click()
    recorded(be)
    last = be.get_by_test_id("custody-step").last
    expect(last).to_contain_text(f"{PIETER} received the item; seal absent")
    defect = last.get_by_test_id("custody-defect")
    expect(defect).to_have_count(1)
    expect(defect).to_contain_text("sealed as \u201cFR-4471\u201d, but the recipient found no seal")
    assert_accessible(be, "evidence item with a custody defect")
    # and Ines's page, open all along
    expect(fr_chain.last.get_by_test_id("custody-defect")).to_contain_text(
        "sealed as \u201cFR-4471\u201d, but the recipient found no seal"
    )

    # in Dutch, the defect is said in Dutch
    be.get_by_label("Language").select_option(label="Nederlands")
    expect(be.locator("html")).to_have_attribute("lang", "nl")
    expect(defect).to_contain_text(
        "verzegeld als \u201eFR-4471\u201d, maar de ontvanger vond geen zegel"
    )
    expect(defect).not_to_contain_text("recipient")
    assert_accessible(be, "evidence item with a custody defect, in Dutch")


def test_an_items_lineage_shows_its_whole_tree_and_leads_to_its_relatives(
    open_as: OpenAs, team: Team
) -> None:
    phone = register(
        team.fr, team, reference="FR-PHONE-1", kind="seized_device", description="a phone"
    )
    image = register(
        team.fr,
        team,
        reference="FR-IMAGE-1",
        kind="forensic_image",
        description="a forensic image of the phone",
    )
    chats = register(
        team.fr,
        team,
        reference="FR-CHATS-1",
        kind="forensic_image",
        description="the chats extracted from the image",
    )
    register(team.fr, team, reference="FR-DOC-2", description="a ledger of no relation")
    for item, parent, relation in ((image, phone, "copy"), (chats, image, "extraction")):
        derived = team.fr.post(
            team.path(f"/evidence/{item['id']}/derivation"),
            json={
                "parent_id": parent["id"],
                "parent_sha256": "ab" * 32,
                "relation": relation,
                "tool": "ewfacquire",
                "tool_version": "20240101",
                "made_by": "the FR forensic laboratory",
            },
        )
        assert derived.status_code == 200, derived.text

    fr = open_as(team.fr)
    open_item(fr, team, chats["id"], "FR-CHATS-1")
    lineage = fr.get_by_role("region", name="Lineage")
    nodes = lineage.get_by_test_id("lineage-node")
    expect(nodes).to_have_count(3)
    # the original first, each made from the one before: nested
    expect(nodes.nth(0)).to_contain_text("FR-PHONE-1")
    expect(nodes.nth(1)).to_contain_text("copy: FR-IMAGE-1")
    expect(nodes.nth(2)).to_contain_text("extraction: FR-CHATS-1 (this item)")
    expect(nodes.nth(0).get_by_test_id("lineage-node")).to_have_count(2)
    expect(nodes.nth(1).get_by_test_id("lineage-node")).to_have_count(1)
    expect(lineage).not_to_contain_text("FR-DOC-2")
    # this item is not a link to itself; the others are
    expect(lineage.get_by_role("link", name="FR-CHATS-1")).to_have_count(0)
    expect(lineage.get_by_role("link", name="FR-IMAGE-1")).to_be_visible()
    assert_accessible(fr, "evidence item with its lineage")

    lineage.get_by_role("link", name="FR-PHONE-1").click()
    expect(fr.get_by_role("heading", level=1, name=re.compile("FR-PHONE-1"))).to_be_visible()
    assert fr.url.endswith(f"/evidence/{phone['id']}"), fr.url
    expect(nodes).to_have_count(3)
    expect(nodes.nth(0)).to_contain_text("FR-PHONE-1 (this item)")
    expect(lineage.get_by_role("link", name="FR-PHONE-1")).to_have_count(0)
    expect(lineage.get_by_role("link", name="FR-IMAGE-1")).to_be_visible()
    expect(lineage.get_by_role("link", name="FR-CHATS-1")).to_be_visible()
    assert_accessible(fr, "evidence item, the original of a lineage")


def test_the_live_feed_says_when_it_is_offline_and_resumes_where_it_stopped(
    open_as: OpenAs, team: Team
) -> None:
    register(team.fr, team, reference="FR-DOC-1", description="a ledger")
    be = open_as(team.be)
    sockets: list[WebSocket] = []
    hellos: list[object] = []

    def watch(socket: WebSocket) -> None:
        sockets.append(socket)
        socket.on("framesent", lambda payload: hellos.extend(hello(payload)))

    be.on("websocket", watch)
    open_investigation(be, team)
    connection = be.get_by_test_id("connection")
    expect(connection).to_have_attribute("data-state", "connected")
    activity = be.get_by_test_id("activity")
    expect(activity.filter(has_text=f"{INES} registered FR-DOC-1")).to_have_count(1)
    assert len(sockets) == 1, [s.url for s in sockets]
    first = sockets[0]
    mark_the_page(be)

    be.context.set_offline(True)
    expect(connection).to_have_attribute("data-state", re.compile("^(offline|reconnecting)$"))
    expect(connection).to_contain_text(re.compile("Offline|Reconnecting"))
    # the feed really is cut: its socket is closed, not merely said to be
    if not first.is_closed():
        first.wait_for_event("close")

    references = ["FR-NIGHT-A", "FR-NIGHT-B", "FR-NIGHT-C"]
    for reference in references:
        register(team.fr, team, reference=reference, description=f"item {reference}")
    for reference in references:
        expect(activity.filter(has_text=f"registered {reference}")).to_have_count(0)
    expect(connection).not_to_have_attribute("data-state", "connected")

    be.context.set_offline(False)
    expect(connection).to_have_attribute("data-state", "connected")
    for reference in references:
        expect(activity.filter(has_text=f"{INES} registered {reference}")).to_have_count(1)
    texts = [text.strip() for text in activity.all_inner_texts()]
    positions = [
        next(i for i, text in enumerate(texts) if f"registered {reference}" in text)
        for reference in references
    ]
    assert positions == sorted(positions, reverse=True), texts  # newest first
    assert sum("registered FR-DOC-1" in text for text in texts) == 1, texts
    assert_not_reloaded(be)
    # it resumed on a new connection from the last event it had, not from the start
    assert len(sockets) == 2, [s.url for s in sockets]
    assert first.is_closed()
    assert len(hellos) == 2 and hellos[0] == 0, hellos
    assert isinstance(hellos[1], int) and hellos[1] > 0, hellos
    assert_accessible(be, "investigation home, back online")


def hello(payload: str | bytes) -> list[object]:
    """What position a frame the page sent says hello after (none if it is not a hello)."""
    message = json.loads(payload)
    return [message.get("after")] if message.get("type") == "hello" else []


def test_the_custody_audit_groups_the_defects_and_leads_to_the_items(
    open_as: OpenAs, team: Team
) -> None:
    waiting = sealed_item(team, "FR-PARCEL-9", "FR-9001")
    custody(
        team.fr,
        team,
        waiting,
        "handover",
        recipient_id=str(team.be.user_id),
        reason="to the Belgian lab",
    )
    page = open_as(team.be)
    page.goto(team.screen("/custody-audit"))
    expect(page.get_by_role("heading", level=1, name="Custody audit")).to_be_visible()
    group = page.locator("[data-testid='audit-group'][data-reason='not-received']")
    expect(group.get_by_role("heading", level=2)).to_contain_text("Handed over, no receipt")
    entry = group.get_by_role("listitem").filter(has_text="FR-PARCEL-9")
    expect(entry).to_contain_text("handed over to Pieter Claes (BE)")
    expect(entry).to_contain_text("no receipt on record")
    assert_accessible(page, "custody audit")
    entry.get_by_role("link", name="FR-PARCEL-9").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("FR-PARCEL-9"))).to_be_visible()
