"""Admissibility matrix benchmark: the legal advisors' screen at 100,000 items x 5 countries.

    .venv/bin/python -m tests.bench.bench_matrix [--items 100000] [--changes 50]

Starts `jitspace serve` (with its projections) on a fresh database (embedded in a temporary
folder, or the server at JITSPACE_TEST_DATABASE_URL) and drives the machine's Chromium
(JITSPACE_CHROMIUM, default /usr/bin/chromium) with Playwright.

A FR-BE-NL-DE-GB team: an investigator and a legal advisor per country; each legal advisor
adopts the rulebook shipped for their country. Investigators of the five countries register
`--items` items through the API (what the interface's form sends); one more, the Dutch
ledger CELL-1, is used by Belgium in another case, which the Belgian rulebook restricts
until the Netherlands consent (rule US-02). Once the read models hold every item:

- First screen: the Belgian legal advisor opens the matrix in a fresh page: the time to its
  first rows, against the API's first page (the same request the page makes) in the same run.
- Filter: on that page, a kind (a third of the items), then a verdict in one country's courts
  (a handful of items): the time from the choice to the list's new count and first row on
  screen, against the API's answer to the same query.
- Cell update: the Dutch legal advisor grants, then withdraws, the consent `--changes` times
  (one every 400 ms); each time the cell of CELL-1 in Belgium changes on the Belgian page,
  whose matrix of every item is open. The baseline is a bare websocket client of the same
  live feed, as the same member, in the same run: when each consent event reached it. Both
  are measured from the moment the fact was sent (p50, p99), and their difference per fact.

It prints figures and ratios; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import websockets.sync.client
from playwright.sync_api import Page, sync_playwright

from tests.bench.bench_interface import (
    caught_up,
    list_at_scale,
    log_in,
    percentile,
    register,
)
from tests.bench.database import bench_database
from tests.e2e.browsing import CHROMIUM_ARGS, DEFAULT_CHROMIUM
from tests.processes import Process, cluster_env
from tests.support import add_user, free_port, investigation_body, period_end

COUNTRIES = {
    "FR": {"country": "FR", "name": "France", "lead_authority": "Parquet de Paris"},
    "BE": {"country": "BE", "name": "Belgium", "lead_authority": "Federal Prosecutor"},
    "NL": {"country": "NL", "name": "Netherlands", "lead_authority": "OM"},
    "DE": {"country": "DE", "name": "Germany", "lead_authority": "Staatsanwaltschaft Köln"},
    "GB": {"country": "GB", "name": "United Kingdom", "lead_authority": "Crown Prosecution"},
}
LANES = 8
KINDS = ("document", "seized_device", "physical_item")
TARGET = "CELL-1"
CONSENT_EVENTS = ("EvidenceItem.ConsentGranted", "EvidenceItem.ConsentWithdrawn")
# notes, in the page, each outcome the Belgian cell of the target row shows, and when
WATCH_CELL = """(reference) => {
  window.__cell = [];
  const read = () => {
    const verdict = document.querySelector(
      `[data-testid="matrix-row"][data-reference="${reference}"] [data-country="BE"] .verdict`);
    const outcome = verdict ? verdict.getAttribute('data-outcome') : null;
    const seen = window.__cell;
    if (outcome && (seen.length === 0 || seen[seen.length - 1][0] !== outcome))
      seen.push([outcome, Date.now() / 1000]);
  };
  read();
  new MutationObserver(read).observe(document.body,
    { childList: true, subtree: true, attributes: true, attributeFilter: ['data-outcome'] });
}"""
# the count a list's status shows (its first number, whatever the language's separators)
SHOWN_COUNT = """() => {
  const status = document.querySelector('.register-status [role="status"]');
  if (!status || !document.querySelector('[data-testid="matrix-row"]')) return null;
  const digits = status.textContent.replace(/(\\d)[\\s,.\\u00a0\\u202f](?=\\d{3})/g, '$1');
  const found = digits.match(/\\d+/);
  return found ? Number(found[0]) : null;
}"""


def ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def team(base: str, database_url: str) -> tuple[str, dict[str, httpx.Client], dict[str, str]]:
    """The investigation, its investigators' and legal advisors' clients by country (the
    advisors under `adv-XX`), and the Belgian advisor's token."""
    for country in COUNTRIES:
        add_user(database_url, f"inv-{country.lower()}", f"Investigator {country}")
        add_user(database_url, f"adv-{country.lower()}", f"Legal advisor {country}")
    clients = {c: log_in(base, f"inv-{c.lower()}") for c in COUNTRIES}
    clients |= {f"adv-{c}": log_in(base, f"adv-{c.lower()}") for c in COUNTRIES}
    body = investigation_body(
        "Matrix bench JIT", period_end=period_end(), parties=list(COUNTRIES.values())
    )
    opened = clients["FR"].post("/investigations", json=body)
    assert opened.status_code == 201, opened.text
    jit = opened.json()["id"]
    for country in COUNTRIES:
        joining = [(f"adv-{country.lower()}", "legal_advisor")]
        if country != "FR":
            joining.append((f"inv-{country.lower()}", "investigator"))
        for username, role in joining:
            member = {"username": username, "country": country, "role": role}
            added = clients["FR"].post(f"/investigations/{jit}/members", json=member)
            assert added.status_code == 200, added.text
        adopted = clients[f"adv-{country}"].post(
            f"/investigations/{jit}/rulebooks",
            json={"country": country, "source": country.lower()},
        )
        assert adopted.status_code == 201, adopted.text
    token = clients["adv-BE"].headers["Authorization"].removeprefix("Bearer ")
    return jit, clients, {"adv-BE": token}


