"""Fit the target-score maps of a model pair (`game.vision.score_map`) by subject-wise CV.

For the raw and the calibrated ("delta") model, every labelled face gets its out-of-fold
probabilities (`game.training.cv.out_of_fold_probabilities`: the model that scores a face
never trained on that person) and its action check (raw: against the population neutral;
calibrated: against the person's own neutral images). For each target, the offset is the
evidence z = logit(p) + bonus * action score above which at most `false_alarm_rate` of the
other expressions' faces lie, in every data set (children and adults alike); the map then
puts the score 0.6 there.

Before the offsets, the model's probabilities are calibrated: one temperature
(`game.training.prob_calibration.fit_temperature`, temperature scaling, Guo et al. 2017) is
fitted on the same out-of-fold probabilities and stored in the map (`ScoreMap.temperature`,
applied by the game in `Scorer.probabilities`); the offsets are fitted on the tempered
probabilities.

`nested_verification` estimates what those maps do on new people: temperature and offsets
fitted on four subject folds, applied to the fifth (ROC AUC, hit rate and false-alarm rate at
0.6).

`facequest train` fits and writes the maps of the models it writes (`evidence_from_cv`
reuses its cross-validation's probabilities; `fit_and_write`; by default on the pictures read
as video, `game.training.video_reads`) and the model card reports them. To refit the maps of
existing models alone on the still reads (e.g. at another false-alarm rate; a stale map is
ignored by the game with a warning; `facequest evaluate --out-of-fold K --write-scoring`
refits them on video reads, as the shipped ones are):
    python -m game.training.score_fit --data DIR [--data DIR ...] [--model PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from game.expressions import Expression
from game.paths import DEFAULT_MODEL_PATH
from game.training.cv import OutOfFold, fuse_with_raw, out_of_fold_probabilities, pick_rows
from game.training.dataset import load_folders
from game.training.evaluate import DEFAULT_THRESHOLD, feature_vector, subject_baselines
from game.training.feature_cache import extract
from game.training.metrics import roc_auc
from game.training.prob_calibration import expected_calibration_error, fit_temperature
from game.training.recipe import Recipe
from game.vision.calibration import NeutralBaseline
from game.vision.pipeline import calibrated_model_path
from game.vision.score_map import (
    ACTION_BONUS,
    ScoreMap,
    file_sha256,
    logit,
    score_map_path,
    temper_array,
)
from game.vision.scoring import action_score, check_actions

logger = logging.getLogger(__name__)

FALSE_ALARM_RATE = 0.04  # share of non-target faces allowed at the default threshold


@dataclass(frozen=True, slots=True)
class Evidence:
    """Per face: the out-of-fold probabilities and each target's action score."""

    probabilities: np.ndarray  # (N, C), columns as `classes`
    actions: np.ndarray  # (N, len(Expression)), columns in Expression order
    classes: tuple[str, ...]
    labels: np.ndarray
    subjects: np.ndarray
    datasets: np.ndarray

    def truth(self) -> np.ndarray:
        """Each face's class index (columns of `probabilities`)."""
        return np.array([self.classes.index(str(label)) for label in self.labels])

    def tempered(self, temperature: float) -> Evidence:
        """The same evidence with the probabilities tempered (`temper_array`)."""
        return Evidence(temper_array(self.probabilities, temperature), self.actions,
                        self.classes, self.labels, self.subjects, self.datasets)

    def z(self, target: Expression, bonus: float = ACTION_BONUS) -> np.ndarray:
        """logit(p_target) + bonus * action score, per face."""
        p = self.probabilities[:, self.classes.index(target.value)]
        clipped = np.array([logit(x) for x in p])
        return clipped + bonus * self.actions[:, list(Expression).index(target)]


def action_scores(features: np.ndarray, baselines: Sequence[NeutralBaseline | None]) -> np.ndarray:
    """(N, 7): the action score of every target for every face (the game's check_actions)."""
    out = np.zeros((len(features), len(Expression)))
    for i, (row, base) in enumerate(zip(features, baselines, strict=True)):
        vector = feature_vector(row)
        for j, target in enumerate(Expression):
            out[i, j] = action_score(check_actions(vector, base, target))
    return out


