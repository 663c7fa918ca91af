"""Errors become RFC 9457 problem documents, in one table, at this one boundary."""

from __future__ import annotations

import logging
import re
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap
from litestar.utils.scope.state import ScopeState

from domain.errors import (
    Conflict,
    DomainError,
    Duplicate,
    Gone,
    InvestigationClosed,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Violations,
)
from jitspace.api.explain import (
    allowed_values,
    expected_form,
    form_in_words,
    missing_fields,
    type_at,
)
from jitspace.auth.errors import IdentityConflict, IdentityError, UnknownUser
from jitspace.auth.login_throttle import TooManyAttempts
from jitspace.ledger.checkpoints import LogRewritten
from jitspace.services.base import AccessOutdated, VersionConflict
from jitspace.services.uploads import PartsMissing
from jitspace.storage.blobs import (
    BlobError,
    BlobMissing,
    EmptyFile,
    HashMismatch,
    StoreUnavailable,
    TooLarge,
)
from jitspace.storage.blobs.receiving import UploadBrokenOff

logger = logging.getLogger("jitspace.api")
# set in a request's state once its refusal is in the security log
REFUSAL_LOGGED = "refusal_logged"
PROBLEM_JSON = "application/problem+json"

# domain error -> (status, title)
DOMAIN_STATUS: dict[type[DomainError], tuple[int, str]] = {
    RuleViolation: (422, "The command breaks a rule of the investigation"),
    InvestigationClosed: (409, "The investigation is closed"),
    Duplicate: (409, "Already recorded"),
    Conflict: (409, "Conflicts with the record"),
    Gone: (410, "Deleted"),
    NotFound: (404, "Not found"),
    PermissionDenied: (403, "Not allowed"),
}


class FieldError(msgspec.Struct):
    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = msgspec.field(default_factory=list)
    current_version: int | None = None
    existing_id: UUID | None = None  # the record a duplicate would repeat


def problem(status: int, title: str, detail: str, **extra: Any) -> Response[Problem]:
    slug = title.lower().replace(" ", "-")
    return Response(
        Problem(
            type=f"urn:jitspace:problem:{slug}", title=title, status=status, detail=detail, **extra
        ),
        status_code=status,
        media_type=PROBLEM_JSON,
    )


def on_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Problem]:
    status, title = next(
        (v for cls, v in DOMAIN_STATUS.items() if isinstance(exc, cls)), (422, "Invalid command")
    )
    errors = [FieldError(exc.field, exc.message)] if exc.field else []
    if isinstance(exc, Violations):
        errors = [FieldError(field, message) for field, message in exc.problems]
    extra = {"existing_id": exc.existing_id} if isinstance(exc, Duplicate) else {}
    response = problem(status, title, exc.message, errors=errors, **extra)
    if isinstance(exc, PermissionDenied) and not request.scope["state"].get(REFUSAL_LOGGED):
        # a finer rule of a record refused a member (the access guard logs its own refusals)
        user = request.scope["state"].get("user")
        investigation_id = request.path_params.get("investigation_id")
        response.background = BackgroundTask(
            request.app.state.runtime.security_log.record,
            "access_refused",
            user_id=getattr(user, "user_id", None),
            investigation_id=investigation_id if isinstance(investigation_id, UUID) else None,
            client=request.client.host if request.client else None,
            detail=f"{request.method} {request.url.path}: {exc.message}",
        )
    return response


# blob store error -> (status, title)
BLOB_STATUS: dict[type[BlobError], tuple[int, str]] = {
    TooLarge: (413, "Request too large"),
    HashMismatch: (422, "The file does not match its declared hash"),
    EmptyFile: (422, "The file is empty"),
    UploadBrokenOff: (400, "Upload incomplete"),
    PartsMissing: (409, "Parts missing"),
    BlobMissing: (410, "The stored file is missing"),
    StoreUnavailable: (503, "Object store unavailable"),
}


