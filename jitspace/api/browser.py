"""What a browser brings instead of a bearer token: the session cookie, and its CSRF token.

The web interface logs in with `POST /auth/session`. Its session token travels only in an
HttpOnly, Secure, SameSite=Strict cookie, so no script of the page (nor one injected into
it) can read it, and it survives a reload without being stored anywhere a script reaches.
Because a browser adds that cookie to every request to this origin by itself, a request
carrying it must also prove it comes from the page: every request that changes something
sends the CSRF token (`X-CSRF-Token`), which the page learns from `/auth/session` and keeps
in memory, and its `Origin`, where the browser sends one, must be this server. The live feed
(a websocket, which browsers open without custom headers) checks the `Origin`.

Bearer tokens (`Authorization: Bearer`) work as before for the command line and other
clients; a request that carries one is judged by it alone.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException

from jitspace.auth.identity import Session

# `__Host-`: the browser keeps it only if it is Secure, for the whole origin and no other host
SESSION_COOKIE: Final = "__Host-jitspace-session"
CSRF_HEADER: Final = "X-CSRF-Token"
LOGIN_FLOW_COOKIE: Final = "__Host-jitspace-login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: derived from its secret token, so it needs no storage,
    and whoever does not hold the session (a cross-site page) cannot compute it."""
    return hmac.new(session_token.encode(), b"jitspace csrf", hashlib.sha256).hexdigest()


def session_cookie(session: Session) -> Cookie:
    """The cookie that carries a browser's session, until the session expires."""
    max_age = int((session.expires_at - datetime.now(UTC)).total_seconds())
    return Cookie(
        key=SESSION_COOKIE,
        value=session.token,
        path="/",
        max_age=max(max_age, 0),
        secure=True,
        httponly=True,
        samesite="strict",
    )


def cleared_cookie() -> Cookie:
    """Tells the browser to forget the session cookie."""
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        path="/",
        max_age=0,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def login_flow_cookie(value: str, max_age: int) -> Cookie:
    """The cookie that keeps a login through the identity provider in progress (empty and
    0: forget it). SameSite=Lax: the provider sends the browser back by a top-level GET from
    its own site, which a Strict cookie would not join."""
    return Cookie(
        key=LOGIN_FLOW_COOKIE,
        value=value,
        path="/",
        max_age=max_age,
        secure=True,
        httponly=True,
        samesite="lax",
    )


def cookie_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The session token of the connection's cookie, if it has one."""
    return connection.cookies.get(SESSION_COOKIE) or None


def same_origin(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """The browser's `Origin`, where it sends one, names this server (its host and port)."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True  # no browser omits it on a cross-origin websocket or POST
    return urlsplit(origin).netloc.lower() == (connection.headers.get("host") or "").lower()


def check_from_the_page(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> None:
    """A request authenticated by the session cookie comes from JITspace's own page: from
    this origin, and, if it changes anything, with the session's CSRF token."""
    if not same_origin(connection):
        raise PermissionDeniedException("requests with the session cookie come from this site")
    method = connection.scope.get("method", "GET")
    if method in SAFE_METHODS:
        return
    sent = connection.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), csrf_token(token).encode()):
        raise PermissionDeniedException(
            f"this request lacks the page's {CSRF_HEADER} header: reload the page and try again"
        )
