"""What every handler may ask for: the runtime, the caller, the expected version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, ValidationException
from litestar.openapi.spec import Example
from litestar.params import FromPath, HeaderParameter, QueryParameter

from jitspace.api.browser import check_from_the_page, cookie_token
from jitspace.auth.errors import TokenRefused
from jitspace.auth.identity import User
from jitspace.bootstrap import Runtime
from jitspace.reads.records import Past, Present, Reading
from jitspace.reads.records import in_thread as in_thread  # the handlers' writes run so too

RuntimeDep = NamedDependency[Runtime]
CurrentUser = NamedDependency[User]
# clocks of the team's machines differ a little; a report further ahead is an input error
CLOCK_SKEW = timedelta(minutes=5)
# versions are bigints: 19 digits at most, and no record gets near 10**18 events
MAX_VERSION_DIGITS = 18


def provide_runtime(state: State) -> Runtime:
    runtime: RuntimeDep = state.runtime
    return runtime


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if that is what it holds."""
    scheme, _, token = (authorization or "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The address a request or websocket came from, as the security log and login
    throttling see it (behind a trusted proxy: the one its X-Forwarded-For names)."""
    return connection.client.host if connection.client else None


def request_token(request: Request[Any, Any, Any]) -> str | None:
    """The token a request is authenticated by: its bearer token, or else its session cookie
    (checked to come from JITspace's own page: jitspace/api/browser.py)."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None and (token := cookie_token(request)) is not None:
        check_from_the_page(request, token)
    return token


async def provide_user(request: Request[Any, Any, Any], runtime: RuntimeDep) -> User:
    token = request_token(request)
    if token is None:
        raise NotAuthorizedException(
            "send the token from POST /auth/login as 'Authorization: Bearer <token>', "
            "or log in on the web page",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return await runtime.identity.identify(token)
    except TokenRefused as refused:
        await runtime.security_log.record(
            "token_refused",
            client=client_address(request),
            detail=f"{refused.message} ({request.method} {request.url.path[:200]})",
        )
        raise NotAuthorizedException(
            refused.message, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        ) from None


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
    """The instant in UTC, as every instant is recorded; refused if it has no UTC time
    (0001-01-01T00:00+14:00 would be in year 0)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationException(
            f"{field} is out of range",
            extra=[{"key": field, "message": f"{value.isoformat()} is not a representable time"}],
        ) from None


# where an investigation's records live
BASE = "/investigations/{investigation_id:uuid}"
IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", description="the version you last read; 409 if it changed"),
]
AsOf = Annotated[
    str | None,
    QueryParameter(
        description="the state as of a time (ISO 8601 with a zone: what had been recorded by "
        "then) or as of a log position (an integer); default: now",
        examples=[Example(value="2024-07-05T00:00:00Z"), Example(value="120")],
    ),
]


def parse_as_of(value: str) -> tuple[datetime | None, int | None]:
    """`as_of` as (time, position): exactly one of them is set."""
    if value.isascii() and value.isdigit() and len(value) <= MAX_VERSION_DIGITS:
        return None, int(value)
    form = "a time with a zone (e.g. 2024-07-05T00:00:00Z) or a log position"
    return zoned_instant(value, field="as_of", form=form), None


def zoned_instant(value: str, *, field: str, form: str) -> datetime:
    """`value` as an ISO 8601 time with a zone, in UTC; refused as not `form` otherwise."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationException(
            f"{field} is {form}",
            extra=[{"key": field, "message": f"{value[:60]!r} is neither"}],
        )
    return checked_instant(moment, field=field)


def as_of_point(as_of: str | None) -> tuple[datetime | None, int | None]:
    """`as_of` as (time, position); neither for now."""
    return parse_as_of(as_of) if as_of is not None else (None, None)


async def records_at(
    runtime: Runtime, user: User, investigation_id: UUID, as_of: str | None
) -> Present | Past:
    """The investigation's records now, or as of `as_of` (a time or a log position)."""
    return await runtime.records.at(user.user_id, investigation_id, *as_of_point(as_of))


async def provide_records(
    investigation_id: FromPath[UUID], runtime: RuntimeDep, user: CurrentUser, as_of: AsOf = None
) -> Reading:
    """The path's investigation's records as the caller reads them: now, or as of `as_of`.

    A handler that reads one record names the path's ids before `records` (the investigation's
    too): the OpenAPI document lists the parameters in the order the handler meets them."""
    return await records_at(runtime, user, investigation_id, as_of)


RecordsAsOf = NamedDependency[Reading]
