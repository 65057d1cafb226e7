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
