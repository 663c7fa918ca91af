"""Decoding errors of a request body, told in the words of its contract.

msgspec stops at the first error and speaks of types and regular expressions; a user needs
every field left out, the values an enum allows, and what form a value must take.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec.inspect as mi

_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def type_at(root: Any, path: str) -> mi.Type | None:
    """The type of the field at `path` (e.g. `parties[0].country`) of the body type."""
    try:
        kind: mi.Type | None = mi.type_info(root)
    except (TypeError, ValueError):
        return None
    for key, index in _PATH_PART.findall("." + path if path else ""):
        kind = _unwrapped(kind, struct=bool(key))
        if key and isinstance(kind, mi.StructType):
            kind = next((f.type for f in kind.fields if f.encode_name == key), None)
        elif index and isinstance(kind, mi.ListType | mi.SetType):
            kind = kind.item_type
        elif key and isinstance(kind, mi.DictType):
            kind = kind.value_type
        else:
            return None
    return kind


def _unwrapped(kind: mi.Type | None, *, struct: bool = False) -> mi.Type | None:
    while isinstance(kind, mi.Metadata | mi.UnionType):
        if isinstance(kind, mi.Metadata):
            kind = kind.type
        else:
            wanted = (mi.StructType, mi.DictType) if struct else (mi.ListType, mi.SetType)
            kind = next(
                (t for t in kind.types if isinstance(_unwrapped(t), wanted)),
                next((t for t in kind.types if not isinstance(t, mi.NoneType)), None),
            )
    return kind


def missing_fields(root: Any, body: bytes, path: str) -> list[str]:
    """Every required field absent from the object at `path` of the body, by its path."""
    kind = _unwrapped(type_at(root, path), struct=True)
    if not isinstance(kind, mi.StructType):
        return []
    try:
        value: Any = json.loads(body)
        for key, index in _PATH_PART.findall("." + path if path else ""):
            value = value[key] if key else value[int(index)]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return []
    if not isinstance(value, dict):
        return []
    prefix = f"{path}." if path else ""
    return [
        prefix + f.encode_name for f in kind.fields if f.required and f.encode_name not in value
    ]


def allowed_values(kind: mi.Type | None) -> list[str]:
    """The values an enum field allows (none: not an enum)."""
    while isinstance(kind, mi.Metadata | mi.UnionType):
        kind = (
            kind.type
            if isinstance(kind, mi.Metadata)
            else next((t for t in kind.types if not isinstance(t, mi.NoneType)), None)
        )
    if isinstance(kind, mi.EnumType):
        return [str(member.value) for member in kind.cls]
    if isinstance(kind, mi.LiteralType):
        return [str(value) for value in kind.values]
    return []


def expected_form(kind: mi.Type | None) -> str:
    """What a value must look like, from the description and examples of its type."""
    description, examples = "", list[Any]()
    while isinstance(kind, mi.Metadata | mi.UnionType):
        if isinstance(kind, mi.Metadata):
            schema = {**(kind.extra_json_schema or {}), **(kind.extra or {})}
            form = schema.get("form")  # the type's own words for its form, if it has them
            if form:
                return form_in_words(str(form), [])
            # the innermost type's words describe its form (outer ones, the field's role)
            description = str(schema.get("description", description))
            examples = list(schema.get("examples", examples))
            kind = kind.type
        else:
            kind = next((t for t in kind.types if not isinstance(t, mi.NoneType)), None)
    return form_in_words(description, examples)


def form_in_words(description: str, examples: list[Any]) -> str:
    said = "is not in the expected form"
    if description:
        said += f": {description}"
    if examples:
        said += f" (e.g. {', '.join(str(e) for e in examples[:2])})"
    return said
