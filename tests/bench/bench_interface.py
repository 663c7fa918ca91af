"""Interface benchmark: what the web page adds to the live feed, the register at scale, and
the weight of the first load.

    .venv/bin/python -m tests.bench.bench_interface [--events 100] [--items 100000]

Starts `jitspace serve` (with its projections) on a fresh database (embedded in a temporary
folder, or the server at JITSPACE_TEST_DATABASE_URL) and drives the machine's Chromium
(JITSPACE_CHROMIUM, default /usr/bin/chromium) with Playwright.

- Live: a FR member registers `--events` items, one every 100 ms, through the API (what the
  page's form sends). A BE member's page shows the investigation's home; a MutationObserver
  in it notes when each item's entry appears in the activity stream. The baseline is a bare
  websocket client of the same feed, as the same member, in the same run: the time each
  event reached it. The interface's own cost is the difference, per event (p50, p99).
- Register: the investigation then holds `--items` items. The BE member opens the register:
  time to the first rows on screen, against the API's first page (the same request the page
  makes) in the same run; then the page scrolls the table for three seconds, a frame at a
  time, and reports frame times (p50, p99, worst) and the rows in the document.
- Weight: the JavaScript of the first load (the page's scripts and what they preload),
  gzipped, against the budget of 150 kB.

It prints figures and ratios; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import websockets.sync.client
from playwright.sync_api import Page, sync_playwright

from jitspace.web import INDEX, STATIC
from tests.bench.database import bench_database
from tests.e2e.browsing import CHROMIUM_ARGS, DEFAULT_CHROMIUM
from tests.processes import Process, cluster_env
from tests.support import PASSWORD, add_user, free_port, investigation_body

BUDGET_KB = 150
SEED_LANES = 8
REFERENCE = re.compile(r"BENCH-\d+")
# notes, in the page, when each activity entry appears (wall clock, as the server's machine)
WATCH_ACTIVITY = """() => {
  window.__seen = {};
  new MutationObserver(() => {
    for (const entry of document.querySelectorAll('[data-testid="activity"]')) {
      const found = entry.textContent.match(/BENCH-\\d+/);
      if (found && !(found[0] in window.__seen)) window.__seen[found[0]] = Date.now() / 1000;
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
}"""
# scrolls a paged table (its rows: `[data-row]`) a step per frame for `ms`, noting each
# frame's length
SCROLL_FRAMES = """async (ms) => {
  const row = document.querySelector('[data-row]');
  let box = row.parentElement;
  while (box && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
  const frames = [];
  const started = performance.now();
  let last = started;
  await new Promise((done) => {
    const step = (now) => {
      frames.push(now - last);
      last = now;
      box.scrollTop += 600;
      if (now - started < ms) requestAnimationFrame(step); else done();
    };
    requestAnimationFrame(step);
  });
  return { frames: frames.slice(1), rows: document.querySelectorAll('[role="row"]').length,
           scrolled: box.scrollTop };
}"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def log_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    return client


def register(client: httpx.Client, jit: str, reference: str, kind: str = "document") -> None:
    body = {
        "reference": reference,
        "kind": kind,
        "description": f"page {reference} of the ledger",
        "occurred_at": "2024-05-03T07:30:00+02:00",
        "collected_by": "I. Martin",
        "place": "Lyon",
        "method": "seizure",
    }
    response = client.post(f"/investigations/{jit}/evidence", json=body)
    assert response.status_code == 201, response.text


def follow(base: str, jit: str, token: str, seen: dict[str, float], stop: threading.Event) -> None:
    """The baseline: a bare websocket client of the feed, noting when each item arrives."""
    url = base.replace("http", "ws", 1) + f"/investigations/{jit}/live"
    with websockets.sync.client.connect(url) as socket:
        socket.send(json.dumps({"type": "hello", "token": token, "after": 0}))
        while not stop.is_set():
            try:
                message = json.loads(socket.recv(timeout=0.5))
            except TimeoutError:
                continue
            if message["type"] == "event":
                found = REFERENCE.search(json.dumps(message["event"]["data"]))
                if found and found[0] not in seen:
                    seen[found[0]] = time.time()


def open_page(page: Page, base: str, username: str, route: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector('[data-testid="investigation-row"]')
    page.goto(base + "/" + route)


def live(page: Page, base: str, fr: httpx.Client, jit: str, token: str, events: int) -> None:
    open_page(page, base, "bench-be", f"#/investigations/{jit}")
    page.wait_for_selector('[data-testid="connection"][data-state="connected"]', timeout=30_000)
    page.evaluate(WATCH_ACTIVITY)
    bare: dict[str, float] = {}
    stop = threading.Event()
    follower = threading.Thread(target=follow, args=(base, jit, token, bare, stop))
    follower.start()
    time.sleep(1.0)  # the follower has caught up with the log
    sent: dict[str, float] = {}
    for n in range(events):
        reference = f"BENCH-{n}"
        sent[reference] = time.time()
        register(fr, jit, reference)
        time.sleep(0.1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        shown: dict[str, float] = page.evaluate("() => window.__seen")
        if len(shown) >= events and len(bare) >= events:
            break
        time.sleep(0.2)
    stop.set()
    follower.join()
    feed = [(bare[r] - sent[r]) * 1000 for r in sent if r in bare]
    screen = [(shown[r] - sent[r]) * 1000 for r in sent if r in shown]
    added = [(shown[r] - bare[r]) * 1000 for r in sent if r in shown and r in bare]
    print(f"live: {len(screen)}/{events} events on the other member's screen")
    print(
        f"  action -> websocket receipt (baseline)  p50 {percentile(feed, 50):6.1f} ms"
        f"  p99 {percentile(feed, 99):6.1f} ms"
    )
    print(
        f"  action -> on screen                     p50 {percentile(screen, 50):6.1f} ms"
        f"  p99 {percentile(screen, 99):6.1f} ms"
    )
    print(
        f"  the interface adds                      p50 {percentile(added, 50):6.1f} ms"
        f"  p99 {percentile(added, 99):6.1f} ms  (ratio p99 on screen / feed"
        f" x{percentile(screen, 99) / percentile(feed, 99):.2f})"
    )


def seed(base: str, jit: str, total: int, start: int) -> None:
    clients = [log_in(base, "bench-fr") for _ in range(SEED_LANES)]
    began = time.monotonic()

    def lane(k: int) -> None:
        for n in range(start + k, total, SEED_LANES):
            register(clients[k], jit, f"ITEM-{n:06d}")

    with ThreadPoolExecutor(SEED_LANES) as pool:
        list(pool.map(lane, range(SEED_LANES)))
    took = time.monotonic() - began
    print(f"seeded {total - start} items in {took:.0f} s ({(total - start) / took:.0f}/s)")


def caught_up(be: httpx.Client, jit: str, items: int) -> None:
    """Wait until the read models (the register's and the matrix's) hold every seeded item:
    until then each list waits for them, and their catching up takes the machine's cores."""
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        began = time.perf_counter()
        lists = [
            be.get(f"/investigations/{jit}/{path}", params={"limit": 1}).json()
            for path in ("evidence/page", "admissibility/page")
        ]
        judged = len(lists[1]["items"][0]["cells"]) if lists[1]["items"] else 0
        if lists[0]["total"] >= items and judged and time.perf_counter() - began < 0.5:
            return
        time.sleep(1)


def list_at_scale(
    page: Page,
    base: str,
    be: httpx.Client,
    jit: str,
    screen: str,
    row: str,
    api: str,
    username: str = "bench-be",
) -> None:
    """A member opens a long list (the register, the admissibility matrix) on a fresh page:
    the time to its first rows against the API's first page, and its frames while scrolling."""
    began = time.perf_counter()
    first = be.get(f"/investigations/{jit}/{api}", params={"limit": 100})
    api_ms = (time.perf_counter() - began) * 1000
    open_page(page, base, username, "#/")
    began = time.perf_counter()
    page.goto(base + f"/#/investigations/{jit}/{screen}")
    page.wait_for_selector(f'[data-testid="{row}"]', timeout=60_000)
    first_rows_ms = (time.perf_counter() - began) * 1000
    scrolled: dict[str, Any] = page.evaluate(SCROLL_FRAMES, 3000)
    frames = scrolled["frames"]
    print(f"{screen} of {first.json()['total']} items")
    print(
        f"  first rows on screen {first_rows_ms:6.0f} ms; the API's first page {api_ms:6.0f} ms"
        f" (x{first_rows_ms / api_ms:.1f})"
    )
    print(
        f"  scrolling: {len(frames)} frames, p50 {statistics.median(frames):.1f} ms,"
        f" p99 {percentile(frames, 99):.1f} ms, worst {max(frames):.1f} ms;"
        f" {sum(f > 50 for f in frames)} frames over 50 ms;"
        f" {scrolled['rows']} rows in the document, scrolled {scrolled['scrolled']:.0f} px"
    )


def first_load_weight() -> None:
    html = INDEX.read_text()
    names = set(re.findall(r'(?:src|href)="/(assets/[^"]+\.js)"', html))
    sizes = {name: len(gzip.compress((STATIC / name).read_bytes(), 9)) for name in names}
    total = sum(sizes.values()) / 1000
    print(
        f"first load: {len(sizes)} script(s), {total:.1f} kB gzipped"
        f" ({total / BUDGET_KB:.0%} of the {BUDGET_KB} kB budget)"
    )


def run(database_url: str, tmp: Path, args: argparse.Namespace) -> None:
    env = cluster_env(database_url, tmp / "data", JITSPACE_POOL_SIZE="8")
    server = Process("serve", env, tmp / "serve.log", free_port())
    server.start()
    try:
        base = server.url
        add_user(database_url, "bench-fr", "Inès Martin")
        add_user(database_url, "bench-be", "Pieter Claes")
        fr, be = log_in(base, "bench-fr"), log_in(base, "bench-be")
        opened = fr.post("/investigations", json=investigation_body("Bench JIT"))
        jit = opened.json()["id"]
        member = {"username": "bench-be", "country": "BE", "role": "investigator"}
        assert fr.post(f"/investigations/{jit}/members", json=member).status_code == 200
        token = be.headers["Authorization"].removeprefix("Bearer ")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("JITSPACE_CHROMIUM", DEFAULT_CHROMIUM),
                args=CHROMIUM_ARGS,
            )
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            live(page, base, fr, jit, token, args.events)
            seed(base, jit, args.items, args.events)
            caught_up(be, jit, args.items)
            for screen, row, api in (
                ("evidence", "evidence-row", "evidence/page"),
                ("admissibility", "matrix-row", "admissibility/page"),
            ):
                fresh = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                list_at_scale(fresh, base, be, jit, screen, row, api)
            browser.close()
        first_load_weight()
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with bench_database(tmp, "bench_interface") as database_url:
            run(database_url, tmp, args)


if __name__ == "__main__":
    main()
