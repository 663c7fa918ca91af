"""A small client of the live feed (used by `jitspace watch`, the tests and the benchmark).

It sends the last log position it has on every (re)connection, so after a dropped
connection or a restarted server it receives exactly what it missed. It passes on what the
server sends without filtering, so tests see the server's behaviour as it is.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import UUID

import msgspec
import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

# close codes that no reconnection can cure
FINAL_CODES = {4400: "bad hello", 4401: "unknown or expired token", 4404: "no such investigation"}


class Rejected(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code}: {reason or FINAL_CODES.get(code, '')}")
        self.code = code
        self.reason = reason


class Unreachable(Exception):
    """No server answered at the URL; the message says where and why."""


def live_url(base_url: str, investigation_id: UUID | str) -> str:
    scheme, _, rest = base_url.rstrip("/").partition("://")
    ws = "wss" if scheme == "https" else "ws"
    return f"{ws}://{rest}/investigations/{investigation_id}/live"


def log_in(base_url: str, username: str, password: str) -> str:
    """A bearer token from POST /auth/login; Rejected with the server's answer (a wrong
    password, too many attempts), Unreachable if no server answers."""
    url = f"{base_url.rstrip('/')}/auth/login"
    request = urllib.request.Request(  # noqa: S310 (the URL is the server the user names)
        url,
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            token: str = json.load(response)["token"]
    except urllib.error.HTTPError as error:
        raise Rejected(error.code, _detail(error)) from None
    except urllib.error.URLError as error:
        raise Unreachable(f"cannot reach {url}: {_why(error.reason)}") from None
    except OSError as error:  # (a connection cut or timed out while the answer came)
        raise Unreachable(f"cannot reach {url}: {_why(error)}") from None
    return token


def _detail(error: urllib.error.HTTPError) -> str:
    """What the server said (its problem document's `detail`), else the status's name."""
    try:
        detail = json.load(error)["detail"]
    except Exception:
        detail = None
    return detail if isinstance(detail, str) and detail else str(error.reason)


def _why(reason: object) -> str:
    """Why a connection failed, in words ("Connection refused")."""
    errno = getattr(reason, "errno", None)
    if isinstance(errno, int) and errno > 0:  # (asyncio's own message names no reason)
        return os.strerror(errno)
    return str(getattr(reason, "strerror", None) or reason or type(reason).__name__)


class LiveClient:
    """Follows one investigation; `position` is the last event received."""

    def __init__(
        self,
        base_urls: Sequence[str],
        investigation_id: UUID | str,
        token: str,
        *,
        after: int = 0,
        reconnect: bool = True,
        retry_seconds: float = 0.2,
        wait_for_server: bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.urls = [live_url(url, investigation_id) for url in base_urls]
        # wss: the certificate authorities to trust (None: the system's)
        self.tls = tls
        self.token = token
        self.position = after
        self.reconnect = reconnect
        self.retry_seconds = retry_seconds
        # False: Unreachable if the first connection fails (a server that answered once and
        # went away is waited for, if `reconnect`)
        self.wait_for_server = wait_for_server
        self.connections = 0
        self.connected = asyncio.Event()

    async def messages(self) -> AsyncIterator[dict[str, Any]]:
        """Every message the server sends, reconnecting (to the next URL) when cut off."""
        attempt = 0
        while True:
            url = self.urls[attempt % len(self.urls)]
            failure = ""
            try:
                # wss: this client's certificate authorities, if it was given them
                tls: dict[str, Any] = (
                    {"ssl": self.tls} if url.startswith("wss:") and self.tls else {}
                )
                async with websockets.connect(
                    url, open_timeout=10, max_size=2**24, ping_interval=20, **tls
                ) as socket:
                    hello = {"type": "hello", "token": self.token, "after": self.position}
                    await socket.send(msgspec.json.encode(hello).decode())
                    self.connections += 1
                    self.connected.set()
                    async for raw in socket:
                        message: dict[str, Any] = msgspec.json.decode(raw)
                        if message["type"] == "event":
                            self.position = message["event"]["position"]
                        attempt = 0
                        yield message
            except ConnectionClosed as closed:
                if closed.rcvd is not None and closed.rcvd.code in FINAL_CODES:
                    raise Rejected(closed.rcvd.code, closed.rcvd.reason) from None
            except InvalidStatus as error:
                if error.response.status_code in (401, 403, 404):
                    raise Rejected(error.response.status_code, "refused") from None
                failure = f"it answered {error.response.status_code}"
            except (OSError, InvalidHandshake, TimeoutError) as error:
                failure = _why(error)
            if failure and not self.wait_for_server and not self.connections:
                raise Unreachable(f"cannot reach {url}: {failure}")
            self.connected.clear()
            if not self.reconnect:
                return
            attempt += 1
            await asyncio.sleep(self.retry_seconds)
