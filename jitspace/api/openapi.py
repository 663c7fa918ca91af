"""The OpenAPI document names the problems every operation may answer, once for all.

The exception table (`problems.py`) turns every error into a problem document; this says so
in the document, so that clients (and the schema fuzzing in CI) know each status an
operation can give and the shape of its body.
"""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from jitspace.api.problems import PROBLEM_JSON, Problem


def problem_response(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_JSON,
        description=description,
        generate_examples=False,
    )


def file_response(description: str) -> ResponseSpec:
    """Bytes of any media type (a download)."""
    return ResponseSpec(
        data_container=bytes, media_type="*/*", description=description, generate_examples=False
    )


# every operation: a request that cannot be read (instead of the framework's own shape)
ANY_REQUEST = {
    400: problem_response("The request cannot be read or does not match the schema"),
    431: problem_response("The request line and headers are larger than the server reads"),
}
# operations that need a token (README: 401; 404 rather than 403 to non-members)
WITH_TOKEN = {
    401: problem_response("No token, or an unknown or expired one"),
    403: problem_response("Your role or party may not do this"),
    404: problem_response("No such record, or you are not a member of its investigation"),
}
# commands
COMMANDS = {
    409: problem_response(
        "If-Match names an old version, the investigation is closed, or the command repeats "
        "a record the investigation holds (`existing_id`)"
    ),
    413: problem_response("The request body is too large"),
    422: problem_response("The command breaks a rule of the investigation"),
}


class ProblemResponses(ReceiveRoutePlugin):
    """Adds the problem responses to each HTTP operation as it is registered; what a handler
    declares itself wins."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            handler.responses = {**self.problems_of(handler), **(handler.responses or {})}

    @staticmethod
    def problems_of(handler: HTTPRouteHandler) -> dict[int, ResponseSpec]:
        problems = dict(ANY_REQUEST)
        # the document asks every operation for a token but those declaring `security=[]`
        if handler.security is None or any(handler.security):
            problems |= WITH_TOKEN
        if "POST" in handler.http_methods:
            problems |= COMMANDS
        return problems
