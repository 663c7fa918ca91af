"""Password login (a bearer token, or the web page's session cookie), logout and who am I."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import JSONBody, QueryParameter

from jitspace.api.access import PUBLIC, SIGNED_IN
from jitspace.api.browser import (
    cleared_cookie,
    cookie_token,
    csrf_token,
    same_origin,
    session_cookie,
)
from jitspace.api.dependencies import CurrentUser, RuntimeDep, client_address, request_token
from jitspace.api.openapi import problem_response
from jitspace.auth.errors import UserDisabled
from jitspace.auth.identity import Session, User
from jitspace.auth.login_throttle import TooManyAttempts
from jitspace.auth.security_log import SecurityKind
from jitspace.documents.identity import BrowserSessionOut, LoginCreate, SessionOut, UserOut

THROTTLED = {
    429: problem_response("Too many failed logins: Retry-After says when"),
    403: problem_response("The user is disabled (said only with the right password)"),
}
Everywhere = Annotated[
    bool,
    QueryParameter(
        description="end every session of yours (each browser and token), not only this one"
    ),
]


class AuthController(Controller):
    path = "/auth"
    tags = ["identity"]

    @post("/login", status_code=200, access=PUBLIC, responses=THROTTLED)
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginCreate], runtime: RuntimeDep
    ) -> SessionOut:
        """Exchange a username and password for a bearer token. After 5 failures for one
        username (or 20 from one address) in 15 minutes, 429 until the window has passed."""
        session = await _log_in(request, data, runtime)
        return SessionOut(token=session.token, token_type="Bearer", expires_at=session.expires_at)  # noqa: S106

    @post(
        "/session",
        status_code=200,
        access=PUBLIC,
        responses={
            **THROTTLED,
            403: problem_response("Sent from another site's page, or the user is disabled"),
        },
    )
    async def open_session(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginCreate], runtime: RuntimeDep
    ) -> Response[BrowserSessionOut]:
        """The web page's login: the session travels in an HttpOnly, Secure, SameSite=Strict
        cookie that no script can read; the answer names the user and the CSRF token that
        every change sent with the cookie must carry (`X-CSRF-Token`). Throttled as
        /auth/login. Only from this site's page: another site cannot log a browser in."""
        if not same_origin(request):
            raise PermissionDeniedException("log in on JITspace's own page")
        session = await _log_in(request, data, runtime)
        user = await runtime.identity.identify(session.token)
        return Response(
            _browser_session(user, session.token, session.expires_at),
            cookies=[session_cookie(session)],
        )

    @get("/session", access=SIGNED_IN)
    async def read_session(
        self, request: Request[Any, Any, Any], runtime: RuntimeDep
    ) -> BrowserSessionOut:
        """Who the page's session cookie belongs to, and its CSRF token: what the page asks
        after a reload, as it keeps neither."""
        token = cookie_token(request)
        if token is None:
            raise NotAuthorizedException("no session cookie: log in on the web page")
        # the cookie's own user (a bearer token sent beside it may be someone else's)
        owner, expires_at = await runtime.identity.session(token)
        return _browser_session(owner, token, expires_at)

    # the page's cookie is cleared whatever the session was
    @post("/logout", status_code=204, access=SIGNED_IN, response_cookies=[cleared_cookie()])
    async def logout(
        self,
        request: Request[Any, Any, Any],
        runtime: RuntimeDep,
        user: CurrentUser,
        everywhere: Everywhere = False,
    ) -> None:
        """End this token's (or the page's) session, in every tab and live feed that uses it;
        with `everywhere`, every session of yours."""
        token = request_token(request)
        assert token is not None  # `user` was authenticated by it
        if everywhere:
            await runtime.identity.logout_everywhere(user.user_id)
        await runtime.identity.logout(token)
        await runtime.security_log.record(
            "logout",
            user_id=user.user_id,
            client=client_address(request),
            detail="every session" if everywhere else "",
        )

    @get("/me", access=SIGNED_IN)
    async def me(self, user: CurrentUser) -> UserOut:
        """Who the token belongs to, and whether they administer the deployment."""
        return _user_out(user)


async def _log_in(
    request: Request[Any, Any, Any], data: LoginCreate, runtime: RuntimeDep
) -> Session:
    """A new session for the username and password, throttled; refusals are logged."""
    client = client_address(request)
    try:
        session = await runtime.identity.login(data.username, data.password, client=client)
    except TooManyAttempts as throttled:
        await runtime.security_log.record(
            "login_throttled", client=client, detail=f"username {data.username}: {throttled}"
        )
        raise
    except UserDisabled as disabled:
        await runtime.security_log.record(
            SecurityKind.LOGIN_DISABLED,
            user_id=disabled.user_id,
            client=client,
            detail=f"username {data.username}",
        )
        raise PermissionDeniedException(disabled.message) from None
    if session is None:
        # the username only: a mistyped password is often another of the person's secrets
        await runtime.security_log.record(
            "login_failed", client=client, detail=f"username {data.username}"
        )
        raise NotAuthorizedException("unknown username or wrong password")
    return session


def _browser_session(user: User, token: str, expires_at: datetime) -> BrowserSessionOut:
    return BrowserSessionOut(
        user=_user_out(user),
        csrf_token=csrf_token(token),
        expires_at=expires_at,
    )


def _user_out(user: User) -> UserOut:
    return UserOut(
        id=user.user_id,
        username=user.username,
        display_name=user.display_name,
        administrator=user.administrator,
    )
