"""Angry per form (game.training.forms)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from game.training.forms import PRESSED_LIPS_GAP, angry_forms, coded_variants, markdown
from game.vision.features import FEATURE_NAMES


def test_angry_faces_are_split_by_lip_gap_and_by_the_sets_own_code(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(
        "file,variant\na.jpg,mouth_open\nb.jpg,mouth_closed\n", encoding="utf-8"
    )
    variants = coded_variants([tmp_path])
    gap = FEATURE_NAMES.index("geo_mouth_open")
    features = np.zeros((3, len(FEATURE_NAMES)), np.float32)
    features[0, gap] = 0.5
    features[1, gap] = PRESSED_LIPS_GAP / 2
    paths = [tmp_path / "a.jpg", tmp_path / "b.jpg", tmp_path / "c.jpg"]
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    forms = angry_forms(
        features, ["angry", "angry", "happy"], ["kids"] * 3, paths, probabilities,
        ["angry", "sad"], variants,
    )
    kids = forms["kids"]
    assert kids["measured parted/open"]["recall"] == 1.0
    assert kids["measured pressed"]["recall"] == 0.0
    assert kids["measured pressed"]["read_as"] == {"sad": 1.0}
    assert kids["coded mouth_open"]["n"] == 1 and kids["coded mouth_closed"]["n"] == 1
    assert any("coded mouth_closed" in line for line in markdown(forms))
