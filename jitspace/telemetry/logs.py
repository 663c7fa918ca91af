"""Structured logs: one JSON object a line on standard error, for `jitspace serve` and
`jitspace worker`, from structlog and from every standard `logging` logger alike (uvicorn's,
the libraries', JITspace's own).

Each line carries the ids bound for the work it belongs to (`bind`: the request's id, the
user's, the investigation's), never a secret: a value under a key that names a credential
(authorization, cookie, password, token, secret, ...) is replaced, and a bearer token, a
session cookie or a `password=` written into a message or a traceback is cut out of it.
What is logged names records by their ids; documents and request bodies are never logged,
so restricted fields cannot reach a log line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"
# keys whose value is a credential, whatever it looks like
SECRET_KEY = re.compile(
    r"authori[sz]ation|cookie|passw|passphrase|token|secret|credential|api[_-]?key|csrf|"
    r"session_id|private[_-]?key",
    re.IGNORECASE,
)
# credentials written into a text: a bearer token, a cookie's or a query's secret value
SECRET_IN_TEXT = re.compile(
    r"(?P<lead>\bbearer\s+|"
    r"(?:(?<![\w-])(?:code|state)|[\w-]*(?:token|passw|passphrase|secret|cookie|session)[\w-]*)"
    r"[\"']?\s*[=:]\s*[\"']?)"
    r"(?P<secret>[^\s\"'&;,)}\]]+)",
    re.IGNORECASE,
)


def redact(value: Any) -> Any:
    """`value` with the credentials it carries replaced, at any depth."""
    if isinstance(value, str):
        return SECRET_IN_TEXT.sub(lambda m: m["lead"] + REDACTED, value)
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and SECRET_KEY.search(k) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def drop_secrets(
    logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """The last step before a line is written: no credential leaves in it."""
    for key, value in list(event.items()):
        event[key] = REDACTED if SECRET_KEY.search(key) else redact(value)
    return event


def _drop_colours(
    logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """uvicorn's copy of its message for a terminal, with colour codes: not for a collector."""
    event.pop("color_message", None)
    return event


def bind(**ids: object) -> None:
    """Ids that every line logged from here on in this task (or thread it starts) carries."""
    structlog.contextvars.bind_contextvars(**{k: str(v) for k, v in ids.items() if v is not None})


def unbind_all() -> None:
    structlog.contextvars.clear_contextvars()


def log_as_json(level: int = logging.INFO) -> None:
    """Write every log line of this process as JSON on standard error."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _drop_colours,
            structlog.processors.format_exc_info,
            drop_secrets,
            structlog.processors.JSONRenderer(default=str),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's own loggers write through the root's handler, not handlers of their own
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
