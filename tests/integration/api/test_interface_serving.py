"""The web interface as the server hands it out: the page at `/` and its assets, with a
Content-Security-Policy of their own (this origin only, nothing inline), the API's headers
unchanged, and nothing outside the assets folder reachable through it."""

from __future__ import annotations

import re

import httpx

from jitspace.api.hardening import INTERFACE_CSP, SECURITY_HEADERS
from tests.support import ServerThread


def test_the_page_is_served_at_the_root_under_its_own_policy(server: ServerThread) -> None:
    page = httpx.get(f"{server.url}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == INTERFACE_CSP
    assert "'unsafe-inline'" not in INTERFACE_CSP and "script-src 'self'" in INTERFACE_CSP
    assert page.headers["x-frame-options"] == "DENY"
    # no inline script or style: each script is a file of this origin
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)
    assert "style=" not in page.text
    scripts = re.findall(r'<script[^>]*src="(/assets/[^"]+)"', page.text)
    assert scripts


def test_assets_are_kept_for_good_and_the_api_keeps_its_headers(server: ServerThread) -> None:
    page = httpx.get(f"{server.url}/")
    for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.text):
        served = httpx.get(f"{server.url}{asset}")
        assert served.status_code == 200, asset
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert served.headers["content-security-policy"] == INTERFACE_CSP
    api = httpx.get(f"{server.url}/health")
    assert api.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    assert api.headers["cache-control"] == "no-store"


def test_nothing_outside_the_assets_is_served(server: ServerThread) -> None:
    for path in ("/assets/../__init__.py", "/assets/%2e%2e/__init__.py", "/assets/nothing.js"):
        response = httpx.get(f"{server.url}{path}")
        assert response.status_code == 404, path
        assert "STATIC" not in response.text
