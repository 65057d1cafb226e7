"""The therapist PIN that guards profiles, settings, reports and export in the game.

Stored in the data folder as `therapist-pin.json` (mode 0600): a random salt and the
`hashlib.scrypt` hash, with the scrypt parameters so they can be raised later. Checking
uses a constant-time comparison. A forgotten PIN is reset by deleting that file (the
person must be able to open the user's data folder, which the game never shows a child).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
from pathlib import Path
from typing import Any

from game.records.fileio import atomic_write_text, ensure_private_dir
from game.records.storage import StoreError

logger = logging.getLogger(__name__)

PIN_FILE = "therapist-pin.json"
MIN_DIGITS = 4
MAX_DIGITS = 12
# scrypt cost: 16 MiB of memory, about 50 ms per check on a laptop
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_BYTES = 32
SALT_BYTES = 16


class PinError(StoreError):
    """A PIN that cannot be used (wrong length or not digits), or a wrong old PIN."""


def _hash(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=64 * 1024 * 1024
    )


def check_pin_format(pin: str) -> None:
    """Raise PinError unless `pin` is 4 to 12 digits."""
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise PinError(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")


class TherapistPin:
    """Set, check and change the PIN kept in `data_dir`.

    Example:
        pin = TherapistPin(data_dir)
        if not pin.is_set():
            pin.set("4711")
        allowed = pin.verify(typed_digits)
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / PIN_FILE

    def is_set(self) -> bool:
        return self.path.is_file()

    def set(self, pin: str) -> None:
        """Store a new PIN (replacing any old one; use `change` to require the old one)."""
        check_pin_format(pin)
        salt = os.urandom(SALT_BYTES)
        digest = _hash(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
        record = {
            "algorithm": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode("ascii"),
            "hash": base64.b64encode(digest).decode("ascii"),
        }
        ensure_private_dir(self.path.parent)
        atomic_write_text(self.path, json.dumps(record, indent=1))
        logger.info("therapist PIN set")

    def verify(self, pin: str) -> bool:
        """True when `pin` is the stored PIN; False when it is not, or none is set."""
        record = self._load()
        if record is None:
            return False
        try:
            salt = base64.b64decode(record["salt"])
            expected = base64.b64decode(record["hash"])
            digest = _hash(
                pin, salt, int(record["n"]), int(record["r"]), int(record["p"]), len(expected)
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise PinError(f"the PIN file {self.path.name} is damaged; delete it to reset") from exc
        return hmac.compare_digest(digest, expected)

    def change(self, old_pin: str, new_pin: str) -> None:
        """Replace the PIN after checking the old one; raises PinError if it is wrong."""
        check_pin_format(new_pin)
        if self.is_set() and not self.verify(old_pin):
            raise PinError("the old PIN is not right")
        self.set(new_pin)

    def _load(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            record = json.loads(text)
        except ValueError as exc:
            raise PinError(f"the PIN file {self.path.name} is damaged; delete it to reset") from exc
        if not isinstance(record, dict):
            raise PinError(f"the PIN file {self.path.name} is damaged; delete it to reset")
        return record
