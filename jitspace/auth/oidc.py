"""OpenID Connect bearer tokens: JWTs issued by the deployment's identity provider.

A token is accepted only if it is signed, with an asymmetric algorithm, by a key the
provider publishes (its JWKS), names the provider as issuer and this deployment as audience,
and is within its validity period. Who it is in JITspace is decided elsewhere (identity.py):
here only whether the provider really said it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta

import jwt
import msgspec
from anyio import to_thread

from jitspace.auth.errors import TokenRefused
from jitspace.settings import Settings

logger = logging.getLogger(__name__)
# asymmetric only: "none" proves nothing, and an HS* token could be signed with the public key
ALGORITHMS = ["RS256", "ES256", "EdDSA"]
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat"]
# clocks of the provider and of this server differ a little
LEEWAY = timedelta(seconds=30)
# how long the provider's keys are used before they are fetched again
KEYS_LIFESPAN = 300.0
# a token naming an unknown key fetches the keys again (a rotation), but not more often than
# this: forged tokens with made-up key ids must not turn this server against the provider
REFETCH_COOLDOWN = 5.0
FETCH_TIMEOUT = 10.0


class Claims(msgspec.Struct, frozen=True):
    issuer: str
    subject: str
    expires_at: datetime
    # the jti, or the SHA-256 of the token when it has none: what a logout revokes
    token_id: str
    nonce: str = ""  # an ID token's: the one its login flow sent


class OidcVerifier:
    def __init__(self, issuer: str, audience: str, jwks_url: str) -> None:
        if not (audience and jwks_url):
            raise ValueError(
                "with JITSPACE_OIDC_ISSUER set, JITSPACE_OIDC_AUDIENCE and "
                "JITSPACE_OIDC_JWKS_URL are needed too"
            )
        self.issuer = issuer
        self.audience = audience
        self.leeway = LEEWAY
        self._keys = jwt.PyJWKClient(
            jwks_url,
            cache_jwk_set=True,
            lifespan=KEYS_LIFESPAN,
            timeout=FETCH_TIMEOUT,
            cooldown_duration=REFETCH_COOLDOWN,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcVerifier | None:
        """The verifier of the configured provider; None when OpenID Connect is off."""
        if not settings.oidc_issuer:
            return None
        return cls(settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url)

    async def verify(self, token: str, audience: str | None = None) -> Claims:
        """The token's claims, if the provider issued it for us (for `audience`, by default
        this deployment's; an ID token names the client it was issued to) and it is valid
        now; else TokenRefused saying why. Fetching the keys is blocking I/O: off the event
        loop."""
        return await to_thread.run_sync(self._verify, token, audience or self.audience)

    def _signing_key(self, kid: object) -> jwt.PyJWK:
        """The published key that signed a token: the one its `kid` names, or the provider's
        only key where the token names none (OpenID Connect Core 10.1 requires a `kid` only
        of providers that publish several)."""
        if isinstance(kid, str):
            return self._keys.get_signing_key(kid)
        keys = self._keys.get_signing_keys()
        if len(keys) != 1:
            raise TokenRefused("the token does not name its signing key (kid)")
        return keys[0]

    def _verify(self, token: str, audience: str) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRefused("the token is not a well-formed JWT") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise TokenRefused(f"tokens signed with {str(algorithm)[:20]!r} are not accepted")
        kid = header.get("kid")
        try:
            key = self._signing_key(kid)
        except jwt.PyJWKClientConnectionError as error:
            logger.warning("could not fetch the identity provider's keys: %s", error)
            raise TokenRefused("the identity provider's keys could not be fetched") from None
        except jwt.PyJWTError:
            raise TokenRefused(
                "the token is signed with a key the provider does not publish"
            ) from None
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=audience,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as error:
            raise TokenRefused(_reason(error)) from None
        jti = payload.get("jti")
        nonce = payload.get("nonce")
        return Claims(
            issuer=payload["iss"],
            subject=payload["sub"],
            expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
            token_id=jti
            if isinstance(jti, str) and jti
            else "sha256:" + hashlib.sha256(token.encode()).hexdigest(),
            nonce=nonce if isinstance(nonce, str) else "",
        )


def _reason(error: jwt.PyJWTError) -> str:
    if isinstance(error, jwt.ExpiredSignatureError):
        return "the token has expired"
    if isinstance(error, jwt.ImmatureSignatureError):
        return "the token is not valid yet"
    if isinstance(error, jwt.InvalidAudienceError):
        return "the token is meant for another audience"
    if isinstance(error, jwt.InvalidIssuerError):
        return "the token comes from another issuer"
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"the token has no {error.claim!r} claim"
    if isinstance(error, jwt.InvalidSignatureError):
        return "the token's signature does not verify"
    return "the token is not valid"
