"""Typed settings, read once from the environment (`JITSPACE_*`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec
import platformdirs


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # PostgreSQL URL; empty: an embedded PostgreSQL under data_dir/postgres
    database_url: str = ""
    # where the embedded default keeps its database (and, later, evidence files)
    data_dir: Path = Path(platformdirs.user_data_dir("jitspace"))
    host: str = "127.0.0.1"
    port: int = 8000
    # lifetime of a bearer token issued at login
    token_ttl_seconds: int = 12 * 3600
    # largest request body accepted, in bytes
    max_request_bytes: int = 1024 * 1024
    # connections of the write side (psycopg) and of the read side (asyncpg)
    pool_size: int = 8
    # run the read-model projections inside this process (one per deployment!)
    run_projections: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name in cls.__struct_fields__:
            key = f"JITSPACE_{name.upper()}"
            if key in env:
                values[name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return msgspec.convert(values, cls, strict=False, dec_hook=_decode)


def _decode(type_: type, value: object) -> object:
    if type_ is Path and isinstance(value, str | Path):
        return Path(value).expanduser()
    raise NotImplementedError(type_)
