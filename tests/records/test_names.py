"""One child per name, and the one child a name or id stands for."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from game.records import (
    AmbiguousNameError,
    DuplicateNameError,
    InvalidValueError,
    ProgressStore,
    StoreError,
    UnknownChildError,
    open_store,
)
from game.records.names import name_key
from tests.records.factories import add_profile_directly


@pytest.mark.parametrize("again", ["Mia Li", "mia li", "  MIA   LI ", "Ｍｉａ Ｌｉ"])
def test_a_second_child_with_the_same_name_is_refused(store: ProgressStore, again: str) -> None:
    mia = store.create_profile("Mia Li")
    with pytest.raises(DuplicateNameError) as caught:
        store.create_profile(again)
    message = str(caught.value)
    assert mia.profile_id in message and "Mia" not in message and "\n" not in message
    assert [p.profile_id for p in store.list_profiles()] == [mia.profile_id]


def test_renaming_onto_another_childs_name_is_refused_but_own_case_change_is_fine(
    store: ProgressStore,
) -> None:
    mia = store.create_profile("Mia")
    leo = store.create_profile("Leo")
    with pytest.raises(DuplicateNameError):
        store.update_profile(leo.profile_id, display_name=" mia ")
    assert store.get_profile(leo.profile_id).display_name == "Leo"
    assert store.update_profile(mia.profile_id, display_name="MIA").display_name == "MIA"
    assert store.update_profile(leo.profile_id, display_name="Leo   B").display_name == "Leo B"


def test_a_name_may_not_be_another_childs_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Leo renamed "C-4F98B8" (Mia's id) could no longer be named, and `profiles delete
    C-4F98B8` would pick Mia; a name like an id that no child has is still a name."""
    from game.cli import main

    data = tmp_path / "data"
    with open_store(data) as store:
        mia = store.create_profile("Mia")
        leo = store.create_profile("Leo")
        for taken in (mia.profile_id, f" {mia.profile_id.lower()} "):
            with pytest.raises(DuplicateNameError) as caught:
                store.update_profile(leo.profile_id, display_name=taken)
            assert mia.profile_id in str(caught.value) and "\n" not in str(caught.value)
            with pytest.raises(DuplicateNameError):
                store.create_profile(taken)
        assert store.update_profile(mia.profile_id, display_name=mia.profile_id)  # its own
        assert store.update_profile(mia.profile_id, display_name="Mia")
    assert main(["profiles", "rename", "Leo", mia.profile_id, "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err == (f"facequest: that is another child's id ({mia.profile_id}), and a name "
                   "may not be one; choose a different name\n")
    with open_store(data, read_only=True) as store:
        assert store.resolve_profile("Leo").profile_id == leo.profile_id
        assert store.resolve_profile(mia.profile_id).display_name == "Mia"


def test_a_name_longer_than_the_game_shows_is_refused_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`profiles rename` and `play --profile` took a 5,000-letter name (the game's own fields
    stop at 24), and the start screen's button then spilled over the other buttons."""
    assert len("Victor Alexander-Montgomery") == 27  # tests/ui/test_text_fit.py's longest
    from game.cli import main
    from game.records.names import MAX_NAME_LENGTH

    data = tmp_path / "data"
    with open_store(data) as store:
        mia = store.create_profile("Mia")
        assert store.create_profile("Victor Alexander-Montgomery").display_name  # 27: fine
        with pytest.raises(StoreError, match=f"at most {MAX_NAME_LENGTH} characters"):
            store.create_profile("W" * (MAX_NAME_LENGTH + 1))
        assert store.update_profile(mia.profile_id, display_name="  Mia " + " " * 40 + "R. ")
    long = "Maximilian Alexander von Hohenberg"
    assert main(["profiles", "rename", "Mia R.", long, "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err == (f"facequest: a child's name has at most {MAX_NAME_LENGTH} characters (a "
                   f"longer one does not fit the game's screens); this one has {len(long)}\n")
    picture = Path(__file__).resolve().parents[2] / "assets" / "bench" / "astronaut.jpg"
    assert main(["play", "--headless", "--source", str(picture), "--data-dir", str(data),
                 "--profile", long, "--max-seconds", "2"]) == 2
    assert f"at most {MAX_NAME_LENGTH} characters" in capsys.readouterr().err
    with open_store(data, read_only=True) as store:
        assert sorted(p.display_name for p in store.list_profiles()) == [
            "Mia R.", "Victor Alexander-Montgomery"]


def test_names_compare_trimmed_spaced_and_case_folded() -> None:
    assert name_key("  Straße  Ö ") == name_key("STRASSE ö")
    assert name_key("小明") != name_key("小红")


def test_resolve_finds_one_child_by_name_or_id(store: ProgressStore) -> None:
    mia = store.create_profile("Mia")
    store.create_profile("Leo")
    assert store.resolve_profile(" mia ").profile_id == mia.profile_id
    assert store.resolve_profile(mia.profile_id.lower()).profile_id == mia.profile_id
    with pytest.raises(UnknownChildError) as caught:
        store.resolve_profile("Nobody")
    assert mia.profile_id in str(caught.value)


def test_namesakes_in_older_records_are_never_picked_silently(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        first = store.create_profile("Sam")
    add_profile_directly(data_dir, "SAM ", "C-0000AB")
    with open_store(data_dir) as store:
        assert len(store.find_profiles("sam")) == 2
        with pytest.raises(AmbiguousNameError) as caught:
            store.resolve_profile("Sam")
        assert sorted(caught.value.profile_ids) == sorted([first.profile_id, "C-0000AB"])
        assert "Sam" not in str(caught.value) and "SAM" not in str(caught.value)
        assert store.resolve_profile("c-0000ab").profile_id == "C-0000AB"
        # telling them apart by renaming one works
        store.update_profile("C-0000AB", display_name="Sam B")
        assert store.resolve_profile("sam").profile_id == first.profile_id


THIS_YEAR = datetime.now().year


@pytest.mark.parametrize("year", [1899, THIS_YEAR + 1, "2017", True, 2017.0])
def test_impossible_birth_years_are_refused(store: ProgressStore, year: object) -> None:
    with pytest.raises(InvalidValueError,
                       match=f"a birth year is a year from 2000 to {THIS_YEAR}"):
        store.create_profile("Ada", birth_year=year)  # type: ignore[arg-type]  # wrong on purpose
    child = store.create_profile("Ada", birth_year=THIS_YEAR)
    with pytest.raises(InvalidValueError):
        store.update_profile(child.profile_id, birth_year=year)
    assert store.update_profile(child.profile_id, birth_year=None).birth_year is None


def test_consents_and_notes_take_only_their_types(store: ProgressStore) -> None:
    child = store.create_profile("Ada")
    with pytest.raises(InvalidValueError):
        store.update_profile(child.profile_id, allow_frame_traces="yes")
    with pytest.raises(InvalidValueError):
        store.update_profile(child.profile_id, notes=None)
    with pytest.raises(StoreError, match="needs a name"):
        store.update_profile(child.profile_id, display_name=" ")
    done = store.update_profile(child.profile_id, allow_frame_traces=True, notes="ok")
    assert done.allow_frame_traces is True and done.notes == "ok"
