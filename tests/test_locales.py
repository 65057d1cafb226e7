"""The text catalogues (game/locales/<lang>.toml): complete, consistent, and a new language is
just a new file (tests/data/locales/eo.toml, loaded through FACEQUEST_LOCALES)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest

from game import locales, phrases
from game.locales import CatalogueError, Catalogues, fields_of
from game.reports import report_text

REPO = Path(__file__).resolve().parents[1]
SHIPPED = Path(str(files("game.locales")))
TEST_LOCALES = REPO / "tests" / "data" / "locales"


def _flat(path: Path) -> dict[str, str]:
    """The texts of a catalogue as the file writes them (tomllib, not the loader)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if isinstance(v, str)}


def _shipped_files() -> dict[str, Path]:
    return {p.name.removesuffix(".toml"): p for p in sorted(SHIPPED.glob("*.toml"))}


def test_the_languages_are_the_catalogue_files() -> None:
    assert locales.LANGUAGES == phrases.LANGUAGES == ("en", "zh-CN")
    assert set(_shipped_files()) == set(locales.LANGUAGES)
    locales.check_catalogues()


def test_every_key_is_in_every_catalogue_and_no_other() -> None:
    english = _flat(_shipped_files()["en"])
    assert len(english) > 500
    for lang, path in _shipped_files().items():
        texts = _flat(path)
        assert set(texts) == set(english), (lang, sorted(set(texts) ^ set(english))[:5])
        assert "catalogue" in tomllib.loads(path.read_text(encoding="utf-8"))
        assert "fallback" not in tomllib.loads(path.read_text(encoding="utf-8"))["catalogue"]


def test_placeholders_are_the_same_in_every_language() -> None:
    english = _flat(_shipped_files()["en"])
    for lang, path in _shipped_files().items():
        for key, text in _flat(path).items():
            assert fields_of(text) == fields_of(english[key]), (lang, key)


def test_the_game_and_the_report_read_their_own_keys() -> None:
    english = _flat(_shipped_files()["en"])
    assert set(phrases.PHRASES) == {k for k in english if not k.startswith("report.")}
    assert set(report_text.TEXTS) == {k.removeprefix("report.") for k in english
                                      if k.startswith("report.")}
    assert report_text.TEXTS["page.brand"]["zh-CN"] == "FaceQuest 进步报告"
    assert phrases.PHRASES["greeting"]["en"] == english["greeting"]


def _folder(tmp_path: Path, body: str, name: str = "eo.toml") -> Catalogues:
    (tmp_path / "en.toml").write_text(
        'catalogue.name = "English"\n"greeting" = "Hi!"\n"ui.count" = "{n} faces"\n'
        '"report.page.brand" = "Report"\n', encoding="utf-8")
    (tmp_path / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return Catalogues.in_folders(tmp_path)


@pytest.mark.parametrize(("body", "words"), [
    ('"greeting" = "Saluton!"\n"ui.count" = "{n} vizagoj\n',
     ("not valid TOML", "line 2")),
    ('"greeting" = "Saluton!"\n"ui.count" = "{n} vizagoj"\n"report.page.brand" = "R"\n'
     '"grteting" = "Hi"\n', ("line 4", "'grteting'", "not in the English catalogue")),
    ('"greeting" = "Saluton!"\n"ui.count" = "{m} vizagoj"\n"report.page.brand" = "R"\n',
     ("line 2", "'ui.count'", "same {fields} as English ({n})")),
    ('"greeting" = "Saluton!"\n"ui.count" = "{n} vizagoj"\n',
     ("'report.page.brand' is missing", "catalogue.fallback")),
    ('"greeting" = 3\n', ("line 1", "'greeting'", "must be a text in quotes")),
    ('"greeting" = " "\n', ("line 1", "'greeting'", "empty")),
    ('\n"greeting" = "Sal{uton"\n', ("line 2", "'greeting'", "stray brace")),
    ('catalogue.fallback = "eo"\n"greeting" = "Saluton!"\n',
     ("line 1", "'catalogue.fallback'", "must name another language: en")),
    ('catalogue.aliases = ["en"]\n"greeting" = "Saluton!"\n"ui.count" = "{n} vizagoj"\n'
     '"report.page.brand" = "R"\n', ("'en' is used by en too",)),
    ('catalogue.colour = "blue"\n', ("line 1", "'catalogue.colour'", "catalogue.name")),
    ('"greeting" = "Saluton!"\ngreeting = "Saluton!"\n', ("not valid TOML", "line 2")),
])
def test_a_broken_catalogue_is_one_sentence_with_file_line_and_key(
    tmp_path: Path, body: str, words: tuple[str, ...],
) -> None:
    with pytest.raises(CatalogueError) as caught:
        _folder(tmp_path, body).check()
    message = str(caught.value)
    assert "eo.toml" in message and "\n" not in message, message
    for word in words:
        assert word in message, message


def test_a_catalogue_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """A translator's Notepad saves "UTF-8 with BOM": the mark is not TOML (it was refused as
    "not valid TOML: Invalid statement (at line 1, column 1)"); errors keep their lines."""
    shipped = TEST_LOCALES / "eo.toml"
    (tmp_path / "eo.toml").write_bytes(b"\xef\xbb\xbf" + shipped.read_bytes())
    both = Catalogues.in_folders(files("game.locales"), tmp_path)
    both.check()
    assert both.catalogue("eo").name == "Esperanto"
    assert both.catalogue("eo").texts["greeting"] == "Saluton! Ni ludu kun vizagoj!"
    (tmp_path / "eo.toml").write_bytes(b"\xef\xbb\xbf" + b'"greeting" = 3\n')
    with pytest.raises(CatalogueError, match="line 1: key 'greeting' must be a text"):
        Catalogues.in_folders(files("game.locales"), tmp_path).check()


def test_a_catalogue_saved_as_gbk_names_the_line_of_its_first_foreign_byte(
    tmp_path: Path,
) -> None:
    (tmp_path / "zh-CN.toml").write_bytes(
        (files("game.locales") / "zh-CN.toml").read_text(encoding="utf-8").encode("gbk"))
    (tmp_path / "en.toml").write_bytes((files("game.locales") / "en.toml").read_bytes())
    with pytest.raises(CatalogueError) as caught:
        Catalogues.in_folders(tmp_path).check()
    text = (files("game.locales") / "zh-CN.toml").read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1)
                if any(ord(ch) > 127 for ch in row))
    assert f"zh-CN.toml, line {line}, is not UTF-8 text" in str(caught.value)
    assert str(caught.value).endswith("save it as UTF-8")


