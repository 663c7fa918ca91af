"""The README shows the permission table the code enforces, not an older copy of it."""

from __future__ import annotations

from pathlib import Path

from domain.permissions import PERMISSIONS, Action
from domain.values import Role

README = Path(__file__).resolve().parents[3] / "README.md"


def permission_table() -> str:
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(r.value.replace("_", " ") for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action in Action:
        marks = " | ".join("yes" if r in PERMISSIONS[action] else "no" for r in roles)
        lines.append(f"| {action.described} | {marks} |")
    return "\n".join(lines)


def test_the_readme_holds_the_permission_table_of_the_code() -> None:
    assert permission_table() in README.read_text(), (
        "README.md's permission table differs from domain/permissions.py; paste this:\n"
        + permission_table()
    )
