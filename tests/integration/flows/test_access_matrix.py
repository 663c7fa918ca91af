"""Every endpoint x every role x (own investigation, another investigation, an administrator
of the deployment, no token, expired token, tampered token) answers as the permission table
says (issue #7).

The endpoints are enumerated from the app the server runs, so one added without a request
recipe here, or without `access=`, fails this test by name. Expected statuses are derived,
never written per cell: a PUBLIC route succeeds in every column; anything else answers 401
to a missing, expired or tampered token; a member of another investigation finds nothing
(404) where the path names an investigation, and neither does an administrator of the
deployment, who is a member of none; an ADMINISTRATOR route succeeds for the administrator
only, and answers 403 to every member; a member of FR in each role succeeds where
`permits(role, action)`, else gets 403 from the table. For a permitted role the recipe first
sets up, through the API, what the domain needs for that caller (custody of the item, a
handover to them, a rulebook of their country...), so success means the command ran. The
matrix is printed in the terminal summary.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import msgspec
import websockets
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute, WebSocketRoute
from websockets.exceptions import ConnectionClosed

from domain.permissions import Action, permits
from domain.values import ILLUSTRATIVE_STATES, STATES, Role
from jitspace.api.access import (
    ADMINISTRATOR,
    NOT_ADMINISTRATOR,
    PUBLIC,
    SIGNED_IN,
    Access,
    access_of,
)
from jitspace.api.app import create_app
from jitspace.api.browser import SESSION_COOKIE
from jitspace.ledger.checkpoints import Ledger
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from jitspace.web import ASSETS
from tests import support
from tests.live import token_of
from tests.support import (
    APRIL_2024,
    PASSWORD,
    People,
    Person,
    ServerThread,
    add_user,
    authorisation_body,
    case_document,
    investigation_body,
)

OTHER, ADMIN = "other jit", "admin"
NO_TOKEN, EXPIRED, TAMPERED = "no token", "expired", "tampered"
BAD_TOKENS = (NO_TOKEN, EXPIRED, TAMPERED)
Column = Role | str
COLUMNS: list[Column] = [*Role, OTHER, ADMIN, *BAD_TOKENS]
HEADINGS = {
    Role.JIT_LEADER: "leader",
    Role.NATIONAL_MEMBER: "national",
    Role.INVESTIGATOR: "investig",
    Role.ANALYST: "analyst",
    Role.LEGAL_ADVISOR: "legal",
    Role.PROSECUTOR: "prosecut",
    Role.OBSERVER: "observer",
    OTHER: "other-jit",
    ADMIN: "admin",
    NO_TOKEN: "no-token",
    EXPIRED: "expired",
    TAMPERED: "tampered",
}
# what the live feed answers instead of a status
CAUGHT_UP = "caught_up"

# the routes' paths, as declared
JIT = "/investigations/{investigation_id:uuid}"
ITEM = JIT + "/evidence/{evidence_id:uuid}"
AUTH = JIT + "/authorisations/{authorisation_id:uuid}"
TASK = JIT + "/tasks/{task_id:uuid}"
BOOK = JIT + "/rulebooks/{country:str}"
TYPED = re.compile(r":\w+}")  # a path parameter's type, left out of the printed names


# -- the endpoints, as the app declares them --------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    method: str  # WS for the live feed
    path: str  # as declared, e.g. /investigations/{investigation_id:uuid}
    access: Access | None
    status: int  # the handler's status code

    @property
    def name(self) -> str:
        return self.method + " " + TYPED.sub("}", self.path)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


def _automatic(handler: HTTPRouteHandler) -> bool:
    """The OPTIONS handler Litestar adds to every path by itself."""
    return handler.fn.__qualname__.startswith("HTTPRoute.create_options_handler")


def endpoints(settings: Settings) -> list[Endpoint]:
    """Every method of every route of the app the server runs (built as the server builds it)."""
    found = []
    for route in create_app(settings).routes:
        if isinstance(route, WebSocketRoute):
            found.append(Endpoint("WS", route.path, access_of(route.route_handler), 0))
            continue
        assert isinstance(route, HTTPRoute), f"a route of an unknown kind: {route.path}"
        for handler in route.route_handlers:
            if _automatic(handler):
                continue
            for method in sorted(handler.http_methods - {"HEAD"}):
                status = handler.status_code
                found.append(Endpoint(method, route.path, access_of(handler), status))
    return sorted(found, key=lambda e: (e.path, e.method))


# -- request recipes, one per endpoint ---------------------------------------------------------


@dataclass
class Call:
    path: str
    json: Any = None
    params: dict[str, str] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # the call ends the session it is made with (logout): make it with a session of its own
    own_session: bool = False


@dataclass(frozen=True)
class Cell:
    caller: Person | None  # None for the bad-token columns
    role: Role | None  # the caller's role in the investigation of the path, if a member
    ready: bool  # success is expected: set up what the domain needs for this caller


Recipe = Callable[["World", Cell], Call]
RECIPES: dict[tuple[str, str], Recipe] = {}
# endpoints whose success is not their handler's declared status, and why
SUCCESS: dict[tuple[str, str], tuple[int, str]] = {}


def recipe(method: str, path: str) -> Callable[[Recipe], Recipe]:
    def add(make: Recipe) -> Recipe:
        assert (method, path) not in RECIPES, f"two recipes for {method} {path}"
        RECIPES[method, path] = make
        return make

    return add


def ok(response: httpx.Response, status: int = 200) -> Any:
    """A set-up step succeeded (or the recipe is wrong, not the endpoint under test)."""
    assert response.status_code == status, f"set-up {response.request.url}: {response.text}"
    return response.json()


def jit_body(name: str) -> dict[str, Any]:
    return investigation_body(name, agreement_reference="JIT-MATRIX", purpose="fraud")


def evidence_body(kind: str = "seized_device") -> dict[str, Any]:
    reference = f"FR-{uuid.uuid4().hex[:6]}"
    return support.evidence_body(
        reference=reference, kind=kind, description="laptop of the suspect"
    )


AUTHORISATION = authorisation_body(
    kind="search_warrant", authority="Juge d'instruction", reference="W-1", **APRIL_2024
)


@dataclass
class World:
    """One shared FR-BE investigation with a member of FR in every role, helpers who set
    records up, and records the non-destructive calls read or append to."""

    people: People
    client: httpx.Client  # no token of its own: each call names its own
    members: dict[Role, Person]
    helper: Person  # FR investigator: registers, collects, hands over, records, creates
    legal_helper: Person  # FR legal advisor: grants consent, adopts rulebooks
    be: Person  # BE investigator: takes transfers
    be_legal: Person  # BE legal advisor: asks FR's consent, asks for formalities
    outsider: Person  # leader of another investigation
    admin: Person  # an administrator of the deployment, a member of no investigation
    spare: Person  # a user members are added and removed as
    login_user: str  # a user who belongs to nothing, for the login
    jit: str = ""
    item: str = ""  # registered and collected by the helper, with a file
    file: str = ""
    file_sha256: str = ""
    authorisation: str = ""
    task: str = ""
    # states that join the investigation, one per cell that adds a party: real ISO codes
    countries: Iterator[str] = field(
        default_factory=lambda: iter(sorted(STATES - {"FR", "BE", "NL"} - ILLUSTRATIVE_STATES))
    )

    def path(self, rest: str = "", jit: str | None = None) -> str:
        return f"/investigations/{jit or self.jit}{rest}"

    def log_in(self, username: str) -> str:
        response = self.client.post(
            "/auth/login", json={"username": username, "password": PASSWORD}
        )
        return str(ok(response)["token"])

    def open_jit(self, *members: tuple[Person, str, Role]) -> str:
        """A fresh investigation led by the helper, with these members."""
        jit = str(ok(self.helper.post("/investigations", json=jit_body("Fresh JIT")), 201)["id"])
        for person, country, role in members:
            body = {"username": person.username, "country": country, "role": role.value}
            ok(self.helper.post(self.path("/members", jit), json=body))
        return jit

    def seat(self, cell: Cell) -> list[tuple[Person, str, Role]]:
        """The caller as a member of FR in their column's role (for a fresh investigation)."""
        return [(cell.caller, "FR", cell.role)] if cell.caller and cell.role else []

    def register(self, kind: str = "seized_device") -> str:
        response = self.helper.post(self.path("/evidence"), json=evidence_body(kind))
        return str(ok(response, 201)["id"])

    def custody(self, item: str, what: str, by: Person, **body: Any) -> None:
        ok(by.post(self.path(f"/evidence/{item}/custody/{what}"), json=body))

    def attach(self, item: str, by: Person) -> dict[str, Any]:
        response = by.post(
            self.path(f"/evidence/{item}/files"),
            params={"name": "image.E01"},
            content=uuid.uuid4().bytes * 64,
        )
        file: dict[str, Any] = ok(response, 201)["file"]
        return file

    def fresh_item(self, cell: Cell, kind: str = "seized_device") -> str:
        return self.register(kind) if cell.ready else self.item

    def held_by_caller(self, cell: Cell) -> str:
        """An item in the caller's custody: they recorded its collection."""
        if not cell.ready:
            return self.item
        assert cell.caller is not None
        item = self.register()
        self.custody(item, "collection", cell.caller, place="Lyon")
        return item

    def fresh_authorisation(self, cell: Cell) -> str:
        if not cell.ready:
            return self.authorisation
        response = self.helper.post(self.path("/authorisations"), json=AUTHORISATION)
        return str(ok(response, 201)["id"])

    def fresh_task(self, cell: Cell) -> str:
        if not cell.ready:
            return self.task
        response = self.helper.post(self.path("/tasks"), json={"title": "Check the ledger"})
        return str(ok(response, 201)["id"])

    def jit_with_rulebook(self, cell: Cell) -> str:
        """A fresh investigation whose FR rulebook the FR legal helper adopted."""
        if not cell.ready:
            return self.jit
        jit = self.open_jit(*self.seat(cell), (self.legal_helper, "FR", Role.LEGAL_ADVISOR))
        body = {"country": "FR", "source": "fr"}
        ok(self.legal_helper.post(self.path("/rulebooks", jit), json=body), 201)
        return jit