def _scored_rows(
    features: np.ndarray, labels: tuple[str, ...], subjects: tuple[str, ...], calibrated: bool
) -> tuple[list[int], list[NeutralBaseline | None]]:
    """The rows a mode scores and the baseline of each (None: the population neutral)."""
    if not calibrated:
        return list(range(len(labels))), [None] * len(labels)
    by_row, _ = subject_baselines(features, labels, subjects)
    rows = sorted(by_row)
    return rows, [by_row[i] for i in rows]


def _evidence_of(
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    datasets: tuple[str, ...],
    rows: list[int],
    baselines: list[NeutralBaseline | None],
    probabilities: np.ndarray,
    classes: tuple[str, ...],
) -> Evidence:
    return Evidence(
        probabilities=probabilities,
        actions=action_scores(features[rows], baselines),
        classes=classes,
        labels=np.asarray(pick_rows(labels, rows)),
        subjects=np.asarray(pick_rows(subjects, rows)),
        datasets=np.asarray(pick_rows(datasets, rows)),
    )


def evidence(
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    datasets: tuple[str, ...],
    recipe: Recipe,
    calibrated: bool,
    n_splits: int = 5,
) -> Evidence:
    """Out-of-fold evidence for the raw or the calibrated model (fits the CV models)."""
    rows, baselines = _scored_rows(features, labels, subjects, calibrated)
    values = features
    if calibrated:
        values = features[rows] - np.stack(
            [b.values_for(b.names) for b in baselines if b is not None]
        )
    probabilities, classes = out_of_fold_probabilities(
        values, pick_rows(labels, rows), pick_rows(subjects, rows), recipe, n_splits,
        input_kind="delta" if calibrated else "raw",
    )
    if calibrated and recipe.calibrated_fuses_raw:  # as the game scores a calibrated child
        raw, raw_classes = out_of_fold_probabilities(features, labels, subjects, recipe, n_splits)
        probabilities = fuse_with_raw(probabilities, classes, raw[rows], raw_classes)
    return _evidence_of(
        features, labels, subjects, datasets, rows, baselines, probabilities, classes
    )


def evidence_from_cv(
    oof: OutOfFold,
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    datasets: tuple[str, ...],
    calibrated: bool,
) -> Evidence:
    """The same evidence as `evidence`, from the probabilities a subject-wise CV already
    made (`game.training.cv.out_of_fold`), so `facequest train` fits the CV models once."""
    rows, baselines = _scored_rows(features, labels, subjects, calibrated)
    if calibrated:
        if oof.calibrated is None:
            raise ValueError("the CV made no calibrated probabilities")
        if oof.deltas.rows.tolist() != rows:
            raise ValueError("the CV's calibrated rows differ from the scored rows")
        return _evidence_of(
            features,
            labels,
            subjects,
            datasets,
            rows,
            baselines,
            oof.calibrated,
            oof.calibrated_classes,
        )
    return _evidence_of(features, labels, subjects, datasets, rows, baselines, oof.raw, oof.classes)


def offset_for(negative_z: np.ndarray, false_alarm_rate: float) -> float:
    """The z that at most `false_alarm_rate` of `negative_z` reach: halfway between the
    highest value left below it and the lowest one allowed above it."""
    ordered = np.sort(np.asarray(negative_z, np.float64))[::-1]
    allowed = int(np.floor(false_alarm_rate * len(ordered) + 1e-9))
    if allowed >= len(ordered):
        return float(ordered[-1])
    below = ordered[allowed]
    above = ordered[allowed - 1] if allowed > 0 else below + 0.02
    return float((below + above) / 2) if above > below else float(np.nextafter(below, np.inf))


def fit_offsets(
    ev: Evidence,
    rows: np.ndarray | None = None,
    false_alarm_rate: float = FALSE_ALARM_RATE,
    bonus: float = ACTION_BONUS,
    population: Sequence[str] | None = None,
) -> dict[Expression, float]:
    """Per target present: the z reached by at most `false_alarm_rate` of the non-target
    faces of each data set in `population` (None: every data set of `ev`), the largest such
    z over those sets.

    Raises:
        ValueError: `population` names no data set of `ev`.
    """
    pick = np.arange(len(ev.labels)) if rows is None else rows
    if population is not None:
        unknown = set(population) - set(ev.datasets.tolist())
        if unknown or not population:
            raise ValueError(
                f"the map population names data set(s) not in the evidence: "
                f"{', '.join(sorted(unknown)) or '(none given)'}"
            )
        pick = pick[np.isin(ev.datasets[pick], list(population))]
    offsets: dict[Expression, float] = {}
    for target in Expression:
        if target.value not in ev.classes:
            continue
        z = ev.z(target, bonus)[pick]
        negative = ev.labels[pick] != target.value
        sets = ev.datasets[pick]
        per_set = [
            offset_for(z[negative & (sets == name)], false_alarm_rate)
            for name in np.unique(sets)
            if (negative & (sets == name)).any()
        ]
        if per_set:
            offsets[target] = max(per_set)
    return offsets


