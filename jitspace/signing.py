"""The Ed25519 key that signs checkpoints of the hash chain and disclosure manifests."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint: the first 16 hex digits of SHA-256 over the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """The whole SHA-256 over the raw public key, in groups of four hex digits, to be read
    aloud or compared by eye with the one the publisher announces (its first 16 digits are
    the `key_id`)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return "SHA256:" + " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        msg = "the public key is not an Ed25519 key"
        raise ValueError(msg)
    return key


class TrustedKey(NamedTuple):
    file: Path
    key: Ed25519PublicKey


def trusted_keys(sources: Iterable[Path]) -> dict[str, TrustedKey]:
    """The public keys in these PEM files and folders (each `*.pem` in it), by fingerprint;
    ValueError naming the file that holds no Ed25519 public key."""
    keys: dict[str, TrustedKey] = {}
    for source in sources:
        files = sorted(source.glob("*.pem")) if source.is_dir() else [source]
        if not files:
            msg = f"{source}: the folder holds no public key (*.pem)"
            raise ValueError(msg)
        for file in files:
            try:
                key = load_public_key(file.read_bytes())
            except OSError as error:
                msg = f"{file}: {error.strerror or error}"
                raise ValueError(msg) from None
            except (ValueError, TypeError, UnsupportedAlgorithm):
                msg = f"{file}: not an Ed25519 public key in PEM form"
                raise ValueError(msg) from None
            keys[fingerprint(key)] = TrustedKey(file, key)
    return keys


def verify_signature(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


class SigningKey:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id(self.public_key)
        self.public_pem = public_pem(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self._private_key.sign(message)

    @classmethod
    def load(cls, path: Path, *, create: bool) -> SigningKey:
        """The key in `path` (PEM, PKCS#8); created there first if `create` and missing."""
        if not path.exists():
            if not create:
                msg = f"no signing key at {path}"
                raise FileNotFoundError(msg)
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(pem)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            msg = f"the signing key at {path} is not an Ed25519 key"
            raise ValueError(msg)
        return cls(key)