# public

for public_path in (
    "/health",
    "/health/live",
    "/health/ready",
    "/ledger/public-key",
    "/schema/openapi.json",
    "/schema",
):
    recipe("GET", public_path)(lambda w, cell, p=public_path: Call(p))
# the metrics: no user's token opens or closes them; this server has no JITSPACE_METRICS_TOKEN,
# so they are served to every caller on its own host, as the tests' callers are (a relayed
# request is refused: tests/integration/telemetry/)
recipe("GET", "/metrics")(lambda w, cell: Call("/metrics"))
# the OpenAPI router answers any other document name itself: it renders JSON only
recipe("GET", "/schema/{path:str}")(lambda w, cell: Call("/schema/openapi.yaml"))
SUCCESS["GET", "/schema/{path:str}"] = (404, "its answer to a document it does not render")


@recipe("GET", "/ledger/checkpoints/latest")
def latest_checkpoint(w: World, cell: Cell) -> Call:
    return Call("/ledger/checkpoints/latest")


@recipe("GET", "/ledger/chain/{position:int}")
def chain_link(w: World, cell: Cell) -> Call:
    first = ok(w.helper.get(w.path("/events"), params={"limit": "1"}))["events"][0]
    return Call(f"/ledger/chain/{first['position']}")


@recipe("POST", "/auth/login")
def log_in(w: World, cell: Cell) -> Call:
    return Call("/auth/login", json={"username": w.login_user, "password": PASSWORD})


@recipe("POST", "/auth/session")
def open_browser_session(w: World, cell: Cell) -> Call:
    return Call("/auth/session", json={"username": w.login_user, "password": PASSWORD})


recipe("GET", "/auth/options")(lambda w, cell: Call("/auth/options"))
# this server has no identity provider's login (tests/e2e/test_provider_login.py logs in
# through one): both ends of the flow answer that it is not set up, to everyone alike
recipe("GET", "/auth/oidc/login")(lambda w, cell: Call("/auth/oidc/login"))
recipe("GET", "/auth/oidc/callback")(
    lambda w, cell: Call("/auth/oidc/callback", params={"code": "c", "state": "s"})
)
for provider_path in ("/auth/oidc/login", "/auth/oidc/callback"):
    SUCCESS["GET", provider_path] = (404, "no identity provider's login is set up here")


# the web interface: its page and its assets are the same for everyone
recipe("GET", "/")(lambda w, cell: Call("/"))
recipe("GET", "/assets/{file_path:path}")(
    lambda w, cell: Call(f"/assets/{min(p.name for p in ASSETS.iterdir())}")
)


# signed in


@recipe("GET", "/auth/me")
def me(w: World, cell: Cell) -> Call:
    return Call("/auth/me")


