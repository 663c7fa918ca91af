"""The limit of this stack for the command benchmark: a bare Litestar endpoint that does the
command path's single INSERT, and nothing else, served as `jitspace serve` serves.

    python -m tests.bench.bare_endpoint --port PORT   (JITSPACE_DATABASE_URL: the database)

POST /investigations/{id}/tasks inserts one row of the benchmark's raw table (`bench_raw`,
made by bench_commands.py) through an asyncpg pool as large as JITspace's read side
(`JITSPACE_POOL_SIZE`), and answers 201 with the row's id. uvicorn runs it with JITspace's
own server options (jitspace/cli.py `server_options`), access log off as the benchmark runs
`jitspace serve`. No authentication, membership, event, hash chain or read model: what is
left is the HTTP server, Litestar's routing and decoding, and one round trip to PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import uvicorn
from litestar import Litestar, get, post
from litestar.datastructures import State

from jitspace.cli import server_options
from jitspace.settings import Settings

INSERT = (
    "INSERT INTO bench_raw (originator_id, originator_version, topic, state) "
    "VALUES ($1, 1, 'domain.task:Task.Created', $2)"
)


def bare_app(settings: Settings) -> Litestar:
    @asynccontextmanager
    async def pool(app: Litestar) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            settings.database_url, min_size=2, max_size=settings.pool_size
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    @post("/investigations/{investigation_id:uuid}/tasks", status_code=201)
    async def create_task(
        state: State, investigation_id: uuid.UUID, data: dict[str, str]
    ) -> dict[str, str]:
        row_id = uuid.uuid4()
        # about as large as the command's stored event (bench_commands.STATE_BYTES)
        body = (data.get("title", "") + data.get("description", "")).encode().ljust(400)
        await state.pool.execute(INSERT, row_id, body)
        return {"id": str(row_id), "investigation_id": str(investigation_id)}

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar([create_task, health], lifespan=[pool])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    settings = Settings.from_env(os.environ)
    config = uvicorn.Config(
        bare_app(settings),
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
        log_config=None,
        **server_options(settings),
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
