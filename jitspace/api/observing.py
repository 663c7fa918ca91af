"""Every HTTP request is seen by the operators: it gets an id (sent back as X-Request-ID,
bound to every log line it causes with the user's and the investigation's ids, where known),
and when its answer starts it is counted by route and status, timed, and logged in one line.

The line names the route as declared (`/investigations/{investigation_id:uuid}`), never the
path as sent nor its query, which may carry a provider's code or a user's search terms.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from jitspace.settings import Settings
from jitspace.telemetry.logs import bind, unbind_all
from jitspace.telemetry.metrics import HTTP_RESPONSES, HTTP_SECONDS

REQUEST_ID = "X-Request-ID"
# an id a proxy in front gave the request, kept so that its log and ours match
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# a request no route takes is counted under this name, not under its path
UNMATCHED = "unmatched"
logger = logging.getLogger("jitspace.requests")


class RequestContext(ASGIMiddleware):
    """The first step of every routed request: its id and the ids of what it is about."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        begin(scope)
        await next_app(scope, receive, send)


def begin(scope: Scope) -> str:
    """The request's id, made (or taken from the proxy's X-Request-ID) on first sight."""
    state = scope["state"]
    if (known := state.get("request_id")) is not None:
        return str(known)
    given = next(
        (v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-request-id"), ""
    )
    request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
    state["request_id"] = request_id
    state["request_started"] = time.perf_counter()
    unbind_all()
    bind(
        request_id=request_id,
        investigation_id=scope.get("path_params", {}).get("investigation_id"),
    )
    return request_id


def observe_responses(settings: Settings) -> BeforeMessageSendHookHandler:
    """A hook on the start of every HTTP answer, whichever part of the app sends it (a
    handler, an error, the router's 404): its id header, its count, its log line."""

    async def observe(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        scope.setdefault("state", {})
        routed = "request_started" in scope["state"]
        request_id = begin(scope)  # a path no route takes passes no middleware
        MutableScopeHeaders.from_message(message)[REQUEST_ID] = request_id
        method = str(scope.get("method", ""))
        route = scope.get("path_template", UNMATCHED) if routed else UNMATCHED
        status = message["status"]
        HTTP_RESPONSES.labels(method, route, str(status)).inc()
        seconds = time.perf_counter() - scope["state"]["request_started"]
        if routed:
            HTTP_SECONDS.labels(method, route).observe(seconds)
        if settings.access_log:
            user = scope["state"].get("user")
            logger.info(
                "%s %s %s",
                method,
                route,
                status,
                extra=_fields(method, route, status, seconds, user),
            )

    return observe


def _fields(method: str, route: str, status: int, seconds: float, user: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
    }
    if user is not None:
        fields["user_id"] = str(user.user_id)
    return fields
