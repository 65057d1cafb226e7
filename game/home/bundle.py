"""A bundle: a home installation's new sessions, sealed for one clinic.

File layout (all of it is checked before anything is merged):

    FQBUNDLE1\\n                         magic
    {"clinic": FP, "crc": C, "length": N}\\n
                                        header: the clinic key's fingerprint, the sealed size,
                                        and a CRC-32 of both (so a changed header is told from
                                        a bundle for another clinic or a cut-short one)
    HPKE ciphertext (N bytes)

Sealing is two standard steps from `cryptography`, composed as usual (sign, then encrypt):

1. Sign: Ed25519 by the home installation's key over a label, the clinic's public key
   and the payload (so a bundle signed for one clinic cannot be passed on as if sent to
   another).
2. Encrypt: HPKE (RFC 9180) base mode, single shot, suite DHKEM(X25519, HKDF-SHA256),
   HKDF-SHA256, ChaCha20-Poly1305, to the clinic's X25519 key; the HPKE `info` is a label
   plus the header line, so a changed header fails too. The plaintext is the home's public
   key (32 bytes), the signature (64) and the payload.

The payload is a ZIP (deflated) of `manifest.json`, `sessions.jsonl`, `trials.jsonl` (the
home's stored trial lines, byte for byte) and `motion/<session>.parquet` (only when the plan
allows the face's motion to be recorded). No image and no name are ever in it.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from game.home.keys import fingerprint, raw_public

MAGIC = b"FQBUNDLE1\n"
LABEL = b"facequest home bundle v1\n"
BUNDLE_FORMAT = "facequest-home-bundle"
BUNDLE_VERSION = 1
MAX_HEADER = 512
MAX_UNPACKED = 4 << 30  # a bundle never unpacks to more than 4 GiB
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
MANIFEST, SESSIONS, TRIALS = "manifest.json", "sessions.jsonl", "trials.jsonl"
MOTION_DIR = "motion/"


class BundleRefused(ValueError):
    """A bundle that is not merged; the message is the one sentence to show."""


@dataclass(frozen=True)
class BundleContent:
    """What a bundle carries (the payload, before sealing / after opening)."""

    profile_id: str
    plan_id: str
    seq: int  # the installation's bundle number, 1, 2, ...
    made_at: str  # ISO 8601 with UTC offset
    app_version: str
    sessions: list[dict[str, Any]] = field(default_factory=list)  # SessionRecord dicts
    trial_lines: list[bytes] = field(default_factory=list)  # stored-trial JSON lines
    motion: dict[str, bytes] = field(default_factory=dict)  # session id -> Parquet bytes

    def manifest(self) -> dict[str, Any]:
        return {"format": BUNDLE_FORMAT, "format_version": BUNDLE_VERSION,
                "profile_id": self.profile_id, "plan_id": self.plan_id, "seq": self.seq,
                "made_at": self.made_at, "app_version": self.app_version,
                "sessions": len(self.sessions), "trials": len(self.trial_lines),
                "motion": sorted(self.motion)}


def pack(content: BundleContent) -> bytes:
    """The payload ZIP of `content`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(content.manifest(), sort_keys=True))
        archive.writestr(SESSIONS, "".join(json.dumps(s, ensure_ascii=False) + "\n"
                                           for s in content.sessions))
        archive.writestr(TRIALS, b"".join(line.rstrip(b"\n") + b"\n"
                                          for line in content.trial_lines))
        for session_id, data in sorted(content.motion.items()):
            archive.writestr(f"{MOTION_DIR}{session_id}.parquet", data)
    return buffer.getvalue()