@recipe("GET", "/auth/session")
def read_browser_session(w: World, cell: Cell) -> Call:
    # the page's session: its token in the cookie (a bad token's columns send none)
    cookie = {"Cookie": f"{SESSION_COOKIE}={token_of(cell.caller)}"} if cell.caller else {}
    return Call("/auth/session", headers=cookie)


@recipe("POST", "/auth/logout")
def log_out(w: World, cell: Cell) -> Call:
    return Call("/auth/logout", own_session=True)


@recipe("GET", "/rulebooks")
def shipped_rulebooks(w: World, cell: Cell) -> Call:
    return Call("/rulebooks")


@recipe("GET", "/investigations")
def list_investigations(w: World, cell: Cell) -> Call:
    return Call("/investigations")


@recipe("GET", "/investigations/page")
def list_investigations_page(w: World, cell: Cell) -> Call:
    return Call("/investigations/page", params={"sort": "name", "status": "open", "q": "JIT"})


@recipe("POST", "/investigations")
def open_investigation(w: World, cell: Cell) -> Call:
    return Call("/investigations", json=jit_body("Another JIT"))


# the investigation, its team, its log


@recipe("GET", JIT)
def read_investigation(w: World, cell: Cell) -> Call:
    return Call(w.path())


@recipe("GET", f"{JIT}/membership")
def read_membership(w: World, cell: Cell) -> Call:
    return Call(w.path("/membership"))


@recipe("GET", f"{JIT}/events")
def events(w: World, cell: Cell) -> Call:
    return Call(w.path("/events"))


@recipe("WS", f"{JIT}/live")
def live(w: World, cell: Cell) -> Call:
    return Call(w.path("/live"))


@recipe("POST", f"{JIT}/parties")
def add_party(w: World, cell: Cell) -> Call:
    body = {"country": next(w.countries), "name": "Another state", "lead_authority": "Ministry"}
    return Call(w.path("/parties"), json=body)


@recipe("POST", f"{JIT}/members")
def add_member(w: World, cell: Cell) -> Call:
    # a fresh investigation: the spare user joins it once
    jit = w.open_jit(*w.seat(cell))
    body = {"username": w.spare.username, "country": "FR", "role": "observer"}
    return Call(w.path("/members", jit), json=body)


@recipe("POST", f"{JIT}/members/{{member_id:uuid}}/removal")
def remove_member(w: World, cell: Cell) -> Call:
    jit = w.open_jit(*w.seat(cell), (w.spare, "FR", Role.OBSERVER))
    return Call(w.path(f"/members/{w.spare.user_id}/removal", jit), json={"reason": "recalled"})


@recipe("POST", f"{JIT}/members/{{member_id:uuid}}/role")
def change_member_role(w: World, cell: Cell) -> Call:
    jit = w.open_jit(*w.seat(cell), (w.spare, "FR", Role.OBSERVER))
    body = {"role": "analyst", "reason": "seconded to the analysis team"}
    return Call(w.path(f"/members/{w.spare.user_id}/role", jit), json=body)


@recipe("POST", f"{JIT}/observer-rights")
def set_observer_rights(w: World, cell: Cell) -> Call:
    # its own investigation: rights given to observers would change the observer column
    jit = w.open_jit(*w.seat(cell))
    body = {"rights": ["view_legal"], "agreement_clause": "art. 7: Eurojust follows the file"}
    return Call(w.path("/observer-rights", jit), json=body)


@recipe("POST", f"{JIT}/retention")
def agree_retention(w: World, cell: Cell) -> Call:
    # its own investigation: a retention changes the deletion dates of every item
    jit = w.open_jit(*w.seat(cell))
    body = {"retention_days": 3650, "agreement_clause": "art. 12: ten years from collection"}
    return Call(w.path("/retention", jit), json=body)


@recipe("POST", f"{JIT}/extension")
def extend_agreement(w: World, cell: Cell) -> Call:
    # its own investigation: an extension changes every item's AU-08
    jit = w.open_jit(*w.seat(cell))
    body = {"period_end": "2099-12-31", "reason": "amendment 1, signed by every party"}
    return Call(w.path("/extension", jit), json=body)


@recipe("POST", f"{JIT}/departures")
def record_party_departure(w: World, cell: Cell) -> Call:
    # its own investigation: a party leaves it once
    jit = w.open_jit(*w.seat(cell))
    return Call(w.path("/departures", jit), json={"country": "BE", "reason": "its case closed"})


@recipe("POST", f"{JIT}/closure")
def close(w: World, cell: Cell) -> Call:
    # every case its own investigation: a closure wrongly let through closes only that one
    jit = w.open_jit(*w.seat(cell))
    return Call(w.path("/closure", jit), json={"reason": "the agreement ended"})


@recipe("POST", f"{JIT}/disclosures")
def disclose(w: World, cell: Cell) -> Call:
    # a small investigation of its own: the bundle holds its whole log
    jit = w.open_jit(*w.seat(cell)) if cell.ready else w.jit
    return Call(w.path("/disclosures", jit), json={"purpose": "disclosure to the defence"})


# evidence


@recipe("GET", f"{JIT}/evidence")
def evidence_register(w: World, cell: Cell) -> Call:
    return Call(w.path("/evidence"))


@recipe("GET", f"{JIT}/evidence/page")
def evidence_register_page(w: World, cell: Cell) -> Call:
    return Call(w.path("/evidence/page"), params={"sort": "reference", "q": "FR-"})


@recipe("POST", f"{JIT}/evidence")
def register_evidence(w: World, cell: Cell) -> Call:
    return Call(w.path("/evidence"), json=evidence_body())


