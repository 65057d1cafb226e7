"""Therapist PIN: scrypt with a salt, stored privately, checked and changed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from game.records.pin import PIN_FILE, PinError, TherapistPin


def test_pin_is_set_verified_and_stored_hashed_and_private(tmp_path: Path) -> None:
    pin = TherapistPin(tmp_path / "data")
    assert not pin.is_set()
    assert not pin.verify("1234")
    pin.set("482915")
    assert pin.is_set()
    assert pin.verify("482915")
    assert not pin.verify("482916")
    assert not pin.verify("")
    text = (tmp_path / "data" / PIN_FILE).read_text(encoding="utf-8")
    assert "482915" not in text
    record = json.loads(text)
    assert record["algorithm"] == "scrypt" and len(record["salt"]) >= 16
    assert stat.S_IMODE((tmp_path / "data" / PIN_FILE).stat().st_mode) == 0o600


def test_same_pin_gets_a_different_salt_each_time(tmp_path: Path) -> None:
    first, second = TherapistPin(tmp_path / "a"), TherapistPin(tmp_path / "b")
    first.set("1111")
    second.set("1111")
    hashes = {json.loads(p.path.read_text(encoding="utf-8"))["hash"] for p in (first, second)}
    assert len(hashes) == 2
    assert first.verify("1111") and second.verify("1111")


def test_change_needs_the_old_pin(tmp_path: Path) -> None:
    pin = TherapistPin(tmp_path)
    pin.set("1234")
    with pytest.raises(PinError, match="old PIN"):
        pin.change("9999", "5678")
    assert pin.verify("1234")
    pin.change("1234", "5678")
    assert pin.verify("5678") and not pin.verify("1234")


@pytest.mark.parametrize("bad", ["123", "12a4", "1234567890123", "１２３４", " 1234"])
def test_pin_must_be_4_to_12_ascii_digits(tmp_path: Path, bad: str) -> None:
    with pytest.raises(PinError, match="4 to 12 digits"):
        TherapistPin(tmp_path).set(bad)


def test_damaged_pin_file_is_reported(tmp_path: Path) -> None:
    pin = TherapistPin(tmp_path)
    pin.path.write_text("{oops", encoding="utf-8")
    with pytest.raises(PinError, match="damaged"):
        pin.verify("1234")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_after_five_wrong_pins_each_try_waits_longer_even_after_a_restart(
    tmp_path: Path,
) -> None:
    from game.records.pin import FREE_TRIES, PinLockedError

    clock = FakeClock()
    pin = TherapistPin(tmp_path, clock=clock)
    pin.set("2468")
    for _ in range(FREE_TRIES):
        assert not pin.verify("1111")
    with pytest.raises(PinLockedError) as locked:
        pin.verify("2468")  # even the right PIN is not checked while locked
    assert locked.value.seconds_left == 30
    restarted = TherapistPin(tmp_path, clock=clock)  # a new game process
    assert restarted.seconds_locked() == 30
    clock.now += 30
    assert not restarted.verify("1111")  # the sixth wrong try
    with pytest.raises(PinLockedError) as longer:
        restarted.verify("2468")
    assert longer.value.seconds_left == 60
    clock.now += 60
    assert restarted.verify("2468")
    assert restarted.seconds_locked() == 0
    for _ in range(FREE_TRIES - 1):  # the count starts again after a right PIN
        assert not restarted.verify("1111")
    assert restarted.verify("2468")


def test_the_kdf_is_at_least_four_times_the_old_cost_and_old_hashes_are_upgraded(
    tmp_path: Path,
) -> None:
    import base64
    import hashlib

    from game.records.pin import SCRYPT_N, SCRYPT_R

    assert SCRYPT_N * SCRYPT_R >= 4 * 2**14 * 8  # memory (and time) per guess
    salt = b"0123456789abcdef"
    old = {"algorithm": "scrypt", "n": 2**14, "r": 8, "p": 1,
           "salt": base64.b64encode(salt).decode("ascii"),
           "hash": base64.b64encode(hashlib.scrypt(b"1357", salt=salt, n=2**14, r=8, p=1,
                                                   dklen=32)).decode("ascii")}
    (tmp_path / PIN_FILE).write_text(json.dumps(old), encoding="utf-8")
    pin = TherapistPin(tmp_path)
    assert not pin.verify("1358")
    assert json.loads(pin.path.read_text(encoding="utf-8"))["n"] == 2**14  # not on a miss
    assert pin.verify("1357")
    upgraded = json.loads(pin.path.read_text(encoding="utf-8"))
    assert (upgraded["n"], upgraded["r"]) == (SCRYPT_N, SCRYPT_R)
    assert upgraded["salt"] != old["salt"]
    assert pin.verify("1357") and not pin.verify("1358")


def test_absurd_scrypt_parameters_in_the_file_are_a_damaged_file(tmp_path: Path) -> None:
    pin = TherapistPin(tmp_path)
    pin.set("1234")
    record = json.loads(pin.path.read_text(encoding="utf-8"))
    record["n"] = 2**40
    pin.path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(PinError, match="damaged"):
        pin.verify("1234")