def target(clients: dict[str, httpx.Client], jit: str) -> tuple[str, datetime]:
    """The Dutch ledger Belgium used in another case without consent (restricted in BE)."""
    nl = clients["NL"]
    item = nl.post(
        f"/investigations/{jit}/evidence",
        json={
            "reference": TARGET,
            "kind": "document",
            "description": "a ledger of payments",
            "occurred_at": ago(30),
            "collected_by": "S. Bakker",
            "place": "Rotterdam",
            "method": "handover by a witness",
        },
    )
    assert item.status_code == 201, item.text
    item_id = item.json()["id"]
    collected = nl.post(
        f"/investigations/{jit}/evidence/{item_id}/custody/collection",
        json={"place": "Rotterdam", "occurred_at": ago(30)},
    )
    assert collected.status_code in (200, 201), collected.text
    used_at = datetime.now(UTC) - timedelta(days=10)
    used = clients["BE"].post(
        f"/investigations/{jit}/evidence/{item_id}/uses",
        json={
            "proceeding": "BE VAT",
            "offence": "VAT fraud",
            "purpose": "other_offence",
            "occurred_at": used_at.isoformat(),
        },
    )
    assert used.status_code == 200, used.text
    return item_id, used_at


def seed(clients: dict[str, httpx.Client], base: str, jit: str, total: int) -> None:
    """`total` items from the five countries' investigators, on `LANES` connections."""
    countries = list(COUNTRIES)
    lanes = [log_in(base, f"inv-{countries[k % len(countries)].lower()}") for k in range(LANES)]
    began = time.monotonic()

    def lane(k: int) -> None:
        for n in range(k, total, LANES):
            register(lanes[k], jit, f"ITEM-{n:06d}", kind=KINDS[n % len(KINDS)])

    with ThreadPoolExecutor(LANES) as pool:
        list(pool.map(lane, range(LANES)))
    took = time.monotonic() - began
    print(f"seeded {total} items in {took:.0f} s ({total / took:.0f}/s)")


def filtered(
    page: Page,
    be: httpx.Client,
    jit: str,
    label: str,
    before: dict[str, str],
    field: str,
    value: str,
) -> None:
    """Choose a filter on the open matrix (after the filters `before`, set untimed): the time
    to its new count and first row on screen, against the API's first page of the same query."""
    for name, chosen in before.items():
        page.select_option(f"#matrix-{name}", chosen)
    page.wait_for_timeout(1000)
    wanted = {name: chosen for name, chosen in before.items() if chosen} | {field: value}
    query: dict[str, str | int] = {"sort": "reference", "order": "asc", "limit": 100}
    query.update(wanted)
    began = time.perf_counter()
    expected = be.get(f"/investigations/{jit}/admissibility/page", params=query).json()["total"]
    api_ms = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    page.select_option(f"#matrix-{field}", value)
    page.wait_for_function(f"() => ({SHOWN_COUNT})() === {expected}", timeout=120_000)
    shown_ms = (time.perf_counter() - began) * 1000
    print(
        f"  filter {label}: {expected} items on screen after {shown_ms:6.0f} ms;"
        f" the API's page {api_ms:6.0f} ms (x{shown_ms / api_ms:.1f})"
    )


def follow(
    base: str, jit: str, token: str, seen: list[float], live: threading.Event, stop: threading.Event
) -> None:
    """The baseline: a bare websocket client of the feed, noting when each consent arrives
    (`live` set once it has caught up with the log)."""
    url = base.replace("http", "ws", 1) + f"/investigations/{jit}/live"
    with websockets.sync.client.connect(url, max_size=2**24) as socket:
        socket.send(json.dumps({"type": "hello", "token": token, "after": 0}))
        while not stop.is_set():
            try:
                message = json.loads(socket.recv(timeout=0.5))
            except TimeoutError:
                continue
            if message["type"] == "caught_up":
                live.set()
            elif message["type"] == "event" and message["event"]["type"] in CONSENT_EVENTS:
                seen.append(time.time())


