"""Pictures from a user's path are bounded before decoding (issue 25, "Inputs"): a PNG whose
header claims 100000 x 100000 pixels, a text file named .jpg, or a link to /dev/zero is
refused in one sentence (a single picture) or skipped with one warning (in a folder or a
labelled folder), never a traceback and never gigabytes allocated."""

from __future__ import annotations

import logging
import os
import struct
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from game.cli import main
from game.training.dataset import DatasetError, load_labels
from game.ui.live_source import StillImageStream
from game.vision.sources import (
    MAX_IMAGE_PIXELS,
    ImageListSource,
    SourceError,
    image_size,
    open_source,
    read_image,
)


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny, valid-looking PNG whose header claims `width` x `height` RGB pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))
    return path


def write_png(path: Path, rgb: np.ndarray) -> Path:
    assert cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


def one_sentence(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("facequest:")]
    assert len(lines) == 1, err
    return lines[0]


def test_a_pixel_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = png_claiming(tmp_path / "bomb.png", 100_000, 100_000)
    assert bomb.stat().st_size < 1000
    for read in (image_size, read_image):
        with pytest.raises(SourceError, match="megapixels a picture may have"):
            read(bomb)
    with pytest.raises(SourceError, match="megapixels"):
        open_source(str(bomb))  # refused at opening, before any game or chain starts


def test_a_header_just_over_the_bound_names_its_size(tmp_path: Path) -> None:
    side = int(MAX_IMAGE_PIXELS**0.5) + 10  # below Pillow's own bomb limit, above ours
    with pytest.raises(SourceError, match=f"{side} x {side} pixels"):
        image_size(png_claiming(tmp_path / "big.png", side, side))
    assert image_size(png_claiming(tmp_path / "ok.png", 4000, 3000)) == (4000, 3000)


def test_a_device_or_a_text_file_named_as_a_picture_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "face.jpg"
    text.write_text("hello, I am not a picture")
    with pytest.raises(SourceError, match="not an image"):
        read_image(text)
    zero = tmp_path / "zero.png"
    os.symlink("/dev/zero", zero)
    started = time.monotonic()
    with pytest.raises(SourceError, match="not a regular file"):
        read_image(zero)
    assert time.monotonic() - started < 1.0


def test_a_folder_skips_bombs_and_non_pictures_with_one_warning(
    tmp_path: Path, blank_rgb: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    write_png(tmp_path / "a.png", blank_rgb)
    png_claiming(tmp_path / "b_bomb.png", 100_000, 100_000)
    (tmp_path / "c.jpg").write_text("not a jpeg")
    os.symlink("/dev/zero", tmp_path / "d.png")
    with caplog.at_level(logging.WARNING):
        source = open_source(str(tmp_path))
        frames = list(source)
    assert isinstance(source, ImageListSource) and len(frames) == 1
    assert [p.name for p in source.skipped] == ["b_bomb.png", "c.jpg", "d.png"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "3 of 4 files" in warnings[0].getMessage()


def test_a_game_stream_drops_a_picture_that_fails_to_decode(
    tmp_path: Path, blank_rgb: np.ndarray
) -> None:
    good = write_png(tmp_path / "a.png", blank_rgb)
    broken = tmp_path / "b.png"
    broken.write_bytes(good.read_bytes()[:60])  # a header that passes, data cut short
    now = [0.0]
    stream = StillImageStream([broken, good], hold_ms=1000, clock=lambda: now[0],
                              sleep=lambda s: now.__setitem__(0, now[0] + s))
    frame = stream.read()
    assert frame is not None and frame.rgb.shape == blank_rgb.shape
    assert stream.paths == [good]
    alone = StillImageStream([broken], clock=lambda: now[0], sleep=lambda s: None)
    assert alone.read() is None


def test_watch_refuses_a_pixel_bomb_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = png_claiming(tmp_path / "bomb.png", 100_000, 100_000)
    assert main(["watch", "--source", str(bomb), "--no-model"]) == 2
    assert "megapixels" in one_sentence(capsys.readouterr().err)
    folder = tmp_path / "only_bomb"
    folder.mkdir()
    png_claiming(folder / "bomb.png", 100_000, 100_000)
    assert main(["watch", "--source", str(folder), "--no-model"]) == 2
    assert "megapixels" in one_sentence(capsys.readouterr().err)


def test_play_refuses_a_pixel_bomb_before_the_game_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = png_claiming(tmp_path / "bomb.png", 100_000, 100_000)
    folder = tmp_path / "only_bomb"
    folder.mkdir()
    png_claiming(folder / "bomb.png", 100_000, 100_000)
    for source in (bomb, folder):
        code = main(["play", "--headless", "--source", str(source), "--data-dir",
                     str(tmp_path / "data"), "--max-seconds", "5"])
        assert code == 2
        assert "megapixels" in one_sentence(capsys.readouterr().err)


def test_watch_on_a_folder_with_a_bomb_scores_the_real_picture(
    tmp_path: Path, astronaut_rgb: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    write_png(tmp_path / "face.png", astronaut_rgb)
    png_claiming(tmp_path / "bomb.png", 100_000, 100_000)
    (tmp_path / "notes.jpg").write_text("not a picture")
    assert main(["watch", "--source", str(tmp_path), "--no-model", "--json"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and '"face": true' in out[0] and "face.png" in out[0]


def test_a_labelled_folder_skips_a_text_file_named_jpg_with_one_warning(
    tmp_path: Path, astronaut_rgb: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    write_png(tmp_path / "good.png", astronaut_rgb)
    (tmp_path / "bad.jpg").write_text("hello")
    png_claiming(tmp_path / "bomb.png", 100_000, 100_000)
    (tmp_path / "labels.csv").write_text(
        "file,label,subject\ngood.png,happy,EC\nbad.jpg,sad,EC\nbomb.png,neutral,EC\n")
    with caplog.at_level(logging.WARNING):
        items = load_labels(tmp_path)
    assert [i.path.name for i in items] == ["good.png"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "bad.jpg" in warnings[0] and "bomb.png" in warnings[0]
    (tmp_path / "labels.csv").write_text("file,label,subject\nbad.jpg,sad,EC\n")
    with pytest.raises(DatasetError, match=r"no image listed in .* is a readable picture"):
        load_labels(tmp_path)


def test_evaluate_on_a_labelled_folder_with_a_text_jpg_runs(
    tmp_path: Path, astronaut_rgb: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    write_png(tmp_path / "good.png", astronaut_rgb)
    (tmp_path / "bad.jpg").write_text("hello")
    (tmp_path / "labels.csv").write_text("file,label,subject\ngood.png,happy,EC\n"
                                         "bad.jpg,sad,EC\n")
    assert main(["evaluate", "--data", str(tmp_path), "--json"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and '"images"' in captured.out
