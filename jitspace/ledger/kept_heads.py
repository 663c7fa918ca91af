"""Whether a server still holds the heads of its log that someone kept, asked from outside.

A member (an auditor, a partner country) saves the answer of `GET /ledger/checkpoints/latest`
now and then: a signed head of the whole log. Later, `jitspace verify --server URL --against
KEPT.json` asks the server for its log's chain hash at each kept position (`GET
/ledger/chain/{position}`). A history rewritten up to there, its hashes recomputed and its
checkpoints deleted, no longer has that hash: the member sees the fork with no access to the
database, without trusting those who run it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from jitspace.ledger.checkpoints import LOG_SCOPE, Checkpoint, VerificationReport
from jitspace.ledger.verification import Finding
from jitspace.signing import key_id, load_public_key


def check_kept_heads(base_url: str, token: str, kept: Sequence[Checkpoint]) -> VerificationReport:
    findings: list[Finding] = []
    server_key = _get(base_url, "/ledger/public-key", token)["key_id"]
    for checkpoint in kept:
        fields = checkpoint.fields
        signed_on = f"{fields.signed_at:%Y-%m-%d %H:%M:%S %Z}"
        if fields.scope != LOG_SCOPE:
            findings.append(
                Finding(
                    "checkpoint",
                    fields.position,
                    f"the kept checkpoint at position {fields.position} is a disclosure's, of one "
                    "investigation: check a later bundle against its bundle instead",
                )
            )
        elif not checkpoint.is_signed():
            findings.append(
                Finding(
                    "checkpoint",
                    fields.position,
                    f"the kept checkpoint at position {fields.position} is not validly signed",
                )
            )
        elif key_id(load_public_key(checkpoint.public_key_pem)) != server_key:
            findings.append(
                Finding(
                    "checkpoint",
                    fields.position,
                    f"the server signs with key {server_key}, the kept checkpoint at position "
                    f"{fields.position} was signed with key {fields.key_id}",
                )
            )
        else:
            link = _get(base_url, f"/ledger/chain/{fields.position}", token, missing_ok=True)
            if link is None:
                findings.append(
                    Finding(
                        "truncated",
                        fields.position,
                        f"the server's log no longer has the event at position {fields.position}, "
                        f"where the head signed on {signed_on} ends",
                    )
                )
            elif link["chain_hash"] != fields.head_hash:
                findings.append(
                    Finding(
                        "fork",
                        fields.position,
                        f"the server's log no longer holds the head signed at position "
                        f"{fields.position} on {signed_on}: its history up to there was "
                        "rewritten",
                    )
                )
    return VerificationReport(base_url, 0, len(kept), findings)


def _get(base_url: str, path: str, token: str, *, missing_ok: bool = False) -> Any:
    request = urllib.request.Request(  # noqa: S310 (the URL is the server the user names)
        f"{base_url.rstrip('/')}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as error:
        if missing_ok and error.code == 404:
            return None
        raise