@recipe("GET", ITEM)
def read_evidence(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/evidence/{w.item}"))


@recipe("GET", f"{JIT}/evidence/custody-audit")
def custody_audit(w: World, cell: Cell) -> Call:
    return Call(w.path("/evidence/custody-audit"))


@recipe("GET", f"{JIT}/evidence/custody-audit/page")
def custody_audit_page(w: World, cell: Cell) -> Call:
    return Call(w.path("/evidence/custody-audit/page"), params={"sort": "defects", "q": "FR"})


@recipe("GET", f"{ITEM}/lineage")
def item_lineage(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/evidence/{w.item}/lineage"))


@recipe("GET", f"{ITEM}/custody")
def custody_chain(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/evidence/{w.item}/custody"))


@recipe("GET", f"{ITEM}/admissibility")
def item_admissibility(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/evidence/{w.item}/admissibility"))


@recipe("GET", f"{JIT}/admissibility/page")
def matrix_page(w: World, cell: Cell) -> Call:
    return Call(w.path("/admissibility/page"), params={"disagreeing": "true", "sort": "worst"})


@recipe("GET", f"{JIT}/admissibility/export.csv")
def matrix_export(w: World, cell: Cell) -> Call:
    return Call(w.path("/admissibility/export.csv"))


@recipe("GET", f"{JIT}/admissibility")
def admissibility(w: World, cell: Cell) -> Call:
    return Call(w.path("/admissibility"))


@recipe("GET", f"{JIT}/evidence/case")
def case_export(w: World, cell: Cell) -> Call:
    return Call(w.path("/evidence/case"))


@recipe("POST", f"{JIT}/evidence/imports")
def case_import(w: World, cell: Cell) -> Call:
    document = case_document(f"CASE-{uuid.uuid4().hex[:8]}")
    return Call(
        w.path("/evidence/imports"),
        content=json.dumps(document).encode(),
        headers={"Content-Type": "application/ld+json"},
    )


@recipe("POST", f"{ITEM}/handling")
def restrict_handling(w: World, cell: Cell) -> Call:
    item = w.fresh_item(cell)  # registered by FR: the caller's party originates it
    return Call(w.path(f"/evidence/{item}/handling"), json={"description_to": ["BE"]})


@recipe("POST", f"{ITEM}/description")
def amend_description(w: World, cell: Cell) -> Call:
    body = {"description": f"laptop, serial {uuid.uuid4().hex[:8]}", "reason": "serial read"}
    return Call(w.path(f"/evidence/{w.fresh_item(cell)}/description"), json=body)


@recipe("POST", f"{ITEM}/comments")
def comment_on_item(w: World, cell: Cell) -> Call:
    body = {"comment": "seal checked", "mentions": [str(w.helper.user_id)]}
    return Call(w.path(f"/evidence/{w.item}/comments"), json=body)


@recipe("POST", f"{ITEM}/files")
def upload(w: World, cell: Cell) -> Call:
    return Call(
        w.path(f"/evidence/{w.fresh_item(cell)}/files"),
        params={"name": "photo.jpg"},
        content=uuid.uuid4().bytes * 64,
        headers={"Content-Type": "image/jpeg"},
    )


def upload_session(w: World, cell: Cell, item: str, parts_sent: bool = False) -> str:
    """An upload session of the caller's (a stranger's id where the caller cannot open one:
    the guard answers first)."""
    if not cell.ready:
        return str(uuid.uuid4())
    assert cell.caller is not None
    content = uuid.uuid4().bytes
    body = {"name": "phone.bin", "size": len(content)}
    upload = str(ok(cell.caller.post(w.path(f"/evidence/{item}/uploads"), json=body), 201)["id"])
    if parts_sent:
        headers = {"X-Content-SHA256": hashlib.sha256(content).hexdigest()}
        path = w.path(f"/evidence/{item}/uploads/{upload}/parts/1")
        ok(cell.caller.post(path, content=content, headers=headers))
    return upload


@recipe("POST", f"{ITEM}/uploads")
def open_upload(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/evidence/{w.item}/uploads"), json={"name": "phone.bin", "size": 99})


@recipe("GET", f"{ITEM}/uploads/{{upload_id:uuid}}")
def read_upload(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/evidence/{w.item}/uploads/{upload_session(w, cell, w.item)}"))


@recipe("POST", f"{ITEM}/uploads/{{upload_id:uuid}}/parts/{{number:int}}")
def upload_part(w: World, cell: Cell) -> Call:
    upload = upload_session(w, cell, w.item)
    content = uuid.uuid4().bytes
    return Call(
        w.path(f"/evidence/{w.item}/uploads/{upload}/parts/1"),
        content=content,
        headers={"X-Content-SHA256": hashlib.sha256(content).hexdigest()},
    )


@recipe("POST", f"{ITEM}/uploads/{{upload_id:uuid}}/completion")
def complete_upload(w: World, cell: Cell) -> Call:
    upload = upload_session(w, cell, w.item, parts_sent=True)
    return Call(w.path(f"/evidence/{w.item}/uploads/{upload}/completion"))


@recipe("POST", f"{ITEM}/uploads/{{upload_id:uuid}}/cancellation")
def cancel_upload(w: World, cell: Cell) -> Call:
    upload = upload_session(w, cell, w.item)
    return Call(w.path(f"/evidence/{w.item}/uploads/{upload}/cancellation"))


@recipe("GET", f"{ITEM}/files/{{file_id:uuid}}/content")
def download(w: World, cell: Cell) -> Call:
    path = w.path(f"/evidence/{w.item}/files/{w.file}/content")
    return Call(path, params={"purpose": "prepare the hearing"})


@recipe("POST", f"{ITEM}/verification")
def verify(w: World, cell: Cell) -> Call:
    item = w.fresh_item(cell)
    if cell.ready:
        w.attach(item, w.helper)
    return Call(w.path(f"/evidence/{item}/verification"))


@recipe("POST", f"{ITEM}/custody/collection")
def collect(w: World, cell: Cell) -> Call:
    return Call(
        w.path(f"/evidence/{w.fresh_item(cell)}/custody/collection"), json={"place": "Lyon"}
    )


def custody_step(what: str, body: Callable[[World], dict[str, Any]]) -> None:
    """A step only the item's custodian takes: the caller first records its collection."""

    def make(w: World, cell: Cell) -> Call:
        return Call(w.path(f"/evidence/{w.held_by_caller(cell)}/custody/{what}"), json=body(w))

    recipe("POST", f"{ITEM}/custody/{what}")(make)


custody_step("seal", lambda w: {"seal_number": "FR-4471"})
custody_step("handover", lambda w: {"recipient_id": str(w.helper.user_id), "reason": "lab"})
custody_step(
    "transfer",
    lambda w: {"country": "BE", "recipient_id": str(w.be.user_id), "reason": "trial in BE"},
)
custody_step("storage", lambda w: {"location": "Locker 4"})
custody_step("return", lambda w: {"returned_to": "its owner", "reason": "no longer needed"})
custody_step("destruction", lambda w: {"method": "shredding", "reason": "court order"})


@recipe("POST", f"{ITEM}/custody/receipt")
def receive(w: World, cell: Cell) -> Call:
    item = w.item
    if cell.ready:
        assert cell.caller is not None
        item = w.register()
        w.custody(item, "collection", w.helper, place="Lyon")
        handover = {"recipient_id": str(cell.caller.user_id), "reason": "analysis"}
        w.custody(item, "handover", w.helper, **handover)
    return Call(w.path(f"/evidence/{item}/custody/receipt"), json={"seal_condition": "absent"})


def item_step(
    what: str, body: Callable[[World], dict[str, Any]], kind: str = "seized_device"
) -> None:
    """A command on an item of the caller's party (of `kind`, registered afresh for a ready
    cell) with the body `body(w)`."""

    def make(w: World, cell: Cell) -> Call:
        return Call(w.path(f"/evidence/{w.fresh_item(cell, kind)}/{what}"), json=body(w))

    recipe("POST", f"{ITEM}/{what}")(make)


item_step(
    "seal-opening",
    lambda w: {"seal_number": "FR-4471", "authorised_by": "the investigating judge"},
)
item_step(
    "interview",
    lambda w: {
        "suspect_language": "fr",
        "interview_language": "fr",
        "caution_given": True,
        "lawyer": "present",
    },
    kind="suspect_interview",
)
item_step(
    "derivation",
    lambda w: {
        "parent_id": w.item,
        "parent_sha256": w.file_sha256,
        "relation": "copy",
        "tool": "dd",
        "tool_version": "9.4",
        "made_by": "the FR lab",
    },
    kind="forensic_image",
)
item_step(
    "uses", lambda w: {"proceeding": "Tribunal correctionnel de Lyon 24/118", "purpose": "jit"}
)
item_step("consents", lambda w: {"to_country": "BE", "purpose": "other_offence"})


@recipe("POST", f"{ITEM}/consent-withdrawals")
def withdraw_consent(w: World, cell: Cell) -> Call:
    item = w.fresh_item(cell)
    if cell.ready:
        consent = {"to_country": "BE", "purpose": "other_offence"}
        ok(w.legal_helper.post(w.path(f"/evidence/{item}/consents"), json=consent))
    body = {"to_country": "BE", "purpose": "other_offence", "reason": "the case was split"}
    return Call(w.path(f"/evidence/{item}/consent-withdrawals"), json=body)


item_step("defects", lambda w: {"rule": "", "note": "nullity motion of the defence"})
item_step("concerns", lambda w: {"identifiers": [{"kind": "phone_number", "value": "+33 6 01"}]})
item_step("target-location", lambda w: {"country": "CH"})
item_step("conditions", lambda w: {"kind": "use", "text": "only in the fraud case"})
item_step(
    "onward-transfers",
    lambda w: {"to_country": "CH", "recipient": "CH federal police", "reason": "asked by CH"},
)


@recipe("POST", f"{ITEM}/consent-requests")
def request_consent(w: World, cell: Cell) -> Call:
    """The caller (FR) asks BE's consent to disclose a BE item."""
    item = w.item
    if cell.ready:
        item = str(ok(w.be.post(w.path("/evidence"), json=evidence_body()), 201)["id"])
    return Call(w.path(f"/evidence/{item}/consent-requests"), json={"purpose": "disclosure"})


@recipe("POST", f"{ITEM}/consent-refusals")
def refuse_consent(w: World, cell: Cell) -> Call:
    item = w.fresh_item(cell)
    if cell.ready:
        asked = {"purpose": "disclosure"}
        ok(w.be_legal.post(w.path(f"/evidence/{item}/consent-requests"), json=asked))
    body = {"to_country": "BE", "purpose": "disclosure", "reason": "the informant is at risk"}
    return Call(w.path(f"/evidence/{item}/consent-refusals"), json=body)


def closing_condition(what: str, body: dict[str, Any]) -> None:
    """A command closing the item's condition 1 (attached first, for a ready cell)."""

    def make(w: World, cell: Cell) -> Call:
        item = w.fresh_item(cell)
        if cell.ready:
            condition = {"kind": "disclosure", "text": "ask FR first"}
            ok(w.legal_helper.post(w.path(f"/evidence/{item}/conditions"), json=condition))
        return Call(w.path(f"/evidence/{item}/{what}"), json=body)

    recipe("POST", f"{ITEM}/{what}")(make)


closing_condition("conditions-met", {"number": 1, "note": "FR was asked"})
closing_condition("conditions-lifted", {"number": 1, "reason": "the informant testified"})


item_step(
    "privilege-reviews",
    lambda w: {"reviewed_by": "Judge Weber", "result": "nothing_privileged"},
    kind="intercepted_communication",
)
item_step(
    "search-record",
    lambda w: {"witnesses": ["Mme Martin"], "inventory_made": True, "signed_by": ["OPJ Leroy"]},
)
item_step("examinations", lambda w: {"write_blocked": True, "examiner": "the FR lab"})
item_step("certificates", lambda w: {"certified_by": "FR custodian", "basis": "FRE 902(13)"})
item_step("translations", lambda w: {"language": "English", "translator": "J. Smith"})
item_step("processing-logs", lambda w: {"kept_by": "the FR lab", "kept_in": "LIMS 24/7"})
EXTERNAL_MD5 = {"algorithm": "md5", "digest": "ab" * 16, "tool": "FTK Imager 4.7"}
item_step("external-hashes", lambda w: EXTERNAL_MD5 | {"hashed_by": "the FR lab"})


@recipe("POST", f"{ITEM}/external-verifications")
def verify_elsewhere(w: World, cell: Cell) -> Call:
    """A re-verification of an item whose MD5 at acquisition the helper recorded."""
    item = w.fresh_item(cell)
    if cell.ready:
        hashed = EXTERNAL_MD5 | {"hashed_by": "the FR lab"}
        ok(w.helper.post(w.path(f"/evidence/{item}/external-hashes"), json=hashed))
    body = EXTERNAL_MD5 | {"verified_by": "the BE lab"}
    return Call(w.path(f"/evidence/{item}/external-verifications"), json=body)


item_step("disclosure-schedule", lambda w: {"step": "reviewed", "note": "relevant to the case"})
item_step("territory", lambda w: {"country": "CH"})
item_step(
    "rulings", lambda w: {"court": "Cour d'appel de Lyon", "ruling": "24/9", "effect": "admitted"}
)
item_step("legal-hold", lambda w: {"reason": "appeal pending", "reference": "CA Lyon 24/7"})


@recipe("POST", f"{ITEM}/legal-hold/release")
def release_legal_hold(w: World, cell: Cell) -> Call:
    item = w.fresh_item(cell)
    if cell.ready:
        hold = {"reason": "appeal pending"}
        ok(w.legal_helper.post(w.path(f"/evidence/{item}/legal-hold"), json=hold))
    body = {"reason": "the appeal was decided"}
    return Call(w.path(f"/evidence/{item}/legal-hold/release"), json=body)


@recipe("POST", f"{ITEM}/retention-deletion")
def delete_under_retention(w: World, cell: Cell) -> Call:
    if not cell.ready:
        return Call(w.path(f"/evidence/{w.item}/retention-deletion"))
    # its own investigation, whose agreement keeps evidence 30 days: an item collected in
    # 2024 is past its deletion date
    jit = w.open_jit(*w.seat(cell))
    agreed = {"retention_days": 30, "agreement_clause": "art. 12: thirty days"}
    ok(w.helper.post(w.path("/retention", jit), json=agreed))
    registered = w.helper.post(w.path("/evidence", jit), json=evidence_body())
    item = str(ok(registered, 201)["id"])
    stored = w.helper.post(
        w.path(f"/evidence/{item}/files", jit),
        params={"name": "image.E01"},
        content=uuid.uuid4().bytes * 64,
    )
    ok(stored, 201)
    return Call(w.path(f"/evidence/{item}/retention-deletion", jit))


# authorisations


@recipe("GET", f"{JIT}/authorisations")
def authorisations(w: World, cell: Cell) -> Call:
    return Call(w.path("/authorisations"))


@recipe("GET", f"{JIT}/authorisations/page")
def authorisations_page(w: World, cell: Cell) -> Call:
    params = {"status": "in_force", "party": "FR", "sort": "reference", "q": "JLD"}
    return Call(w.path("/authorisations/page"), params=params)


@recipe("POST", f"{JIT}/authorisations")
def record_authorisation(w: World, cell: Cell) -> Call:
    return Call(w.path("/authorisations"), json=AUTHORISATION)


@recipe("GET", AUTH)
def read_authorisation(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/authorisations/{w.authorisation}"))


def authorisation_step(what: str, body: dict[str, Any]) -> None:
    def make(w: World, cell: Cell) -> Call:
        return Call(w.path(f"/authorisations/{w.fresh_authorisation(cell)}/{what}"), json=body)

    recipe("POST", f"{AUTH}/{what}")(make)


authorisation_step("revocation", {"reason": "quashed on appeal"})
authorisation_step("qualification", {"issuer": "judge", "offences": ["fraud"]})
authorisation_step("amendment", {"scope": {"places": ["Lyon"]}, "reason": "widened"})
authorisation_step("extension", {"valid_until": "2024-06-01T00:00:00+02:00", "reason": "renewed"})
authorisation_step("confirmation", {"judge": "JLD Paris"})
authorisation_step("annulment", {"court": "Chambre de l'instruction", "ruling": "CI-24/17"})
authorisation_step("notifications", {"to_country": "CH"})
authorisation_step("no-notification", {"to_country": "CH", "reason": "urgent, none was made"})


def answer_to_notification(what: str, body: dict[str, Any]) -> None:
    """A command answering the notification to CH (sent first, for a ready cell)."""

    def make(w: World, cell: Cell) -> Call:
        order = w.fresh_authorisation(cell)
        if cell.ready:
            sent = {"to_country": "CH"}
            path = w.path(f"/authorisations/{order}/notifications")
            ok(w.legal_helper.post(path, json=sent))
        return Call(w.path(f"/authorisations/{order}/{what}"), json=body)

    recipe("POST", f"{AUTH}/{what}")(make)


authorisation_step(
    "entrustments",
    {"to_country": "BE", "entrusted_by": "JLD Paris", "allowed_by_host_law": True},
)


@recipe("POST", f"{AUTH}/formalities")
def request_formalities(w: World, cell: Cell) -> Call:
    """The caller (FR), as a forum, asks formalities of a BE order."""
    order = w.authorisation
    if cell.ready:
        body = AUTHORISATION | {"country": "BE", "authority": "Juge d'instruction, Bruxelles"}
        order = str(ok(w.be.post(w.path("/authorisations"), json=body), 201)["id"])
    asked = {"formalities": ["a judge listens"], "requested_by": "JLD Paris"}
    return Call(w.path(f"/authorisations/{order}/formalities"), json=asked)


@recipe("POST", f"{AUTH}/formality-reports")
def report_formality(w: World, cell: Cell) -> Call:
    order = w.fresh_authorisation(cell)
    if cell.ready:
        asked = {"formalities": ["a judge listens"], "requested_by": "Juge d'instruction"}
        ok(w.be_legal.post(w.path(f"/authorisations/{order}/formalities"), json=asked))
    body = {"formality": "a judge listens", "by_country": "BE", "met": True}
    return Call(w.path(f"/authorisations/{order}/formality-reports"), json=body)


answer_to_notification("notification-receipts", {"to_country": "CH"})
answer_to_notification("objections", {"by_country": "CH", "covers": "use_of_data"})


# tasks


@recipe("GET", f"{JIT}/tasks")
def task_board(w: World, cell: Cell) -> Call:
    return Call(w.path("/tasks"))


@recipe("GET", f"{JIT}/tasks/page")
def tasks_page(w: World, cell: Cell) -> Call:
    params = {"status": "open", "sort": "due_on", "due_after": "2000-01-01", "q": "ledger"}
    return Call(w.path("/tasks/page"), params=params)


@recipe("POST", f"{JIT}/tasks")
def create_task(w: World, cell: Cell) -> Call:
    return Call(w.path("/tasks"), json={"title": "Trace the payments"})


@recipe("GET", TASK)
def read_task(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/tasks/{w.task}"))


@recipe("POST", f"{TASK}/assignment")
def assign_task(w: World, cell: Cell) -> Call:
    assignee = cell.caller.user_id if cell.caller else w.helper.user_id
    body = {"assignee_id": str(assignee)}
    return Call(w.path(f"/tasks/{w.fresh_task(cell)}/assignment"), json=body)


@recipe("POST", f"{TASK}/status")
def change_task_status(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/tasks/{w.fresh_task(cell)}/status"), json={"status": "in_progress"})


@recipe("POST", f"{TASK}/details")
def edit_task(w: World, cell: Cell) -> Call:
    title = f"Check the ledger, page {uuid.uuid4().hex[:4]}"
    return Call(w.path(f"/tasks/{w.fresh_task(cell)}/details"), json={"title": title})


@recipe("POST", f"{TASK}/comments")
def comment_on_task(w: World, cell: Cell) -> Call:
    return Call(w.path(f"/tasks/{w.task}/comments"), json={"comment": "on it"})


# rulebooks


@recipe("GET", f"{JIT}/rulebooks")
def adopted_rulebooks(w: World, cell: Cell) -> Call:
    return Call(w.path("/rulebooks"))


@recipe("POST", f"{JIT}/rulebooks")
def adopt_rulebook(w: World, cell: Cell) -> Call:
    # FR's rulebook is adopted once per investigation: a fresh one for the caller's
    jit = w.open_jit(*w.seat(cell)) if cell.ready else w.jit
    return Call(w.path("/rulebooks", jit), json={"country": "FR", "source": "fr"})


@recipe("GET", BOOK)
def read_rulebook(w: World, cell: Cell) -> Call:
    return Call(w.path("/rulebooks/FR"))


@recipe("POST", f"{BOOK}/rules")
def set_rule(w: World, cell: Cell) -> Call:
    body = {"rule": "CU-02", "params": {"severity": "FAIL"}, "reason": "strict receipts"}
    return Call(w.path("/rulebooks/FR/rules", w.jit_with_rulebook(cell)), json=body)


@recipe("POST", f"{BOOK}/rules/{{rule:str}}/removal")
def remove_rule(w: World, cell: Cell) -> Call:
    path = w.path("/rulebooks/FR/rules/PR-01/removal", w.jit_with_rulebook(cell))
    return Call(path, json={"reason": "no forfeiture"})


# the deployment's administration (its users, its security log)


def user_for_admin(w: World, cell: Cell) -> str:
    """A user of its own for an administrator's change (a stranger's id for the others: the
    guard answers first)."""
    if not cell.ready:
        return str(w.spare.user_id)
    return str(add_user(w.people.database_url, f"target-{uuid.uuid4().hex[:8]}"))


@recipe("GET", "/users")
def list_users(w: World, cell: Cell) -> Call:
    return Call("/users")


@recipe("GET", "/users/page")
def list_users_page(w: World, cell: Cell) -> Call:
    return Call("/users/page", params={"sort": "created_at", "disabled": "false", "q": "a"})


@recipe("POST", "/users")
def add_a_user(w: World, cell: Cell) -> Call:
    body = {"username": f"new-{uuid.uuid4().hex[:8]}", "display_name": "New", "password": PASSWORD}
    return Call("/users", json=body)


@recipe("POST", "/users/{user_id:uuid}/disabling")
def disable_user(w: World, cell: Cell) -> Call:
    return Call(f"/users/{user_for_admin(w, cell)}/disabling")


@recipe("POST", "/users/{user_id:uuid}/enabling")
def enable_user(w: World, cell: Cell) -> Call:
    user = user_for_admin(w, cell)
    if cell.ready:
        ok(w.admin.post(f"/users/{user}/disabling"))
    return Call(f"/users/{user}/enabling")


@recipe("POST", "/users/{user_id:uuid}/password")
def reset_password(w: World, cell: Cell) -> Call:
    return Call(f"/users/{user_for_admin(w, cell)}/password", json={"password": PASSWORD * 2})


@recipe("POST", "/users/{user_id:uuid}/identities")
def link_identity(w: World, cell: Cell) -> Call:
    body = {"issuer": "https://idp.example", "subject": uuid.uuid4().hex}
    return Call(f"/users/{user_for_admin(w, cell)}/identities", json=body)


@recipe("GET", "/security-log")
def whole_security_log(w: World, cell: Cell) -> Call:
    return Call("/security-log", params={"kind": "access_refused"})


@recipe("GET", f"{JIT}/security-log")
def investigation_security_log(w: World, cell: Cell) -> Call:
    return Call(w.path("/security-log"))


# -- the world and the columns -------------------------------------------------------------


def sign_the_log(database_url: str, settings: Settings) -> None:
    """A checkpoint of the log, with the server's own key and witness file, for
    `GET /ledger/checkpoints/latest` to answer."""
    app = JITspace(env=eventsourcing_env(database_url, settings))
    try:
        assert isinstance(app.recorder, EventLog)
        Ledger.from_settings(app.recorder, settings).checkpoint()
    finally:
        app.close()


def build_world(people: People, client: httpx.Client) -> World:
    members = {role: people.new(f"fr-{role.value.replace('_', '-')}") for role in Role}
    leader = members[Role.JIT_LEADER]  # opens the shared investigation, seats the others
    login_user = f"login-{uuid.uuid4().hex[:8]}"
    add_user(people.database_url, login_user)
    w = World(
        people=people,
        client=client,
        members=members,
        helper=people.new("fr-helper"),
        legal_helper=people.new("fr-legal-helper"),
        be=people.new("be-investigator"),
        be_legal=people.new("be-legal-advisor"),
        outsider=people.new("other-leader"),
        admin=people.new("deployment-admin", administrator=True),
        spare=people.new("spare"),
        login_user=login_user,
    )
    w.jit = str(ok(leader.post("/investigations", json=jit_body("Shared JIT")), 201)["id"])
    team = [(p, "FR", r) for r, p in members.items() if r is not Role.JIT_LEADER]
    team += [
        (w.helper, "FR", Role.INVESTIGATOR),
        (w.legal_helper, "FR", Role.LEGAL_ADVISOR),
        (w.be, "BE", Role.INVESTIGATOR),
        (w.be_legal, "BE", Role.LEGAL_ADVISOR),
    ]
    for person, country, role in team:
        body = {"username": person.username, "country": country, "role": role.value}
        ok(leader.post(w.path("/members"), json=body))
    ok(w.outsider.post("/investigations", json=jit_body("Their own JIT")), 201)
    w.item = w.register()
    w.custody(w.item, "collection", w.helper, place="Lyon")
    file = w.attach(w.item, w.helper)
    w.file, w.file_sha256 = file["id"], file["sha256"]
    w.authorisation = str(
        ok(w.helper.post(w.path("/authorisations"), json=AUTHORISATION), 201)["id"]
    )
    w.task = str(ok(w.helper.post(w.path("/tasks"), json={"title": "Shared task"}), 201)["id"])
    rulebook = {"country": "FR", "source": "fr"}
    ok(w.legal_helper.post(w.path("/rulebooks"), json=rulebook), 201)
    return w


def expired_token(w: World, person: Person) -> str:
    """A real session of a member, expired before it is ever used (the server remembers a
    token it checked for a few seconds)."""
    token = w.log_in(person.username)

    async def expire() -> None:
        connection = await asyncpg.connect(w.people.database_url)
        try:
            await connection.execute(
                "UPDATE sessions SET expires_at = now() - interval '1 minute' "
                "WHERE token_sha256 = $1",
                hashlib.sha256(token.encode()).digest(),
            )
        finally:
            await connection.close()

    asyncio.run(expire())
    return token


def tampered(token: str) -> str:
    return ("A" if token[0] != "A" else "B") + token[1:]


def success(endpoint: Endpoint) -> int | str:
    if endpoint.method == "WS":
        return CAUGHT_UP
    return SUCCESS.get(endpoint.key, (endpoint.status, ""))[0]


def expected(endpoint: Endpoint, column: Column) -> int | str:
    """What the permission table (and the rule of the guard) says this cell answers."""
    live = endpoint.method == "WS"
    if endpoint.access == PUBLIC:
        return success(endpoint)
    if column in BAD_TOKENS:
        return 4401 if live else 401
    if endpoint.access == SIGNED_IN:
        return success(endpoint)
    if endpoint.access == ADMINISTRATOR:
        return success(endpoint) if column == ADMIN else 403
    assert isinstance(endpoint.access, Action)
    if column in (OTHER, ADMIN):
        return 4404 if live else 404
    if not permits(Role(column), endpoint.access):
        # the live feed shows no investigation to a role that may not see it
        return 4404 if live else 403
    return success(endpoint)


@dataclass
class Outcome:
    got: int | str
    want: int | str
    why: str = ""  # what is wrong, if anything

    @property
    def shown(self) -> str:
        got = "live" if self.got == CAUGHT_UP else str(self.got)
        return got + ("!" if self.why else "")


def judge(response: httpx.Response, want: int | str) -> Outcome:
    got = response.status_code
    if got != want:
        return Outcome(got, want, f"expected {want}, got {got}: {response.text[:300]}")
    if got in (401, 403, 404):
        # a refusal carries no data: a problem document only
        if not response.headers.get("content-type", "").startswith("application/problem+json"):
            return Outcome(
                got, want, f"refused with a body that is not a problem: {response.text[:300]}"
            )
        detail = response.json().get("detail", "")
        if got == 403 and "who may not" not in detail and detail != NOT_ADMINISTRATOR:
            return Outcome(got, want, f"403 from a domain rule, not the table: {detail}")
    return Outcome(got, want)


async def watch(base_url: str, path: str, token: str | None) -> int | str:
    """Open the live feed and say hello: `caught_up`, or the close code it is refused with."""
    url = base_url.replace("http://", "ws://") + path
    async with websockets.connect(url, open_timeout=10, max_size=2**24) as socket:
        await socket.send(msgspec.json.encode({"type": "hello", "token": token}).decode())
        try:
            async with asyncio.timeout(15):
                async for raw in socket:
                    if msgspec.json.decode(raw)["type"] == CAUGHT_UP:
                        return CAUGHT_UP
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else "closed"
        return socket.close_code or "closed"


def run_cell(
    w: World, base_url: str, endpoint: Endpoint, column: Column, token: str | None
) -> Outcome:
    want = expected(endpoint, column)
    ready = want == success(endpoint)
    if isinstance(column, Role):
        cell = Cell(w.members[column], column, ready)
    elif column == OTHER:
        cell = Cell(w.outsider, None, ready)
    elif column == ADMIN:
        cell = Cell(w.admin, None, ready)
    else:
        cell = Cell(None, None, ready)
    call = RECIPES[endpoint.key](w, cell)
    if call.own_session and cell.caller is not None:
        token = w.log_in(cell.caller.username)
    if endpoint.method == "WS":
        got = asyncio.run(watch(base_url, call.path, token))
        return Outcome(got, want, "" if got == want else f"expected {want}, got {got}")
    headers = dict(call.headers)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = w.client.request(
        endpoint.method,
        call.path,
        json=call.json,
        params=call.params,
        content=call.content,
        headers=headers,
    )
    return judge(response, want)


def table(rows: dict[Endpoint, dict[Column, Outcome]]) -> list[str]:
    names = [e.name for e in rows]
    first = max(len(n) for n in names)
    width = {c: max(len(HEADINGS[c]), 5) for c in COLUMNS}
    lines = [
        "columns: a member of FR in each role; other-jit: the leader of another "
        "investigation; admin: an administrator of the deployment (a member of none); then "
        "no, expired and tampered tokens. live: the live feed caught up; "
        "! differs from the permission table",
        "endpoint".ljust(first) + "  " + " ".join(HEADINGS[c].rjust(width[c]) for c in COLUMNS),
    ]
    for endpoint, cells in rows.items():
        shown = " ".join(cells[c].shown.rjust(width[c]) for c in COLUMNS)
        lines.append(endpoint.name.ljust(first) + "  " + shown)
    return lines


def test_every_endpoint_answers_every_role_and_token_as_the_permission_table_says(
    server: ServerThread,
    settings: Settings,
    people: People,
    print_in_summary: Callable[[str, list[str]], None],
) -> None:
    started = time.monotonic()
    found = endpoints(settings)
    problems = [f"{e.name}: no access= declared" for e in found if e.access is None]
    problems += [f"{e.name}: no request recipe in this test" for e in found if e.key not in RECIPES]
    declared = {e.key for e in found}
    problems += [
        f"{m} {p}: a recipe for a route the app does not have"
        for m, p in RECIPES
        if (m, p) not in declared
    ]
    with httpx.Client(base_url=server.url, timeout=60) as client:
        w = build_world(people, client)
        sign_the_log(people.database_url, settings)
        tokens: dict[Column, str | None] = {r: token_of(p) for r, p in w.members.items()}
        tokens[OTHER] = token_of(w.outsider)
        tokens[ADMIN] = token_of(w.admin)
        tokens[NO_TOKEN] = None
        tokens[EXPIRED] = expired_token(w, w.members[Role.JIT_LEADER])
        tokens[TAMPERED] = tampered(token_of(w.members[Role.JIT_LEADER]))
        rows: dict[Endpoint, dict[Column, Outcome]] = {}
        for endpoint in found:
            if endpoint.access is None or endpoint.key not in RECIPES:
                continue
            rows[endpoint] = {
                column: run_cell(w, server.url, endpoint, column, tokens[column])
                for column in COLUMNS
            }
    seconds = time.monotonic() - started
    lines = table(rows)
    lines.append(
        f"{len(rows)} endpoints x {len(COLUMNS)} columns = {len(rows) * len(COLUMNS)} cells, "
        f"{seconds:.0f} s"
    )
    lines += [
        f"  {key[0]} {key[1]}: success is {status}, {why}" for key, (status, why) in SUCCESS.items()
    ]
    print_in_summary("access matrix (issue #7)", lines)
    problems += [
        f"{endpoint.name} [{HEADINGS[column]}]: {outcome.why}"
        for endpoint, cells in rows.items()
        for column, outcome in cells.items()
        if outcome.why
    ]
    assert not problems, "\n".join(problems)
