"""The occlusion model's out-of-fold measurement on crafted crops: each person is judged by
a model that never saw them, a pacifier style only where its fold held it out of training,
and a face the game does not judge for covers is never counted covered."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from game.training import occlusion_fit
from game.training.dataset import DatasetError
from game.training.occlusion_fit import (
    Sample,
    load_samples,
    measure_model,
    measure_out_of_fold,
    out_of_fold_table,
    save_samples,
)
from game.vision.conditions import PACIFIER_STYLES


def _crop(rng: np.random.Generator, mouth: bool = False, eyes: bool = False) -> np.ndarray:
    crop = np.clip(rng.normal(120, 25, (128, 128)), 0, 255).astype(np.uint8)
    crop = np.asarray(cv2.GaussianBlur(crop, (0, 0), 1.5), np.uint8)
    if mouth:
        cv2.ellipse(crop, (64, 96), (34, 20), 0, 0, 360, 250, -1)
    if eyes:
        cv2.rectangle(crop, (10, 30), (118, 60), 20, -1)
    return crop


def _samples(people: int = 10, per_person: int = 3) -> list[Sample]:
    rng = np.random.default_rng(0)
    samples = []
    for p in range(people):
        for i in range(per_person):
            subject = f"S{p}"
            samples.append(Sample(subject, frozenset(), _crop(rng), "clean", "set"))
            style = PACIFIER_STYLES[i % len(PACIFIER_STYLES)]
            samples.append(Sample(subject, frozenset({"mouth"}), _crop(rng, mouth=True),
                                  f"pacifier_{style}", "set"))
            samples.append(Sample(subject, frozenset({"eyes"}), _crop(rng, eyes=True),
                                  "eyes_hand", "set"))
    return samples


@pytest.fixture(autouse=True)
def _a_logistic_regression(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measurement's bookkeeping is tested here, with the quick linear classifier (the
    perceptron needs more faces than these to stop early)."""
    monkeypatch.setattr(occlusion_fit, "HIDDEN_UNITS", 0)


def test_every_person_is_judged_out_of_fold_and_a_style_only_where_held_out() -> None:
    samples = _samples()
    measured = measure_out_of_fold(samples, 5)
    assert measured.people == 10 and measured.folds == 5
    assert measured.false_flags["clean"] == {"set": (0, 30)}
    held = sum(found for tag, (_, _, found) in measured.hits.items()
               if tag.endswith("(style held out)"))
    trained = sum(found for tag, (_, _, found) in measured.hits.items()
                  if tag.endswith("(style trained on)"))
    # 30 pacifier faces; each fold held out one style (a third of its people's pacifiers)
    assert (held, trained) == (10, 20)
    for tag, (flagged, judged, _) in measured.hits.items():
        assert flagged == judged, tag  # the crafted covers are plain to see
    assert measured.per_person["webcam_conditions"][0] == 0.0
    table = out_of_fold_table(measured)
    assert "10 people in 5 subject-wise folds" in table and "| clean | 0.000 (0/30)" in table


def test_a_face_not_judged_is_never_counted_covered() -> None:
    samples = _samples()
    model_samples = measure_out_of_fold(samples, 5)
    unjudged = [Sample(s.subject, s.covered, s.crop, s.tag, s.dataset, judged=False)
                for s in samples]
    measured = measure_out_of_fold(samples[:0] + unjudged[:3] + samples[3:], 5)
    assert measured.hits["eyes_hand"][1] == model_samples.hits["eyes_hand"][1] - 1


def test_the_samples_survive_their_file_and_one_model_is_measured_as_is(tmp_path: Path) -> None:
    from game.vision.occlusion import default_occlusion_model

    samples = _samples(people=3, per_person=2)
    save_samples(samples, tmp_path / "s.npz")
    again = load_samples(tmp_path / "s.npz")
    assert [(s.subject, s.tag, s.covered, s.judged) for s in again] == [
        (s.subject, s.tag, s.covered, s.judged) for s in samples]
    assert all(np.array_equal(a.crop, b.crop) for a, b in zip(again, samples, strict=True))
    model = default_occlusion_model()
    assert model is not None
    fixed = measure_model(again, model)
    assert fixed.folds == 0 and "not out of fold" in out_of_fold_table(fixed)


def test_too_few_people_for_the_folds_is_one_clear_error() -> None:
    with pytest.raises(DatasetError, match="at least 5 people"):
        measure_out_of_fold(_samples(people=3), 5)
