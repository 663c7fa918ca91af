"""Members of the identity provider use its tokens: only valid ones, linked to a user, are let in.

A real JWKS endpoint on loopback publishes the provider's keys; JITspace runs with OpenID
Connect settings pointing at it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from jitspace.auth.errors import IdentityError, TokenRefused
from jitspace.auth.identity import Identity
from jitspace.auth.oidc import REFETCH_COOLDOWN, OidcVerifier
from jitspace.settings import Settings
from tests.support import (
    PASSWORD,
    ServerThread,
    add_user,
    security_log,
    serve_another,
    with_pool,
)

ISSUER = "https://id.example.test/realms/jit"
AUDIENCE = "jitspace-test"


class SigningKey:
    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": kid or self.kid})

    def sign_naming_no_key(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256")


class Provider:
    """The identity provider's JWKS endpoint (a real HTTP server) and its signing keys."""

    def __init__(self) -> None:
        self.keys = [SigningKey("key-1")]
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                body = json.dumps({"keys": [k.jwk() for k in provider.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    @property
    def jwks_url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/certs"

    def claims(self, subject: str, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, subject: str, **changes: Any) -> str:
        return self.keys[0].sign(self.claims(subject, **changes))

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = Provider()
    yield running
    running.close()


@pytest.fixture(scope="module")
def oidc_server(
    settings: Settings, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerThread]:
    yield from serve_another(
        settings,
        tmp_path_factory,
        "oidc",
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=provider.jwks_url,
    )


T = TypeVar("T")


def with_identity(database_url: str, call: Callable[[Identity], Awaitable[T]]) -> T:
    """`call` with the identity store of the database, as the CLI's commands have it."""
    return with_pool(database_url, lambda pool: call(Identity(pool, timedelta(hours=1))))


def link(database_url: str, subject: str) -> tuple[str, uuid.UUID]:
    """A user who logs in through the provider as `subject` (what `jitspace user add
    --oidc-subject` makes)."""
    username = f"oidc-{uuid.uuid4().hex[:8]}"
    user = with_identity(
        database_url, lambda identity: identity.add_external_user(username, ISSUER, subject)
    )
    return username, user.user_id


def me(server: ServerThread, token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/auth/me", headers={"Authorization": f"Bearer {token}"})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(provider: Provider, subject: str) -> str:
    header = b64(json.dumps({"alg": "none", "typ": "JWT", "kid": "key-1"}).encode())
    return f"{header}.{b64(json.dumps(provider.claims(subject)).encode())}."


def signed_with_public_key_as_secret(provider: Provider, subject: str) -> str:
    # the classic confusion: HS256 "signed" with the RSA public key, which anyone can fetch
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "key-1"}).encode())
    payload = b64(json.dumps(provider.claims(subject)).encode())
    mac = hmac.new(provider.keys[0].public_pem(), f"{header}.{payload}".encode(), hashlib.sha256)
    return f"{header}.{payload}.{b64(mac.digest())}"


def tampered(provider: Provider, subject: str, other_subject: str) -> str:
    header, _, signature = provider.token(subject).split(".")
    payload = b64(json.dumps(provider.claims(other_subject)).encode())
    return f"{header}.{payload}.{signature}"


@pytest.fixture
def alice(database_url: str) -> tuple[str, str, uuid.UUID]:
    """A user linked to a subject of the provider: (subject, username, user id)."""
    subject = f"alice-{uuid.uuid4()}"
    username, user_id = link(database_url, subject)
    return subject, username, user_id


def test_a_linked_subjects_token_is_accepted(
    oidc_server: ServerThread, provider: Provider, alice: tuple[str, str, uuid.UUID]
) -> None:
    subject, username, user_id = alice
    # When the provider's token for that subject is sent
    response = me(oidc_server, provider.token(subject))
    # Then it is that user
    assert response.status_code == 200, response.text
    assert response.json()["username"] == username
    assert response.json()["id"] == str(user_id)


REFUSED = {
    "wrong-audience": (
        lambda p, s, _: p.token(s, aud="another-application"),
        "another audience",
    ),
    "wrong-issuer": (lambda p, s, _: p.token(s, iss="https://evil.example.test"), "another issuer"),
    "expired": (
        lambda p, s, _: p.token(s, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
        "expired",
    ),
    "not-yet-valid": (lambda p, s, _: p.token(s, nbf=int(time.time()) + 3600), "not valid yet"),
    "no-expiry": (lambda p, s, _: p.token(s, exp=None), "'exp'"),
    "tampered-payload": (lambda p, s, other: tampered(p, other, s), "signature does not verify"),
    "signed-by-another-key": (
        lambda p, s, _: SigningKey("key-1").sign(p.claims(s)),
        "signature does not verify",
    ),
    "alg-none": (lambda p, s, _: unsigned(p, s), "'none' are not accepted"),
    "hs256-with-the-public-key": (
        lambda p, s, _: signed_with_public_key_as_secret(p, s),
        "'HS256' are not accepted",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_token_the_provider_did_not_issue_for_us_now_is_refused(
    oidc_server: ServerThread,
    provider: Provider,
    database_url: str,
    alice: tuple[str, str, uuid.UUID],
    case: str,
) -> None:
    subject, _, _ = alice
    other_subject, _ = link(database_url, f"bob-{uuid.uuid4()}")
    make, reason = REFUSED[case]
    token = make(provider, subject, other_subject)
    # the same token, properly made, would be accepted: only what the case changes is wrong
    assert me(oidc_server, provider.token(subject)).status_code == 200
    response = me(oidc_server, token)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert reason in response.json()["detail"]
    assert any(reason in e.detail for e in security_log(database_url, "token_refused", 50))


def test_a_valid_token_of_an_unlinked_subject_is_refused_saying_why(
    oidc_server: ServerThread, provider: Provider
) -> None:
    response = me(oidc_server, provider.token(f"stranger-{uuid.uuid4()}"))
    assert response.status_code == 401, response.text
    assert "no JITspace user is linked to this identity" in response.json()["detail"]


def test_a_token_logged_out_is_refused_until_it_expires(
    oidc_server: ServerThread,
    provider: Provider,
    database_url: str,
    alice: tuple[str, str, uuid.UUID],
) -> None:
    subject, _, user_id = alice
    token = provider.token(subject)
    assert me(oidc_server, token).status_code == 200
    # When its holder logs out
    logout = httpx.post(
        f"{oidc_server.url}/auth/logout", headers={"Authorization": f"Bearer {token}"}
    )
    assert logout.status_code == 204, logout.text
    # Then the same token no longer lets anyone in, while a new one does
    refused = me(oidc_server, token)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert me(oidc_server, provider.token(subject)).status_code == 200
    assert user_id in [e.user_id for e in security_log(database_url, "logout", 50)]


def test_a_token_without_jti_is_revoked_by_its_hash(
    oidc_server: ServerThread, provider: Provider, alice: tuple[str, str, uuid.UUID]
) -> None:
    subject, _, _ = alice
    token = provider.token(subject, jti=None)
    other = provider.token(subject, jti=None, exp=int(time.time()) + 301)
    logout = httpx.post(
        f"{oidc_server.url}/auth/logout", headers={"Authorization": f"Bearer {token}"}
    )
    assert logout.status_code == 204, logout.text
    assert me(oidc_server, token).status_code == 401
    assert me(oidc_server, other).status_code == 200


def test_a_key_the_provider_rotates_in_is_accepted(
    oidc_server: ServerThread, provider: Provider, alice: tuple[str, str, uuid.UUID]
) -> None:
    subject, username, _ = alice
    assert me(oidc_server, provider.token(subject)).status_code == 200
    # Given the provider publishes a new key (after the refetch cooldown of the keys)
    time.sleep(REFETCH_COOLDOWN)
    new_key = SigningKey(f"key-{uuid.uuid4().hex[:6]}")
    provider.keys.insert(0, new_key)
    fetches = provider.fetches
    try:
        # When a token signed with it arrives
        response = me(oidc_server, provider.token(subject))
        # Then the keys are fetched again, once, and the token is accepted
        assert response.status_code == 200, response.text
        assert response.json()["username"] == username
        assert provider.fetches == fetches + 1
    finally:
        provider.keys.remove(new_key)


def test_a_token_naming_no_key_is_accepted_only_while_the_provider_publishes_one(
    provider: Provider,
) -> None:
    # a provider with one key need not name it in its tokens (OpenID Connect Core 10.1)
    token = provider.keys[0].sign_naming_no_key(provider.claims("alice"))
    claims = asyncio.run(OidcVerifier(ISSUER, AUDIENCE, provider.jwks_url).verify(token))
    assert claims.subject == "alice"
    # with two published keys, a token must say which one signed it
    provider.keys.append(SigningKey("key-2"))
    try:
        verifier = OidcVerifier(ISSUER, AUDIENCE, provider.jwks_url)
        with pytest.raises(TokenRefused, match="does not name its signing key"):
            asyncio.run(verifier.verify(token))
    finally:
        provider.keys.pop()


def test_local_users_still_log_in_with_a_password(
    oidc_server: ServerThread, database_url: str
) -> None:
    username = f"local-{uuid.uuid4().hex[:8]}"
    add_user(database_url, username)
    login = httpx.post(
        f"{oidc_server.url}/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    response = me(oidc_server, login.json()["token"])
    assert response.status_code == 200
    assert response.json()["username"] == username


def test_a_provider_user_has_no_password_to_guess(
    oidc_server: ServerThread, alice: tuple[str, str, uuid.UUID]
) -> None:
    _, username, _ = alice
    for password in ("!", "", PASSWORD):
        login = httpx.post(
            f"{oidc_server.url}/auth/login", json={"username": username, "password": password}
        )
        assert login.status_code in (400, 401), login.text


def link_existing(database_url: str, username: str, subject: str, *, drop: bool) -> None:
    """What `jitspace user link` does (with the username it names)."""

    async def call(identity: Identity) -> None:
        user = await identity.named(username)
        await identity.link_external(user.user_id, ISSUER, subject, drop_password=drop)

    with_identity(database_url, call)


def password_login(server: ServerThread, username: str) -> httpx.Response:
    return httpx.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD})


def test_an_existing_local_user_is_linked_and_keeps_their_password_unless_dropped(
    oidc_server: ServerThread, provider: Provider, database_url: str
) -> None:
    # Given two local users, each with a session opened by password
    kept, dropped = (f"local-{uuid.uuid4().hex[:8]}" for _ in range(2))
    for username in (kept, dropped):
        add_user(database_url, username)
    sessions = {u: password_login(oidc_server, u).json()["token"] for u in (kept, dropped)}
    # When both are linked to their subjects at the provider, one dropping the password
    link_existing(database_url, kept, f"kept-{kept}", drop=False)
    link_existing(database_url, dropped, f"dropped-{dropped}", drop=True)
    # Then both log in through the provider as themselves
    for username in (kept, dropped):
        response = me(
            oidc_server, provider.token(f"{'kept' if username == kept else 'dropped'}-{username}")
        )
        assert response.status_code == 200, response.text
        assert response.json()["username"] == username
    # and the one who kept the password still logs in with it, session included
    assert password_login(oidc_server, kept).status_code == 200
    assert me(oidc_server, sessions[kept]).status_code == 200
    # while the other's password and the session it opened no longer work
    assert password_login(oidc_server, dropped).status_code == 401
    assert me(oidc_server, sessions[dropped]).status_code == 401


def test_linking_an_unknown_user_or_a_subject_linked_already_is_refused(
    database_url: str, alice: tuple[str, str, uuid.UUID]
) -> None:
    subject, _, _ = alice
    username = f"local-{uuid.uuid4().hex[:8]}"
    add_user(database_url, username)
    with pytest.raises(IdentityError, match="there is no user 'nobody-here'"):
        link_existing(database_url, "nobody-here", f"s-{uuid.uuid4()}", drop=False)
    with pytest.raises(IdentityError, match="linked to a user already"):
        link_existing(database_url, username, subject, drop=True)

    # a refused link changes nothing: the password still works
    session = with_identity(database_url, lambda identity: identity.login(username, PASSWORD))
    assert session is not None
