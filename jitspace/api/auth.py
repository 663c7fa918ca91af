"""Password login, logout and who am I."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from jitspace.api.access import PUBLIC, SIGNED_IN
from jitspace.api.dependencies import CurrentUser, RuntimeDep, bearer_token, client_address
from jitspace.api.openapi import problem_response
from jitspace.auth.login_throttle import TooManyAttempts
from jitspace.documents.identity import LoginCreate, SessionOut, UserOut


class AuthController(Controller):
    path = "/auth"
    tags = ["identity"]

    @post(
        "/login",
        status_code=200,
        access=PUBLIC,
        responses={429: problem_response("Too many failed logins: Retry-After says when")},
    )
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginCreate], runtime: RuntimeDep
    ) -> SessionOut:
        """Exchange a username and password for a bearer token. After 5 failures for one
        username (or 20 from one address) in 15 minutes, 429 until the window has passed."""
        client = client_address(request)
        try:
            session = await runtime.identity.login(data.username, data.password, client=client)
        except TooManyAttempts as throttled:
            await runtime.security_log.record(
                "login_throttled", client=client, detail=f"username {data.username}: {throttled}"
            )
            raise
        if session is None:
            # the username only: a mistyped password is often another of the person's secrets
            await runtime.security_log.record(
                "login_failed", client=client, detail=f"username {data.username}"
            )
            raise NotAuthorizedException("unknown username or wrong password")
        return SessionOut(token=session.token, token_type="Bearer", expires_at=session.expires_at)  # noqa: S106

    @post("/logout", status_code=204, access=SIGNED_IN)
    async def logout(
        self, request: Request[Any, Any, Any], runtime: RuntimeDep, user: CurrentUser
    ) -> None:
        """End this token's session."""
        token = bearer_token(request.headers.get("authorization"))
        assert token is not None  # `user` was authenticated by it
        await runtime.identity.logout(token)
        await runtime.security_log.record(
            "logout", user_id=user.user_id, client=client_address(request)
        )

    @get("/me", access=SIGNED_IN)
    async def me(self, user: CurrentUser) -> UserOut:
        return UserOut(id=user.user_id, username=user.username, display_name=user.display_name)
