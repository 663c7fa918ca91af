"""Local users, password login and bearer tokens.

Passwords are hashed with argon2; tokens are random and only their SHA-256 is stored, so a
copy of the database does not let anyone log in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import msgspec
from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

# how long a checked token is trusted without a new look-up, and how many are remembered
RECENT = 5.0
RECENT_MAX = 10_000
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_hasher = PasswordHasher()
# verifying against this keeps the time of a login for an unknown user like a known one
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id uuid PRIMARY KEY,
    username text NOT NULL UNIQUE,
    display_name text NOT NULL,
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (user_id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
"""


class User(msgspec.Struct, frozen=True):
    user_id: UUID
    username: str
    display_name: str


class Session(msgspec.Struct, frozen=True):
    token: str
    expires_at: datetime


class IdentityError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_new_credentials(username: str, password: str) -> None:
    if not USERNAME.match(username):
        raise IdentityError(
            "a username is 2 to 63 characters: lower-case letters, digits, '.', '_', '-'",
            field="username",
        )
    if len(password) < 10:
        raise IdentityError("a password has at least 10 characters", field="password")


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Identity:
    """The user directory and the sessions opened by password login."""

    def __init__(self, pool: asyncpg.Pool, token_ttl: timedelta) -> None:
        self.pool = pool
        self.token_ttl = token_ttl
        # token digest -> (user, monotonic time until which it needs no new look-up)
        self._recent: dict[bytes, tuple[User, float]] = {}

    async def create_tables(self) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(SCHEMA)

    async def add_user(self, username: str, password: str, display_name: str = "") -> User:
        check_new_credentials(username, password)
        user = User(user_id=uuid4(), username=username, display_name=display_name or username)
        try:
            await self.pool.execute(
                "INSERT INTO users VALUES ($1, $2, $3, $4, $5)",
                user.user_id,
                user.username,
                user.display_name,
                await to_thread.run_sync(_hasher.hash, password),
                datetime.now(UTC),
            )
        except asyncpg.UniqueViolationError:
            raise IdentityError(f"user {username!r} exists already", field="username") from None
        return user

    async def login(self, username: str, password: str) -> Session | None:
        row = await self.pool.fetchrow(
            "SELECT user_id, password_hash FROM users WHERE username = $1", username
        )
        try:
            # argon2 is meant to be slow: off the event loop
            await to_thread.run_sync(
                _hasher.verify, row["password_hash"] if row else _DUMMY_HASH, password
            )
        except VerificationError:
            return None
        if row is None:
            return None
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        session = Session(token=token, expires_at=now + self.token_ttl)
        await self.pool.execute(
            "INSERT INTO sessions VALUES ($1, $2, $3, $4)",
            _digest(token),
            row["user_id"],
            now,
            session.expires_at,
        )
        return session

    async def logout(self, token: str) -> None:
        digest = _digest(token)
        self._recent.pop(digest, None)
        await self.pool.execute("DELETE FROM sessions WHERE token_sha256 = $1", digest)

    async def authenticate(self, token: str) -> User | None:
        """The user a valid token belongs to. A token seen in the last RECENT seconds is not
        looked up again: a logout in another process takes effect here within that time."""
        digest = _digest(token)
        now = time.monotonic()
        recent = self._recent.get(digest)
        if recent is not None and recent[1] > now:
            return recent[0]
        row = await self.pool.fetchrow(
            "SELECT u.user_id, u.username, u.display_name, s.expires_at FROM sessions s "
            "JOIN users u USING (user_id) WHERE s.token_sha256 = $1 AND s.expires_at > now()",
            digest,
        )
        if row is None:
            self._recent.pop(digest, None)
            return None
        user = User(row["user_id"], row["username"], row["display_name"])
        until = min((row["expires_at"] - datetime.now(UTC)).total_seconds(), RECENT)
        if len(self._recent) >= RECENT_MAX:
            self._recent.pop(next(iter(self._recent)))
        self._recent[digest] = (user, now + until)
        return user

    async def find(self, username: str) -> User | None:
        row = await self.pool.fetchrow(
            "SELECT user_id, username, display_name FROM users WHERE username = $1", username
        )
        return User(**dict(row)) if row else None

    async def get(self, user_id: UUID) -> User | None:
        row = await self.pool.fetchrow(
            "SELECT user_id, username, display_name FROM users WHERE user_id = $1", user_id
        )
        return User(**dict(row)) if row else None