def cell_updates(
    page: Page,
    base: str,
    clients: dict[str, httpx.Client],
    jit: str,
    token: str,
    item: tuple[str, datetime],
    changes: int,
) -> None:
    """The Dutch advisor grants and withdraws consent in turn; the Belgian cell follows."""
    item_id, used_at = item
    page.wait_for_selector(f'[data-testid="matrix-row"][data-reference="{TARGET}"]')
    page.wait_for_selector('[data-testid="connection"][data-state="connected"]', timeout=30_000)
    page.evaluate(WATCH_CELL, TARGET)
    bare: list[float] = []
    live, stop = threading.Event(), threading.Event()
    follower = threading.Thread(target=follow, args=(base, jit, token, bare, live, stop))
    follower.start()
    assert live.wait(300), "the bare client never caught up with the log"
    nl = clients["adv-NL"]
    sent: list[float] = []
    first = used_at - timedelta(days=5)
    for n in range(changes):
        # each fact later than the one before, all before the use: the consent holds, then not
        moment = (first + timedelta(minutes=n)).isoformat()
        consent = {"to_country": "BE", "purpose": "other_offence", "occurred_at": moment}
        path = f"/investigations/{jit}/evidence/{item_id}/consents"
        if n % 2:
            consent["reason"] = "not what the agreement covers"
            path = f"/investigations/{jit}/evidence/{item_id}/consent-withdrawals"
        sent.append(time.time())
        answer = nl.post(path, json=consent)
        assert answer.status_code == 200, answer.text
        time.sleep(0.4)
    deadline = time.monotonic() + 30
    shown: list[list[object]] = []
    while time.monotonic() < deadline:
        shown = page.evaluate("() => window.__cell")
        if len(shown) > changes and len(bare) >= changes:
            break
        time.sleep(0.2)
    stop.set()
    follower.join()
    # the first outcome noted is the one before any change
    changed = [float(str(moment)) for _, moment in shown[1:]]
    expected = ["PASS" if n % 2 == 0 else "RESTRICT" for n in range(changes)]
    outcomes = [str(outcome) for outcome, _ in shown[1:]]
    print(
        f"cell updates: {len(changed)}/{changes} on the Belgian screen, in order:"
        f" {outcomes == expected[: len(outcomes)]}"
    )
    feed = [(bare[n] - sent[n]) * 1000 for n in range(min(len(bare), changes))]
    screen = [(changed[n] - sent[n]) * 1000 for n in range(min(len(changed), changes))]
    added = [(changed[n] - bare[n]) * 1000 for n in range(min(len(changed), len(bare), changes))]
    print(
        f"  fact sent -> websocket receipt (baseline)  p50 {percentile(feed, 50):6.1f} ms"
        f"  p99 {percentile(feed, 99):6.1f} ms"
    )
    print(
        f"  fact sent -> cell changed on screen        p50 {percentile(screen, 50):6.1f} ms"
        f"  p99 {percentile(screen, 99):6.1f} ms"
    )
    print(
        f"  the matrix adds                            p50 {percentile(added, 50):6.1f} ms"
        f"  p99 {percentile(added, 99):6.1f} ms  (ratio p99 on screen / feed"
        f" x{percentile(screen, 99) / percentile(feed, 99):.2f})"
    )


def run(database_url: str, tmp: Path, args: argparse.Namespace) -> None:
    env = cluster_env(database_url, tmp / "data", JITSPACE_POOL_SIZE="8")
    server = Process("serve", env, tmp / "serve.log", free_port())
    server.start()
    try:
        base = server.url
        jit, clients, tokens = team(base, database_url)
        item = target(clients, jit)
        seed(clients, base, jit, args.items)
        be = clients["adv-BE"]
        caught_up(be, jit, args.items + 1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("JITSPACE_CHROMIUM", DEFAULT_CHROMIUM),
                args=CHROMIUM_ARGS,
            )
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            list_at_scale(
                page, base, be, jit, "admissibility", "matrix-row", "admissibility/page", "adv-be"
            )
            page.goto(base + f"/#/investigations/{jit}")
            page.goto(base + f"/#/investigations/{jit}/admissibility")
            cell_updates(page, base, clients, jit, tokens["adv-BE"], item, args.changes)
            print("filters on the open matrix")
            filtered(page, be, jit, "kind = seized device", {}, "kind", "seized_device")
            filtered(
                page,
                be,
                jit,
                "verdict in BE = restricted use",
                {"kind": "", "forum": "BE"},
                "outcome",
                "RESTRICT",
            )
            browser.close()
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with bench_database(tmp, "bench_matrix") as database_url:
            run(database_url, tmp, args)


if __name__ == "__main__":
    main()
