"""Users, password login and bearer tokens.

Local users log in with a password, hashed with argon2, and get a random token of which only
the SHA-256 is stored, so a copy of the database does not let anyone log in. With OpenID
Connect on, users of the identity provider send its JWTs instead, and an operator links each
provider identity (issuer, subject) to a JITspace user.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from uuid import UUID, uuid4

import asyncpg
import msgspec
from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from jitspace.auth.errors import (
    IdentityConflict,
    IdentityError,
    TokenRefused,
    UnknownUser,
    UserDisabled,
)
from jitspace.auth.login_throttle import LoginThrottle
from jitspace.auth.oidc import OidcVerifier
from jitspace.paging import Conditions, Keyset

# how long a checked token is trusted without a new look-up, and how many are remembered
RECENT = 5.0
RECENT_MAX = 10_000
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_hasher = PasswordHasher()
# verifying against this keeps the time of a login for an unknown user like a known one
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
# the password hash of a user who logs in through the identity provider only
NO_LOCAL_LOGIN = "!"
# one change of the administrators at a time
ADMINISTRATORS_LOCK = "SELECT pg_advisory_xact_lock(hashtext('jitspace administrators'))"
# revoked tokens past their expiry are deleted at most this often by each process
PRUNE_EVERY = 60.0

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
CREATE TABLE IF NOT EXISTS external_identities (
    issuer text NOT NULL,
    subject text NOT NULL,
    user_id uuid NOT NULL REFERENCES users (user_id),
    PRIMARY KEY (issuer, subject)
);
CREATE TABLE IF NOT EXISTS revoked_tokens (
    issuer text NOT NULL,
    token_id text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, token_id)
);
-- added after the first deployments, before migrations were versioned
ALTER TABLE users ADD COLUMN IF NOT EXISTS administrator boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN IF NOT EXISTS disabled_at timestamptz NULL;
"""


class User(msgspec.Struct, frozen=True):
    user_id: UUID
    username: str
    display_name: str
    # an administrator of the deployment (its users, its security log), whatever their
    # memberships of investigations
    administrator: bool = False


class AccountQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which page of the users, in which order, of which."""

    limit: int = 100
    after: str | None = None  # the cursor a previous page returned as `next`
    sort: str = "name"  # "name" (display name) or "created_at"
    descending: bool = False
    search: str | None = None  # in the username or the display name
    disabled: bool | None = None
    administrator: bool | None = None


class AccountPage(NamedTuple):
    accounts: list[Account]
    next: str | None
    total: int


class Account(msgspec.Struct, frozen=True):
    """A user as an administrator sees them: who, since when, how they log in."""

    user_id: UUID
    username: str
    display_name: str
    administrator: bool
    created_at: datetime
    disabled_at: datetime | None
    local_login: bool  # a password of their own
    identities: list[tuple[str, str]]  # (issuer, subject) of the identity providers


class Session(msgspec.Struct, frozen=True):
    token: str
    expires_at: datetime


NOT_LOGGED_IN = "the token is unknown or expired: log in again"
DISABLED = "this user is disabled: an administrator of this deployment can enable it again"


def check_username(username: str) -> None:
    if not USERNAME.match(username):
        raise IdentityError(
            "a username is 2 to 63 characters: lower-case letters, digits, '.', '_', '-'",
            field="username",
        )


def check_new_credentials(username: str, password: str) -> None:
    check_username(username)
    check_password(password)


def check_password(password: str) -> None:
    if len(password) < 10:
        raise IdentityError("a password has at least 10 characters", field="password")


async def _link_identity(
    conn: asyncpg.Connection, issuer: str, subject: str, user_id: UUID, *, holder: str
) -> None:
    """The provider's `subject` is `user_id`; IdentityError if it is `holder`'s already."""
    try:
        await conn.execute(
            "INSERT INTO external_identities VALUES ($1, $2, $3)", issuer, subject, user_id
        )
    except asyncpg.UniqueViolationError:
        raise IdentityConflict(
            f"subject {subject!r} of {issuer} is linked to {holder} already",
            field="oidc_subject",
        ) from None


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def looks_like_jwt(token: str) -> bool:
    """A JWT is three base64url parts joined by dots; a local token has no dot."""
    return token.count(".") == 2


class Identity:
    """The user directory, the sessions opened by password login, and the identity
    provider's tokens (when `oidc` is given)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        token_ttl: timedelta,
        oidc: OidcVerifier | None = None,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.pool = pool
        self.token_ttl = token_ttl
        self.oidc = oidc
        self.throttle = throttle or LoginThrottle(pool)
        # token digest -> (user, monotonic time until which it needs no new look-up)
        self._recent: dict[bytes, tuple[User, float]] = {}
        self._pruned = 0.0

    async def add_user(
        self, username: str, password: str, display_name: str = "", *, administrator: bool = False
    ) -> User:
        check_new_credentials(username, password)
        user = User(
            user_id=uuid4(),
            username=username,
            display_name=display_name or username,
            administrator=administrator,
        )
        try:
            await self.pool.execute(
                "INSERT INTO users (user_id, username, display_name, password_hash, created_at, "
                "administrator) VALUES ($1, $2, $3, $4, $5, $6)",
                user.user_id,
                user.username,
                user.display_name,
                await to_thread.run_sync(_hasher.hash, password),
                datetime.now(UTC),
                administrator,
            )
        except asyncpg.UniqueViolationError:
            raise IdentityConflict(f"user {username!r} exists already", field="username") from None
        return user

    async def add_external_user(
        self, username: str, issuer: str, subject: str, display_name: str = ""
    ) -> User:
        """A user who logs in through the identity provider only: no usable password."""
        check_username(username)
        user = User(user_id=uuid4(), username=username, display_name=display_name or username)
        async with self.pool.acquire() as conn, conn.transaction():
            try:
                await conn.execute(
                    "INSERT INTO users (user_id, username, display_name, password_hash, "
                    "created_at) VALUES ($1, $2, $3, $4, $5)",
                    user.user_id,
                    user.username,
                    user.display_name,
                    NO_LOCAL_LOGIN,
                    datetime.now(UTC),
                )
            except asyncpg.UniqueViolationError:
                raise IdentityConflict(
                    f"user {username!r} exists already", field="username"
                ) from None
            await _link_identity(conn, issuer, subject, user.user_id, holder="another user")
        return user

    async def link_external(
        self, user_id: UUID, issuer: str, subject: str, *, drop_password: bool = False
    ) -> User:
        """Let an existing user log in through the identity provider as `subject` too; with
        `drop_password`, only through it: their password stops working, and the sessions it
        opened end (a server that checked one in the last `RECENT` seconds notices after).
        The provider's tokens are checked on every request anyway."""
        async with self.pool.acquire() as conn, conn.transaction():
            user = await self._locked(conn, user_id)
            await _link_identity(conn, issuer, subject, user.user_id, holder="a user")
            if drop_password:
                await conn.execute(
                    "UPDATE users SET password_hash = $2 WHERE user_id = $1",
                    user.user_id,
                    NO_LOCAL_LOGIN,
                )
                await conn.execute("DELETE FROM sessions WHERE user_id = $1", user.user_id)
        if drop_password:
            self._forget(user_id)
        return user

    async def set_password(self, user_id: UUID, password: str) -> User:
        """A new password for the user; the sessions the old one opened end."""
        check_password(password)
        hashed = await to_thread.run_sync(_hasher.hash, password)
        async with self.pool.acquire() as conn, conn.transaction():
            user = await self._locked(conn, user_id)
            await conn.execute(
                "UPDATE users SET password_hash = $2 WHERE user_id = $1", user_id, hashed
            )
            await conn.execute("DELETE FROM sessions WHERE user_id = $1", user_id)
        self._forget(user_id)
        return user

    async def disable(self, user_id: UUID) -> User:
        """The user can no longer log in; their sessions end at once and the provider's
        tokens are refused (a server that checked one in the last `RECENT` seconds notices
        after). Disabling a disabled user changes nothing."""
        async with self.pool.acquire() as conn, conn.transaction():
            user = await self._locked(conn, user_id)
            await conn.execute(
                "UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE user_id = $1",
                user_id,
            )
            await conn.execute("DELETE FROM sessions WHERE user_id = $1", user_id)
        self._forget(user_id)
        return user

    async def enable(self, user_id: UUID) -> User:
        """A disabled user may log in again (with new sessions: the old ones ended)."""
        async with self.pool.acquire() as conn, conn.transaction():
            user = await self._locked(conn, user_id)
            await conn.execute("UPDATE users SET disabled_at = NULL WHERE user_id = $1", user_id)
        return user

    async def set_administrator(self, user_id: UUID, administrator: bool) -> User:
        """Grant or withdraw the administrator flag; withdrawing it from the last enabled
        administrator is refused (someone must be able to manage the users)."""
        async with self.pool.acquire() as conn, conn.transaction():
            # one change of the administrators at a time: two withdrawing each other's flag
            # at once must not leave none
            await conn.execute(ADMINISTRATORS_LOCK)
            user = await self._locked(conn, user_id)
            if not administrator and user.administrator:
                others = await conn.fetchval(
                    "SELECT count(*) FROM users WHERE administrator AND disabled_at IS NULL "
                    "AND user_id <> $1",
                    user_id,
                )
                if others == 0:
                    raise IdentityConflict(
                        f"{user.display_name} is the last administrator of this deployment: "
                        "make someone else one first"
                    )
            await conn.execute(
                "UPDATE users SET administrator = $2 WHERE user_id = $1", user_id, administrator
            )
        self._forget(user_id)
        return msgspec.structs.replace(user, administrator=administrator)

    async def accounts(self, user_id: UUID | None = None) -> list[Account]:
        """Every user (or the one of `user_id`), by name, with how they log in."""
        where = Conditions("($1::uuid IS NULL OR u.user_id = $1)", user_id)
        rows = await self._accounts(where, "lower(u.display_name), u.username")
        return [_account(row) for row in rows]

    async def account_page(self, query: AccountQuery) -> AccountPage:
        """One page of the users: filtered, sorted, from a cursor (BadCursor if it is not
        one of ours)."""
        where = Conditions("true")
        where.add("(u.disabled_at IS NOT NULL) = {}", query.disabled)
        where.add("u.administrator = {}", query.administrator)
        if query.search is not None:
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", query.search) + "%"
            where.add("(u.username ILIKE {0} OR u.display_name ILIKE {0})", pattern)
        by_name = query.sort == "name"
        keyset = Keyset(
            "lower(u.display_name)" if by_name else "u.created_at",
            "sort_key",
            "u.user_id",
            str if by_name else datetime,
            query.descending,
        )
        total = await self.pool.fetchval(
            f"SELECT count(*) FROM users u WHERE {where.sql}",  # noqa: S608 (our own text)
            *where.values,
        )
        keyset.start_after(where, query.after)
        rows = await self._accounts(
            where, f"{keyset.order} LIMIT {int(query.limit) + 1}", f", {keyset.column} AS sort_key"
        )
        accounts = [_account(row) for row in rows[: query.limit]]
        return AccountPage(accounts, keyset.next(rows, query.limit, "user_id"), int(total))

    async def _accounts(
        self, where: Conditions, order: str, extra: str = ""
    ) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self.pool.fetch(
            "SELECT u.user_id, u.username, u.display_name, u.administrator, u.created_at, "  # noqa: S608
            f"u.disabled_at, u.password_hash <> ${len(where.values) + 1} AS local_login, "
            "coalesce(array_agg(ARRAY[e.issuer, e.subject] ORDER BY e.issuer, e.subject) "
            f"FILTER (WHERE e.issuer IS NOT NULL), '{{}}') AS identities{extra} "
            f"FROM users u LEFT JOIN external_identities e USING (user_id) WHERE {where.sql} "
            f"GROUP BY u.user_id ORDER BY {order}",
            *where.values,
            NO_LOCAL_LOGIN,
        )
        return rows

    async def account(self, user_id: UUID) -> Account:
        """One user as `accounts` lists them; UnknownUser if there is none."""
        found = await self.accounts(user_id)
        if not found:
            raise UnknownUser(f"there is no user {user_id}")
        return found[0]

    async def _locked(self, conn: asyncpg.Connection, user_id: UUID) -> User:
        row = await conn.fetchrow(
            "SELECT user_id, username, display_name, administrator FROM users "
            "WHERE user_id = $1 FOR UPDATE",
            user_id,
        )
        if row is None:
            raise UnknownUser(f"there is no user {user_id}")
        return User(**dict(row))

    def _forget(self, user_id: UUID) -> None:
        """This process trusts none of the user's recently checked tokens any longer."""
        for digest, (user, _) in list(self._recent.items()):
            if user.user_id == user_id:
                self._recent.pop(digest, None)

    async def login(
        self, username: str, password: str, *, client: str | None = None
    ) -> Session | None:
        """A new session, or None for a wrong password; TooManyAttempts after too many
        failures for this username or from this client, even with the right password."""
        await self.throttle.admit(username, client)
        row = await self.pool.fetchrow(
            "SELECT user_id, password_hash, disabled_at FROM users WHERE username = $1", username
        )
        usable = row is not None and row["password_hash"] != NO_LOCAL_LOGIN
        try:
            # argon2 is meant to be slow: off the event loop
            await to_thread.run_sync(
                _hasher.verify, row["password_hash"] if usable else _DUMMY_HASH, password
            )
        except VerificationError:
            return None
        if row is None or not usable:
            return None
        if row["disabled_at"] is not None:
            # said only to who knows the password: to others the username stays unknown
            raise UserDisabled(DISABLED, row["user_id"])
        await self.throttle.succeeded(username)
        return await self.open_session(row["user_id"])

    async def open_session(self, user_id: UUID) -> Session:
        """A new local session of the user, who has just proved who they are."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        session = Session(token=token, expires_at=now + self.token_ttl)
        await self.pool.execute(
            "INSERT INTO sessions VALUES ($1, $2, $3, $4)",
            _digest(token),
            user_id,
            now,
            session.expires_at,
        )
        return session

    async def external_user(self, issuer: str, subject: str) -> User | None:
        """The user the identity provider's `subject` is linked to, if any; UserDisabled if
        an administrator disabled them."""
        row = await self.pool.fetchrow(
            "SELECT u.user_id, u.username, u.display_name, u.administrator, u.disabled_at "
            "FROM external_identities e JOIN users u USING (user_id) "
            "WHERE e.issuer = $1 AND e.subject = $2",
            issuer,
            subject,
        )
        if row is None:
            return None
        if row["disabled_at"] is not None:
            raise UserDisabled(DISABLED, row["user_id"])
        return User(row["user_id"], row["username"], row["display_name"], row["administrator"])

    async def logout(self, token: str) -> None:
        """End a local session; revoke a provider's token until it expires."""
        digest = _digest(token)
        self._recent.pop(digest, None)
        if not looks_like_jwt(token):
            await self.pool.execute("DELETE FROM sessions WHERE token_sha256 = $1", digest)
            return
        if self.oidc is None:
            return
        claims = await self.oidc.verify(token)
        await self.pool.execute(
            "INSERT INTO revoked_tokens VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            claims.issuer,
            claims.token_id,
            # kept as long as the token could still be accepted, clock leeway included
            claims.expires_at + self.oidc.leeway,
        )
        await self._prune_revoked()

    async def logout_everywhere(self, user_id: UUID) -> None:
        """End every local session of the user (each browser, each token); tokens of the
        identity provider are ended one by one, at their own logout."""
        self._forget(user_id)
        await self.pool.execute("DELETE FROM sessions WHERE user_id = $1", user_id)

    async def session(self, token: str) -> tuple[User, datetime]:
        """A local session's user and when it ends; TokenRefused if it has ended."""
        return await self._identify_session(_digest(token))

    async def authenticate(self, token: str) -> User | None:
        """The user a valid token belongs to, or None."""
        try:
            return await self.identify(token)
        except TokenRefused:
            return None

    async def identify(self, token: str) -> User:
        """The user a valid token belongs to; TokenRefused says why there is none. A token
        seen in the last RECENT seconds (and not expired since) is not looked up again: a
        logout in another process takes effect here within that time."""
        digest = _digest(token)
        now = time.monotonic()
        recent = self._recent.pop(digest, None)
        if recent is not None and recent[1] > now:
            self._recent[digest] = recent
            return recent[0]
        if looks_like_jwt(token):
            user, expires_at = await self._identify_provider_token(token)
        else:
            user, expires_at = await self._identify_session(digest)
        until = min((expires_at - datetime.now(UTC)).total_seconds(), RECENT)
        if len(self._recent) >= RECENT_MAX:
            self._recent.pop(next(iter(self._recent)))
        self._recent[digest] = (user, now + until)
        return user

    async def _identify_session(self, digest: bytes) -> tuple[User, datetime]:
        row = await self.pool.fetchrow(
            "SELECT u.user_id, u.username, u.display_name, u.administrator, u.disabled_at, "
            "s.expires_at FROM sessions s JOIN users u USING (user_id) "
            "WHERE s.token_sha256 = $1 AND s.expires_at > now()",
            digest,
        )
        if row is None:
            raise TokenRefused(NOT_LOGGED_IN)
        if row["disabled_at"] is not None:
            raise TokenRefused(DISABLED)
        user = User(row["user_id"], row["username"], row["display_name"], row["administrator"])
        return user, row["expires_at"]

    async def _identify_provider_token(self, token: str) -> tuple[User, datetime]:
        if self.oidc is None:
            raise TokenRefused(NOT_LOGGED_IN)
        claims = await self.oidc.verify(token)
        row = await self.pool.fetchrow(
            "SELECT EXISTS (SELECT FROM revoked_tokens WHERE issuer = $1 AND token_id = $3) "
            "AS revoked, u.user_id, u.username, u.display_name, u.administrator, u.disabled_at "
            "FROM (VALUES (1)) AS one "
            "LEFT JOIN external_identities e ON e.issuer = $1 AND e.subject = $2 "
            "LEFT JOIN users u ON u.user_id = e.user_id",
            claims.issuer,
            claims.subject,
            claims.token_id,
        )
        if row["revoked"]:
            raise TokenRefused("the token was revoked by a logout: log in again")
        if row["user_id"] is None:
            raise TokenRefused("no JITspace user is linked to this identity")
        if row["disabled_at"] is not None:
            raise TokenRefused(DISABLED)
        user = User(row["user_id"], row["username"], row["display_name"], row["administrator"])
        return user, claims.expires_at

    async def _prune_revoked(self) -> None:
        now = time.monotonic()
        if now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        await self.pool.execute("DELETE FROM revoked_tokens WHERE expires_at < now()")

    async def find(self, username: str) -> User | None:
        row = await self.pool.fetchrow(
            "SELECT user_id, username, display_name, administrator FROM users WHERE username = $1",
            username,
        )
        return User(**dict(row)) if row else None

    async def named(self, username: str) -> User:
        """The user of this username; IdentityError if there is none (the command line's
        way to name a user)."""
        user = await self.find(username)
        if user is None:
            raise IdentityError(f"there is no user {username!r}", field="username")
        return user

    async def get(self, user_id: UUID) -> User | None:
        row = await self.pool.fetchrow(
            "SELECT user_id, username, display_name, administrator FROM users WHERE user_id = $1",
            user_id,
        )
        return User(**dict(row)) if row else None


def _account(row: asyncpg.Record) -> Account:
    return Account(
        user_id=row["user_id"],
        username=row["username"],
        display_name=row["display_name"],
        administrator=row["administrator"],
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
        local_login=row["local_login"],
        identities=[(issuer, subject) for issuer, subject in row["identities"]],
    )
