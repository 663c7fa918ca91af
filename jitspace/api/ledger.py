"""The ledger's public face: the signing key, signed checkpoints, disclosure bundles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody
from litestar.response import Stream
from msgspec import Meta

from domain.commands import Disclose
from domain.permissions import Action
from jitspace.api.access import PUBLIC, SIGNED_IN
from jitspace.api.commands import command
from jitspace.api.dependencies import CurrentUser, RuntimeDep, checked_instant, in_thread
from jitspace.documents.fields import PartyCode, Reason, Struct
from jitspace.ledger.checkpoints import CheckpointDocument
from jitspace.ledger.eventlog import LAST_POSITION
from jitspace.signing import fingerprint


class PublicKey(msgspec.Struct):
    algorithm: str
    key_id: str
    fingerprint: str  # what `jitspace verify BUNDLE` prints: SHA-256 of the raw key, grouped
    public_key_pem: str


class ChainLink(msgspec.Struct):
    position: int
    chain_hash: str  # hex


class DisclosureCreate(Struct):
    purpose: Reason
    as_of: (
        Annotated[
            datetime,
            Meta(tz=True, description="the history as the team knew it then (default: now)"),
        ]
        | None
    ) = None
    up_to_position: Annotated[int, Meta(ge=0, description="stop at this log position")] | None = (
        None
    )
    include_files: Annotated[
        bool, Meta(description="put the evidence files in the bundle, not only their hashes")
    ] = False
    withhold_parties: Annotated[
        list[PartyCode],
        Meta(max_length=40, description="withhold the evidence these parties originated"),
    ] = msgspec.field(default_factory=list)


class LedgerController(Controller):
    path = "/ledger"
    tags = ["ledger"]

    @get("/public-key", access=PUBLIC)
    async def public_key(self, runtime: RuntimeDep) -> PublicKey:
        """The key that signs checkpoints and disclosure bundles. Publish its fingerprint."""
        key = runtime.ledger.key
        return PublicKey(
            algorithm="Ed25519",
            key_id=key.key_id,
            fingerprint=fingerprint(key.public_key),
            public_key_pem=key.public_pem,
        )

    @get("/checkpoints/latest", access=SIGNED_IN)
    async def latest_checkpoint(self, runtime: RuntimeDep) -> CheckpointDocument:
        """The newest signed checkpoint of the whole log. Keep it: `jitspace verify --against
        FILE` shows whether the log still holds it, however its database was rewritten since."""
        checkpoint = await in_thread(runtime.ledger.latest)
        if checkpoint is None:
            raise NotFoundException("no checkpoint of the log has been signed yet")
        return checkpoint.document()

    @get("/chain/{position:int}", access=SIGNED_IN)
    async def chain_link(self, position: FromPath[int], runtime: RuntimeDep) -> ChainLink:
        """The log's chain hash at a position. Whoever kept a signed head of the log (a
        checkpoint) compares: a history rewritten up to there no longer has that hash."""
        found = (
            await in_thread(runtime.ledger.chain_hash_at, position)
            if 0 < position <= LAST_POSITION
            else None
        )
        if found is None:
            raise NotFoundException(f"the log has no event at position {position}")
        return ChainLink(position=position, chain_hash=found.hex())


class DisclosureController(Controller):
    path = "/investigations/{investigation_id:uuid}/disclosures"
    tags = ["ledger"]

    @post(
        "/",
        media_type="application/zip",
        description="A zip bundle a court can check offline with `jitspace verify BUNDLE`.",
        access=Action.DISCLOSE,
    )
    async def produce(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[DisclosureCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Stream:
        """Produce a disclosure bundle of the investigation's history (legal roles only)."""
        bundle = await in_thread(
            runtime.app.disclose,
            user.user_id,
            command(
                Disclose,
                data,
                investigation_id=investigation_id,
                as_of=checked_instant(data.as_of, field="as_of") if data.as_of else None,
            ),
            ledger=runtime.ledger,
            read_file=runtime.blobs.read,
        )
        name = f"disclosure-{str(investigation_id)[:8]}-{bundle.manifest.up_to_position}.zip"
        return Stream(
            bundle.chunks(),  # a blocking iterator: Litestar reads it in a worker thread
            status_code=201,
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Content-Length": str(bundle.size),
            },
        )
