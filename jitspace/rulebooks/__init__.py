"""The rulebooks shipped with JITspace: illustrative examples, not legal advice.

Each file names its jurisdiction and version; adopting one records the file's name, version
and SHA-256 with the rules, so the log shows exactly which text was adopted.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any

import msgspec


class RulebookFile(msgspec.Struct, forbid_unknown_fields=True):
    jurisdiction: str
    version: str
    title: str
    notice: str
    illustrative: bool
    rules: list[dict[str, Any]]


class ShippedRulebook(msgspec.Struct, frozen=True):
    name: str
    sha256: str
    content: RulebookFile


def shipped_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".toml")
        for p in resources.files(__package__).iterdir()
        if p.name.endswith(".toml")
    )


def load_shipped(name: str) -> ShippedRulebook | None:
    """The shipped rulebook called `name` (e.g. "de"), or None if there is none."""
    if name not in shipped_names():
        return None
    data = resources.files(__package__).joinpath(f"{name}.toml").read_bytes()
    content = msgspec.toml.decode(data, type=RulebookFile)
    return ShippedRulebook(f"{name}.toml", hashlib.sha256(data).hexdigest(), content)
