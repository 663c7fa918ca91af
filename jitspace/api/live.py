"""The live feed of an investigation over a websocket (protocol: jitspace/live/messages.py).

The client opens `/investigations/{id}/live` and sends a hello naming the last log position
it has; the token travels in that first message (browsers cannot set headers on a
websocket, and a token in the URL would land in access logs) or in an `Authorization:
Bearer` header. Close codes: 4400 bad hello, 4401 unknown or expired token (also when it
is logged out or expires while watching), 4404 no such investigation for this user (also
when the user is removed from it), 4408 too slow, 1013 the process has `live_max_viewers`
already (try again later). Token and membership are checked again every
`live_recheck_seconds`.
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
from jitspace.api.dependencies import RuntimeDep, bearer_token
from jitspace.identity import User
from jitspace.live.feed import LOGGED_OUT, NOT_A_MEMBER, Closed, Viewer
from jitspace.live.messages import MAX_POSITION, Hello
from jitspace.memberships import Membership
from jitspace.withholding import Audience

Socket = WebSocket[Any, Any, Any]
# a client that says nothing this long after connecting is dropped
HELLO_TIMEOUT = 10.0
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
        with runtime.live.seat():
            viewer, token = await _admit(socket, investigation_id, runtime)

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
    """The hello, the token and membership, checked before anything is sent; the viewer and
    its token (kept only to check it again, never logged)."""
    try:
        raw = await asyncio.wait_for(socket.receive_text(), HELLO_TIMEOUT)
        hello = msgspec.json.decode(raw, type=Hello)
    except TimeoutError:
        raise Closed(4400, "send a hello first") from None
    except msgspec.ValidationError as error:
        raise Closed(4400, f"bad hello: {error}"[:120]) from None
    except msgspec.DecodeError:
        raise Closed(4400, "bad hello: not JSON") from None
    if not 0 <= hello.after <= MAX_POSITION:
        raise Closed(4400, "bad hello: after is a log position (0 or more)")
    token = hello.token or bearer_token(socket.headers.get("authorization"))
    user = await runtime.identity.authenticate(token) if token else None
    if token is None or user is None:
        raise LOGGED_OUT
    membership = await _check_member(runtime, user, investigation_id)
    audience = audience_of(membership)
    return Viewer(user, audience, hello.after, runtime.settings.live_queue_size), token


async def _check_member(
    runtime: RuntimeDep, user: User, investigation_id: UUID, max_age: float = 0.0
) -> Membership:
    try:
        return await member_for(
            runtime, user, investigation_id, Action.VIEW_INVESTIGATION, max_age=max_age
        )
    except (NotFound, PermissionDenied):
        raise NOT_A_MEMBER from None


async def _until_gone(socket: Socket) -> None:
    """Read (and ignore) what the client sends after its hello, until it disconnects."""
    while True:
        await socket.receive_data(mode="text")
