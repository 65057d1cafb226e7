"""`facequest watch` and `facequest evaluate` score a picture the same way (issue 22, item 2):
the same chain (`VisionChain.process_still`), each picture on its own, so on the same clean
images their per-target hit rates agree. Dev pictures (people the model trained on): this is
a consistency check, not a recognition result."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from game.cli import main
from game.expressions import Expression
from game.paths import DEFAULT_MODEL_PATH
from game.training.evaluate import evaluate

THRESHOLD = 0.6


def _by_label(folder: Path, dest: Path) -> dict[str, Path]:
    """One folder of links per label (watch takes one --target per run)."""
    out: dict[str, Path] = {}
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            target = out.setdefault(row["label"], dest / row["label"])
            target.mkdir(parents=True, exist_ok=True)
            source = (folder / row["file"]).resolve()
            (target / f"{row['subject']}_{source.name}").symlink_to(source)
    return out


@pytest.mark.datasets
@pytest.mark.slow
def test_watch_and_evaluate_agree_per_target(
    tiny_children: Path, tiny_adults: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in (tiny_children, tiny_adults):
        report = evaluate([folder], DEFAULT_MODEL_PATH, threshold=THRESHOLD, progress=False)
        watched: dict[str, float] = {}
        for label, pictures in _by_label(folder, tmp_path / folder.name).items():
            assert main(["watch", "--source", str(pictures), "--target", label, "--json"]) == 0
            records = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x]
            faces = [r for r in records if r["face"]]
            # a picture's target score is its unsmoothed score: nothing carried over
            assert all(r["target_score"] == r["raw_score"] for r in faces)
            watched[label] = sum(r["target_score"] >= THRESHOLD for r in faces) / len(faces)
        assert set(watched) == set(report["hit_rate"]) == {e.value for e in Expression}
        for label, rate in watched.items():
            assert abs(rate - report["hit_rate"][label]) <= 0.03, (folder.name, label)