def on_blob_error(_: Request[Any, Any, Any], exc: BlobError) -> Response[Problem]:
    status, title = next(
        (v for cls, v in BLOB_STATUS.items() if isinstance(exc, cls)), (503, "Storage error")
    )
    if status == 503:
        logger.warning("object store: %s", exc.message)
    errors = [FieldError(exc.field, exc.message)] if exc.field else []
    return problem(status, title, exc.message, errors=errors)


# identity error -> (status, title); any other: 422
IDENTITY_STATUS: dict[type[IdentityError], tuple[int, str]] = {
    UnknownUser: (404, "Not found"),
    IdentityConflict: (409, "Conflicts with the users recorded"),
}


def on_identity_error(_: Request[Any, Any, Any], exc: IdentityError) -> Response[Problem]:
    status, title = next(
        (v for cls, v in IDENTITY_STATUS.items() if isinstance(exc, cls)), (422, "Invalid user")
    )
    errors = [FieldError(exc.field, exc.message)] if exc.field else []
    return problem(status, title, exc.message, errors=errors)


def on_too_many_attempts(_: Request[Any, Any, Any], exc: TooManyAttempts) -> Response[Problem]:
    response = problem(429, "Too many attempts", str(exc))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def on_access_outdated(_: Request[Any, Any, Any], exc: AccessOutdated) -> Response[Problem]:
    return problem(
        409,
        "Your access changed",
        "your place in this investigation changed while this was being done, so nothing was "
        "recorded; reload and send it again",
    )


def on_version_conflict(_: Request[Any, Any, Any], exc: VersionConflict) -> Response[Problem]:
    return problem(
        409,
        "Version conflict",
        f"the record changed: it is now at version {exc.current_version}; "
        "reload it and send If-Match with that version",
        current_version=exc.current_version,
    )


def on_log_rewritten(_: Request[Any, Any, Any], exc: LogRewritten) -> Response[Problem]:
    # the log does not match what was signed: the signer vouches for nothing until an
    # operator has looked, and the caller is told why instead of a bare 500
    # (the detail for the operator names server paths: it goes to the server's log only)
    logger.error("refusing to sign: %s", exc)
    return problem(
        503,
        "Log integrity in doubt",
        "the log no longer matches a checkpoint its signer kept: nothing is signed, and no "
        "bundle produced, until an operator has checked the log (`jitspace verify`)",
    )


def on_validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Problem]:
    errors: list[FieldError] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            errors.extend(_in_words(request, item))
    missing = _missing_parameter(str(exc.detail))
    if missing is not None:
        errors.append(missing)
    listed = "; ".join(f"{e.field}: {e.message}" for e in errors)
    if errors and not _generic(str(exc.detail)) and missing is None:
        # our own refusal explains the rule (what `as_of` may be); the errors say what broke it
        detail = f"{exc.detail} ({listed})"
    else:
        detail = listed or f"the request body could not be read as JSON: {exc.detail}"
    return problem(400, "Invalid request", detail, errors=errors)


def _generic(detail: str) -> bool:
    """Litestar's own detail, which only says where: the errors say what."""
    return detail.startswith("Validation failed for ")


_MISSING_PARAMETER = re.compile(r"Missing required (\w+) parameter '([^']+)'")


def _missing_parameter(detail: str) -> FieldError | None:
    found = _MISSING_PARAMETER.match(detail)
    if found is None:
        return None
    kind, name = found.groups()
    return FieldError(name, f"the {kind} parameter {name!r} is required")


def _in_words(request: Request[Any, Any, Any], item: dict[str, Any]) -> list[FieldError]:
    """One error of the decoder in words; a missing field brings every missing field."""
    field = _sent_as(request, _field_name(item))
    message = _message(item)
    body_type = _body_type(request)
    if "missing required field `" in message and body_type is not None:
        parent = field.rpartition(".")[0]
        body = ScopeState.from_scope(request.scope).body  # read before the handler ran
        body = body if isinstance(body, bytes) else b""
        found = missing_fields(body_type, body, parent)
        if found:
            return [FieldError(name, "this field is required") for name in found]
    if message.startswith("Invalid enum value") and body_type is not None:
        allowed = allowed_values(type_at(body_type, field))
        if allowed:
            message = f"{message.replace('Invalid enum value', 'not a known value:')}; allowed: "
            message += ", ".join(allowed)
    if "matching regex" in message:
        message = (
            expected_form(type_at(body_type, field))
            if body_type is not None and _body_field(item)
            else _parameter_form(request, field)
        )
    return [FieldError(field, message)]


