"""The web interface at `/`: its page and its assets, from the package (jitspace/web/).

The page routes within itself (`/#/investigations/...`), so the server serves only `/` and
`/assets/...`; every other path stays the API's. Their Content-Security-Policy is the
interface's (jitspace/api/hardening.py): scripts, styles and connections from this origin
only.
"""

from __future__ import annotations

from litestar import MediaType, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.static_files import create_static_files_router

from jitspace.api.access import PUBLIC
from jitspace.web import ASSETS, INDEX


@get("/", access=PUBLIC, include_in_schema=False, media_type=MediaType.HTML)
async def page() -> Response[bytes]:
    """The interface's one page (read on each request: a rebuilt bundle is served at once)."""
    try:
        html = INDEX.read_bytes()
    except FileNotFoundError:
        raise NotFoundException(
            "the web interface is not built: run `npm run build` in frontend/"
        ) from None
    return Response(html, media_type=MediaType.HTML)


def interface_routes() -> list[HTTPRouteHandler | Router]:
    """The page and its assets, served to anyone: they hold no data, only the interface."""
    assets: Router = create_static_files_router(
        "/assets",
        directories=[ASSETS],
        opt={"access": PUBLIC},
        include_in_schema=False,
    )
    return [page, assets]
