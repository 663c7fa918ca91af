"""Serving `jitspace serve` and `jitspace demo`: the port is taken before anything starts, and
the banner is printed once the server listens on it. And the health port of `jitspace worker`
(`--health-port`), for an orchestrator's probes.

Binding first makes a taken port one line and an exit, before the database starts or the
demo is seeded; printing last makes the URL and logins a promise the server keeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable, Mapping, Sequence

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


# what a health port answers a GET of a path, given the request's headers (names in lower
# case) and the peer's address: its status, content type and body
HealthAnswer = Callable[[str, Mapping[str, str], str], tuple[int, str, bytes]]
_REASONS = {200: "OK", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}
_REASONS[503] = "Service Unavailable"


async def serve_health(listening: socket.socket, answer: HealthAnswer) -> asyncio.Server:
    """A minimal HTTP/1.1 server on `listening` for the probes (and the metrics) of a process
    that serves no API (the worker): each GET is answered by `answer` on the process's own
    event loop, so a loop that no longer turns is seen as not live. One request per
    connection."""

    async def respond(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            request_line, *lines = head.decode("latin-1").split("\r\n")
            method, path, *_ = request_line.split(" ")
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines if line)
            }
            peer = writer.get_extra_info("peername") or ("",)
            if method == "GET":
                status, content_type, body = answer(path, headers, str(peer[0]))
            else:
                status, content_type, body = 404, "application/json", b'{"error": "GET only"}'
            writer.write(
                f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\n"
                f"Content-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            pass  # a probe that hung up or sent no request: nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    return await asyncio.start_server(respond, sock=listening, limit=16 * 1024)
