"""Password login (a bearer token, or the web page's session cookie), logout and who am I."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.params import JSONBody, QueryParameter
from litestar.response import Redirect

from jitspace.api.access import PUBLIC, SIGNED_IN
from jitspace.api.browser import (
    LOGIN_FLOW_COOKIE,
    cleared_cookie,
    cookie_token,
    csrf_token,
    login_flow_cookie,
    same_origin,
    session_cookie,
)
from jitspace.api.dependencies import CurrentUser, RuntimeDep, client_address, request_token
from jitspace.api.openapi import problem_response
from jitspace.auth.errors import UserDisabled
from jitspace.auth.identity import Session, User
from jitspace.auth.login_throttle import TooManyAttempts
from jitspace.auth.oidc_login import FLOW_SECONDS, Flow, LoginFailed, ProviderLogin
from jitspace.auth.security_log import SecurityKind
from jitspace.documents.identity import (
    BrowserSessionOut,
    LoginCreate,
    LoginOptions,
    SessionOut,
    UserOut,
)

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

    @get("/options", access=PUBLIC)
    async def login_options(self, runtime: RuntimeDep) -> LoginOptions:
        """How one logs in here: with a password, and, where it is set up, through the
        identity provider (the name the login page gives it)."""
        login = runtime.provider_login
        return LoginOptions(identity_provider=None if login is None else login.name)

    @get(
        "/oidc/login",
        access=PUBLIC,
        status_code=302,
        responses={404: problem_response("No identity provider login is set up here")},
    )
    async def provider_login(
        self, request: Request[Any, Any, Any], runtime: RuntimeDep
    ) -> Redirect:
        """The web page's login through the identity provider: sends the browser there (the
        authorization code flow with PKCE; the flow's secrets wait in an HttpOnly cookie of
        this browser for 10 minutes)."""
        login = _provider_login(runtime)
        try:
            url, flow = await login.start(_return_address(request, login))
        except LoginFailed as failed:
            return await _login_refused(request, runtime, failed)
        return Redirect(url, cookies=[login_flow_cookie(flow.cookie(), FLOW_SECONDS)])

    @get(
        "/oidc/callback",
        access=PUBLIC,
        status_code=302,
        responses={404: problem_response("No identity provider login is set up here")},
    )
    async def provider_return(
        self,
        request: Request[Any, Any, Any],
        runtime: RuntimeDep,
        code: Annotated[str, QueryParameter(description="the provider's code")] = "",
        error: Annotated[str, QueryParameter(description="the provider's refusal")] = "",
        flow_state: Annotated[
            str, QueryParameter(name="state", description="the login's state, returned")
        ] = "",
    ) -> Redirect:
        """Where the identity provider sends the browser back: the code is exchanged for an
        ID token, checked, and its subject's user gets the page's session cookie, as a
        password login does; then the page. A refused login goes back to the login page,
        which says why."""
        login = _provider_login(runtime)
        try:
            if error:
                raise LoginFailed("denied", f"the identity provider answered {error[:100]!r}")
            flow = Flow.from_cookie(request.cookies.get(LOGIN_FLOW_COOKIE))
            claims = await login.finish(flow, flow_state, code, _return_address(request, login))
            try:
                user = await runtime.identity.external_user(claims.issuer, claims.subject)
            except UserDisabled as disabled:
                raise LoginFailed("disabled", disabled.message) from None
            if user is None:
                raise LoginFailed(
                    "not-linked", f"subject {claims.subject!r} of {claims.issuer} is no user's"
                )
        except LoginFailed as failed:
            return await _login_refused(request, runtime, failed)
        session = await runtime.identity.open_session(user.user_id)
        return Redirect("/", cookies=[session_cookie(session), login_flow_cookie("", 0)])

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


def _provider_login(runtime: RuntimeDep) -> ProviderLogin:
    if runtime.provider_login is None:
        raise NotFoundException("login through an identity provider is not set up here")
    return runtime.provider_login


def _return_address(request: Request[Any, Any, Any], login: ProviderLogin) -> str:
    """Where the provider sends the browser back: as set, or this server as it was reached."""
    return login.redirect_url or str(request.base_url).rstrip("/") + "/auth/oidc/callback"


async def _login_refused(
    request: Request[Any, Any, Any], runtime: RuntimeDep, failed: LoginFailed
) -> Redirect:
    """Back to the login page, which words the reason; the security log keeps the detail."""
    await runtime.security_log.record(
        SecurityKind.LOGIN_FAILED,
        client=client_address(request),
        detail=f"identity provider: {failed}",
    )
    return Redirect(f"/?login={failed.reason}", cookies=[login_flow_cookie("", 0)])


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
