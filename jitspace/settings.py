"""Typed settings, read once from the environment (`JITSPACE_*`)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import msgspec
import platformdirs

from jitspace.signing import SigningKey


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # PostgreSQL URL; empty: an embedded PostgreSQL under data_dir/postgres
    database_url: str = ""
    # where the embedded default keeps its database (and, later, evidence files)
    data_dir: Path = Path(platformdirs.user_data_dir("jitspace"))
    host: str = "127.0.0.1"
    port: int = 8000
    # addresses (or networks) of the reverse proxies whose X-Forwarded-For names the client;
    # empty: the peer address is the client (login throttling and the security log use it)
    trusted_proxies: str = ""
    # lifetime of a bearer token issued at login
    token_ttl_seconds: int = 12 * 3600
    # largest request body accepted, in bytes
    max_request_bytes: int = 1024 * 1024
    # one log line per HTTP request
    access_log: bool = True
    # GET /metrics: the bearer token a Prometheus scraper sends; empty: served only to
    # requests from this host's loopback address that no proxy relayed
    metrics_token: str = ""
    # connections of the write side (psycopg) and of the read side (asyncpg)
    pool_size: int = 8
    # aggregates each process keeps in memory between commands, brought up to date from the
    # log before each use (jitspace/services/kept.py); 0: every command replays the log
    aggregate_cache_size: int = 4096
    # run the read-model projections and periodic checkpoints here (one process per deployment;
    # `jitspace worker` sets it, and works only while it holds the workers' lock)
    run_projections: bool = True
    # Ed25519 key (PEM) that signs checkpoints; empty: data_dir/signing-key.pem, made if missing
    signing_key_file: str = ""
    # `jitspace verify BUNDLE`: the publisher keys to trust when no --public-key is given (a
    # PEM file, or a folder of *.pem files)
    trusted_keys: str = ""
    # how often the head of the hash chain is signed, if it moved (0: only on demand)
    checkpoint_interval_seconds: int = 300
    # append-only file of the log's signed checkpoints, outside the database; empty:
    # data_dir/witness.jsonl (see jitspace/ledger/witness.py)
    witness_file: str = ""
    # evidence files: S3-compatible object storage (MinIO) if an endpoint is set, else a
    # content-addressed directory under data_dir/blobs
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "jitspace-evidence"
    s3_secure: bool = True
    # place a legal hold on each stored file (needs a bucket made with object lock)
    s3_object_lock: bool = True
    # size of the parts of a multipart upload (S3 takes 5 MiB to 5 GiB)
    s3_part_size: int = 64 * 1024 * 1024
    # largest evidence file accepted, in bytes
    max_upload_bytes: int = 64 * 1024**3
    # live feed: messages held for one slow client before it is told it overflowed
    live_queue_size: int = 1000
    # live feed: how often the log is read when no notification came (the backstop)
    live_poll_seconds: float = 1.0
    # live feed: how often a connected client's membership is checked again
    live_recheck_seconds: float = 30.0
    # live feed: most viewers one `jitspace serve` process takes at once (beyond: closed
    # with 1013, try again later); they do not use up `max_connections`
    live_max_viewers: int = 5000
    # live feed: how long a socket may take to send its hello before it is closed (4408)
    live_hello_timeout_seconds: float = 10.0
    # live feed: most sockets one process holds before their hello is checked; when full, a
    # newcomer takes the place of the one silent longest (1013 if none is silent)
    live_max_arriving: int = 500

    # OpenID Connect: the identity provider's issuer URL (empty: local users only), the
    # audience its tokens must name for this deployment, and where it publishes its keys
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_jwks_url: str = ""
    # OpenID Connect login in the browser (the authorization code flow with PKCE, run by the
    # server): the client this deployment is at the provider (empty: no such login), its
    # secret (empty: a public client, PKCE alone), the name the login page shows, and the
    # address the provider sends the browser back to (empty: this server's
    # /auth/oidc/callback as the browser reached it)
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_login_name: str = "your organisation's login"
    oidc_redirect_url: str = ""
    # login throttling: failed password logins for one username, and from one client
    # address, within the window, after which logins for it are refused (429) until it passes
    login_failures_per_username: int = 5
    login_failures_per_client: int = 20
    login_failure_window_seconds: int = 15 * 60
    # browser origins (scheme://host[:port], exact) allowed to call the API; none: no CORS
    cors_origins: tuple[str, ...] = ()
    # the deployment is reached over HTTPS only: tell browsers so (Strict-Transport-Security)
    hsts: bool = False
    # most connections and tasks one `jitspace serve` process takes at once (503 beyond),
    # besides its live-feed viewers
    max_connections: int = 1000
    # a read-model projection that failed is started again after this many seconds, twice as
    # long after each further failure, at most the second value
    projection_retry_first_seconds: float = 1.0
    projection_retry_max_seconds: float = 300.0
    # `jitspace worker`: how often a waiting worker tries to take the workers' lock, and how
    # often the working one checks that it still holds it (a takeover takes about this long)
    worker_takeover_seconds: float = 1.0
    # the working `jitspace worker` re-hashes every stored evidence file this often (0: never),
    # recording each result as done by this member (of the investigations they belong to)
    evidence_verify_interval_seconds: float = 0
    evidence_verify_as: str = ""
    # the working `jitspace worker` deletes the files of items past their deletion date (and
    # under no legal hold) this often (0: never), as this member (a leader of the
    # investigations it sweeps)
    retention_interval_seconds: float = 0
    retention_as: str = ""
    # the working `jitspace worker` looks this often (0: never) for matrix cells whose
    # deadline has passed (a confirmation window, a deletion date, the time to raise a
    # defect, an objection window), evaluates them again and tells the open pages
    deadline_interval_seconds: float = 60

    def __post_init__(self) -> None:
        for origin in self.cors_origins:
            check_origin(origin)
        if self.evidence_verify_interval_seconds > 0 and not self.evidence_verify_as:
            raise ValueError(
                "JITSPACE_EVIDENCE_VERIFY_INTERVAL_SECONDS needs JITSPACE_EVIDENCE_VERIFY_AS: "
                "the username of the member the scheduled re-verification acts as"
            )
        if self.retention_interval_seconds > 0 and not self.retention_as:
            raise ValueError(
                "JITSPACE_RETENTION_INTERVAL_SECONDS needs JITSPACE_RETENTION_AS: "
                "the username of the JIT leader the retention sweep acts as"
            )

    def signing_key(self) -> SigningKey:
        if self.signing_key_file:
            return SigningKey.load(Path(self.signing_key_file), create=False)
        return SigningKey.load(self.data_dir / "signing-key.pem", create=True)

    def witness_path(self) -> Path:
        return Path(self.witness_file) if self.witness_file else self.data_dir / "witness.jsonl"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name in cls.__struct_fields__:
            key = f"JITSPACE_{name.upper()}"
            if name in SECRETS:
                if (secret := _secret(env, key)) is not None:
                    values[name] = secret
            elif key in env:
                values[name] = env[key]
        password = _secret(env, DATABASE_PASSWORD)
        if password is not None:
            values["database_url"] = _with_password(str(values.get("database_url", "")), password)
        if isinstance(origins := values.get("cors_origins"), str):
            values["cors_origins"] = [o.strip() for o in origins.split(",") if o.strip()]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return msgspec.convert(values, cls, strict=False, dec_hook=_decode)
        except msgspec.ValidationError as error:
            # msgspec names the field (`$.max_connections`); people set the variable
            found = re.search(r"^(.*) - at `\$\.(\w+)", str(error))
            if found is None:
                raise BadSetting(str(error)) from None
            name = found[2]
            raise BadSetting(f"JITSPACE_{name.upper()}={values.get(name)!r}: {found[1]}") from None


class BadSetting(ValueError):
    """A `JITSPACE_*` variable the settings cannot take; the message says which and why."""


# the settings that are secrets: each may instead be read from a file, `JITSPACE_<NAME>_FILE`
# (a Docker or Kubernetes secret mounted as a file), so that no password sits in the
# environment of a process or in a deployment's configuration
SECRETS = ("database_url", "s3_secret_key", "metrics_token", "oidc_client_secret")
# the password of JITSPACE_DATABASE_URL's user, apart from the URL (which then names none):
# a deployment keeps it in the same secret file as its PostgreSQL server
DATABASE_PASSWORD = "JITSPACE_DATABASE_PASSWORD"  # noqa: S105 (its name, not a password)


def _secret(env: Mapping[str, str], key: str) -> str | None:
    """The value of `key`, or the text of the file `key_FILE` names (its line ending
    removed); None if neither is set, and a clear refusal if both are."""
    file_key = f"{key}_FILE"
    if file_key not in env:
        return env.get(key)
    if key in env:
        raise BadSetting(f"{key} and {file_key} are both set: set one of them")
    path = Path(env[file_key]).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadSetting(
            f"{file_key}={str(path)!r}: cannot read it: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise BadSetting(f"{file_key}={str(path)!r}: not text (UTF-8)") from None
    return text.removesuffix("\n").removesuffix("\r")


def _with_password(url: str, password: str) -> str:
    """The PostgreSQL URL with `password` for its user."""
    parts = urlsplit(url)
    if not url or not parts.username:
        raise BadSetting(
            f"{DATABASE_PASSWORD} needs JITSPACE_DATABASE_URL naming the user it is the "
            "password of, e.g. postgresql://jitspace@db:5432/jitspace"
        )
    if parts.password is not None:
        raise BadSetting(
            f"JITSPACE_DATABASE_URL has a password, and {DATABASE_PASSWORD} gives another: keep one"
        )
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def check_origin(origin: str) -> None:
    """An origin a browser would send, exactly: a wildcard would let any site's scripts call
    the API with a member's token."""
    if "*" in origin:
        raise ValueError(
            f"JITSPACE_CORS_ORIGINS: {origin!r}: wildcards are not accepted; "
            "list each origin exactly, e.g. https://jit.example.org"
        )
    parts = urlsplit(origin)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or origin != f"{parts.scheme}://{parts.netloc}"
        or parts.username is not None
    ):
        raise ValueError(
            f"JITSPACE_CORS_ORIGINS: {origin!r} is not an origin: "
            "scheme://host[:port], nothing after, e.g. https://jit.example.org"
        )


def _decode(type_: type, value: object) -> object:
    if type_ is Path and isinstance(value, str | Path):
        return Path(value).expanduser()
    raise NotImplementedError(type_)
