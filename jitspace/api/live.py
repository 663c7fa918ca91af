"""The live feed of an investigation over a websocket (protocol: jitspace/live/messages.py).

The client opens `/investigations/{id}/live` and sends a hello naming the last log position
it has; the token travels in that first message (browsers cannot set headers on a
websocket, and a token in the URL would land in access logs), in an `Authorization:
Bearer` header, or, for the web page, in its session cookie. Close codes: 4400 bad hello
(also an `after` beyond the investigation's last event), 4401 unknown or expired token
(also when it is logged out or expires while watching), 4403 the session cookie sent from
another site's page, 4404 no such investigation for this user (also when the user is removed from
it), 4408 too slow (no hello within `live_hello_timeout_seconds`, or not reading), 1013 the
process has `live_max_viewers` already, or `live_max_arriving` sockets not admitted yet
(try again later). Only an admitted viewer takes a viewer's seat. Token and membership are
checked again every `live_recheck_seconds`. A refused token or non-member at the door goes
to the security log with the client's address.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from uuid import UUID

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath
from litestar.types import WebSocketSendEvent

from domain.errors import NotFound, PermissionDenied
from domain.permissions import Action
from jitspace.api.access import audience_of, member_for
from jitspace.api.browser import cookie_token, same_origin
from jitspace.api.dependencies import RuntimeDep, bearer_token, client_address
from jitspace.auth.errors import TokenRefused
from jitspace.auth.identity import User
from jitspace.live.door import NoRoom
from jitspace.live.feed import FULL, LOGGED_OUT, NOT_A_MEMBER, Closed, Viewer
from jitspace.live.messages import MAX_POSITION, Hello
from jitspace.reads.memberships import Membership
from jitspace.reads.withholding import Audience

Socket = WebSocket[Any, Any, Any]
# a recheck on the clock may read who belongs to the investigation as of this long ago: the
# viewers of an investigation then look it up once a second between them, not each its own
# (a removal reaches its viewer as an event, and is checked fresh)
RECHECK_AGE = 1.0


@websocket(
    "/investigations/{investigation_id:uuid}/live",
    name="live-feed",
    access=Action.VIEW_INVESTIGATION,
)
async def live_feed(socket: Socket, investigation_id: FromPath[UUID], runtime: RuntimeDep) -> None:
    await socket.accept()
    try:
        viewer, token = await _admit(socket, investigation_id, runtime)
        with runtime.live.seat():

            async def still_allowed(fresh: bool) -> Audience:
                """The token still authenticates (no logout, not expired) and its user is still
                a member (as of the latest event, or of a second ago unless `fresh`): who they
                are there now."""
                user = await runtime.identity.authenticate(token)
                if user is None or user.user_id != viewer.user.user_id:
                    raise LOGGED_OUT
                membership = await _check_member(
                    runtime, user, investigation_id, 0.0 if fresh else RECHECK_AGE
                )
                return audience_of(membership)

            send_message = socket.send

            async def send(text: str) -> None:  # (the ASGI message itself: once per delivery)
                await send_message(WebSocketSendEvent(type="websocket.send", bytes=None, text=text))

            watching = asyncio.create_task(
                runtime.live.watch(investigation_id, viewer, send, still_allowed)
            )
            listening = asyncio.create_task(_until_gone(socket))
            try:
                done, _ = await asyncio.wait(
                    {watching, listening}, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for task in (watching, listening):
                    task.cancel()
                # reap both, however they ended: a client gone mid-send ends `watching` with the
                # server's own error (uvicorn's ClientDisconnected), which must not leave
                # `listening`'s disconnect unread (asyncio logs it as an error)
                await asyncio.gather(watching, listening, return_exceptions=True)
            for task in done:
                task.result()
    except Closed as closed:
        with contextlib.suppress(Exception):
            # bounded: a client too slow to read has a full buffer the close waits behind
            await asyncio.wait_for(socket.close(code=closed.code, reason=closed.reason), 5)
    except WebSocketDisconnect:
        pass


async def _admit(socket: Socket, investigation_id: UUID, runtime: RuntimeDep) -> tuple[Viewer, str]:
    """The hello, the token and membership, checked before anything is sent, while the socket
    has a place at the door; the viewer and its token (kept only to check it again, never
    logged)."""
    door = runtime.live.door
    try:
        with door.enter() as arrival:
            try:
                async with door.hello(arrival):
                    raw = await socket.receive_text()
            except TimeoutError:
                if arrival.turned_away:
                    raise Closed(4408, "no hello yet, and a newcomer needed the place") from None
                raise Closed(4408, f"no hello within {door.hello_timeout:g} s") from None
            return await _check_hello(socket, raw, investigation_id, runtime)
    except NoRoom:
        raise FULL from None


async def _check_hello(
    socket: Socket, raw: str, investigation_id: UUID, runtime: RuntimeDep
) -> tuple[Viewer, str]:
    try:
        hello = msgspec.json.decode(raw, type=Hello)
    except msgspec.ValidationError as error:
        raise Closed(4400, f"bad hello: {error}"[:120]) from None
    except msgspec.DecodeError:
        raise Closed(4400, "bad hello: not JSON") from None
    if not 0 <= hello.after <= MAX_POSITION:
        raise Closed(4400, "bad hello: after is a log position (0 or more)")
    token = hello.token or bearer_token(socket.headers.get("authorization"))
    if token is None and (token := cookie_token(socket)) is not None and not same_origin(socket):
        # a page of another site opening the feed with the member's cookie (SameSite keeps it
        # from doing so in today's browsers; this holds in the others)
        raise Closed(4403, "the live feed opens from JITspace's own page")
    if token is None:
        raise LOGGED_OUT
    client = client_address(socket)
    try:
        user = await runtime.identity.identify(token)
    except TokenRefused as refused:
        await runtime.security_log.record(
            "token_refused",
            investigation_id=investigation_id,
            client=client,
            detail=f"{refused.message} (live feed)",
        )
        raise LOGGED_OUT from None
    membership = await _check_member(runtime, user, investigation_id, client=client)
    # a position this investigation's log has not reached comes from another log (another
    # deployment or data directory): resuming from it would silently skip events
    if hello.after and hello.after > (head := await runtime.queries.head(investigation_id)):
        raise Closed(4400, f"bad hello: after {hello.after} is beyond the last event ({head})")
    audience = audience_of(membership)
    return Viewer(user, audience, hello.after, runtime.settings.live_queue_size), token


async def _check_member(
    runtime: RuntimeDep,
    user: User,
    investigation_id: UUID,
    max_age: float = 0.0,
    *,
    client: str | None = None,
) -> Membership:
    try:
        return await member_for(
            runtime,
            user,
            investigation_id,
            Action.VIEW_INVESTIGATION,
            client=client,
            max_age=max_age,
        )
    except (NotFound, PermissionDenied):
        raise NOT_A_MEMBER from None


async def _until_gone(socket: Socket) -> None:
    """Read (and ignore) what the client sends after its hello, until it disconnects."""
    while True:
        await socket.receive_data(mode="text")
