"""What every handler may ask for: the runtime, the caller, the expected version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from anyio import to_thread
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, ValidationException

from jitspace.identity import User
from jitspace.runtime import Runtime

T = TypeVar("T")
RuntimeDep = NamedDependency[Runtime]
CurrentUser = NamedDependency[User]
# clocks of the team's machines differ a little; a report further ahead is an input error
CLOCK_SKEW = timedelta(minutes=5)
# versions are bigints: 19 digits at most, and no record gets near 10**18 events
MAX_VERSION_DIGITS = 18


def provide_runtime(state: State) -> Runtime:
    runtime: RuntimeDep = state.runtime
    return runtime


async def provide_user(request: Request[Any, Any, Any], runtime: RuntimeDep) -> User:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthorizedException(
            "send the token from POST /auth/login as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    user = await runtime.identity.authenticate(token.strip())
    if user is None:
        raise NotAuthorizedException(
            "the token is unknown or expired: log in again",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return user


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a write-side call (blocking I/O) off the event loop."""
    return await to_thread.run_sync(partial(fn, *args, **kwargs))


def expected_version(if_match: str | None) -> int | None:
    """The version named by an If-Match header (`3`, `"3"` or `W/"3"`), if any."""
    if if_match is None:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    # ASCII digits only ("²" is a digit to str.isdigit but not to int), and no more than a
    # stored version can hold (int() refuses strings of over 4,300 digits)
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_VERSION_DIGITS:
        raise ValidationException(
            'If-Match names the version you last read, e.g. If-Match: "3"',
            extra=[{"key": "If-Match", "message": "expected a version number"}],
        )
    return int(value)


def reported_time(value: datetime | None, *, field: str = "occurred_at") -> datetime:
    """When a reported fact happened: given by the user, or now; never in the future."""
    now = datetime.now(UTC)
    if value is None:
        return now
    value = checked_instant(value, field=field)
    if value > now + CLOCK_SKEW:
        raise ValidationException(
            f"{field} is in the future",
            extra=[{"key": field, "message": f"{value.isoformat()} is later than now"}],
        )
    return value.astimezone(UTC)


def checked_instant(value: datetime, *, field: str) -> datetime:
    """An instant that exists in UTC (0001-01-01T00:00+14:00 does not: it is in year 0)."""
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValidationException(
            f"{field} is out of range",
            extra=[{"key": field, "message": f"{value.isoformat()} is not a representable time"}],
        ) from None
    return value
