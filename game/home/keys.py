"""The keys of home practice, and the short code two people read aloud to check them.

- The clinic has an X25519 key pair (`clinic/clinic-key.pem`, private, 0600): bundles are
  encrypted to its public key.
- A home installation has an Ed25519 key pair (`home/home-key.pem`, 0600): it signs every
  bundle it sends.

Keys are `cryptography`'s; they are stored as PKCS#8 PEM (private) and shown as text with a
prefix and URL-safe base64 of the 32 raw bytes (public). The pairing code is a digest of
both public keys, as Signal's safety numbers are: SHA-512 over a label and both keys, its
first 20 bytes read as 4 groups of 5 digits (about 66 bits).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from game.records.fileio import atomic_write_bytes, ensure_private_dir

CLINIC_PREFIX = "fqclinic1-"
HOME_PREFIX = "fqhome1-"
PAIRING_LABEL = b"facequest pairing code v1"
CODE_GROUPS = 4


class KeyTextError(ValueError):
    """A key file or key text that cannot be read (the message is one sentence)."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    return raw


def raw_public(key: X25519PublicKey | Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def clinic_key_text(key: X25519PublicKey) -> str:
    """The clinic's public key as text (`fqclinic1-` + base64), as a home plan carries it."""
    return CLINIC_PREFIX + _b64(raw_public(key))


def home_key_text(key: Ed25519PublicKey) -> str:
    """A home installation's public key as text (`fqhome1-` + base64), to read or mail."""
    return HOME_PREFIX + _b64(raw_public(key))


def parse_clinic_key(text: str) -> X25519PublicKey:
    """Raises KeyTextError: not a clinic key."""
    raw = _unb64(text.strip().removeprefix(CLINIC_PREFIX))
    if not text.strip().startswith(CLINIC_PREFIX) or len(raw) != 32:
        raise KeyTextError(f"{text[:24]!r} is not a clinic key (it starts with {CLINIC_PREFIX})")
    return X25519PublicKey.from_public_bytes(raw)


def parse_home_key(text: str) -> Ed25519PublicKey:
    """Raises KeyTextError: not a home installation's key."""
    raw = _unb64(text.strip().removeprefix(HOME_PREFIX))
    if not text.strip().startswith(HOME_PREFIX) or len(raw) != 32:
        raise KeyTextError(f"{text[:24]!r} is not a home key (it starts with {HOME_PREFIX}, as "
                        "`facequest home setup` printed it)")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(key: X25519PublicKey | Ed25519PublicKey) -> str:
    """The first 16 bytes of the SHA-256 of the raw public key, hex (32 characters)."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:32]


def pairing_code(clinic: X25519PublicKey, home: Ed25519PublicKey) -> str:
    """The code both sides show, e.g. `04127 88410 29593 61738`: equal on both screens only
    when each side holds the other's real key."""
    digest = hashlib.sha512(PAIRING_LABEL + raw_public(clinic) + raw_public(home)).digest()
    groups = [int.from_bytes(digest[5 * n:5 * n + 5], "big") % 100_000
              for n in range(CODE_GROUPS)]
    return " ".join(f"{g:05d}" for g in groups)


def _write_private(path: Path, key: X25519PrivateKey | Ed25519PrivateKey) -> None:
    ensure_private_dir(path.parent)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    atomic_write_bytes(path, pem)
    path.chmod(0o600)


def _read_private(path: Path) -> object:
    try:
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise KeyTextError(f"the key file {path} is damaged") from exc


def new_clinic_key(path: Path) -> X25519PrivateKey:
    """Make and keep (0600) the clinic's key pair."""
    key = X25519PrivateKey.generate()
    _write_private(path, key)
    return key


def load_clinic_key(path: Path) -> X25519PrivateKey:
    """Raises FileNotFoundError (no key yet) or KeyTextError (not a clinic key)."""
    key = _read_private(path)
    if not isinstance(key, X25519PrivateKey):
        raise KeyTextError(f"{path} is not a clinic key")
    return key


def new_home_key(path: Path) -> Ed25519PrivateKey:
    """Make and keep (0600) a home installation's signing key pair."""
    key = Ed25519PrivateKey.generate()
    _write_private(path, key)
    return key


def load_home_key(path: Path) -> Ed25519PrivateKey:
    """Raises FileNotFoundError (no key yet) or KeyTextError (not a home key)."""
    key = _read_private(path)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyTextError(f"{path} is not a home installation's key")
    return key