def _body_type(request: Request[Any, Any, Any]) -> Any:
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(_BODY_KEY)
    except AttributeError:
        return None
    return parameter.annotation if parameter is not None else None


def _body_field(item: dict[str, Any]) -> bool:
    return item.get("source") == "body" or item.get("key") in (None, "", _BODY_KEY)


def _parameter_form(request: Request[Any, Any, Any], field: str) -> str:
    try:
        parameters = request.route_handler.parsed_fn_signature.parameters
    except AttributeError:
        return form_in_words("", [])
    for name, parameter in parameters.items():
        definition = parameter.kwarg_definition
        if name == field or getattr(definition, "name", None) == field:
            examples = [e.value for e in getattr(definition, "examples", None) or []]
            return form_in_words(getattr(definition, "description", None) or "", examples)
    return form_in_words("", [])


def on_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    if exc.status_code == HTTP_500_INTERNAL_SERVER_ERROR:
        # the framework's own 500s carry internal detail (its configuration, a handler's name)
        return on_unexpected_error(request, exc)
    response = problem(exc.status_code, _title(exc.status_code), str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def on_unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal error",
        "the server could not complete the request; the investigation's events say what was "
        "recorded",
    )


# the name of the handlers' body parameter: Litestar reports errors of the whole body under it
_BODY_KEY = "data"


def _message(item: dict[str, Any]) -> str:
    message = str(item.get("message", ""))
    if item.get("key") == _BODY_KEY and message == repr(_BODY_KEY):
        # no body, or `null`: Litestar finds no value for the body parameter (a KeyError)
        return "the request body must be a JSON object"
    return message


def _field_name(item: dict[str, Any]) -> str:
    key = item.get("key")
    message = str(item.get("message", ""))
    # msgspec names a missing or unknown field in its message, and the object holding it
    # (Litestar's key) by its path; the body itself is "body", not the handler's parameter
    parent = "" if key in (None, "", _BODY_KEY) else f"{key}."
    for marker in ("unknown field `", "missing required field `"):
        if marker in message:
            return parent + message.split(marker, 1)[1].split("`", 1)[0]
    if key == _BODY_KEY:
        return "body"
    if key:
        return str(key)
    # msgspec names the path in its message, e.g. "Expected `str`, got `int` - at `$.name`"
    if "at `$." in message:
        return message.rsplit("at `$.", 1)[1].rstrip("`")
    return "body"


def _sent_as(request: Request[Any, Any, Any], field: str) -> str:
    """A handler's parameter as the client sends it: `Content-Type`, not `content_type`."""
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(field)
    except AttributeError:  # (no route matched)
        return field
    definition = getattr(parameter, "kwarg_definition", None)
    for alias in ("header", "query", "cookie", "name"):
        if isinstance(sent := getattr(definition, alias, None), str):
            return sent
    return field


def _title(status: int) -> str:
    titles = {
        400: "Invalid request",
        401: "Not authenticated",
        403: "Not allowed",
        404: "Not found",
        405: "Method not allowed",
        409: "Conflict",
        413: "Request too large",
        415: "Unsupported media type",
        416: "Range not satisfiable",
        429: "Too many requests",
        431: "Request head too large",
        503: "Service unavailable",
    }
    return titles.get(status, "Error")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: on_domain_error,
    IdentityError: on_identity_error,
    TooManyAttempts: on_too_many_attempts,
    BlobError: on_blob_error,
    VersionConflict: on_version_conflict,
    AccessOutdated: on_access_outdated,
    LogRewritten: on_log_rewritten,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    Exception: on_unexpected_error,
}
