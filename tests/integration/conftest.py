"""Integration tests: sections a test asks to have printed in the terminal summary."""

from __future__ import annotations

from collections.abc import Callable

import pytest

_SECTIONS = pytest.StashKey[list[tuple[str, list[str]]]]()


@pytest.fixture
def print_in_summary(request: pytest.FixtureRequest) -> Callable[[str, list[str]], None]:
    """Print a titled block of lines after the results, where `pytest -q` shows it too
    (captured output shows only for failures)."""
    sections = request.config.stash.setdefault(_SECTIONS, [])

    def add(title: str, lines: list[str]) -> None:
        sections.append((title, lines))

    return add


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    for title, lines in config.stash.get(_SECTIONS, []):
        terminalreporter.write_sep("=", title)
        for line in lines:
            terminalreporter.write_line(line)
