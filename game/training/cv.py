"""Subject-wise cross-validation, raw and calibrated (features minus the subject's neutral).

Folds are `GroupKFold` by subject: every image of a person is in one fold only, so the
figures are for faces of people the model never saw (never random splits: one performer's
consecutive shots are near-duplicates).

Augmented copies (`Copies`, from `game.training.augment`) are training rows only: each
fold's model trains on the copies of its training subjects; the figures are on the clean
images of the held-out subjects. The copies of the held-out subjects are scored too, apart,
per augmentation (`augmented` in the summary): what the model does with faces it never saw
under each webcam condition.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from sklearn.model_selection import GroupKFold

from game.expressions import Expression
from game.training.metrics import summarise
from game.training.recipe import Recipe, fit, fuse_probabilities

logger = logging.getLogger(__name__)

NEUTRAL = Expression.NEUTRAL.value

T = TypeVar("T")


def pick_rows(seq: Sequence[T], rows: np.ndarray | Sequence[int]) -> tuple[T, ...]:
    """The items of `seq` at `rows` (integer positions, e.g. a NumPy index array), in order."""
    return tuple(seq[int(i)] for i in rows)


def class_order(labels: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The labels present, in `Expression` order (the model's column order)."""
    present = set(labels)
    return tuple(e.value for e in Expression if e.value in present)


@dataclass(frozen=True, slots=True)
class Deltas:
    """Features minus each subject's own neutral median, for the rows that have one.

    A neutral image is compared with the median of the subject's *other* neutral images
    (leave one out), so it is never its own baseline. `rows` indexes the original rows;
    `uncalibrated_subjects` had no neutral image (or only one, for its neutral rows).
    """

    values: np.ndarray
    rows: np.ndarray
    uncalibrated_subjects: tuple[str, ...]
    uncalibrated_rows: np.ndarray


def neutral_deltas(
    features: np.ndarray, labels: tuple[str, ...], subjects: tuple[str, ...]
) -> Deltas:
    """The calibrated view of a data set (see `Deltas`)."""
    labels_a, subjects_a = np.asarray(labels), np.asarray(subjects)
    values: list[np.ndarray] = []
    rows: list[int] = []
    skipped: list[int] = []
    without: list[str] = []
    for subject in dict.fromkeys(subjects):
        mine = np.flatnonzero(subjects_a == subject)
        neutral = mine[labels_a[mine] == NEUTRAL]
        if len(neutral) == 0:
            without.append(subject)
            skipped.extend(mine.tolist())
            continue
        base = np.median(features[neutral], axis=0)
        for row in mine:
            if labels_a[row] == NEUTRAL:
                others = neutral[neutral != row]
                if len(others) == 0:
                    skipped.append(int(row))
                    continue
                values.append(features[row] - np.median(features[others], axis=0))
            else:
                values.append(features[row] - base)
            rows.append(int(row))
    order = np.argsort(rows)
    stacked = np.vstack(values)[order] if values else np.zeros((0, features.shape[1]))
    return Deltas(
        values=stacked.astype(np.float32),
        rows=np.asarray(rows, dtype=int)[order],
        uncalibrated_subjects=tuple(without),
        uncalibrated_rows=np.asarray(sorted(skipped), dtype=int),
    )


@dataclass(frozen=True, slots=True)
class Copies:
    """Augmented copies of labelled faces: training rows, tied to their person.

    `kinds` names each row's augmentation; `source` is the row of the clean set it was made
    from. `scored` marks the rows scored on held-out subjects; `train` the rows a model
    trains on (the training subjects' only).
    """

    features: np.ndarray
    labels: tuple[str, ...]
    subjects: tuple[str, ...]
    datasets: tuple[str, ...]
    kinds: tuple[str, ...]
    train: np.ndarray  # bool (M,)

    def __len__(self) -> int:
        return len(self.labels)

    def joined(self, other: Copies) -> Copies:
        """These rows, then `other`'s."""
        return Copies(
            np.vstack([self.features, other.features]), self.labels + other.labels,
            self.subjects + other.subjects, self.datasets + other.datasets,
            self.kinds + other.kinds, np.concatenate([self.train, other.train]),
        )

    def take(self, rows: np.ndarray) -> Copies:
        return Copies(
            self.features[rows], pick_rows(self.labels, rows), pick_rows(self.subjects, rows),
            pick_rows(self.datasets, rows), pick_rows(self.kinds, rows), self.train[rows],
        )


