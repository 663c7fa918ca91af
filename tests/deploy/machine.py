"""The parts of a deployment that are not JITspace, run on this machine as the compose file
runs them in containers: Debian's PostgreSQL server, nginx configured from the template in
infra/nginx/, a test certificate authority, and the settings of infra/compose's env file."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support import free_port

INFRA = Path(__file__).resolve().parents[2] / "infra"
TEMPLATE = INFRA / "nginx" / "jitspace.conf.template"
ENV_EXAMPLE = INFRA / "compose" / "jitspace.env.example"
# what the official nginx image's entrypoint substitutes (compose.yaml: NGINX_ENVSUBST_FILTER)
ENVSUBST_FILTER = "^PROXY_"
DEBIAN_PACKAGES = "apt-get install -y --no-install-recommends postgresql nginx"


def required(what: str, found: str | None) -> str:
    """A program the deployment test runs: missing, the test fails and says what to install."""
    if found is None:
        pytest.fail(f"the deployment test needs {what}: install it with `{DEBIAN_PACKAGES}`")
    return found


def postgres_bin() -> Path:
    """The newest PostgreSQL server Debian installed (/usr/lib/postgresql/<major>/bin)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return Path(required("the PostgreSQL server", str(versions[-1]) if versions else None)).parent


def nginx_bin() -> str:
    return required("nginx", shutil.which("nginx") or shutil.which("/usr/sbin/nginx"))


def wait_for(
    ready: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 30
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)


def port_open(port: int) -> Callable[[], bool]:
    def is_open() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return True
        return False

    return is_open


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# PostgreSQL


@contextlib.contextmanager
def postgres_server(user: str, password_file: Path) -> Iterator[str]:
    """A PostgreSQL server in a folder of its own on a loopback port, its superuser `user`
    with the password in `password_file` (scram-sha-256 over TCP, as in production): its
    URL without the password. PostgreSQL refuses to run as root: as root, it runs as the
    `postgres` user Debian's package made."""
    binaries = postgres_bin()
    run_as: dict[str, object] = {}
    root = Path(tempfile.mkdtemp(prefix="jitspace-deploy-pg-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        run_as = {"user": account.pw_uid, "group": account.pw_gid}
        os.chown(root, account.pw_uid, account.pw_gid)
        shutil.copy(password_file, root / "pwfile")
        os.chown(root / "pwfile", account.pw_uid, account.pw_gid)
    else:
        shutil.copy(password_file, root / "pwfile")
    data, log, port = root / "data", root / "postgres.log", free_port()
    subprocess.run(
        [
            str(binaries / "initdb"),
            "-D", str(data), "-U", user, f"--pwfile={root / 'pwfile'}",
            "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--locale=C",
        ],
        check=True, capture_output=True, **run_as,  # type: ignore[call-overload]
    )  # fmt: skip
    server = subprocess.Popen(
        [
            str(binaries / "postgres"), "-D", str(data), "-p", str(port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={root}",
            "-c", "max_connections=200", "-c", "fsync=off",
        ],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, **run_as,  # type: ignore[call-overload]
    )  # fmt: skip
    try:
        # accepting connections, not only listening: a server starting up refuses them
        isready = [str(binaries / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]
        wait_for(
            lambda: subprocess.run(isready, check=False).returncode == 0, "PostgreSQL", server, log
        )
        yield f"postgresql://{user}@127.0.0.1:{port}/postgres"
    finally:
        stop(server)
        shutil.rmtree(root, ignore_errors=True)


# TLS


@dataclass
class Authority:
    """A certificate authority made for the test, and the proxy's certificate it signed."""

    ca_file: Path
    certificate_file: Path
    key_file: Path


# what the authority's key is for: signing certificates (and their revocation lists)
CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    key_cert_sign=True,
    crl_sign=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    encipher_only=False,
    decipher_only=False,
)


def certificate_authority(folder: Path) -> Authority:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "JITspace test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(CA_KEY_USAGE, critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    authority = Authority(folder / "ca.crt", folder / "tls.crt", folder / "tls.key")
    authority.ca_file.write_bytes(ca.public_bytes(pem))
    authority.certificate_file.write_bytes(certificate.public_bytes(pem))
    authority.key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return authority


# nginx


def envsubst(template: str, environment: Mapping[str, str]) -> str:
    """What the nginx image's entrypoint makes of a template: `envsubst` of the variables of
    its environment that match the filter, as $NAME or ${NAME}; the rest left as written."""
    names = [name for name in environment if re.search(ENVSUBST_FILTER, name)]
    text = template
    for name in sorted(names, key=len, reverse=True):
        value = environment[name]
        text = text.replace("${" + name + "}", value)
        text = re.sub(rf"\${re.escape(name)}(?![A-Za-z0-9_])", lambda _, v=value: v, text)
    return text


@contextlib.contextmanager
def nginx(folder: Path, environment: Mapping[str, str], https_port: int) -> Iterator[None]:
    """nginx in the foreground, its configuration the infra/nginx template rendered with
    `environment`, included in the http block as the image's /etc/nginx/nginx.conf does."""
    folder.mkdir(parents=True, exist_ok=True)
    rendered = envsubst(TEMPLATE.read_text(), environment)
    left = re.findall(r"\$\{\w+\}", rendered)
    assert not left, f"the nginx template uses variables the deployment does not set: {left}"
    (folder / "jitspace.conf").write_text(rendered)
    (folder / "nginx.conf").write_text(
        f"""
worker_processes 1;  # one: its turns between the apps are the test's to know
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/jitspace.conf;
}}
"""
    )
    binary = nginx_bin()
    command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    log = folder / "error.log"
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    try:
        wait_for(port_open(https_port), "nginx", process, log)
        yield
    finally:
        stop(process)


# settings


def env_example() -> dict[str, str]:
    """The settings of infra/compose/jitspace.env.example (comments and blanks left out)."""
    settings: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings
