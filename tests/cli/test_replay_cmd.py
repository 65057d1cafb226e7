"""`facequest replay CHILD --out clip.mp4|clip.gif`: a trial's motion record drawn as a clip
at the record's own timing (15 frames a second), no name in it; one sentence for a child
without a record, a trial or session that is not there, or a wrong file name."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from game.cli import main
from game.records.motion_log import encode_session
from game.records.store import open_store
from game.ui.replay_clip import CLIP_FPS, clip_times, draw_clip_frame
from game.ui.replay_view import ReplayTrack
from game.ui.theme import DEFAULT_THEME
from game.ui.widgets import layout_probe
from tests.ui.replay_fixtures import smiling_trial

NAME = "Mia Rossi"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Mia (consenting) with one session of two recorded trials; Leo with a session and no
    record (his profile does not allow one)."""
    data = tmp_path / "data"
    with open_store(data) as store:
        mia = store.create_profile(NAME, allow_frame_traces=True)
        session = store.start_session(mia.profile_id, level_set_id="first-faces")
        path = store.motion_path(session.session_id)
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode_session([(0, smiling_trial(3.0)),
                                         (1, smiling_trial(1.5, target="surprised"))]))
        leo = store.create_profile("Leo")
        store.start_session(leo.profile_id, level_set_id="first-faces")
    return data


def _mp4_frames(path: Path) -> int:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        assert capture.isOpened()
        count = 0
        while capture.read()[0]:
            count += 1
        return count
    finally:
        capture.release()


def test_a_gif_of_the_newest_sessions_first_trial_has_one_frame_per_15th_second(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import GifImagePlugin, Image

    out = tmp_path / "clip.gif"
    assert main(["replay", NAME, "--data-dir", str(data_dir), "--out", str(out)]) == 0
    duration = ReplayTrack.from_motion(smiling_trial(3.0)).duration_ms
    expected = duration * CLIP_FPS // 1000 + 1
    with Image.open(out) as image:
        assert isinstance(image, GifImagePlugin.GifImageFile)
        assert image.n_frames == expected == len(clip_times(duration, CLIP_FPS))
        assert image.size == (960, 640)
        shown = []
        for k in range(image.n_frames):
            image.seek(k)
            shown.append(image.info["duration"])
    assert abs(sum(shown) - expected * 1000 / CLIP_FPS) <= 10  # the record's own pace
    printed = capsys.readouterr().out
    assert "trial 1: happy" in printed and "trial 2: surprised" in printed  # the list
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".clip")] == []


def test_an_mp4_of_a_chosen_trial_has_one_frame_per_15th_second(
    data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "trial2.mp4"
    code = main(["replay", NAME.upper(), "--data-dir", str(data_dir), "--trial", "2",
                 "--session", "1", "--lang", "zh-CN", "--out", str(out)])
    assert code == 0
    duration = ReplayTrack.from_motion(smiling_trial(1.5)).duration_ms
    assert duration == smiling_trial(1.5).frames[-1].t_ms
    assert _mp4_frames(out) == duration * CLIP_FPS // 1000 + 1


def test_a_clip_into_a_folder_it_may_not_write_names_that_folder(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read-only folder (refused here the way the kernel refuses a user other than root):
    the sentence named a temporary file the user never chose (".clip.7efksfs5.gif")."""
    shared = tmp_path / "shared"
    shared.mkdir()

    def refused(*args: object, dir: str, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", f"{dir}/.clip.x1y2.gif")

    monkeypatch.setattr("game.records.fileio.tempfile.mkstemp", refused)
    out = shared / "clip.gif"
    assert main(["replay", NAME, "--data-dir", str(data_dir), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == f"facequest: FaceQuest is not allowed to use {shared}; check its permissions.\n"
    assert list(shared.iterdir()) == []


def test_a_clip_frame_names_no_child_and_every_text_fits() -> None:
    import pygame

    pygame.font.init()
    surface = pygame.Surface((960, 640))
    track = ReplayTrack.from_motion(smiling_trial())
    for lang in ("en", "zh-CN"):
        for t_ms in (0, 1950, track.duration_ms):
            with layout_probe.recording() as probe:
                draw_clip_frame(surface, track, t_ms, lang, DEFAULT_THEME, "Trial 1")
            texts = [item.text for item in probe.items if item.kind == "text"]
            assert texts and not any("Mia" in text for text in texts)
            assert layout_probe.problems(probe.items, surface.get_size()) == []


def test_a_child_without_a_record_is_told_in_one_sentence(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clip.gif"
    assert main(["replay", "Leo", "--data-dir", str(data_dir), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no motion record" in err and "Leo" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--trial", "7"], "no trial 7"),
        (["--trial", "0"], "counts from 1"),
        (["--session", "S-00000000"], "no session S-00000000"),
        (["--out-name", "clip.avi"], "is .mp4 or .gif"),
    ],
)
def test_wrong_choices_are_one_sentence_with_exit_code_2(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str],
    words: str
) -> None:
    out = tmp_path / "clip.gif"
    if extra[0] == "--out-name":
        out, extra = tmp_path / extra[1], []
    code = main(["replay", NAME, "--data-dir", str(data_dir), "--out", str(out), *extra])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert words in err and err.count("\n") == 0
    assert not out.exists()


def test_an_unknown_child_and_missing_records_are_one_sentence(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", "Nobody", "--data-dir", str(data_dir), "--out",
                 str(tmp_path / "c.gif")]) == 2
    assert main(["replay", NAME, "--data-dir", str(tmp_path / "empty"), "--out",
                 str(tmp_path / "c.gif")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2


def test_without_a_display_the_window_is_refused_in_one_sentence(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("game.cli.play_cmd.has_display", lambda: False)
    assert main(["replay", NAME, "--data-dir", str(data_dir)]) == 2
    assert "--out" in capsys.readouterr().err
