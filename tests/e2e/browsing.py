"""What the browser tests do in a browser: log in, check a screen with axe, watch the console.

Shared by the test modules; the fixtures that open browsers are in conftest.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.support import PASSWORD, Person

# the machine's Chromium (Debian's package), never one Playwright downloads; run as root in a
# closed network: no sandbox, no GPU, no calls home
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
# what a step waits for at most: the server and the live feed answer in well under this
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)

# opens another person's browser (keywords: Playwright's, e.g. `storage_state`)
NewContext = Callable[..., BrowserContext]
# a page of the person's own browser, logged in, on their investigations
OpenAs = Callable[[Person], Page]


@dataclass
class Console:
    """What went wrong in the browser while a test ran: console errors, uncaught exceptions,
    Content Security Policy violations."""

    problems: list[str] = field(default_factory=list)
    # addresses whose 4xx answers the test expects (the browser logs each as an error)
    expected: list[re.Pattern[str]] = field(default_factory=list)

    def expect_refusals_of(self, address: str) -> None:
        """Answers of 4xx from addresses matching the regular expression are what the test
        asks for (an item read as of a moment before it existed), not problems."""
        self.expected.append(re.compile(address))

    def watch(self, page: Page) -> None:
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def _message(self, message: ConsoleMessage) -> None:
        text, url = message.text, message.location.get("url", "")
        if "Content Security Policy" in text:
            self.problems.append(f"CSP violation: {text}")
        elif message.type == "error" and not (
            _expected_error(text, url)
            or (_REFUSED.search(text) and any(p.search(url) for p in self.expected))
        ):
            self.problems.append(f"console error: {text} ({url})")


# the page asks `GET /auth/session` who is logged in: 401 is its answer when nobody is, and
# the browser logs every 401 response as an error
_NOBODY_LOGGED_IN = re.compile(
    r"Failed to load resource: the server responded with a status of 401"
)


_REFUSED = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


def _expected_error(text: str, url: str) -> bool:
    # the browser asks for /favicon.ico by itself, whenever it likes; whether the page names
    # its icon is tested once (test_interface_foundation)
    return bool(_NOBODY_LOGGED_IN.search(text)) or urlsplit(url).path == "/favicon.ico"


def log_in(page: Page, person: Person) -> None:
    """Log in through the login form, as a person does, and wait for their investigations."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My investigations")).to_be_visible()


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


def local(moment: datetime) -> str:
    """A moment as a datetime-local field takes it."""
    return moment.strftime("%Y-%m-%dT%H:%M")
