"""`facequest bench`: real measurements (no timing assertions), JSON shape, docs section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.cli.bench_cmd import SECTION_END, SECTION_START, update_docs


def test_bench_json_and_docs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## Game loop\n\nframe time p99: 9 ms (UI)\n")
    code = main(
        ["bench", "--json", "--frames", "10", "--seconds", "0.5", "--no-model", "--docs", str(docs)]
    )
    assert code == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(figures) >= {"vision_ms", "fps", "startup_s", "rss_mb", "latency_ms"}
    assert figures["vision_ms"]["median"] > 0 and figures["vision_ms"]["p95"] > 0
    assert figures["frame_size"] == [640, 480] and figures["fps"] > 0
    text = docs.read_text()
    assert "frame time p99: 9 ms (UI)" in text  # the UI's section survives
    assert text.count(SECTION_START) == 1 and "vision chain, 640x480" in text


def test_update_docs_replaces_only_its_section(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    update_docs(path, f"{SECTION_START}\nfirst\n{SECTION_END}")
    path.write_text(path.read_text() + "\n## Other\nkept\n")
    update_docs(path, f"{SECTION_START}\nsecond\n{SECTION_END}")
    text = path.read_text()
    assert "second" in text and "first" not in text and "kept" in text


def test_bench_needs_no_scikit_image(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bench face ships with FaceQuest (the base install has no scikit-image): it is the
    astronaut, and the picture the tests get from scikit-image."""
    import sys

    import numpy as np
    from skimage import data

    from game.vision.bench import BENCH_FACE_PATH, astronaut_frames, astronaut_rgb

    monkeypatch.setitem(sys.modules, "skimage", None)  # `import skimage` now fails
    face = astronaut_rgb()
    frames = astronaut_frames(2)
    assert BENCH_FACE_PATH.is_file() and face.shape == (512, 512, 3)
    assert len(frames) == 2 and frames[0].shape == (480, 640, 3)
    monkeypatch.undo()
    assert np.abs(face.astype(int) - data.astronaut()).mean() < 3  # JPEG, quality 95