def verify(
    ev: Evidence, scores: dict[Expression, np.ndarray], threshold: float = DEFAULT_THRESHOLD
) -> dict[str, dict[str, dict[str, float]]]:
    """{data set: {target: {"auc", "hit_rate", "false_alarm_rate"}}} of the given scores."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in dict.fromkeys(ev.datasets.tolist()):
        mask = ev.datasets == name
        block: dict[str, dict[str, float]] = {}
        for target, score in scores.items():
            positive = ev.labels[mask] == target.value
            if not positive.any() or positive.all():
                continue
            s = score[mask]
            block[target.value] = {
                "auc": float(roc_auc(positive, s) or 0.0),
                "hit_rate": float((s[positive] >= threshold).mean()),
                "false_alarm_rate": float((s[~positive] >= threshold).mean()),
            }
        out[str(name)] = block
    return out


def nested_verification(
    ev: Evidence,
    false_alarm_rate: float = FALSE_ALARM_RATE,
    n_splits: int = 5,
    population: Sequence[str] | None = None,
    calibrate: bool = True,
) -> dict[str, dict[str, dict[str, float]]]:
    """Verification of maps fitted without the scored people (subject-wise folds), every
    data set scored (also those outside `population`, which did not set the offsets);
    `calibrate`: each fold's temperature too, fitted on its training people."""
    scores = {t: np.zeros(len(ev.labels)) for t in Expression if t.value in ev.classes}
    folds = GroupKFold(n_splits=n_splits).split(ev.labels, ev.labels, ev.subjects)
    for train, test in folds:
        temperature = fit_temperature(ev.probabilities[train], ev.truth()[train]) if calibrate \
            else 1.0
        tempered = ev.tempered(temperature)
        fitted = ScoreMap(offsets=fit_offsets(tempered, train, false_alarm_rate,
                                              population=population))
        for target, values in scores_of(tempered, fitted, test).items():
            scores[target][test] = values
    return verify(ev, scores)


def nested_tempered(ev: Evidence, n_splits: int = 5) -> np.ndarray:
    """Every face's probabilities tempered by a temperature fitted without its person
    (subject-wise folds): the calibrated probabilities on people the temperature never saw."""
    out = np.zeros_like(ev.probabilities)
    truth = ev.truth()
    for train, test in GroupKFold(n_splits=n_splits).split(ev.labels, ev.labels, ev.subjects):
        t = fit_temperature(ev.probabilities[train], truth[train])
        out[test] = temper_array(ev.probabilities[test], t)
    return out


def scores_of(
    ev: Evidence, score_map: ScoreMap, rows: np.ndarray | None = None
) -> dict[Expression, np.ndarray]:
    """Each target's score of every face (or of `rows`) under `score_map`."""
    pick = np.arange(len(ev.labels)) if rows is None else rows
    out: dict[Expression, np.ndarray] = {}
    for target in Expression:
        if target.value not in ev.classes:
            continue
        p = ev.probabilities[pick, ev.classes.index(target.value)]
        a = ev.actions[pick, list(Expression).index(target)]
        out[target] = np.array([score_map.score(x, y, target) for x, y in zip(p, a, strict=True)])
    return out


