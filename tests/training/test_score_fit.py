"""Fitting the target-score maps: offsets at the chosen false-alarm rate, nested check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression
from game.training.score_fit import (
    Evidence,
    fit_offsets,
    markdown_table,
    nested_verification,
    verify,
)
from game.vision.score_map import ScoreMap

CLASSES = tuple(e.value for e in Expression)


def _evidence(seed: int = 0, per_class: int = 40) -> Evidence:
    """Two data sets of 10 people each; the model is right more often in the first."""
    rng = np.random.default_rng(seed)
    labels, subjects, sets, probs = [], [], [], []
    for name, sharp in (("kids", 3.0), ("adults", 1.5)):
        for k, label in enumerate(CLASSES):
            for i in range(per_class):
                logits = rng.normal(0, 1, len(CLASSES))
                logits[k] += sharp
                p = np.exp(logits) / np.exp(logits).sum()
                labels.append(label)
                subjects.append(f"{name}{i % 10}")
                sets.append(name)
                probs.append(p)
    n = len(labels)
    return Evidence(
        probabilities=np.array(probs),
        actions=rng.uniform(0, 1, (n, len(Expression))),
        classes=CLASSES,
        labels=np.array(labels),
        subjects=np.array(subjects),
        datasets=np.array(sets),
    )


@pytest.mark.parametrize("rate", [0.02, 0.05, 0.1])
def test_offsets_keep_false_alarms_at_the_rate_in_every_data_set(rate: float) -> None:
    ev = _evidence()
    fitted = ScoreMap(offsets=fit_offsets(ev, false_alarm_rate=rate))
    assert set(fitted.offsets) == set(Expression)
    result = verify(ev, _scores(ev, fitted))
    for name, block in result.items():
        for target, m in block.items():
            assert m["false_alarm_rate"] <= rate + 1e-9, (name, target)
            assert m["hit_rate"] > m["false_alarm_rate"]
    # the data set where the model is less sure sets the bar: the sharper one stays below it
    assert np.mean([m["false_alarm_rate"] for m in result["kids"].values()]) < rate


def test_nested_verification_reports_every_set_and_target() -> None:
    ev = _evidence(seed=1)
    nested = nested_verification(ev, false_alarm_rate=0.05)
    assert set(nested) == {"kids", "adults"}
    for block in nested.values():
        assert set(block) == set(CLASSES)
        assert all(0.5 < m["auc"] <= 1.0 for m in block.values())
        assert all(m["false_alarm_rate"] < 0.15 for m in block.values())
    table = markdown_table(nested)
    assert table.count("\n") == 3 and "| kids |" in table


def test_offset_sits_between_the_last_allowed_false_alarm_and_the_next_face() -> None:
    from game.training.score_fit import offset_for

    assert offset_for(np.array([1.0, 2.0, 3.0, 4.0]), 0.25) == pytest.approx(3.5)
    assert offset_for(np.array([1.0, 2.0, 3.0, 4.0]), 0.0) == pytest.approx(4.01)
    tied = offset_for(np.array([1.0, 3.0, 3.0, 3.0]), 0.25)
    assert tied > 3.0  # ties cannot be split: none of them may pass
    assert offset_for(np.array([1.0, 2.0]), 1.0) == 1.0


def _scores(ev: Evidence, fitted: ScoreMap) -> dict[Expression, np.ndarray]:
    return {
        t: np.array(
            [
                fitted.score(p, a, t)
                for p, a in zip(
                    ev.probabilities[:, CLASSES.index(t.value)],
                    ev.actions[:, list(Expression).index(t)],
                    strict=True,
                )
            ]
        )
        for t in Expression
    }


def test_a_map_population_sets_the_offsets_on_its_own_faces_only() -> None:
    ev = _evidence(seed=2)
    everyone = verify(ev, _scores(ev, ScoreMap(offsets=fit_offsets(ev, false_alarm_rate=0.05))))
    kids = verify(ev, _scores(ev, ScoreMap(
        offsets=fit_offsets(ev, false_alarm_rate=0.05, population=("kids",)))))

    def kid_hits(r: dict[str, dict[str, dict[str, float]]]) -> float:
        return float(np.mean([m["hit_rate"] for m in r["kids"].values()]))

    # the sharper population is no longer held to the other one's bar: more hits, its own
    # false alarms still at the rate, and the set left out pays with more false alarms
    assert kid_hits(kids) > kid_hits(everyone)
    assert all(m["false_alarm_rate"] <= 0.05 + 1e-9 for m in kids["kids"].values())
    assert max(m["false_alarm_rate"] for m in kids["adults"].values()) > 0.05
    nested = nested_verification(ev, false_alarm_rate=0.05, population=("kids",))
    assert set(nested) == {"kids", "adults"}  # every set is still reported


def test_a_map_population_must_name_data_sets_of_the_evidence() -> None:
    ev = _evidence(seed=3, per_class=10)
    with pytest.raises(ValueError, match="teens"):
        fit_offsets(ev, population=("teens",))
    with pytest.raises(ValueError):
        fit_offsets(ev, population=())


def test_score_fit_refuses_a_population_that_is_no_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.training.score_fit import main

    assert main(["--data", str(tmp_path / "kids"), "--map-population", "teens"]) == 2
    assert "--map-population teens is not the name of a --data folder (kids)" in (
        capsys.readouterr().err)
