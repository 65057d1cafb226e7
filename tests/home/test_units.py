"""The pieces of home practice on their own: the pairing code, sealing and opening a bundle,
adherence, and the store's merge."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from game.home.bundle import BundleContent, BundleRefused, open_sealed, pack, seal, unpack
from game.home.keys import (
    KeyTextError,
    clinic_key_text,
    home_key_text,
    pairing_code,
    parse_clinic_key,
    parse_home_key,
)
from game.home.plan import HomePlan, PlanError
from game.play.programme import MasteryRule, Programme
from game.records import memory_store
from game.records.clinic_ledger import PlanTerms
from game.records.models import SessionRecord
from game.records.storage import StoreError
from game.reports.adherence import adherence, planned_days, week_progress
from tests.records.factories import make_trial

TZ = timezone(timedelta(hours=8))


def test_the_pairing_code_is_the_same_from_the_keys_as_text_and_differs_for_another_key(
) -> None:
    clinic, home = X25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    code = pairing_code(clinic.public_key(), home.public_key())
    again = pairing_code(parse_clinic_key(clinic_key_text(clinic.public_key())),
                         parse_home_key(home_key_text(home.public_key())))
    assert code == again and len(code.split()) == 4
    assert all(len(group) == 5 and group.isdigit() for group in code.split())
    other = Ed25519PrivateKey.generate()
    assert pairing_code(clinic.public_key(), other.public_key()) != code


@pytest.mark.parametrize("text", ["", "fqhome1-", "fqhome1-abc", "fqclinic1-" + "A" * 43,
                                  "hello"])
def test_a_text_that_is_not_a_home_key_is_refused(text: str) -> None:
    with pytest.raises(KeyTextError):
        parse_home_key(text)


def _content() -> BundleContent:
    return BundleContent(profile_id="C-ABC123", plan_id="P-1A2B3C4D", seq=3,
                         made_at="2026-12-01T18:00:00+08:00", app_version="x",
                         sessions=[{"session_id": "S-00000001"}],
                         trial_lines=[b'{"a": 1}'], motion={"S-00000001": b"PAR1"})


def test_a_sealed_bundle_opens_to_its_sender_and_payload() -> None:
    clinic, home = X25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data = seal(pack(_content()), home, clinic.public_key())
    opened = open_sealed(data, clinic)
    assert home_key_text(opened.home_key) == home_key_text(home.public_key())
    assert unpack(opened.payload) == _content()


def test_a_bundle_opens_only_with_its_clinic_key() -> None:
    clinic, home = X25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data = seal(pack(_content()), home, clinic.public_key())
    with pytest.raises(BundleRefused, match="another clinic"):
        open_sealed(data, X25519PrivateKey.generate())


def test_every_single_bit_flip_in_a_small_bundle_is_refused() -> None:
    clinic, home = X25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data = seal(pack(_content()), home, clinic.public_key())
    for at in range(0, len(data), max(1, len(data) // 400)):
        for bit in (0, 7):
            bad = data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1:]
            with pytest.raises(BundleRefused):
                open_sealed(bad, clinic)


def test_a_plan_round_trips_and_refuses_bad_numbers() -> None:
    plan = HomePlan(plan_id="P-1", profile_id="C-ABC123", issued_at="2026-12-01T09:00:00+08:00",
                    days_per_week=4, minutes_per_day=20, clinic_key="fqclinic1-x",
                    level_set_id="first-faces", settings={"language": "zh-CN"},
                    programme=Programme.create(("first-faces",), MasteryRule(), 20,
                                               created_at="2026-12-01T09:00:00+08:00").to_json())
    assert HomePlan.from_json(plan.to_json()) == plan
    broken = plan.to_json().replace('"level_sets": [', '"level_sets": 7, "x": [')
    with pytest.raises(PlanError, match="programme"):
        HomePlan.from_json(broken)
    bad = plan.to_json().replace('"days_per_week": 4', '"days_per_week": 9')
    with pytest.raises(PlanError, match="days a week"):
        HomePlan.from_json(bad)


def test_planned_days_count_whole_weeks_and_the_part_week() -> None:
    first = date(2026, 11, 30)
    assert planned_days(first, first, 4) == 1
    assert planned_days(first, first + timedelta(days=6), 4) == 4
    assert planned_days(first, first + timedelta(days=9), 4) == 7
    assert planned_days(first, first - timedelta(days=1), 4) == 0


def _session(day: int, minutes: int, place: str = "home", plan: str = "P-1") -> SessionRecord:
    began = datetime(2026, 11, 30, 18, 0, tzinfo=TZ) + timedelta(days=day)
    return SessionRecord(session_id=f"S-{day:08X}", profile_id="C-ABC123",
                         started_at=began.isoformat(), level_set_id="x", app_version="x",
                         ended_at=(began + timedelta(minutes=minutes)).isoformat(),
                         place=place, plan_id=plan if place == "home" else "")


def test_adherence_counts_home_days_and_minutes_of_the_plan_only() -> None:
    terms = PlanTerms("P-1", "C-ABC123", "2026-11-30T09:00:00+08:00", 4, 20)
    sessions = [_session(0, 15), _session(0, 10), _session(2, 20), _session(3, 30, "clinic"),
                _session(4, 20, plan="P-2"), _session(-1, 30)]  # the last: before the plan
    done = adherence(terms, sessions, date(2026, 12, 6))
    assert (done.days_practised, done.days_planned) == (2, 4)
    assert (done.minutes_practised, done.minutes_planned) == (45.0, 80)
    assert done.sessions == 3


def test_this_week_counts_days_from_monday() -> None:
    sessions = [_session(0, 15), _session(1, 15), _session(7, 12)]  # Mon 30 Nov, Tue, Mon 7 Dec
    week = week_progress(sessions, 4, datetime(2026, 12, 7, 20, 0, tzinfo=TZ))
    assert (week.days_done, week.days_planned, week.practised_today) == (1, 4, True)
    assert week.minutes_today == pytest.approx(12.0)


def test_merge_sessions_adds_once_and_refuses_another_childs_session() -> None:
    store = memory_store()
    mia = store.create_profile("Mia", profile_id="C-ABC123")
    leo = store.create_profile("Leo")
    with pytest.raises(StoreError, match="already"):
        store.create_profile("Kim", profile_id="C-ABC123")
    theirs = store.start_session(leo.profile_id, level_set_id="x")
    session = _session(0, 15)
    doc = {"session_id": session.session_id, "profile_id": mia.profile_id,
           "recorded_at": session.started_at, "therapist_note": "",
           "trial": make_trial(0).to_dict()}
    assert store.merge_sessions(mia.profile_id, [session], [doc]) == (1, 1)
    assert store.merge_sessions(mia.profile_id, [session], [doc]) == (0, 0)
    clash = SessionRecord(session_id=theirs.session_id, profile_id=mia.profile_id,
                          started_at=session.started_at, level_set_id="x", app_version="x",
                          place="home")
    with pytest.raises(StoreError, match="another child"):
        store.merge_sessions(mia.profile_id, [clash], [])
    assert [s.place for s in store.sessions_for(mia.profile_id)] == ["home"]


def test_a_session_place_is_clinic_or_home() -> None:
    with pytest.raises(ValueError, match="place"):
        SessionRecord(session_id="S-1", profile_id="C-1", started_at="x", level_set_id="x",
                      app_version="x", place="school")


def test_forgetting_a_child_builds_a_damaged_ledger_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`forget_child` built the ledger twice when it was damaged (the second read the file
    the first had started); a ledger that could not be moved aside was tried twice."""
    from game.records import clinic_ledger

    path = clinic_ledger.ledger_path(tmp_path)
    path.parent.mkdir()
    path.write_text(json.dumps({
        "homes": {"KEY-A": {"profile_id": "C-000001"}, "KEY-B": {"profile_id": "C-000002"}},
        "plans": {"P-JUNK": "junk"}, "sessions": {"S-1": {"profile_id": "C-000001"}}}))
    built: list[Path] = []

    class Counted(clinic_ledger.ClinicLedger):
        def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
            built.append(data_dir)
            super().__init__(data_dir, read_only=read_only)

    monkeypatch.setattr(clinic_ledger, "ClinicLedger", Counted)
    clinic_ledger.forget_child(tmp_path, "C-000001", frozenset({"S-1"}))
    assert built == [tmp_path]
    now = json.loads(path.read_text(encoding="utf-8"))
    assert now["homes"] == {"KEY-B": {"profile_id": "C-000002"}}
    assert now["revoked"] == ["KEY-A"] and now["plans"] == {} and now["sessions"] == {}
    assert sorted(p.name for p in path.parent.iterdir()) == ["ledger.json"]  # copy named them

    moves: list[Path] = []

    def refuse(path: Path, label: str, when: datetime) -> Path:
        moves.append(path)
        raise PermissionError(13, "Permission denied")

    path.write_bytes(b'{"plans": ')
    monkeypatch.setattr(clinic_ledger, "move_aside", refuse)
    with pytest.raises(StoreError, match="cannot be moved aside"):
        clinic_ledger.forget_child(tmp_path, "C-000002", frozenset())
    assert moves == [path] and path.read_bytes() == b'{"plans": '
