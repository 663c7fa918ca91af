"""Serving `jitspace serve` and `jitspace demo`: the port is taken before anything starts, and
the banner is printed once the server listens on it.

Binding first makes a taken port one line and an exit, before the database starts or the
demo is seeded; printing last makes the URL and logins a promise the server keeps.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence

import uvicorn


class CannotListen(Exception):
    """The address cannot be listened on; the message says which and why, in words."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port); CannotListen if it cannot be (e.g. the port is taken)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as error:
        # (create_server's message repeats the address after the reason)
        why = os.strerror(error.errno) if error.errno and error.errno > 0 else error.strerror
        raise CannotListen(f"cannot listen on {host}:{port}: {why or error}") from None


def url_of(listening: socket.socket) -> str:
    host, port = listening.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class AnnouncingServer(uvicorn.Server):
    """uvicorn's server on a socket bound beforehand, printing `banner` once it listens (the
    banner may be filled in while the app starts, e.g. with the demo's logins)."""

    def __init__(self, config: uvicorn.Config, banner: Sequence[str]) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            print("\n".join(["", *self.banner, ""]), flush=True)
