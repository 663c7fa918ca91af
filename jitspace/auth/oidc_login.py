"""Logging in through the identity provider in the browser: OpenID Connect's authorization
code flow with PKCE, run by this server.

The browser is sent to the provider with a fresh `state`, `nonce` and PKCE challenge; the
three secrets wait in a short-lived cookie of the browser that started the flow (so another
browser cannot finish it, and any number of server processes can). When the provider sends
the browser back with a code, this server exchanges it, with the PKCE verifier, for an ID
token that it checks as it checks the provider's bearer tokens (signed by a key the
provider publishes, its issuer, this client as audience, within its validity) and whose
nonce must be the flow's. The page never holds a provider's token: it gets the same session
cookie as a password login.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx
import msgspec

from jitspace.auth.errors import TokenRefused
from jitspace.auth.oidc import Claims, OidcVerifier
from jitspace.settings import Settings

FLOW_SECONDS = 10 * 60  # the time a person has at the provider to log in
TIMEOUT = 10.0
SCOPE = "openid profile"


class LoginFailed(Exception):
    """The login did not go through; `reason` says why in a word the login page words for
    people (`denied`, `expired`, `failed`, `not-linked`, `disabled`)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class Flow(msgspec.Struct, frozen=True):
    """One browser's login in progress: what it must bring back, and what proves it."""

    state: str
    nonce: str
    verifier: str

    def cookie(self) -> str:
        return ".".join((self.state, self.nonce, self.verifier))

    @classmethod
    def from_cookie(cls, value: str | None) -> Flow:
        parts = (value or "").split(".")
        if len(parts) != 3 or not all(parts):
            raise LoginFailed(
                "expired", "no login was started in this browser, or it took too long"
            )
        return cls(*parts)


class ProviderLogin:
    """The identity provider's login for browsers, as this deployment's client there."""

    def __init__(self, settings: Settings, verifier: OidcVerifier) -> None:
        self.issuer = settings.oidc_issuer
        self.client_id = settings.oidc_client_id
        self.client_secret = settings.oidc_client_secret or None
        self.name = settings.oidc_login_name
        self.redirect_url = settings.oidc_redirect_url
        self.verifier = verifier
        self._endpoints: tuple[str, str] | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, verifier: OidcVerifier | None
    ) -> ProviderLogin | None:
        """The browser login of the configured provider; None where there is none."""
        if verifier is None or not settings.oidc_client_id:
            return None
        return cls(settings, verifier)

    async def endpoints(self) -> tuple[str, str]:
        """The provider's authorization and token endpoints, from its discovery document
        (read once)."""
        if self._endpoints is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                    response = await client.get(url)
                    response.raise_for_status()
                    found: dict[str, Any] = response.json()
                self._endpoints = (found["authorization_endpoint"], found["token_endpoint"])
            except (httpx.HTTPError, ValueError, KeyError) as error:
                raise LoginFailed(
                    "failed", f"the identity provider cannot be reached: {error}"
                ) from None
        return self._endpoints

    async def start(self, redirect_uri: str) -> tuple[str, Flow]:
        """Where to send the browser, and the flow its cookie keeps until it comes back."""
        flow = Flow(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))
        authorize, _ = await self.endpoints()
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": flow.state,
            "nonce": flow.nonce,
            "code_challenge": challenge(flow.verifier),
            "code_challenge_method": "S256",
        }
        return f"{authorize}{'&' if '?' in authorize else '?'}{urlencode(query)}", flow

    async def finish(self, flow: Flow, state: str, code: str, redirect_uri: str) -> Claims:
        """Who the provider says logged in: the code exchanged and the ID token checked."""
        if not secrets.compare_digest(flow.state, state):
            raise LoginFailed(
                "expired", "the login that came back is not the one this browser started"
            )
        _, token_endpoint = await self.endpoints()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.client_id,
            "code_verifier": flow.verifier,
        }
        # a confidential client proves itself with HTTP basic authentication (client_secret_basic)
        secret = (
            httpx.USE_CLIENT_DEFAULT
            if self.client_secret is None
            else httpx.BasicAuth(self.client_id, self.client_secret)
        )
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                response = await client.post(token_endpoint, data=form, auth=secret)
                token: dict[str, Any] = response.json()
            if response.is_error:
                said = token.get("error_description") or token.get("error")
                raise ValueError(str(said or response.status_code)[:200])
        except (httpx.HTTPError, ValueError) as error:
            raise LoginFailed(
                "failed", f"the identity provider refused the code: {error}"
            ) from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise LoginFailed("failed", "the identity provider sent no ID token")
        try:
            claims = await self.verifier.verify(id_token, audience=self.client_id)
        except TokenRefused as refused:
            raise LoginFailed("failed", f"the ID token was refused: {refused}") from None
        if not secrets.compare_digest(claims.nonce, flow.nonce):
            raise LoginFailed("failed", "the ID token was not issued for this login (its nonce)")
        return claims


def challenge(verifier: str) -> str:
    """PKCE's S256 code challenge of a verifier (RFC 7636, 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
