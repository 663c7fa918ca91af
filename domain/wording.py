"""How the domain puts quantities into words for people: reasons and defects are read by
lawyers, not parsed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol
from uuid import UUID


class Named(Protocol):
    """A membership as the roster records it."""

    @property
    def user_id(self) -> UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str: ...


def span(length: timedelta) -> str:
    """A duration as people say it, to the minute under an hour, to the hour under a week,
    to the day beyond: "3 days 5 hours", not "3 days, 5:12:09.481"."""
    minutes = max(0, round(length.total_seconds() / 60))
    if minutes < 60:
        return _count(minutes, "minute")
    hours = round(minutes / 60)
    if hours < 7 * 24:
        days, hours = divmod(hours, 24)
        return " ".join(part for part in (_count(days, "day"), _count(hours, "hour")) if part != "")
    return _count(round(hours / 24), "day")


def _count(n: int, unit: str) -> str:
    return "" if n == 0 and unit != "minute" else f"{n} {unit}{'' if n == 1 else 's'}"


def person(roster: Iterable[Named], user_id: UUID) -> str:
    """Who someone is, as the team's roster names them: "Inès Martin (FR)"."""
    theirs = [m for m in roster if m.user_id == user_id]
    if not theirs:
        return "someone who was never a member of the team"
    named = next((m for m in reversed(theirs) if m.name), None)
    if named is None:  # recorded before names were kept
        return "a member whose name is not on record"
    return named.name + (f" ({named.country})" if named.country else "")


def fact(event: str) -> str:
    """An event's name as words: "HandedOver" reads "handed over"."""
    return " ".join(w.lower() for w in re.findall(r"[A-Z][a-z]*", event)) or event