def fit_and_write(
    ev: Evidence,
    model_path: Path,
    mode: str,
    recipe: Recipe,
    false_alarm_rate: float = FALSE_ALARM_RATE,
    n_splits: int = 5,
    population: Sequence[str] | None = None,
    calibrate: bool = True,
    reads: str = "still",
) -> dict[str, Any]:
    """Fit the map of the model at `model_path` on all of `ev` (with `calibrate`, its
    temperature first, then the offsets on the tempered probabilities; offsets set by the
    data sets of `population`; None: every set), write it beside the model (with the
    model's SHA-256), and report it: {"map", "offsets", "temperature", "ece", "model_sha256",
    "population", "default" (verification without a fitted map), "nested" (maps fitted
    without the scored people)}. `reads` names what `ev` was read from in the file's notes
    ("still" or "video", `game.training.video_reads`)."""
    truth = ev.truth()
    temperature = fit_temperature(ev.probabilities, truth) if calibrate else 1.0
    offsets = fit_offsets(ev.tempered(temperature), false_alarm_rate=false_alarm_rate,
                          population=population)
    who = "every data set" if population is None else ", ".join(population)
    sets = ", ".join(f"{n} {int((ev.datasets == n).sum())}" for n in dict.fromkeys(ev.datasets))
    fitted = ScoreMap(
        offsets=offsets,
        model_sha256=file_sha256(model_path),
        note=(
            f"{mode}: offsets at {false_alarm_rate:.0%} false alarms per data set of "
            f"the population ({who}), "
            f"out-of-fold ({recipe.describe()}) on {sets} faces ({reads} reads)"
        ),
        temperature=temperature,
        calibration_note=(
            f"temperature fitted on the {n_splits}-fold subject-wise out-of-fold "
            f"probabilities of the same faces ({reads} reads)" if calibrate else ""),
    )
    written = fitted.write(score_map_path(model_path))
    logger.info("wrote the %s score map %s", mode, written)
    return {
        "map": str(written),
        "model_sha256": fitted.model_sha256,
        "offsets": {t.value: round(v, 3) for t, v in offsets.items()},
        "temperature": round(temperature, 4),
        "ece": {"before": expected_calibration_error(ev.probabilities, truth),
                "after_nested": expected_calibration_error(
                    nested_tempered(ev, n_splits), truth)},
        "population": list(population) if population is not None else None,
        "reads": reads,
        "default": verify(ev, scores_of(ev, ScoreMap.default())),
        "nested": nested_verification(ev, false_alarm_rate, n_splits, population, calibrate),
    }


def fit_model_maps(
    data_dirs: list[Path],
    model_path: Path = DEFAULT_MODEL_PATH,
    recipe: Recipe | None = None,
    false_alarm_rate: float = FALSE_ALARM_RATE,
    cache_dir: Path | None = None,
    population: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Fit and write the maps of `model_path` and its calibrated companion (when present);
    returns {"false_alarm_rate", "modes": {mode: `fit_and_write`'s report}}."""
    recipe = recipe or Recipe()
    data = extract(load_folders(data_dirs), cache_dir=cache_dir)
    report: dict[str, Any] = {"false_alarm_rate": false_alarm_rate, "modes": {}}
    targets = [("raw", model_path, False)]
    companion = calibrated_model_path(model_path)
    if companion.is_file():
        targets.append(("calibrated", companion, True))
    for mode, path, calibrated in targets:
        ev = evidence(data.features, data.labels, data.subjects, data.datasets, recipe, calibrated)
        report["modes"][mode] = fit_and_write(
            ev, path, mode, recipe, false_alarm_rate, population=population
        )
    return report


def markdown_table(nested: dict[str, dict[str, dict[str, float]]]) -> str:
    """AUC / hit rate / false alarms per data set and target, as a Markdown table."""
    names = [e.value for e in Expression]
    lines = ["| set | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for name, block in nested.items():
        cells = [
            "{auc:.2f} / {hit_rate:.2f} / {false_alarm_rate:.2f}".format(**block[t])
            if t in block
            else "-"
            for t in names
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.training.score_fit", description=__doc__)
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--false-alarm", type=float, default=FALSE_ALARM_RATE)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--map-population", action="append", default=None, metavar="SET",
                        help="a data set (folder name) whose faces set the offsets; repeat "
                             "for several (default: every data set)")
    args = parser.parse_args(argv)
    names = {Path(d).name for d in args.data}
    unknown = [p for p in args.map_population or [] if p not in names]
    if unknown:
        print(f"score_fit: --map-population {unknown[0]} is not the name of a --data folder "
              f"({', '.join(sorted(names))}).", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    report = fit_model_maps(args.data, args.model, false_alarm_rate=args.false_alarm,
                            population=args.map_population)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for mode, block in report["modes"].items():
            print(f"\n{mode} (nested subject-wise CV: AUC / hit rate / false alarms at 0.6)")
            print(markdown_table(block["nested"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
