"""The API's published description does not drift.

`frontend/openapi.json` is what the interface's typed client is generated from, and what a
refactoring must leave as it is: the served document is compared with it byte for byte (in
the committed layout). After a deliberate change of the API, write it again with
`jitspace openapi --output frontend/openapi.json` and review the difference.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from jitspace.api.app import openapi_text
from jitspace.cli import main
from tests.support import ServerThread

COMMITTED = Path(__file__).parents[3] / "frontend" / "openapi.json"


def test_the_served_openapi_document_is_the_committed_one(server: ServerThread) -> None:
    served = httpx.get(f"{server.url}/schema/openapi.json").json()
    assert openapi_text(served) == COMMITTED.read_text(encoding="utf-8"), (
        "the API's description changed: review it, then run "
        "`jitspace openapi --output frontend/openapi.json`"
    )


def test_the_cli_writes_the_document_the_server_serves(
    server: ServerThread, tmp_path: Path
) -> None:
    written = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(written)]) == 0
    served = httpx.get(f"{server.url}/schema/openapi.json").json()
    assert written.read_text(encoding="utf-8") == openapi_text(served)
