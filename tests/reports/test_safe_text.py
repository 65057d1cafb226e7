"""Safe text in the research export (issue 25, "Privacy and text"): a note with a CR or LF
stays one CSV cell with no live formula on any of its lines; a child's name is scrubbed from
notes whatever its Unicode form, and so is a name the child had before a rename; the
camera-images consent is gone while old profiles that hold it still open."""

from __future__ import annotations

import csv
import json
import logging
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Literal

import pytest

from game.cli import main
from game.records import open_store
from game.records.store import memory_store
from game.reports.export import export_rows, neutralise_formula, scrub_name
from game.reports.export_file import write_export
from tests.conftest import REPO_ROOT
from tests.records.factories import add_profile_directly, make_trial

FORMULA_NOTE = "fine\r=1+1\r=2+2"


def test_a_note_with_a_cr_or_lf_stays_one_cell_without_a_live_formula(tmp_path: Path) -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, make_trial(0, override_note="a\n@SUM(A1)\r\n-3"),
                    therapist_note=FORMULA_NOTE)
    store.add_trial(session.session_id, make_trial(1), therapist_note="plain")
    out = tmp_path / "trials.csv"
    write_export(store, out, fmt="csv")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2  # not 4: the CRs did not start rows
    assert rows[0]["therapist_note"] == "fine\r'=1+1\r'=2+2"
    assert rows[0]["override_note"] == "a\n'@SUM(A1)\r\n'-3"
    assert rows[1]["therapist_note"] == "plain"
    # a reader that splits the file at every CR or LF, as some tools do, finds no formula
    text = out.read_text(encoding="utf-8-sig")
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "@")), line


def test_neutralising_keeps_plain_lines_and_the_first_line_rule() -> None:
    assert neutralise_formula("one\ntwo") == "one\ntwo"
    assert neutralise_formula("=A1\n=B1") == "'=A1\n'=B1"
    assert neutralise_formula("\rline") == "'\rline"


@pytest.mark.parametrize("form", ["NFD", "NFKD"])
def test_a_decomposed_name_in_a_note_is_scrubbed(form: Literal["NFD", "NFKD"]) -> None:
    note = unicodedata.normalize(form, "Zoë smiled; ZOË laughed")
    assert note != "Zoë smiled; ZOË laughed"
    assert scrub_name(note, "Zoë Rossi") == "[child] smiled; [child] laughed"
    assert scrub_name("Zoë smiled", unicodedata.normalize("NFD", "Zoë")) == "[child] smiled"


def test_full_width_and_case_folded_names_are_scrubbed() -> None:
    assert scrub_name("ＭＩＡ came; STRAẞE", "Mia Strasse") == "[child] came; [child]"
    assert scrub_name("Miami trip", "Mia") == "Miami trip"


def test_a_former_name_is_scrubbed_from_the_export_after_a_rename(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_store(data) as store:
        child = store.create_profile("Zoë Rossi").profile_id
        session = store.start_session(child, level_set_id="first-faces")
        note = unicodedata.normalize("NFD", "Zoë was calm; Rossi family came")
        store.add_trial(session.session_id, make_trial(0), therapist_note=note)
        store.update_profile(child, display_name="Ava Lee")
        store.update_profile(child, display_name="Ava L.")
        profile = store.get_profile(child)
        assert profile.former_names == ["Zoë Rossi", "Ava Lee"]
        (row,) = export_rows(store)
    assert row["therapist_note"] == f"{child} was calm; {child} family came"
    out = tmp_path / "t.json"
    assert main(["export", "--data-dir", str(data), "--out", str(out)]) == 0
    assert "Zo" not in out.read_text(encoding="utf-8")


def test_former_names_are_kept_privately_and_erased_with_the_child(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    with open_store(data) as store:
        child = store.create_profile("Zoë Rossi").profile_id
        store.update_profile(child, display_name="Ava")
    assert main(["profiles", "show", child, "--data-dir", str(data)]) == 0
    assert "Rossi" not in capsys.readouterr().out
    assert main(["profiles", "delete", child, "--yes", "--data-dir", str(data)]) == 0
    for path in data.rglob("*"):
        if path.is_file():
            assert b"Rossi" not in path.read_bytes(), path


def test_the_camera_images_consent_is_gone_but_old_profiles_open_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    with open_store(data):
        pass
    child = add_profile_directly(data, "Mia", "C-0A0B0C")  # as written before: the consent
    document = json.loads((data / "progress.json").read_text(encoding="utf-8"))
    assert any("allow_camera_images" in doc for doc in document["profiles"].values())
    with caplog.at_level(logging.WARNING), open_store(data, read_only=True) as store:
        profile = store.get_profile(child)
    assert profile.display_name == "Mia" and not hasattr(profile, "allow_camera_images")
    assert "allow_camera_images" not in caplog.text
    help_text = subprocess.run(
        [sys.executable, "-m", "game", "profiles", "set", "--help"], capture_output=True,
        text=True, cwd=REPO_ROOT, timeout=120).stdout
    assert "camera-images" not in help_text and "--text-size" in help_text


def test_the_settings_of_the_child_page_offer_no_camera_pictures() -> None:
    from game import phrases
    from game.ui.scenes.child_admin import ROWS

    assert all(row.field != "allow_camera_images" for row in ROWS)
    for lang in ("en", "zh-CN"):
        assert not any("Pictures from the camera" in phrases.text(key, lang)
                       or "摄像头拍到的画面" in phrases.text(key, lang)
                       for key in phrases.all_keys("ui.admin") if not phrases.has_fields(key))
