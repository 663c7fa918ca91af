"""What a request may carry, checked once for every operation before its handler reads it.

One rule for every text a request brings (JSON body, query, declared headers, path): valid
UTF-8, no control characters and no lone UTF-16 surrogates. PostgreSQL text cannot hold NUL,
and a value the log accepts but a read model cannot copy would stop that read model; the
other control characters hide in names shown to people and in the files the team exports.
Free text (fields typed `lines=True`, e.g. a description or a note) may break lines: tab,
line feed and carriage return are allowed there, nowhere else.

Also bounded here: the whole request head (a client could send a large one in one write,
which the server's own bound on incomplete heads does not see) and the nesting of JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import unquote_to_bytes

import msgspec
import msgspec.inspect as mi
from litestar import Request
from litestar.enums import ParamType, ScopeType
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.typing import FieldDefinition

# the request line and headers together, as `jitspace serve` bounds an incomplete head
MAX_HEAD_BYTES = 16 * 1024
# the API's deepest body is four levels; a bound well above it, and far below what makes a
# JSON decoder recurse out of its stack
MAX_DEPTH = 32
# what the type of a free-text field says (msgspec.Meta(extra=LINES))
LINES = {"lines": True}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str, *, lines: bool = False) -> str | None:
    """What is wrong with a text a request carries, in words; None: nothing."""
    found = (_CONTROL_BUT_LINES if lines else _CONTROL).search(value)
    if found is None:
        return None
    char = found.group()
    where = f"at character {found.start() + 1}"
    if char == "\x00":
        return f"contains a NUL character (U+0000) {where}; text cannot hold it"
    if "\ud800" <= char <= "\udfff":
        return f"contains half of a UTF-16 surrogate pair (U+{ord(char):04X}) {where}"
    allowed = " (only line breaks and tabs are allowed here)" if lines else ""
    return f"contains a control character (U+{ord(char):04X}) {where}{allowed}"


class HeadTooLarge(HTTPException):
    status_code = 431


class InputCheck(ASGIMiddleware):
    """Refuses, before any handler runs, a request whose head is too large or whose text
    breaks the rule; the refusal names the field at fault (as the client sends it)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request[Any, Any, Any] = Request(scope, receive)
        check_head(scope)
        handler = scope["route_handler"]
        check_query(scope["query_string"])
        check_path(scope)
        for header in declared_headers(handler):
            if (value := request.headers.get(header)) is not None:
                refuse_if_bad(header, value)
        body = handler.parsed_fn_signature.parameters.get("data")
        if body is not None:
            check_body(await request.body(), body.annotation)
        await next_app(scope, receive, send)


@cache
def declared_headers(handler: BaseRouteHandler) -> tuple[str, ...]:
    """The headers a route declares, itself or through the dependencies it takes (e.g. the
    If-Match of a command on a record), in the order of its parameters."""
    providers = handler.resolve_dependencies()

    def headers(parameters: dict[str, FieldDefinition]) -> Iterator[str]:
        for name, parameter in parameters.items():
            if name in providers:
                yield from headers(providers[name].parsed_fn_signature.parameters)
            definition = parameter.kwarg_definition
            if getattr(definition, "param_type", None) is ParamType.HEADER:
                yield getattr(definition, "name", None) or name

    return tuple(headers(handler.parsed_fn_signature.parameters))


def check_head(scope: Scope) -> None:
    size = len(scope.get("raw_path") or b"") + len(scope["query_string"])
    size += sum(len(name) + len(value) + 4 for name, value in scope["headers"])
    if size > MAX_HEAD_BYTES:
        raise HeadTooLarge(
            f"the request line and headers hold {size} bytes; at most {MAX_HEAD_BYTES} are read"
        )


def check_query(query: bytes) -> None:
    for pair in query.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        name = _decoded(raw_name, "a query parameter's name")
        refuse_if_bad(name, name)
        refuse_if_bad(name, _decoded(raw_value, name))


def check_path(scope: Scope) -> None:
    raw = scope.get("raw_path")
    if raw:
        refuse_if_bad("path", _decoded(raw, "path"))


def _decoded(raw: bytes, field: str) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refusal(field, f"is not valid UTF-8 (byte {error.start + 1})") from None


def check_body(body: bytes, body_type: Any) -> None:
    """The body's text, if it is JSON; a body that is not JSON is left to the decoder, which
    says what is malformed."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refusal("body", f"is not valid UTF-8 (byte {error.start + 1})") from None
    try:
        value = msgspec.json.decode(body)
    except RecursionError:
        raise _too_deep() from None
    except msgspec.DecodeError:
        try:  # Python's own decoder reads a lone surrogate (`"\\ud800"`): the walk names it
            value = json.loads(body)
        except RecursionError:
            raise _too_deep() from None
        except ValueError:
            return  # not JSON: the handler's decoder says what is malformed
    for field, text, lines in _texts(value, _type_of(body_type), "", 0):
        refuse_if_bad(field or "body", text, lines=lines)


def refuse_if_bad(field: str, value: str, *, lines: bool = False) -> None:
    problem = text_problem(value, lines=lines)
    if problem is not None:
        raise _refusal(field, problem)


def _refusal(field: str, message: str) -> ValidationException:
    return ValidationException(f"{field}: {message}", extra=[{"key": field, "message": message}])


def _too_deep() -> ValidationException:
    message = f"is nested more than {MAX_DEPTH} levels deep"
    return ValidationException(f"body: {message}", extra=[{"key": "body", "message": message}])


@cache
def _type_of(body_type: Any) -> mi.Type | None:
    try:
        return mi.type_info(body_type)
    except (TypeError, ValueError):
        return None


def _texts(
    value: Any, kind: mi.Type | None, path: str, depth: int
) -> Iterator[tuple[str, str, bool]]:
    """Every string in a decoded JSON value (keys too), with its path and whether its
    field's type allows line breaks."""
    if depth > MAX_DEPTH:
        raise _too_deep()
    lines = False
    while isinstance(kind, (mi.Metadata, mi.UnionType)):
        if isinstance(kind, mi.Metadata):
            lines = lines or bool((kind.extra or {}).get("lines"))
            kind = kind.type
        else:
            kind = _member_for(value, kind)
    if isinstance(value, str):
        yield path, value, lines
    elif isinstance(value, dict):
        fields = {}
        if isinstance(kind, mi.StructType):
            fields = {f.encode_name: f.type for f in kind.fields}
        inner = kind.value_type if isinstance(kind, mi.DictType) else None
        for key, item in value.items():
            field = f"{path}.{key}" if path else str(key)
            yield field, key, False
            yield from _texts(item, fields.get(key, inner), field, depth + 1)
    elif isinstance(value, list):
        inner = kind.item_type if isinstance(kind, (mi.ListType, mi.SetType)) else None
        for index, item in enumerate(value):
            yield from _texts(item, inner, f"{path}[{index}]", depth + 1)


def _member_for(value: Any, union: mi.UnionType) -> mi.Type | None:
    """The member of a union that a JSON value of this kind decodes into."""
    wanted: tuple[type[mi.Type], ...] = (
        (mi.StructType, mi.DictType)
        if isinstance(value, dict)
        else (mi.ListType, mi.SetType)
        if isinstance(value, list)
        else (mi.StrType,)
    )
    for member in union.types:
        inner = member.type if isinstance(member, mi.Metadata) else member
        if isinstance(inner, wanted):
            return member
    return None
