"""The interface's page as a browser gets it: its security policy, its weight, its session.

Given the server serving the built interface at `/`, when a browser loads it and a person
logs in and out, then the page runs under the strict policy, loads little script, and leaves
no credential where a script could read it.
"""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Response, expect

from tests.e2e.browsing import Console, assert_accessible, log_in
from tests.support import People

# the policy the interface is built for: everything from this origin, nothing inline
REQUIRED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "connect-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
FIRST_LOAD_JS_LIMIT = 150 * 1000  # bytes, gzipped
ONE_YEAR = 365 * 24 * 3600


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


class PageMarkup(HTMLParser):
    """What the served HTML holds that a strict policy would refuse to run."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_scripts: list[str] = []
        self.inline_handlers: list[str] = []
        self.style_attributes: list[str] = []
        self.style_elements = 0
        self.icons: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self.scripts.append(named)
            self._in_script = True
        if tag == "style":
            self.style_elements += 1
        if tag == "link" and "icon" in (named.get("rel") or "").split():
            self.icons.append(named.get("href") or "")
        self.inline_handlers += [f"<{tag} {name}>" for name in named if name.startswith("on")]
        if "style" in named:
            self.style_attributes.append(f"<{tag} style={named['style']!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:80])


def test_the_page_is_served_under_the_strict_policy_with_no_inline_code(page: Page) -> None:
    served = page.goto("/")
    assert served is not None and served.status == 200
    assert served.headers["content-type"].startswith("text/html")

    policy = directives(served.headers["content-security-policy"])
    for name, sources in REQUIRED_CSP.items():
        assert policy.get(name) == sources, f"{name}: {policy.get(name)} (expected {sources})"
    loose = [word for words in policy.values() for word in words if "unsafe" in word]
    assert loose == [], f"the policy allows {loose}"

    markup = PageMarkup()
    markup.feed(served.text())
    assert markup.scripts, "the page loads no script"
    assert all(script.get("src") for script in markup.scripts), markup.scripts
    assert markup.inline_scripts == []
    assert markup.inline_handlers == []
    assert markup.style_attributes == []
    assert markup.style_elements == 0
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    assert_accessible(page, "login")


def test_the_browser_refuses_a_script_injected_into_the_page(
    page: Page, browser_console: Console
) -> None:
    """The policy holds in the browser, and the watch on the console reports its refusals."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """() => {
                const script = document.createElement('script');
                script.textContent = 'window.injected = true';
                document.body.append(script);
            }"""
        )
    assert page.evaluate("window.injected") is None
    assert len(browser_console.problems) == 1, browser_console.problems
    assert browser_console.problems[0].startswith("CSP violation: ")
    assert "script-src" in browser_console.problems[0]
    browser_console.problems.clear()  # what this test provoked on purpose


def test_the_page_names_its_icon(page: Page) -> None:
    """Else the browser asks for /favicon.ico by itself: a 404 in every person's console."""
    served = page.goto("/")
    assert served is not None
    markup = PageMarkup()
    markup.feed(served.text())
    assert markup.icons, "the page names no icon (<link rel=icon>)"
    for href in markup.icons:
        if not href.startswith("data:"):
            assert page.request.get(href).status == 200, href


def test_the_first_load_is_small_and_its_assets_are_cached_for_good(page: Page) -> None:
    loaded: list[Response] = []
    page.on("response", lambda response: loaded.append(response))
    served = page.goto("/")
    assert served is not None
    # the login screen is drawn: the page's module and its static imports have run
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()

    scripts = [response for response in loaded if response.request.resource_type == "script"]
    styles = [response for response in loaded if response.request.resource_type == "stylesheet"]
    markup = PageMarkup()
    markup.feed(served.text())
    referenced = {str(script["src"]) for script in markup.scripts}
    script_paths = {urlsplit(response.url).path for response in scripts}
    assert referenced <= script_paths, f"the page references {referenced}, loaded {script_paths}"
    assert styles, "the page loads no stylesheet"

    for response in scripts + styles:
        path = urlsplit(response.url).path
        assert path.startswith("/assets/"), f"an asset from outside /assets: {response.url}"
        assert response.status == 200, f"{path}: {response.status}"
        caching = response.headers.get("cache-control", "")
        assert "immutable" in caching, f"{path}: Cache-Control {caching!r}"
        max_age = [int(part.split("=")[1]) for part in caching.split(", ") if "max-age" in part]
        assert max_age and max_age[0] >= ONE_YEAR, f"{path}: Cache-Control {caching!r}"
    sizes = {
        urlsplit(response.url).path: len(gzip.compress(response.body(), compresslevel=6))
        for response in scripts
    }  # gzip's default level, as `gzip -c`
    total = sum(sizes.values())
    assert total <= FIRST_LOAD_JS_LIMIT, f"first load: {total} bytes of gzipped JS ({sizes})"


def test_logging_in_leaves_no_credential_a_script_could_read(
    page: Page, context: BrowserContext, users: People
) -> None:
    person = users.new("lea-dubois")
    log_in(page, person)
    expect(page.get_by_text("Signed in as Lea Dubois")).to_be_visible()

    session = [cookie for cookie in context.cookies() if "session" in cookie["name"]]
    assert len(session) == 1, context.cookies()
    cookie = session[0]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
    csrf_token = page.evaluate("fetch('/auth/session').then(r => r.json()).then(s => s.csrf_token)")
    readable = page.evaluate(
        """() => ({
            cookie: document.cookie,
            stored: [localStorage, sessionStorage].flatMap(store =>
                Object.keys(store).map(key => key + '=' + store.getItem(key))),
        })"""
    )
    assert cookie["name"] not in readable["cookie"]
    assert cookie["value"] not in readable["cookie"]
    for entry in readable["stored"]:
        assert cookie["value"] not in entry, f"the session token is stored: {entry}"
        assert csrf_token not in entry, f"the CSRF token is stored: {entry}"
        assert "token" not in entry.lower(), f"something like a token is stored: {entry}"

    page.reload()
    expect(page.get_by_role("heading", name="My investigations")).to_be_visible()
    expect(page.get_by_text("Signed in as Lea Dubois")).to_be_visible()
    assert_accessible(page, "my investigations")


def test_a_wrong_password_says_why_and_logs_nobody_in(page: Page, users: People) -> None:
    person = users.new("lea-dubois")
    page.goto("/")
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Login failed")
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page, "login with an error")


def test_logging_out_ends_the_session_in_every_tab(
    page: Page, context: BrowserContext, users: People
) -> None:
    person = users.new("lea-dubois")
    log_in(page, person)
    other_tab = context.new_page()
    other_tab.goto("/")
    expect(other_tab.get_by_role("heading", name="My investigations")).to_be_visible()

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    expect(other_tab.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    assert context.request.get("/auth/session").status == 401
    other_tab.reload()
    expect(other_tab.get_by_role("heading", name="Log in to JITspace")).to_be_visible()


def test_the_keyboard_skips_to_the_main_content(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
