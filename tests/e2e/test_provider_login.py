"""Logging in through the identity provider in the browser, end to end: a real OpenID
Connect provider on loopback, the authorization code flow with PKCE run by the server, and
the same session cookie as a password login.

A user the operator linked to a subject at the provider logs in by the provider's button
and lands on their investigations; a subject linked to no user, a login cancelled at the
provider, and a return that was never started in this browser each come back to the login
page, which says why in words, and open no session.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from playwright.sync_api import Page, expect

from jitspace.auth.identity import Identity
from tests.e2e.browsing import Console, assert_accessible
from tests.e2e.conftest import PROVIDER_NAME
from tests.support import ServerThread, pool_of

BUTTON = f"Log in with {PROVIDER_NAME}"


def link(
    database_url: str, issuer: str, username: str, subject: str, name: str, disabled: bool = False
) -> None:
    """An operator adds a user who logs in through the provider as `subject` (as
    `jitspace user add --oidc-subject` does), and disables them if asked."""

    async def add() -> None:
        async with pool_of(database_url) as pool:
            identity = Identity(pool, timedelta(hours=1))
            user = await identity.add_external_user(username, issuer, subject, name)
            if disabled:
                await identity.disable(user.user_id)

    # not in this thread: Playwright's synchronous API keeps an event loop running here
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, add()).result()


def at_the_provider(page: Page, subject: str | None) -> None:
    """The provider's own page: log in as `subject`, or cancel (None)."""
    # its stylesheet comes from a CDN, which the test machine need not reach
    page.route(
        "https://cdn.jsdelivr.net/**",
        lambda route: route.fulfill(status=200, content_type="text/css", body=""),
    )
    page.get_by_role("link", name=BUTTON).click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    if subject is None:
        page.get_by_role("button", name="Deny").click()
    else:
        page.get_by_placeholder("sub").fill(subject)
        page.get_by_role("button", name="Authorize").click()


def test_a_linked_user_logs_in_through_the_identity_provider(
    page: Page, site: ServerThread, site_database: str, identity_provider: str
) -> None:
    link(site_database, identity_provider, "elena-rossi", "e.rossi@eurojust.test", "Elena Rossi")
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    assert_accessible(page, "login with an identity provider")

    at_the_provider(page, "e.rossi@eurojust.test")

    expect(page.get_by_role("heading", name="My investigations")).to_be_visible()
    expect(page.get_by_text("Signed in as Elena Rossi")).to_be_visible()
    assert page.url.rstrip("/") == site.url  # nothing of the flow is left in the address
    # the page holds a session as after a password login: it survives a reload
    page.reload()
    expect(page.get_by_role("heading", name="My investigations")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["__Host-jitspace-session"]["httpOnly"]
    assert "__Host-jitspace-login" not in cookies  # the flow's secrets are forgotten


def test_a_subject_linked_to_no_user_is_told_to_ask_for_the_link(
    page: Page, browser_console: Console
) -> None:
    page.goto("/")
    at_the_provider(page, "stranger@example.test")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(
        "Your organisation\u2019s account is not linked to a JITspace user. "
        "Ask an administrator to link it."
    )
    expect(page.get_by_role("heading", name="Log in to JITspace")).to_be_visible()
    assert_accessible(page, "login refused by the link")
    assert not any(c["name"] == "__Host-jitspace-session" for c in page.context.cookies())


def test_a_disabled_user_is_told_so_and_gets_no_session(
    page: Page, site_database: str, identity_provider: str, browser_console: Console
) -> None:
    link(
        site_database,
        identity_provider,
        "jan-peeters",
        "j.peeters@police.test",
        "Jan Peeters",
        disabled=True,
    )
    page.goto("/")
    at_the_provider(page, "j.peeters@police.test")
    expect(page.get_by_role("alert")).to_have_text(
        "This user is disabled. An administrator of this deployment can enable it again."
    )
    assert not any(c["name"] == "__Host-jitspace-session" for c in page.context.cookies())


def test_a_login_cancelled_at_the_provider_says_so(page: Page) -> None:
    page.goto("/")
    at_the_provider(page, None)
    expect(page.get_by_role("alert")).to_have_text(
        "The login through your organisation was cancelled."
    )
    assert not any(c["name"] == "__Host-jitspace-session" for c in page.context.cookies())


def test_a_return_this_browser_never_started_opens_no_session(site: ServerThread) -> None:
    # a code sent to someone else's browser (a login CSRF), with no flow cookie of its own
    with httpx.Client(base_url=site.url) as client:
        answer = client.get("/auth/oidc/callback", params={"code": "stolen", "state": "x"})
    assert answer.status_code == 302
    assert answer.headers["location"] == "/?login=expired"
    assert "__Host-jitspace-session" not in answer.headers.get("set-cookie", "")
