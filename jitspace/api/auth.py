"""Password login, logout and who am I."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException

from jitspace.api.schemas import LoginCreate, SessionOut, UserOut
from jitspace.identity import User
from jitspace.runtime import Runtime


class AuthController(Controller):
    path = "/auth"
    tags = ["identity"]

    @post("/login", status_code=200)
    async def login(self, data: LoginCreate, runtime: Runtime) -> SessionOut:
        """Exchange a username and password for a bearer token."""
        session = await runtime.identity.login(data.username, data.password)
        if session is None:
            raise NotAuthorizedException("unknown username or wrong password")
        return SessionOut(token=session.token, token_type="Bearer", expires_at=session.expires_at)  # noqa: S106

    @post("/logout", status_code=204)
    async def logout(self, request: Request[Any, Any, Any], runtime: Runtime, user: User) -> None:
        """End this token's session."""
        await runtime.identity.logout(request.headers["authorization"].partition(" ")[2].strip())

    @get("/me")
    async def me(self, user: User) -> UserOut:
        return UserOut(id=user.user_id, username=user.username, display_name=user.display_name)
