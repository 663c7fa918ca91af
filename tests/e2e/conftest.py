"""Browser tests: the system's Chromium, driven by Playwright, against a real JITspace server.

One browser for the session, a new context (its own cookies and storage: another person's
browser) for each person of a test. Every page a test opens is watched: an error in the
browser's console, an uncaught exception or a Content Security Policy violation fails the
test, even when its own assertions passed.

The browser is the machine's Chromium (`apt-get install chromium`, or JITSPACE_CHROMIUM);
the tests never download one, and fail, not skip, when it is missing.

The fixtures are here; what tests do in a browser (log in, axe, the console's watch) is in
browsing.py, the investigation they work in and its set-up through the API in team.py.

Run them alone with `pytest tests/e2e` (no xdist: one browser, one server, a database of
their own). JITSPACE_SCREENSHOTS=1 makes test_screenshots.py write docs/screenshots/*.png.
The page is the committed build (jitspace/web/static/): rebuild the interface first to test
a change to frontend/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import msgspec
import oidc_provider_mock
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from jitspace.settings import Settings
from tests.e2e.browsing import (
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    TIMEOUT_MS,
    Console,
    NewContext,
    OpenAs,
    log_in,
)
from tests.e2e.team import Cast, Team, cast_of, open_team
from tests.support import People, Person, ServerThread, fresh_database

# this deployment at the identity provider, and the name its login page gives the provider
PROVIDER_CLIENT = "jitspace-e2e"
PROVIDER_NAME = "EU Login (test)"
# the story's evidence file is ~50 MB; the integration tests' limit is lower on purpose
MAX_UPLOAD_BYTES = 256 * 1024 * 1024


# the server


@pytest.fixture(scope="session")
def site_database(database_url: str) -> str:
    """A database of the browser tests' own: their server runs its own projections."""
    return fresh_database(database_url, "jitspace_e2e")


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[str]:
    """A real OpenID Connect provider on loopback (its issuer URL): it logs in whoever types
    a subject into its form, and issues signed ID tokens by the authorization code flow."""
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="session")
def site(
    settings: Settings,
    site_database: str,
    identity_provider: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServerThread]:
    """The app as `jitspace serve` runs it, serving the interface at `/`, with a login
    through the identity provider beside the password."""
    with ServerThread(
        msgspec.structs.replace(
            settings,
            database_url=site_database,
            data_dir=tmp_path_factory.mktemp("e2e-data"),
            max_upload_bytes=MAX_UPLOAD_BYTES,
            oidc_issuer=identity_provider,
            oidc_audience=PROVIDER_CLIENT,
            oidc_jwks_url=f"{identity_provider}/jwks",
            oidc_client_id=PROVIDER_CLIENT,
            # a confidential client: the provider asks it to prove itself at the token endpoint
            oidc_client_secret="e2e-client-secret",
            oidc_login_name=PROVIDER_NAME,
        )
    ) as running:
        yield running


class Users(People):
    """People of the browser tests' server, each with an API client for set-up."""

    def new(self, name: str, *, administrator: bool = False) -> Person:
        # the user is added by `asyncio.run`, which cannot run in this thread while
        # Playwright's synchronous API keeps its own event loop running here
        with ThreadPoolExecutor(max_workers=1) as worker:
            return worker.submit(People.new, self, name, administrator=administrator).result()


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


@pytest.fixture
def new_context(
    site: ServerThread, browser: Browser, browser_console: Console
) -> Iterator[NewContext]:
    """Opens another person's browser (cookies and storage of its own) on the server; every
    page opened in it is watched. Keywords: Playwright's, e.g. `storage_state`."""
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
        context.on("page", browser_console.watch)
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