def make_copies(
    features: np.ndarray,
    source: np.ndarray,
    kinds: tuple[str, ...],
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    datasets: tuple[str, ...],
    train_kinds: tuple[str, ...],
    seed: int = 0,
) -> Copies:
    """`Copies` of augmented rows made from rows `source` of a clean set (labels, subjects,
    data sets of the clean set). Every copy is scored; the training rows are one copy per
    clean image, its augmentation drawn (seeded) among `train_kinds`, mirrored
    (`mirror_features`) half of the time, as the clean rows are mirrored."""
    from game.vision.features import mirror_features

    rng = np.random.default_rng(seed)
    features = np.array(features, np.float32, copy=True)
    train = np.zeros(len(source), bool)
    if train_kinds:
        by_source: dict[int, list[int]] = {}
        for i, (s, kind) in enumerate(zip(source, kinds, strict=True)):
            if kind in train_kinds:
                by_source.setdefault(int(s), []).append(i)
        for rows in by_source.values():
            train[rows[int(rng.integers(len(rows)))]] = True
    flip = train & (rng.random(len(source)) < 0.5)
    if flip.any():
        features[flip] = mirror_features(features[flip])
    return Copies(
        features, pick_rows(labels, source), pick_rows(subjects, source),
        pick_rows(datasets, source), tuple(kinds), train,
    )


def copy_deltas(copies: Copies) -> Copies:
    """The calibrated view of augmented copies: each copy minus the median of the same
    person's neutral copies under the same augmentation (the child calibrates under the
    light and glasses of the session), leave-one-out for neutral copies as `neutral_deltas`.
    Copies of people without a neutral image are dropped."""
    return copy_deltas_with_rows(copies)[0]


def copy_deltas_with_rows(copies: Copies) -> tuple[Copies, np.ndarray]:
    """`copy_deltas`, and the rows of `copies` it kept (in its order)."""
    keyed = tuple(f"{s}\x00{k}" for s, k in zip(copies.subjects, copies.kinds, strict=True))
    deltas = neutral_deltas(copies.features, copies.labels, keyed)
    kept = copies.take(deltas.rows)
    return Copies(
        deltas.values, kept.labels, kept.subjects, kept.datasets, kept.kinds, kept.train
    ), deltas.rows


def fuse_with_raw(
    calibrated: np.ndarray,
    calibrated_classes: tuple[str, ...],
    raw: np.ndarray,
    classes: tuple[str, ...],
) -> np.ndarray:
    """The calibrated probabilities fused with the raw ones of the same faces (rows
    aligned; the raw columns taken in the calibrated order), as the game fuses a calibrated
    model marked `fuse_with_raw` with its raw twin."""
    columns = [classes.index(c) for c in calibrated_classes]
    return fuse_probabilities([calibrated, raw[:, columns]])


