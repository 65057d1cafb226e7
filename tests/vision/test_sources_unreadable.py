"""A folder source skips a picture it cannot read (with a warning) instead of ending."""

from __future__ import annotations

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
