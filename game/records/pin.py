"""The therapist PIN that guards profiles, settings, reports and export in the game.

Stored in the data folder as `therapist-pin.json` (mode 0600): a random salt and the
`hashlib.scrypt` hash, with the scrypt parameters so they can be raised later. Checking
uses a constant-time comparison. A forgotten PIN is reset by deleting that file (the
person must be able to open the user's data folder, which the game never shows a child).

Guessing is slow on purpose. Each check costs one scrypt with N=2^16, r=8 (64 MiB, about
180 ms on a 2-core laptop; docs/benchmarks.md). After `FREE_TRIES` wrong PINs in a row
every further try waits: 30 s, then 60 s, 120 s ... up to an hour; the count and the
waiting time are kept in the PIN file, so restarting the game does not reset them. A PIN
hashed with older, cheaper parameters still works and is re-hashed with the current ones
the next time it is typed correctly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from game.records.fileio import atomic_write_text, ensure_private_dir, read_no_follow
from game.records.storage import StoreError

logger = logging.getLogger(__name__)

PIN_FILE = "therapist-pin.json"
MIN_DIGITS = 4
MAX_DIGITS = 12
# scrypt cost: 64 MiB of memory, about 180 ms per check on a 2-core laptop (>= 100 ms)
SCRYPT_N = 2**16
SCRYPT_R = 8
SCRYPT_P = 1
KEY_BYTES = 32
SALT_BYTES = 16
FREE_TRIES = 5  # wrong PINs in a row before each try must wait
FIRST_WAIT_S = 30
LONGEST_WAIT_S = 3600
_MAX_MEMORY = 256 * 1024 * 1024
_MAX_N = 2**20


class PinError(StoreError):
    """A PIN that cannot be used (wrong length or not digits), or a wrong old PIN."""


class PinFileDamagedError(PinError):
    """The PIN file cannot be read, so no PIN can be checked (deleting it resets the PIN)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"the PIN file {path.name} is damaged; delete it to reset")


class PinLockedError(PinError):
    """Too many wrong PINs: no PIN is checked until `seconds_left` have passed."""

    def __init__(self, seconds_left: int) -> None:
        self.seconds_left = seconds_left
        super().__init__(f"too many wrong PINs; try again in {seconds_left} seconds")


def wait_after(failures: int) -> int:
    """Seconds to wait after `failures` wrong PINs in a row (0 while under FREE_TRIES)."""
    if failures < FREE_TRIES:
        return 0
    return min(LONGEST_WAIT_S, FIRST_WAIT_S * int(2 ** min(failures - FREE_TRIES, 12)))


def _hash(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    if not (1 < n <= _MAX_N and 0 < r <= 32 and 0 < p <= 4 and 16 <= length <= 64):
        raise ValueError("scrypt parameters out of range")
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=_MAX_MEMORY
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

    def __init__(self, data_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(data_dir) / PIN_FILE
        self._clock = clock

    def is_set(self) -> bool:
        return self.path.is_file()

    def set(self, pin: str) -> None:
        """Store a new PIN (replacing any old one; use `change` to require the old one)."""
        check_pin_format(pin)
        self._write(self._hashed(pin))
        logger.info("therapist PIN set")

    def seconds_locked(self) -> int:
        """Seconds until a PIN may be tried again (0: now)."""
        record = self._load()
        if record is None:
            return 0
        return self._seconds_left(record)

    def verify(self, pin: str) -> bool:
        """True when `pin` is the stored PIN; False when it is not, or none is set.

        Raises:
            PinLockedError: too many wrong PINs in a row; nothing was checked.
            PinFileDamagedError: the PIN file is damaged.
        """
        record = self._load()
        if record is None:
            return False
        left = self._seconds_left(record)
        if left > 0:
            raise PinLockedError(left)
        try:
            salt = base64.b64decode(record["salt"])
            expected = base64.b64decode(record["hash"])
            params = (int(record["n"]), int(record["r"]), int(record["p"]))
            digest = _hash(pin, salt, *params, len(expected))
            failures = int(record.get("failures", 0))
        except (KeyError, ValueError, TypeError) as exc:
            raise PinFileDamagedError(self.path) from exc
        if hmac.compare_digest(digest, expected):
            if params != (SCRYPT_N, SCRYPT_R, SCRYPT_P) or len(expected) != KEY_BYTES:
                self._write(self._hashed(pin))  # re-hashed at today's cost
                logger.info("therapist PIN re-hashed with the current scrypt cost")
            elif failures:
                self._write({**record, "failures": 0, "locked_until": 0})
            return True
        failures += 1
        wait = wait_after(failures)
        self._write({**record, "failures": failures,
                     "locked_until": self._clock() + wait if wait else 0})
        logger.info("wrong therapist PIN (%d in a row; next try in %d s)", failures, wait)
        return False

    def _hashed(self, pin: str) -> dict[str, Any]:
        salt = os.urandom(SALT_BYTES)
        digest = _hash(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
        return {
            "algorithm": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode("ascii"),
            "hash": base64.b64encode(digest).decode("ascii"),
            "failures": 0,
            "locked_until": 0,
        }

    def _write(self, record: dict[str, Any]) -> None:
        ensure_private_dir(self.path.parent)
        atomic_write_text(self.path, json.dumps(record, indent=1))

    def _seconds_left(self, record: dict[str, Any]) -> int:
        """Seconds the lock has left. A lock the file cannot hold (NaN, Infinity, not a
        number, more than `LONGEST_WAIT_S` ahead, or a failure count that is not a count)
        counts as a damaged file: the lock is capped at its maximum from now, written back
        so it ends, and said in one warning."""
        now = self._clock()
        until = record.get("locked_until", 0) or 0
        failures = record.get("failures", 0)
        sound_count = isinstance(failures, int) and not isinstance(failures, bool) \
            and failures >= 0
        if not isinstance(until, int | float) or isinstance(until, bool) \
                or not math.isfinite(until) or until > now + LONGEST_WAIT_S + 1 \
                or not sound_count:
            logger.warning("the PIN file %s holds a lock it cannot (damaged or edited); the "
                           "lock is capped at %d seconds", self.path.name, LONGEST_WAIT_S)
            capped = now + LONGEST_WAIT_S
            try:
                self._write({**record, "failures": FREE_TRIES + 12, "locked_until": capped})
            except OSError as exc:
                logger.info("could not write the capped lock back: %s", exc)
            return LONGEST_WAIT_S
        if until > now + wait_after(failures) + 1:
            until = now + wait_after(failures)  # a clock set back must not lock for days
        return max(0, math.ceil(until - now))

    def change(self, old_pin: str, new_pin: str) -> None:
        """Replace the PIN after checking the old one; raises PinError if it is wrong."""
        check_pin_format(new_pin)
        if self.is_set() and not self.verify(old_pin):
            raise PinError("the old PIN is not right")
        self.set(new_pin)

    def _load(self) -> dict[str, Any] | None:
        try:
            text = read_no_follow(self.path).decode("utf-8", errors="replace")
        except FileNotFoundError:
            return None
        try:
            record = json.loads(text, parse_constant=float)  # NaN kept, then capped
        except ValueError as exc:
            raise PinFileDamagedError(self.path) from exc
        if not isinstance(record, dict):
            raise PinFileDamagedError(self.path)
        return record
