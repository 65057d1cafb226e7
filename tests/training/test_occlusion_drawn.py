"""Pacifiers drawn straight onto tracked crops: training-only positives that no figure of
the out-of-fold measurement counts, and that look like a shield over the lips."""

from __future__ import annotations

import numpy as np
import pytest

from game.training import occlusion_fit
from game.training.occlusion_fit import DRAWN, Sample, drawn_pacifiers, measure_out_of_fold
from game.vision.conditions import PACIFIER_STYLES
from game.vision.occlusion import PART_WINDOWS


def _crop(rng: np.random.Generator) -> np.ndarray:
    """An even grey crop with a faint seeded shade, so a drawn shield shows as a change."""
    return np.full((128, 128), 120 + int(rng.integers(3)), np.uint8)


def _samples(people: int = 10, per_person: int = 6) -> list[Sample]:
    rng = np.random.default_rng(0)
    samples = []
    for p in range(people):
        for i in range(per_person):
            samples.append(Sample(f"S{p}", frozenset(), _crop(rng), "clean", "set"))
            style = PACIFIER_STYLES[i % len(PACIFIER_STYLES)]
            crop = _crop(rng)
            crop[85:110, 40:88] = 240
            samples.append(Sample(f"S{p}", frozenset({"mouth"}), crop, f"pacifier_{style}",
                                  "set"))
            crop = _crop(rng)
            crop[30:60, 10:118] = 20
            samples.append(Sample(f"S{p}", frozenset({"eyes"}), crop, "eyes_hand", "set"))
    samples.append(Sample("S0", frozenset(), _crop(rng), "clean", "set", judged=False))
    return samples


def test_drawn_pacifiers_cover_the_mouth_window_of_uncovered_judged_faces_only() -> None:
    samples = _samples()
    drawn = drawn_pacifiers(samples, seed=3, share=0.5)
    again = drawn_pacifiers(samples, seed=3, share=0.5)
    uncovered = [s for s in samples if not s.covered and s.judged]
    assert 0.3 * len(uncovered) < len(drawn) < 0.7 * len(uncovered)
    assert [s.tag for s in drawn] == [s.tag for s in again]  # seeded
    assert all(np.array_equal(a.crop, b.crop) for a, b in zip(drawn, again, strict=True))
    (x0, y0, x1, y1), _ = PART_WINDOWS["mouth"]
    for s in drawn:
        assert s.covered == {"mouth"} and s.judged and s.tag.endswith(DRAWN)
        assert s.tag.removesuffix(DRAWN).removeprefix("pacifier_") in PACIFIER_STYLES
        assert s.crop.shape == (128, 128) and s.crop.dtype == np.uint8
        changed = np.abs(s.crop.astype(np.int16) - int(s.crop[0, 0])) > 2
        # the shield is over the lips: inside the mouth's window, nothing at the eyes
        assert changed[y0:y1, x0:x1].sum() > 100
        assert not changed[:60].any()
    assert drawn_pacifiers(samples, share=0.0) == []


def test_drawn_pacifiers_train_but_are_never_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(occlusion_fit, "HIDDEN_UNITS", 0)  # the quick linear classifier
    samples = _samples()
    plain = measure_out_of_fold(samples, 5)
    drawn = drawn_pacifiers(samples, share=0.5)
    with_drawn = measure_out_of_fold(samples, 5, drawn=drawn)
    assert with_drawn.people == plain.people == 10
    for tag, (_, judged, found) in plain.hits.items():
        assert with_drawn.hits[tag][1:] == (judged, found), tag
    assert {d: v[1] for d, v in with_drawn.false_flags["clean"].items()} == \
        {d: v[1] for d, v in plain.false_flags["clean"].items()}
