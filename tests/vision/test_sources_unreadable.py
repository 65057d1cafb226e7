"""A folder source skips a picture it cannot read (with a warning) instead of ending."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from game.vision.sources import ImageListSource, SourceError, open_source


def test_an_unreadable_or_empty_picture_in_a_folder_is_skipped_with_a_warning(
    tmp_path: Path, blank_rgb: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    import cv2

    cv2.imwrite(str(tmp_path / "a.png"), blank_rgb)
    (tmp_path / "b.png").write_bytes(b"")  # 0 bytes
    (tmp_path / "c.jpg").write_bytes(b"not a jpeg at all")
    cv2.imwrite(str(tmp_path / "d.png"), blank_rgb)
    source = open_source(str(tmp_path))
    assert isinstance(source, ImageListSource)
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    assert len(frames) == 2
    assert [p.name for p in source.skipped] == ["b.png", "c.jpg"]
    assert "skipping a picture" in caplog.text


def test_a_single_unreadable_image_is_still_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "face.png"
    bad.write_bytes(b"junk")
    with pytest.raises(SourceError):
        source = open_source(str(bad))
        source.read()


def test_a_folder_of_nothing_but_junk_is_one_sentence_without_a_warning_first(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every file unusable: there is nothing to skip to, so no "skipping a picture" warning
    ahead of the sentence that stops the command (two lines said the same thing)."""
    from game.cli import main

    (tmp_path / "a.png").write_bytes(b"\x89PNG junk")
    (tmp_path / "b.jpg").write_bytes(b"not a jpeg at all")
    with pytest.raises(SourceError) as caught:
        open_source(str(tmp_path))
    assert str(caught.value) == (f"none of the 2 pictures in folder {tmp_path} can be used; "
                                 f"the first: {tmp_path / 'a.png'} is not an image this program "
                                 "can read")
    assert "skipping a picture" not in caplog.text
    assert main(["watch", "--source", str(tmp_path), "--no-model"]) == 2
    assert capsys.readouterr().err == f"facequest: {caught.value}\n"
    assert "skipping a picture" not in caplog.text


def test_a_folder_of_photos_in_a_format_it_does_not_read_says_what_it_holds(
    tmp_path: Path,
) -> None:
    """iPhone photos (.HEIC) or clips in the folder: it said "no images found", as if empty."""
    (tmp_path / "IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic")
    (tmp_path / "IMG_0002.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(SourceError) as caught:
        open_source(str(tmp_path))
    said = str(caught.value)
    assert f"in folder {tmp_path}: it holds 2 other file(s), such as IMG_0001.HEIC" in said
    assert ".jpg" in said and "JPEG or PNG" in said and "\n" not in said
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceError, match="no images found in folder"):
        open_source(str(empty))


def _refused_without_waiting(fifo: Path, call: Callable[[], int]) -> int:
    """`call()`'s result (or its exception), failing (not hanging) when it blocks opening
    `fifo`: after 10 s a writer opens the pipe, so that the blocked reader lets go."""
    outcome: list[int | BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(10)
        pytest.fail(f"the command waited for a writer on the named pipe {fifo}")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


@pytest.mark.parametrize("command", ["watch", "play"])
def test_a_named_pipe_or_a_device_is_refused_at_once_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """`--source` a FIFO waited for ever for something to write into it; a device such as
    /dev/null is no video either: both are refused before anything opens them."""
    from game.cli import main

    fifo = tmp_path / "clip.mp4"
    os.mkfifo(fifo)
    extra = ["--no-model"] if command == "watch" else [
        "--headless", "--data-dir", str(tmp_path / "data"), "--max-seconds", "5"]
    for source, kind in ((fifo, "a named pipe (FIFO)"), (Path("/dev/null"), "a device")):
        code = _refused_without_waiting(
            fifo, functools.partial(main, [command, "--source", str(source), *extra]))
        assert code == 2
        assert capsys.readouterr().err == (
            f"facequest: {source} is {kind}, not a video file, a picture or a folder of "
            "pictures; give one of those, or --source webcam:N for camera N\n")
    with pytest.raises(SourceError, match="named pipe"):
        _refused_without_waiting(fifo, lambda: int(bool(open_source(str(fifo)))))


@pytest.mark.parametrize("command", ["watch", "play", "metrics"])
def test_an_empty_source_is_refused_not_taken_as_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """`--source ""` opened Path(""), the current folder, and complained about its files."""
    from game.cli import main

    extra = {"watch": ["--no-model"],
             "play": ["--headless", "--data-dir", str(tmp_path / "data"), "--max-seconds", "5"],
             "metrics": ["--target", "happy"]}[command]
    for empty in ("", "  "):
        assert main([command, "--source", empty, *extra]) == 2
        assert capsys.readouterr().err == (
            "facequest: --source is empty: give webcam, webcam:N, a video file, a picture or "
            "a folder of pictures\n")
    with pytest.raises(SourceError, match="--source is empty"):
        open_source("")
