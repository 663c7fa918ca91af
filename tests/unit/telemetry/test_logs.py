"""No credential leaves a log line: under a key that names one, or written into a text."""

from __future__ import annotations

import pytest

from jitspace.telemetry.logs import REDACTED, drop_secrets

TOKEN = "k3Xq9-Zr_7fG2mPq.Lw8"  # a made-up one


@pytest.mark.parametrize(
    "key",
    [
        "authorization",
        "Authorization",
        "cookie",
        "set-cookie",
        "password",
        "new_password",
        "token",
        "refresh_token",
        "client_secret",
        "oidc_client_secret",
        "csrf",
        "api_key",
    ],
)
def test_a_value_under_a_key_that_names_a_credential_is_replaced(key: str) -> None:
    assert drop_secrets(None, "info", {key: TOKEN, "event": "x"})[key] == REDACTED


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {TOKEN}",
        f"GET /auth/oidc/callback?code={TOKEN}&state={TOKEN} 302",
        f"Cookie: __Host-jitspace-session={TOKEN}; theme=dark",
        f"{{'username': 'fr-leader', 'password': '{TOKEN}'}}",
        f"token={TOKEN}",
    ],
)
def test_a_credential_written_into_a_message_is_cut_out(text: str) -> None:
    logged = drop_secrets(None, "info", {"event": text, "exception": f"Traceback: {text}"})
    assert TOKEN not in str(logged)
    assert REDACTED in logged["event"]


def test_what_is_no_credential_is_kept() -> None:
    event = {
        "event": "POST /investigations/{investigation_id}/members 200",
        "request_id": "d9473c5c5b5148b0918f40143d46f27b",
        "user_id": "5cf4d5e5-599a-4e82-a005-f35354133c45",
        "status": 200,
        "detail": "status_code=409 the token expired",
    }
    assert drop_secrets(None, "info", dict(event)) == event


def test_nested_values_are_cleaned_too() -> None:
    logged = drop_secrets(
        None,
        "info",
        {"event": "x", "headers": {"Authorization": TOKEN}, "args": [f"Bearer {TOKEN}"]},
    )
    assert TOKEN not in str(logged)