def unpack(payload: bytes) -> BundleContent:
    """Raises BundleRefused: the payload is not a bundle's (after a valid signature this
    means another program or version made it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise BundleRefused("the bundle unpacks to more than 4 GiB; nothing was merged")
            manifest = json.loads(archive.read(MANIFEST))
            if manifest.get("format") != BUNDLE_FORMAT \
                    or manifest.get("format_version") != BUNDLE_VERSION:
                raise BundleRefused("the bundle was made by another FaceQuest version; update "
                                    "FaceQuest here, nothing was merged")
            sessions = [json.loads(line) for line in archive.read(SESSIONS).splitlines()
                        if line.strip()]
            lines = [line for line in archive.read(TRIALS).split(b"\n") if line.strip()]
            motion = {}
            for name in archive.namelist():
                if name.startswith(MOTION_DIR) and name.endswith(".parquet"):
                    motion[name[len(MOTION_DIR):-len(".parquet")]] = archive.read(name)
            content = BundleContent(
                profile_id=str(manifest["profile_id"]), plan_id=str(manifest["plan_id"]),
                seq=int(manifest["seq"]), made_at=str(manifest["made_at"]),
                app_version=str(manifest.get("app_version", "")),
                sessions=sessions, trial_lines=lines, motion=motion)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, BundleRefused):
            raise
        raise BundleRefused(f"the bundle's contents cannot be read ({exc}); nothing was "
                            "merged") from None
    if len(content.sessions) != manifest.get("sessions") \
            or len(content.trial_lines) != manifest.get("trials"):
        raise BundleRefused("the bundle's contents do not match its manifest; nothing was merged")
    return content


def _crc(clinic_fp: str, length: int) -> int:
    return zlib.crc32(f"{clinic_fp}:{length}".encode())


def _signed_message(clinic: X25519PublicKey, payload: bytes) -> bytes:
    return LABEL + raw_public(clinic) + payload


def seal(payload: bytes, home_key: Ed25519PrivateKey, clinic: X25519PublicKey) -> bytes:
    """The bundle file's bytes: `payload` signed by the home key, encrypted to the clinic."""
    signature = home_key.sign(_signed_message(clinic, payload))
    plaintext = raw_public(home_key.public_key()) + signature + payload
    # the sealed size is known before sealing: HPKE adds the 32-byte encapsulated key and
    # the 16-byte tag
    clinic_fp, length = fingerprint(clinic), len(plaintext) + 48
    header = json.dumps({"clinic": clinic_fp, "crc": _crc(clinic_fp, length),
                         "length": length}).encode() + b"\n"
    sealed = SUITE.encrypt(plaintext, clinic, info=LABEL + header)
    return MAGIC + header + sealed


@dataclass(frozen=True)
class Opened:
    """A bundle whose signature and encryption checked out: the sender's key, the payload."""

    home_key: Ed25519PublicKey
    payload: bytes


def open_sealed(data: bytes, clinic_key: X25519PrivateKey) -> Opened:
    """Decrypt and verify a bundle file's bytes.

    Raises:
        BundleRefused: not a bundle, cut short, changed (one flipped bit is enough),
            made for another clinic, or its signature does not check.
    """
    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise BundleRefused("the bundle is cut short (copy it again); nothing was merged")
        raise BundleRefused("that file is not a FaceQuest bundle; nothing was merged")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    if end < 0:
        raise BundleRefused("the bundle is cut short or damaged (copy it again); nothing was "
                            "merged")
    header = data[len(MAGIC):end + 1]
    sealed = data[end + 1:]
    try:
        head = json.loads(header)
        clinic_fp, length = str(head["clinic"]), int(head["length"])
        if head["crc"] != _crc(clinic_fp, length):
            raise ValueError("header checksum")
    except (ValueError, KeyError, TypeError):
        raise BundleRefused("the bundle is damaged or was changed; nothing was merged") from None
    ours = fingerprint(clinic_key.public_key())
    if len(sealed) < length:
        raise BundleRefused("the bundle is cut short (copy it again); nothing was merged")
    try:
        plaintext = SUITE.decrypt(sealed, clinic_key, info=LABEL + header)
    except InvalidTag:
        if clinic_fp != ours:
            raise BundleRefused("the bundle was made for another clinic's key, not this one's; "
                                "nothing was merged") from None
        raise BundleRefused("the bundle is damaged or was changed; nothing was merged") from None
    if len(sealed) != length or clinic_fp != ours or len(plaintext) < 96:
        raise BundleRefused("the bundle is damaged or was changed; nothing was merged")
    home = Ed25519PublicKey.from_public_bytes(plaintext[:32])
    signature, payload = plaintext[32:96], plaintext[96:]
    try:
        home.verify(signature, _signed_message(clinic_key.public_key(), payload))
    except InvalidSignature:
        raise BundleRefused("the bundle's signature does not check; nothing was merged") \
            from None
    return Opened(home, payload)


MAX_PLAN_BYTES = 1 << 20  # a home plan is under 1 KB; anything past 1 MB is not one


def read_input(path: Path, max_bytes: int | None = None, *, magic: bytes = b"") -> bytes:
    """The bytes of a bundle or plan file given on the command line, read safely: a device
    (/dev/zero), a pipe or a folder is refused before it can block or never end; a file over
    `max_bytes` is refused unread; and a file that does not start with `magic` is returned
    as its first bytes only (enough for `open_sealed` to say it is no bundle) instead of
    being read whole into memory.

    Raises:
        OSError: cannot be opened or read; or (with errno EINVAL and a one-phrase strerror)
            not a regular file, or too large.
    """
    import errno
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file: a device, a pipe or a folder")
        if max_bytes is not None and info.st_size > max_bytes:
            raise OSError(errno.EFBIG, f"{info.st_size:,} bytes; at most {max_bytes:,} "
                          "are read")
        head = handle.read(len(magic))
        if head != magic:
            return head
        return head + handle.read()
