"""Browser tests: the system's Chromium, driven by Playwright, against a real JITspace server.

One browser for the session, a new context (its own cookies and storage: another person's
browser) for each person of a test. Every page a test opens is watched: an error in the
browser's console, an uncaught exception or a Content Security Policy violation fails the
test, even when its own assertions passed.

The browser is the machine's Chromium (`apt-get install chromium`, or JITSPACE_CHROMIUM);
the tests never download one, and fail, not skip, when it is missing.

Run them alone with `pytest tests/e2e` (no xdist: one browser, one server, a database of
their own). JITSPACE_SCREENSHOTS=1 makes test_screenshots.py write docs/screenshots/*.png.
The page is the committed build (jitspace/web/static/): rebuild the interface first to test
a change to frontend/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from jitspace.settings import Settings
from tests.e2e.team import Cast, Team, cast_of, open_team
from tests.support import PASSWORD, People, Person, ServerThread, fresh_database

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# the story's evidence file is ~50 MB; the integration tests' limit is lower on purpose
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
# what a step waits for at most: the server and the live feed answer in well under this
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


# the server


@pytest.fixture(scope="session")
def site_database(database_url: str) -> str:
    """A database of the browser tests' own: their server runs its own projections."""
    return fresh_database(database_url, "jitspace_e2e")


@pytest.fixture(scope="session")
def site(
    settings: Settings, site_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerThread]:
    """The app as `jitspace serve` runs it, serving the interface at `/`."""
    with ServerThread(
        msgspec.structs.replace(
            settings,
            database_url=site_database,
            data_dir=tmp_path_factory.mktemp("e2e-data"),
            max_upload_bytes=MAX_UPLOAD_BYTES,
        )
    ) as running:
        yield running


class Users(People):
    """People of the browser tests' server, each with an API client for set-up."""

    def new(self, name: str) -> Person:
        # the user is added by `asyncio.run`, which cannot run in this thread while
        # Playwright's synchronous API keeps its own event loop running here
        with ThreadPoolExecutor(max_workers=1) as worker:
            return worker.submit(People.new, self, name).result()


@pytest.fixture
def users(site: ServerThread, site_database: str) -> Iterator[People]:
    """New users of the browser tests' server (each with an API client, for set-up)."""
    made = Users(site.url, site_database)
    yield made
    for person in made.made:
        person.client.close()


@pytest.fixture(scope="session")
def cast(site: ServerThread, site_database: str) -> Iterator[Cast]:
    """Ines Martin, Pieter Claes and Anna De Vries, users for the whole session."""
    made = Users(site.url, site_database)
    yield cast_of(made)
    for person in made.made:
        person.client.close()


@pytest.fixture
def team(cast: Cast) -> Team:
    """A new FR-BE-NL investigation of the cast: Ines Martin (FR, JIT leader), Pieter Claes
    (BE, investigator), Anna De Vries (NL, observer)."""
    return open_team(cast)


# the browser


def chromium_path() -> str:
    """The Chromium to drive: JITSPACE_CHROMIUM, else the system's."""
    return os.environ.get("JITSPACE_CHROMIUM") or DEFAULT_CHROMIUM


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    path = chromium_path()
    if not (Path(path).is_file() or shutil.which(path)):
        pytest.fail(
            f"no Chromium at {path}: the browser tests drive the system's Chromium "
            "(`apt-get install chromium`), or set JITSPACE_CHROMIUM to a Chromium "
            "executable; they never download a browser",
            pytrace=False,
        )
    launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Console:
    """What went wrong in the browser while a test ran: console errors, uncaught exceptions,
    Content Security Policy violations."""

    problems: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def _message(self, message: ConsoleMessage) -> None:
        text, url = message.text, message.location.get("url", "")
        if "Content Security Policy" in text:
            self.problems.append(f"CSP violation: {text}")
        elif message.type == "error" and not _expected_error(text, url):
            self.problems.append(f"console error: {text} ({url})")


# the page asks `GET /auth/session` who is logged in: 401 is its answer when nobody is, and
# the browser logs every 401 response as an error
_NOBODY_LOGGED_IN = re.compile(
    r"Failed to load resource: the server responded with a status of 401"
)


def _expected_error(text: str, url: str) -> bool:
    # the browser asks for /favicon.ico by itself, whenever it likes; whether the page names
    # its icon is tested once (test_interface_foundation)
    return bool(_NOBODY_LOGGED_IN.search(text)) or urlsplit(url).path == "/favicon.ico"


_CONSOLE = pytest.StashKey[Console]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test whose pages reported problems fails, even if its assertions passed."""
    result = yield
    console = item.stash.get(_CONSOLE, None)
    if console is not None and console.problems:
        listed = "\n".join(f"  - {problem}" for problem in console.problems)
        raise AssertionError(f"the browser reported problems:\n{listed}")
    return result


@pytest.fixture
def browser_console(request: pytest.FixtureRequest) -> Console:
    """What the browser reported while this test ran (for a test about the watch itself)."""
    return request.node.stash.setdefault(_CONSOLE, Console())


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(
    site: ServerThread, browser: Browser, request: pytest.FixtureRequest
) -> Iterator[NewContext]:
    """Opens another person's browser (cookies and storage of its own) on the server; every
    page opened in it is watched. Keywords: Playwright's, e.g. `storage_state`."""
    console = request.getfixturevalue("browser_console")
    opened: list[BrowserContext] = []

    def open_one(**options: Any) -> BrowserContext:
        context = browser.new_context(
            **options,
            base_url=site.url,
            locale="en-GB",
            timezone_id="Europe/Paris",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", console.watch)
        opened.append(context)
        return context

    yield open_one
    for context in opened:
        # the browser may be gone already: the test has failed for that
        with contextlib.suppress(Error):
            context.close()


@pytest.fixture
def context(new_context: NewContext) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# what tests do in the browser


def log_in(page: Page, person: Person) -> None:
    """Log in through the login form, as a person does, and wait for their investigations."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My investigations")).to_be_visible()


OpenAs = Callable[[Person], Page]


@pytest.fixture(scope="session")
def kept_sessions() -> dict[str, Any]:
    """What each person's browser keeps once they logged in through the form (the cookie)."""
    return {}


@pytest.fixture
def open_as(new_context: NewContext, kept_sessions: dict[str, Any]) -> OpenAs:
    """A page of the person's own browser, logged in, on their investigations: the first
    time through the login form, later with the session cookie that login left (as a
    browser that stayed logged in)."""

    def open_page(person: Person) -> Page:
        kept = kept_sessions.get(person.username)
        page = new_context(storage_state=kept).new_page()
        if kept is None:
            log_in(page, person)
            kept_sessions[person.username] = page.context.storage_state()
        else:
            page.goto("/")
            expect(page.get_by_role("heading", name="My investigations")).to_be_visible()
        return page

    return open_page


_AXE = Axe()
BLOCKING_IMPACTS = ("serious", "critical")


def assert_accessible(page: Page, screen_name: str) -> None:
    """Run axe on the page as it is and fail listing every serious or critical violation."""
    results = _AXE.run(page)
    violations = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    if violations:
        lines = [
            f"  - [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"(on {', '.join(_target(node) for node in violation['nodes'])})"
            for violation in violations
        ]
        raise AssertionError(
            f"{len(violations)} serious or critical accessibility violations on the "
            f"{screen_name} screen:\n" + "\n".join(lines)
        )


def _target(node: dict[str, object]) -> str:
    target = node.get("target") or []
    return " ".join(str(part) for part in target) if isinstance(target, list) else str(target)
