"""The web interface as built from `frontend/` (`npm run build`), shipped inside the package
so that a machine with only Python serves it: `static/index.html` and `static/assets/`."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
INDEX = STATIC / "index.html"
ASSETS = STATIC / "assets"