def out_of_fold_probabilities(
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    recipe: Recipe,
    n_splits: int = 5,
    copies: Copies | None = None,
    input_kind: str = "raw",
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each row's class probabilities from the model trained without its subject's fold
    (with `copies`, also trained on the training subjects' copies marked `train`;
    `input_kind` "delta" for features minus the subject's neutral)."""
    probabilities, classes, _ = out_of_fold_with_copies(
        features, labels, subjects, recipe, n_splits, copies, input_kind
    )
    return probabilities, classes


def out_of_fold_with_copies(
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    recipe: Recipe,
    n_splits: int = 5,
    copies: Copies | None = None,
    input_kind: str = "raw",
) -> tuple[np.ndarray, tuple[str, ...], np.ndarray | None]:
    """`out_of_fold_probabilities`, plus every copy's probabilities from the model that did
    not train on its person (None without copies). `input_kind` ("raw" or "delta") is
    passed to `fit`."""
    classes = class_order(labels)
    y = np.array([classes.index(label) for label in labels])
    n_groups = len(set(subjects))
    if n_groups < n_splits:
        raise ValueError(f"{n_groups} subjects cannot make {n_splits} subject-wise folds")
    probabilities = np.zeros((len(y), len(classes)))
    copy_probabilities = None
    if copies is not None:
        copy_subjects = np.asarray(copies.subjects)
        copy_y = np.array([classes.index(label) for label in copies.labels], dtype=int)
        copy_probabilities = np.zeros((len(copies), len(classes)))
    subjects_a = np.asarray(subjects)
    for k, (train, test) in enumerate(GroupKFold(n_splits=n_splits).split(features, y, subjects)):
        extra = None
        held_out = np.zeros(0, int)
        if copies is not None:
            seen = np.isin(copy_subjects, subjects_a[train])
            rows = np.flatnonzero(seen & copies.train)
            extra = (copies.features[rows], copy_y[rows])
            held_out = np.flatnonzero(np.isin(copy_subjects, subjects_a[test]))
        model = fit(features[train], y[train], recipe, extra, input_kind)
        columns = [int(c) for c in model.classes_]
        probabilities[np.ix_(test, columns)] = model.predict_proba(features[test])
        if copies is not None and copy_probabilities is not None and len(held_out):
            copy_probabilities[np.ix_(held_out, np.asarray(columns))] = model.predict_proba(
                copies.features[held_out]
            )
        logger.info("fold %d/%d done", k + 1, n_splits)
    return probabilities, classes, copy_probabilities


def per_dataset(
    labels: tuple[str, ...],
    datasets: tuple[str, ...],
    probabilities: np.ndarray,
    classes: tuple[str, ...],
) -> dict[str, dict[str, Any]]:
    """`summarise` for each data set (and "all" when there are several)."""
    names = list(dict.fromkeys(datasets))
    sets = np.asarray(datasets)
    truth = np.asarray(labels)
    out: dict[str, dict[str, Any]] = {}
    for name in [*names, "all"] if len(names) > 1 else names:
        mask = np.ones(len(truth), bool) if name == "all" else sets == name
        out[name] = summarise(list(truth[mask]), probabilities[mask], classes)
    return out


@dataclass(frozen=True, slots=True)
class OutOfFold:
    """Every face's out-of-fold class probabilities, raw and calibrated.

    `raw` covers every row (columns `classes`); `calibrated` covers the rows of
    `deltas.rows` (columns `calibrated_classes`), scored by models trained on deltas; it is
    None when fewer than `n_splits` subjects have a neutral image.
    """

    n_splits: int
    raw: np.ndarray
    classes: tuple[str, ...]
    deltas: Deltas
    calibrated: np.ndarray | None
    calibrated_classes: tuple[str, ...]
    copies: Copies | None = None
    copies_raw: np.ndarray | None = None
    copy_deltas: Copies | None = None
    copies_calibrated: np.ndarray | None = None


def out_of_fold(
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    recipe: Recipe,
    n_splits: int = 5,
    copies: Copies | None = None,
) -> OutOfFold:
    """The raw and calibrated out-of-fold probabilities (the expensive part of the CV)."""
    raw, classes, copies_raw = out_of_fold_with_copies(
        features, labels, subjects, recipe, n_splits, copies
    )
    deltas = neutral_deltas(features, labels, subjects)
    if len(set(pick_rows(subjects, deltas.rows))) < n_splits:
        logger.warning("fewer than %d subjects have a neutral image: no calibrated CV", n_splits)
        return OutOfFold(n_splits, raw, classes, deltas, None, (), copies, copies_raw)
    delta_copies, copy_rows = (
        copy_deltas_with_rows(copies) if copies is not None else (None, np.zeros(0, int))
    )
    calibrated, cal_classes, copies_cal = out_of_fold_with_copies(
        deltas.values, pick_rows(labels, deltas.rows), pick_rows(subjects, deltas.rows), recipe,
        n_splits, delta_copies, "delta",
    )
    if recipe.calibrated_fuses_raw:
        calibrated = fuse_with_raw(calibrated, cal_classes, raw[deltas.rows], classes)
        if copies_cal is not None and copies_raw is not None:
            copies_cal = fuse_with_raw(copies_cal, cal_classes, copies_raw[copy_rows], classes)
    return OutOfFold(
        n_splits, raw, classes, deltas, calibrated, cal_classes, copies, copies_raw,
        delta_copies, copies_cal,
    )


def copies_summary(
    copies: Copies, probabilities: np.ndarray, classes: tuple[str, ...]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per augmentation and data set: accuracy and per-class recall of the held-out copies."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    kinds = np.asarray(copies.kinds)
    truth = np.asarray(copies.labels)
    sets = np.asarray(copies.datasets)
    predicted = np.asarray(classes)[probabilities.argmax(axis=1)]
    for kind in dict.fromkeys(copies.kinds):
        out[kind] = {}
        for name in [*dict.fromkeys(copies.datasets), "all"]:
            mask = (kinds == kind) & (np.ones(len(sets), bool) if name == "all" else sets == name)
            if not mask.any():
                continue
            recall = {
                c: float((predicted[mask & (truth == c)] == c).mean())
                for c in classes
                if (mask & (truth == c)).any()
            }
            out[kind][name] = {
                "n": int(mask.sum()),
                "accuracy": float((predicted[mask] == truth[mask]).mean()),
                "recall": recall,
            }
    return out


def summarise_cv(
    oof: OutOfFold,
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    datasets: tuple[str, ...],
    verify: bool = True,
) -> dict[str, Any]:
    """Raw and calibrated figures per data set from `out_of_fold` (see `cross_validate`)."""
    sub = oof.deltas.rows
    result: dict[str, Any] = {
        "folds": oof.n_splits,
        "raw": per_dataset(labels, datasets, oof.raw, oof.classes),
        "calibrated": {},
    }
    if oof.calibrated is not None:
        result["calibrated"] = per_dataset(
            pick_rows(labels, sub), pick_rows(datasets, sub), oof.calibrated, oof.calibrated_classes
        )
    if verify:
        _add_verification(result["raw"], features, labels, datasets, oof.raw, oof.classes, None)
    if verify and oof.calibrated is not None:
        _add_verification(
            result["calibrated"],
            features[sub],
            pick_rows(labels, sub),
            pick_rows(datasets, sub),
            oof.calibrated,
            oof.calibrated_classes,
            pick_rows(subjects, sub),
        )
    if oof.copies is not None and oof.copies_raw is not None:
        result["augmented"] = {"raw": copies_summary(oof.copies, oof.copies_raw, oof.classes)}
        if oof.copy_deltas is not None and oof.copies_calibrated is not None:
            result["augmented"]["calibrated"] = copies_summary(
                oof.copy_deltas, oof.copies_calibrated, oof.calibrated_classes
            )
        result["augmented"]["trained_on"] = sorted(
            {k for k, t in zip(oof.copies.kinds, oof.copies.train, strict=True) if t}
        )
    result["calibrated_skipped"] = {
        "subjects_without_neutral": len(oof.deltas.uncalibrated_subjects),
        "images": len(oof.deltas.uncalibrated_rows),
    }
    return result


def cross_validate(
    features: np.ndarray,
    labels: tuple[str, ...],
    subjects: tuple[str, ...],
    datasets: tuple[str, ...],
    recipe: Recipe,
    n_splits: int = 5,
    verify: bool = True,
) -> dict[str, Any]:
    """Raw and calibrated subject-wise CV summaries, per data set.

    With `verify`, each summary also gets the per-target verification of the target score
    under the *default* score map on the out-of-fold probabilities (`target_auc`,
    `hit_rate`, `false_alarm_rate` at `DEFAULT_THRESHOLD`): raw rows are scored against
    the population neutral, calibrated rows against their subject's own neutral images.
    (The fitted maps' verification is `game.training.score_fit.nested_verification`.)
    """
    oof = out_of_fold(features, labels, subjects, recipe, n_splits)
    return summarise_cv(oof, features, labels, subjects, datasets, verify)


def _add_verification(
    block: dict[str, dict[str, Any]],
    features: np.ndarray,
    labels: tuple[str, ...],
    datasets: tuple[str, ...],
    probabilities: np.ndarray,
    classes: tuple[str, ...],
    subjects: tuple[str, ...] | None,
) -> None:
    from game.training.evaluate import (
        DEFAULT_THRESHOLD,
        feature_vector,
        subject_baselines,
        verification,
    )
    from game.vision.calibration import NeutralBaseline

    baselines: list[NeutralBaseline | None] = [None] * len(labels)
    if subjects is not None:
        by_row, _ = subject_baselines(features, labels, subjects)
        baselines = [by_row.get(i) for i in range(len(labels))]
    vectors = [feature_vector(row) for row in features]
    expressions = tuple(Expression(c) for c in classes)
    sets = np.asarray(datasets)
    for name in block:
        mask = np.ones(len(sets), bool) if name == "all" else sets == name
        rows = np.flatnonzero(mask)
        auc, hits, false_alarms = verification(
            [labels[i] for i in rows],
            probabilities[rows],
            expressions,
            [vectors[i] for i in rows],
            [baselines[i] for i in rows],
            DEFAULT_THRESHOLD,
        )
        block[name]["target_auc"] = auc
        block[name]["hit_rate"] = hits
        block[name]["false_alarm_rate"] = false_alarms
