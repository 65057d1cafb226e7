"""A level set kept outside levels/ (a researcher's own file) is shown by its title in the
report, not by its id (issue 25, "Research")."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.paths import DEFAULT_MODEL_PATH, LEVELS_DIR
from game.records import open_store
from game.records.store import memory_store
from game.reports.html_report import render_report
from game.reports.level_titles import level_set_title
from tests.records.factories import make_trial

NOW = datetime.fromisoformat("2026-03-01T10:00:00+01:00")


def research_set(folder: Path) -> Path:
    """first-faces under another id and title, in a folder that is not levels/."""
    text = (LEVELS_DIR / "first-faces.toml").read_text(encoding="utf-8")
    text = text.replace('id = "first-faces"', 'id = "site-b-pilot"', 1)
    text = re.sub(r'^title = \{[^}]*\}', 'title = { en = "Site B pilot faces", zh-CN = '
                  '"B 点试点表情" }', text, count=1, flags=re.MULTILINE)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "site-b.toml"
    path.write_text(text, encoding="utf-8")
    return path


def visible(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page)


def test_a_stored_title_wins_over_the_id() -> None:
    stored = {"en": "Site B pilot faces", "zh-CN": "B 点试点表情"}
    assert level_set_title("site-b-pilot", "en", stored=stored) == "Site B pilot faces"
    assert level_set_title("site-b-pilot", "zh-CN", stored=stored) == "B 点试点表情"
    assert level_set_title("site-b-pilot", "en", stored={}) == "site-b-pilot"
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="site-b-pilot",
                                  level_set_title=stored)
    store.add_trial(session.session_id, make_trial(0))
    store.end_session(session.session_id, reason="completed")
    page = visible(render_report(store, child.profile_id, generated_at=NOW, lang="en"))
    assert "Site B pilot faces" in page and "site-b-pilot" not in page


@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no shipped expression model")
def test_a_set_played_from_its_own_folder_is_titled_in_the_report(
    tmp_path: Path, astronaut_rgb: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    import cv2

    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(np.asarray(astronaut_rgb), cv2.COLOR_RGB2BGR))
    levels = research_set(tmp_path / "study")
    data_dir = tmp_path / "data"
    assert main(["play", "--headless", "--source", str(photo), "--max-seconds", "6",
                 "--data-dir", str(data_dir), "--profile", "X", "--levels", str(levels)]) == 0
    with open_store(data_dir, read_only=True) as store:
        (profile,) = store.find_profiles("X")
        (session,) = store.sessions_for(profile.profile_id)
    assert session.level_set_id == "site-b-pilot"
    assert session.level_set_title["en"] == "Site B pilot faces"
    for lang, title in (("en", "Site B pilot faces"), ("zh-CN", "B 点试点表情")):
        out = tmp_path / f"report-{lang}.html"
        assert main(["report", "X", "--data-dir", str(data_dir), "--out", str(out),
                     "--lang", lang]) == 0
        page = visible(out.read_text(encoding="utf-8"))
        assert title in page and "site-b-pilot" not in page, lang
    capsys.readouterr()
