"""`facequest doctor`: one line per checked part, a fix with every problem, exit 0 when all
is well. The checks run on the real files; a damaged copy of the models shows the problems."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.doctor import Finding, check_models, problem, run_checks
from game.paths import MODELS_DIR
from game.system_check import missing_libraries, speech_engine_available


def test_a_problem_always_carries_its_fix() -> None:
    with pytest.raises(ValueError, match="needs a fix"):
        Finding("camera", False, "no webcam")
    line = problem("camera", "no webcam at webcam:0", "plug one in").line()
    assert line == "PROBLEM  camera: no webcam at webcam:0; fix: plug one in"
    assert "\n" not in line


def _recorded_texts() -> dict[str, list[str]]:
    """What the shipped voice pack holds, by language (the pack is rendered after new
    phrases are merged, so the catalogue may briefly be ahead of it)."""
    from game.audio.pack import VoicePack
    from game.phrases import LANGUAGES

    pack = VoicePack.load()
    return {lang: sorted(pack.texts(lang)) for lang in LANGUAGES}


def test_a_voice_pack_missing_phrases_is_a_problem() -> None:
    from game.doctor import check_speech

    spoken = _recorded_texts()
    full = {f.part: f for f in check_speech(spoken) if f.part.startswith("voice")}
    assert all(f.ok for f in full.values()), [f.line() for f in full.values()]
    extra = {**spoken, "en": [*spoken["en"], "A sentence no recording holds."]}
    (short,) = [f for f in check_speech(extra) if f.part == "voice en"]
    all_of = int(full["voice en"].text.split()[-2])  # "... records all 227 phrases"
    assert not short.ok
    assert short.text == f"the voice pack records {all_of} of {all_of + 1} phrases"
    assert "reinstall" in short.fix


def test_the_shipped_models_pass(tmp_path: Path) -> None:
    findings = list(check_models())
    assert findings and all(f.ok for f in findings), [f.line() for f in findings]
    assert any("sha256 64184e229b26" in f.text for f in findings)  # the landmarker's hash


def test_a_tampered_or_missing_model_is_one_line_each_with_the_fix(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    with (models / "face_landmarker.task").open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02")
    (models / "occlusion.json").unlink()
    bad = [f for f in check_models(models) if not f.ok]
    assert [f.part for f in bad] == ["models", "models"]
    assert "landmarker" in bad[0].text and "sha256" in bad[0].text
    assert "occlusion.json" in bad[1].text
    assert all("reinstall FaceQuest" in f.fix for f in bad)


def test_no_display_and_no_camera_are_problems_with_fixes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from game.ui.display_check import ui_findings

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    findings = run_checks(camera=True, camera_index=97, ui_checks=ui_findings)
    assert not any(f.part.startswith("speech") for f in findings)  # no texts: not checked
    by_part = {f.part: f for f in findings}
    assert not by_part["display"].ok and "--headless" in by_part["display"].fix
    assert not by_part["camera"].ok and "webcam:97" in by_part["camera"].text
    assert by_part["font"].ok


def test_a_driver_sdl_fell_back_to_is_not_called_the_users_to_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No screen and no SDL_VIDEODRIVER: SDL picks 'offscreen' itself, and the fix said
    "unset SDL_VIDEODRIVER", a variable the user never set."""
    import pygame

    from game.ui.display_check import check_display

    monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    monkeypatch.setattr(pygame.display, "get_driver", lambda: "offscreen")
    fell_back = check_display()
    assert not fell_back.ok and "'offscreen'" in fell_back.text
    assert "SDL_VIDEODRIVER" not in fell_back.fix and "--headless" in fell_back.fix
    monkeypatch.undo()  # the real get_driver; now a driver set by hand
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    chosen = check_display()
    assert not chosen.ok and "unset SDL_VIDEODRIVER" in chosen.fix


@pytest.mark.skipif(bool(missing_libraries()) or not speech_engine_available(),
                    reason="needs the system packages (scripts/system-packages.sh)")
def test_doctor_exits_0_when_all_is_well(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import game.cli.voice_catalogue

    monkeypatch.setattr(game.cli.voice_catalogue, "shipped_texts", _recorded_texts)
    code = main(["doctor", "--no-camera", "--no-display"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    parts = {line.split()[1].rstrip(":") for line in out[:-1]}
    assert {"libraries", "models", "voice", "speech", "font"} <= parts
    assert all(line.startswith("ok ") for line in out[:-1])
    assert "speech en:" in " ".join(out) and "speech zh-CN:" in " ".join(out)
    assert out[-1] == "FaceQuest is ready to play on this machine."


def test_doctor_exits_1_and_names_each_problem(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    code = main(["doctor", "--camera", "97"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    problems = [line for line in out if line.startswith("PROBLEM")]
    assert len(problems) >= 2 and all("; fix: " in line for line in problems)
    assert out[-1].startswith(f"{len(problems)} problem(s) found")


def test_a_language_added_here_is_told_to_render_its_voice_pack_not_to_reinstall() -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "FACEQUEST_LOCALES": str(root / "tests" / "data" / "locales"),
           "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    done = subprocess.run([sys.executable, "-m", "game", "doctor", "--no-camera",
                           "--no-display"], capture_output=True, text=True, env=env,
                          cwd=root, timeout=300)
    (line,) = [x for x in done.stdout.splitlines() if "voice eo" in x]
    assert "the voice pack records 0 of" in line
    assert "facequest voice render" in line and "reinstall" not in line
    assert "Traceback" not in done.stderr