def test_a_badly_named_file_or_no_english_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not named after a language code"):
        _folder(tmp_path, '"greeting" = "Hi"\n', name="Esperanto.toml").check()
    (tmp_path / "en.toml").unlink()
    (tmp_path / "Esperanto.toml").unlink()
    with pytest.raises(CatalogueError, match="English text catalogue"):
        Catalogues.in_folders(tmp_path).check()


def test_a_partial_catalogue_takes_the_rest_from_its_fallback() -> None:
    both = Catalogues.in_folders(files("game.locales"), TEST_LOCALES)
    both.check()
    assert both.languages == ("en", "eo", "zh-CN")
    esperanto = both.catalogue("eo")
    assert esperanto.name == "Esperanto" and esperanto.aliases == ("epo",)
    assert esperanto.texts["greeting"] == "Saluton! Ni ludu kun vizagoj!"
    assert esperanto.texts["try_another"] == "Ni provu alian!"
    assert esperanto.texts["ui.start"] == "Start"  # from English
    assert list(esperanto.texts) == list(both.catalogue("en").texts)
    assert both.spellings()["epo"] == "eo"
    assert both.table("report.")["page.brand"]["eo"] == "FaceQuest raporto pri progreso"


# Run in a fresh interpreter whose FACEQUEST_LOCALES names tests/data/locales: the language
# list, the CLI's choices, the game's texts, a drawn scene and the report's texts take eo.
_NEW_LANGUAGE = """
import pygame
from datetime import datetime
from game import phrases
from game.cli import build_parser
from game.reports.report_text import ReportText
from game.ui.scenes.settings_scene import SettingsScene
from game.ui.scenes.start import StartScene
from game.ui.widgets import layout_probe
from tests.ui.test_scenes_render import _context

assert phrases.LANGUAGES == ("en", "eo", "zh-CN"), phrases.LANGUAGES
assert phrases.normalize_language("EPO") == "eo"
assert phrases.text("greeting", "eo") == "Saluton! Ni ludu kun vizagoj!"
assert phrases.text("ui.level_number", "eo", number=3) == "Nivelo 3"
assert phrases.text("ui.start", "eo") == "Start"
assert phrases.language_name("eo", "en") == "Esperanto"
args = build_parser().parse_args(["report", "Mia", "--out", "r.html", "--lang", "eo"])
assert args.lang == "eo"
report = ReportText("eo")
assert report.t("page.brand") == "FaceQuest raporto pri progreso"
assert report.date(datetime(2025, 3, 3)) == "la 3-a de marto 2025"
assert report.expression("happy") == "gaja" and not report.needs_cjk_font

pygame.display.init()
pygame.font.init()
ctx = _context("calm", "eo", scale=1.5, camera_view=False)
assert ctx.lang == "eo"
for scene in (StartScene(ctx, []), SettingsScene(ctx)):
    surface = pygame.Surface(ctx.window_size)
    with layout_probe.recording() as probe:
        scene.draw(surface)
    shown = " | ".join(item.text for item in probe.items if item.kind == "text")
    assert layout_probe.problems(probe.items, ctx.window_size) == [], shown
    print(type(scene).__name__, ":", shown)
"""


def _run(code: str, locales_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FACEQUEST_LOCALES": str(locales_dir), "PYTHONPATH": str(REPO),
           "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_a_new_language_is_just_a_new_catalogue_file() -> None:
    done = _run(_NEW_LANGUAGE, TEST_LOCALES)
    assert done.returncode == 0, done.stderr
    assert "Saluton! Ni ludu kun vizagoj!" in done.stdout  # the start screen's greeting
    assert "Agordoj" in done.stdout and "Lingvo" in done.stdout  # the settings screen
    assert "Esperanto" in done.stdout  # the language row names the new language


def test_the_program_refuses_a_broken_catalogue_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "eo.toml").write_text('catalogue.fallback = "en"\n\n"greeting" = "{name}!"\n',
                                      encoding="utf-8")
    done = _run("from game.cli import main; raise SystemExit(main(['--version']))", tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "eo.toml, line 3: key 'greeting' must have the same {fields}" in done.stderr


@pytest.mark.parametrize("spelling", ["zh", "ZH_cn", "cmn", "zh-CN"])
def test_every_lang_option_takes_a_catalogues_aliases(spelling: str) -> None:
    from game.cli import build_parser

    parser = build_parser()
    for argv in (["report", "Mia", "--out", "r.html"], ["play"], ["levels", "list"],
                 ["replay", "Mia", "--out", "r.gif"]):
        assert parser.parse_args([*argv, "--lang", spelling]).lang == "zh-CN", argv


def test_a_lang_option_refuses_an_unknown_language_in_one_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from game.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "Mia", "--out", "r.html", "--lang", "xx"])
    assert "'xx' is not a language here (choose from en, zh-CN)" in capsys.readouterr().err
