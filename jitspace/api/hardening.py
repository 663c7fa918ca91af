"""Browser-facing protections: security headers on every response, CORS only by setting.

The API serves JSON and evidence files; nothing it sends is meant to be rendered, framed,
cached by a shared cache or read by another origin's script. The web interface's page and
assets (`/`, `/assets/`) get a policy of their own: scripts, styles, images and connections
from this origin only, no inline script or style, never framed.
"""

from __future__ import annotations

from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from jitspace.settings import Settings

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # nothing loads, nothing frames us; `sandbox` gives a file opened in a browser anyway no
    # origin and no scripts
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    # evidence and records must never sit in a shared (or a browser's) cache
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# the interface's page: everything from this origin, nothing inline, nothing else
INTERFACE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# the assets' names carry a hash of their content: a browser may keep them for good
IMMUTABLE = "public, max-age=31536000, immutable"
# two years, the preload lists' minimum; only sent when the deployment says it is on HTTPS
HSTS = "max-age=63072000; includeSubDomains"

# what a browser of an allowed origin may send and read (bearer tokens: other origins never
# get the session cookie's credentials)
CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "If-Match", "Range"]
CORS_EXPOSED_HEADERS = ["ETag", "Content-Disposition"]


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """A hook setting the security headers on the start of every HTTP response, whichever
    part of the app (a handler, an error, the router, the OpenAPI document) sends it."""
    headers = dict(SECURITY_HEADERS)
    if settings.hsts:
        headers["Strict-Transport-Security"] = HSTS
    page = headers | {"Content-Security-Policy": INTERFACE_CSP}
    assets = page | {"Cache-Control": IMMUTABLE}

    # async: Litestar runs a sync hook in a worker thread, for every message sent (each
    # live-feed message too)
    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            sent = MutableScopeHeaders.from_message(message)
            path = scope.get("path", "")
            chosen = page if path == "/" else assets if path.startswith("/assets/") else headers
            for name, value in chosen.items():
                sent[name] = value

    return add_headers


def cors_config(settings: Settings) -> CORSConfig | None:
    """CORS for the exact origins configured; none configured: no CORS headers at all, so
    browsers refuse every cross-origin call."""
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],  # every route of the API is one or the other
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=600,
    )
