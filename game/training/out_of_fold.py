"""Subject-wise out-of-fold models: figures on people the model never trained on.

`build_fold_models` splits the people of labelled folders into K folds (`subject_folds`:
`GroupKFold` by subject id, so no person is ever on both sides of a fold), trains one model
per fold with the recipe of the shipped model (`game.training.recipe.fit`, features from the
feature cache, so only the fits cost time) on the other folds' people, and exports it as an
ONNX file in a scratch folder, with its scoring file beside it (`game.vision.score_map`):

- its temperature (`prob_calibration.fit_temperature`) and its target-score offsets
  (`score_fit.fit_offsets`) are fitted on the out-of-fold probabilities of the *other*
  folds' people (cross-fitting), never on the people it will score;
- so `facequest evaluate --out-of-fold K` and `facequest robustness --out-of-fold K` score
  each held-out person's pictures with a model, a temperature and a score map that never saw
  that person, through the same chain the game uses (`VisionChain`).

`FoldModels.fit_all` is the temperature and the offsets fitted on every person's
out-of-fold probabilities: what the shipped model's scoring file takes (`write_scoring`).

Models are never cached (each run trains its K models afresh); features are.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from game.expressions import Expression
from game.training.augment import EYEWEAR_STYLES
from game.training.cv import Copies, class_order
from game.training.dataset import LabelledImage
from game.training.export import export_onnx
from game.training.feature_cache import ExtractedSet, extract
from game.training.prob_calibration import fit_temperature
from game.training.recipe import Recipe, fit
from game.training.score_fit import FALSE_ALARM_RATE, Evidence, action_scores, fit_offsets
from game.training.video_reads import check_map_reads, read_as_video
from game.vision.score_map import ScoreMap, file_sha256, score_map_path, temper_array

logger = logging.getLogger(__name__)


def subject_folds(subjects: Sequence[str], k: int) -> np.ndarray:
    """The fold (0..k-1) of every row: `GroupKFold` by subject id, so all of a person's
    rows share one fold. Raises ValueError when there are fewer than k people or k < 2."""
    if k < 2:
        raise ValueError("an out-of-fold measurement needs at least 2 folds")
    people = len(set(subjects))
    if people < k:
        raise ValueError(f"{people} {'person' if people == 1 else 'people'} cannot "
                         f"make {k} subject-wise folds")
    fold = np.full(len(subjects), -1, int)
    rows = np.zeros((len(subjects), 1))
    for f, (_, test) in enumerate(GroupKFold(n_splits=k).split(rows, groups=list(subjects))):
        fold[test] = f
    return fold


class NoCalibratedCompanion(ValueError):
    """The fold models cannot have calibrated companions (no person with a neutral picture,
    or a fold's training people lacking an expression)."""


@dataclass(frozen=True, slots=True)
class FoldFit:
    """What fold k's scoring file holds, fitted on the other folds' people."""

    temperature: float
    offsets: dict[Expression, float]


@dataclass(frozen=True, slots=True)
class FoldModels:
    """K subject-wise fold models (ONNX files with their scoring files) and the out-of-fold
    probabilities their fits gave on the features of the held-out people.

    `fold[i]` is row i's fold (rows of `data`); model k never trained on a row of fold k.
    `probabilities` are the uncalibrated out-of-fold probabilities (columns `classes`).
    """

    models: tuple[Path, ...]
    fold: np.ndarray
    data: ExtractedSet
    classes: tuple[str, ...]
    probabilities: np.ndarray
    fits: tuple[FoldFit, ...]
    fit_all: FoldFit
    recipe: Recipe
    with_copies: bool
    false_alarm_rate: float
    population: tuple[str, ...] | None
    eyewear_styles: tuple[str, ...] | None = None  # picked copies' glasses (None: all made)
    calibrated_fits: tuple[FoldFit, ...] | None = None  # with calibrated companions only
    calibrated_fit_all: FoldFit | None = None  # with calibrated companions only
    maps_on: str = "still"  # what the scoring was fitted on (`video_reads.MAP_READS`)

    @property
    def k(self) -> int:
        return len(self.models)

    def truth(self) -> np.ndarray:
        """Each row's class index (columns of `probabilities`)."""
        return np.array([self.classes.index(label) for label in self.data.labels])

    def fold_of(self) -> dict[str, int]:
        """Subject id -> its fold."""
        return {s: int(f) for s, f in zip(self.data.subjects, self.fold, strict=True)}

    def people_per_fold(self) -> list[int]:
        subjects = np.asarray(self.data.subjects)
        return [len(set(subjects[self.fold == f].tolist())) for f in range(self.k)]

    def images_per_fold(self) -> list[int]:
        return [int((self.fold == f).sum()) for f in range(self.k)]

    def describe(self) -> str:
        """One line: what the fold models are."""
        copies = ("with the recipe's webcam-condition copies" if self.with_copies
                  else "without the recipe's webcam-condition copies (clean and mirrored "
                       "images only)")
        varied = self.with_copies and "eyewear_varied" in (
            self.recipe.augmentations + self.recipe.extra_copies)
        if self.with_copies and self.eyewear_styles is not None:
            held = [s for s in EYEWEAR_STYLES if s not in self.eyewear_styles]
            glasses = (f"no copy has {' or '.join(held)} glasses (held out)" if held
                       else "glasses of every style")
            if not self.eyewear_styles or "eyewear" not in self.recipe.augmentations:
                glasses = ("no copy has glasses of the measured styles (every eyewear style "
                           "held out)")
            copies += f" (only the copy each image trains on made; {glasses})"
        if varied:
            copies += (" (glasses of the varied training family, " +
                       ("one more copy of every image" if "eyewear_varied"
                        in self.recipe.extra_copies else "drawn as one of the copies") + ")")
        others = [n for n in self.recipe.extra_copies if n != "eyewear_varied"]
        if self.with_copies and others:
            copies += f" (one more copy of every image: {', '.join(others)})"
        return (f"{self.k} subject-wise folds of {', '.join(map(str, self.people_per_fold()))} "
                f"people; each fold model trained on the other folds' people with the shipped "
                f"recipe {copies}; its temperature and score map fitted on the other folds' "
                f"out-of-fold probabilities of {self.maps_on} reads")


def _copies_for(
    data: ExtractedSet, recipe: Recipe, cache_dir: Path | None, progress: bool | None,
    eyewear_styles: Sequence[str] | None = None,
) -> Copies | None:
    """The recipe's training copies (training rows only), or None. `eyewear_styles` given:
    only the copy each image trains on is made, its glasses drawn among those styles
    (`copies.picked_copies`)."""
    from game.training.copies import augmented_copies, picked_copies

    if eyewear_styles is None:
        copies = augmented_copies(data, recipe, cache_dir, progress, scored=False)
    else:
        copies = picked_copies(data, recipe, cache_dir, progress, eyewear_styles)
    if copies is None or not copies.train.any():
        return None
    return copies.take(np.flatnonzero(copies.train))


def _copy_rows(
    copies: Copies | None, classes: tuple[str, ...], people: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(features, class indices) of the copies of `people` (None without copies)."""
    if copies is None:
        return None
    mine = np.isin(np.asarray(copies.subjects), people)
    labels = np.array([classes.index(label) for label in np.asarray(copies.labels)[mine]])
    return copies.features[mine], labels


def fit_scoring(
    evidence: Evidence,
    rows: np.ndarray,
    truth: np.ndarray,
    false_alarm_rate: float,
    population: Sequence[str] | None,
) -> FoldFit:
    """The temperature fitted on `rows` of the evidence's (uncalibrated out-of-fold)
    probabilities, then the offsets fitted on the same rows' tempered probabilities."""
    temperature = fit_temperature(evidence.probabilities[rows], truth[rows])
    tempered = Evidence(
        temper_array(evidence.probabilities, temperature), evidence.actions, evidence.classes,
        evidence.labels, evidence.subjects, evidence.datasets,
    )
    present = [p for p in population or () if p in set(evidence.datasets[rows].tolist())]
    offsets = fit_offsets(tempered, rows, false_alarm_rate, population=present or None)
    return FoldFit(temperature, offsets)


@dataclass(frozen=True, slots=True)
class MapReads:
    """The reads a score map is fitted on: `features` (M, F) of the rows `rows` (indices
    into the still rows of `ExtractedSet`, ascending), and what they are (`kind`, one of
    `video_reads.MAP_READS`)."""

    kind: str
    features: np.ndarray
    rows: np.ndarray


def _map_reads(kind: str, data: ExtractedSet, items: Sequence[LabelledImage],
               cache_dir: Path | None) -> MapReads:
    """`kind` "still": the cached still reads themselves; "video": every picture read as the
    game reads it (`video_reads.read_as_video`), the pictures with no face so read left
    out. Raises ValueError when no picture gave a video read."""
    if kind == "still":
        return MapReads(kind, data.features, np.arange(len(data)))
    video = read_as_video(data.paths, items, cache_dir)
    if not video.found.any():
        raise ValueError("no picture gave a face read as video: no score map can be fitted")
    rows = np.flatnonzero(video.found)
    return MapReads(kind, video.features[rows], rows)


def _predicted(models: Sequence[Any], fold: np.ndarray, values: np.ndarray,
               n_classes: int) -> np.ndarray:
    """Each row's probabilities (N, n_classes) from the model of its fold (`fold`: per row),
    columns by class index."""
    out = np.zeros((len(values), n_classes))
    for f, model in enumerate(models):
        mine = np.flatnonzero(fold == f)
        if len(mine):
            columns = np.asarray(model.classes_, int)
            out[np.ix_(mine, columns)] = model.predict_proba(values[mine])
    return out


def build_fold_models(
    items: Sequence[LabelledImage],
    k: int,
    folder: Path,
    recipe: Recipe | None = None,
    cache_dir: Path | None = None,
    progress: bool | None = None,
    with_copies: bool = True,
    false_alarm_rate: float = FALSE_ALARM_RATE,
    population: Sequence[str] | None = None,
    eyewear_styles: Sequence[str] | None = None,
    calibrated: bool = False,
    maps_on: str = "video",
) -> FoldModels:
    """Train the K fold models of `items` into `folder` (see the module docstring).

    `with_copies` False trains without the recipe's webcam-condition copies (faster when
    they are not in the feature cache; the card says so). `population`: the data sets whose
    non-target faces set the offsets (None: every set), as `facequest train
    --map-population`. `eyewear_styles` (with copies): make only the copy each image trains
    on (`copies.picked_copies`), its glasses drawn among these styles; leaving a style out
    measures it on glasses no training copy had (leave-one-style-out). None: every copy is
    made, as `facequest train` makes them. `calibrated`: each fold model also gets its
    calibrated companion and that companion's scoring file (`_calibrated_companions`), so the
    chain scores a calibrated person as the game does. `maps_on`: what the temperatures and
    offsets are fitted on: "video" (default), every picture read as the game reads it
    (`game.training.video_reads`); "still", the cached still reads the models train on.

    Raises ValueError (no face found, fewer people than folds, an unknown eyewear style or
    `maps_on`).
    """
    check_map_reads(maps_on)
    recipe = recipe or Recipe()
    data = extract(items, cache_dir=cache_dir, progress=progress)
    if len(data) == 0:
        raise ValueError("no face was found in any image")
    classes = class_order(data.labels)
    truth = np.array([classes.index(label) for label in data.labels])
    fold = subject_folds(data.subjects, k)
    reads = _map_reads(maps_on, data, items, cache_dir)
    copies = (_copies_for(data, recipe, cache_dir, progress, eyewear_styles) if with_copies
              else None)
    folder.mkdir(parents=True, exist_ok=True)
    models: list[Path] = []
    fitted: list[Any] = []
    subjects = np.asarray(data.subjects)
    for f in range(k):
        train = np.flatnonzero(fold != f)
        # the training people's copies only
        extra = _copy_rows(copies, classes, subjects[train])
        logger.info("fold %d/%d: training on %d images of %d people ...", f + 1, k,
                    len(train), len(set(subjects[train].tolist())))
        model = fit(data.features[train], truth[train], recipe, extra)
        fitted.append(model)
        held = sorted(set(subjects[fold == f].tolist()))
        models.append(export_onnx(
            model, folder / f"fold{f + 1}.onnx", classes, "raw",
            f"out-of-fold model {f + 1}/{k}: trained without {len(held)} people",
        ))
    probabilities = _predicted(fitted, fold, data.features, len(classes))
    read_probabilities = (probabilities if reads.kind == "still"
                          else _predicted(fitted, fold[reads.rows], reads.features, len(classes)))
    rows = reads.rows
    evidence = Evidence(
        read_probabilities, action_scores(reads.features, [None] * len(rows)), classes,
        np.asarray(data.labels)[rows], subjects[rows], np.asarray(data.datasets)[rows],
    )
    fits = _write_fold_maps(evidence, fold[rows], truth[rows], tuple(models), false_alarm_rate,
                            population, "model", f"out-of-fold probabilities ({reads.kind} reads)")
    fit_all = fit_scoring(evidence, np.arange(len(rows)), truth[rows], false_alarm_rate,
                          population)
    companions = None
    if calibrated:
        companions = _calibrated_companions(
            data, classes, truth, fold, copies, recipe, tuple(models), reads,
            read_probabilities, false_alarm_rate, population)
    return FoldModels(
        tuple(models), fold, data, classes, probabilities, fits, fit_all, recipe,
        copies is not None, false_alarm_rate, tuple(population) if population else None,
        tuple(eyewear_styles) if eyewear_styles is not None else None,
        companions[0] if companions else None, companions[1] if companions else None,
        reads.kind,
    )


def _calibrated_companions(
    data: ExtractedSet,
    classes: tuple[str, ...],
    truth: np.ndarray,
    fold: np.ndarray,
    copies: Copies | None,
    recipe: Recipe,
    models: tuple[Path, ...],
    reads: MapReads,
    raw_probabilities: np.ndarray,
    false_alarm_rate: float,
    population: Sequence[str] | None,
) -> tuple[tuple[FoldFit, ...], FoldFit]:
    """Beside each fold model, its calibrated ("delta") companion, trained as `facequest
    train` trains the shipped one (each training person's pictures minus their own neutral
    median, `cv.neutral_deltas`; the copies minus the same person's neutral copies under the
    same augmentation, `cv.copy_deltas`), at `calibrated_model_path` of the fold model, so
    `VisionChain` loads it; and its scoring file: the temperature and offsets fitted on the
    other folds' out-of-fold calibrated probabilities of `reads` (each read minus the
    person's other neutral reads, fused with `raw_probabilities`, the raw fold models'
    probabilities of the same reads, as the game fuses them), with each face's action
    scores against its own neutral. Returns the fits per fold and the fit on everyone.

    Raises NoCalibratedCompanion (a ValueError) when no person has a neutral picture (or
    none read as the map's reads) or a fold's training people lack an expression."""
    from game.training.cv import copy_deltas, fuse_with_raw, neutral_deltas
    from game.training.evaluate import subject_baselines
    from game.vision.pipeline import calibrated_model_path

    deltas = neutral_deltas(data.features, data.labels, data.subjects)
    if not len(deltas.rows):
        raise NoCalibratedCompanion("no person has a neutral picture: a calibrated model "
                                    "needs one")
    subjects = np.asarray(data.subjects)
    delta_copies = copy_deltas(copies) if copies is not None else None
    fitted = []
    for f, raw_path in enumerate(models):
        train = fold[deltas.rows] != f
        extra = _copy_rows(delta_copies, classes, subjects[fold != f])
        model = fit(deltas.values[train], truth[deltas.rows][train], recipe, extra, "delta")
        if list(model.classes_) != list(range(len(classes))):
            raise NoCalibratedCompanion(f"fold {f + 1}'s training people lack an "
                                        "expression: no calibrated model")
        fitted.append(model)
        export_onnx(
            model, calibrated_model_path(raw_path), classes, "delta",
            f"out-of-fold calibrated model {f + 1}/{len(models)}; features minus each "
            "subject's neutral median", fuse_with_raw=recipe.calibrated_fuses_raw,
        )
    # the reads' view: row r of `reads` is still row reads.rows[r]
    labels = tuple(np.asarray(data.labels)[reads.rows].tolist())
    read_subjects = tuple(subjects[reads.rows].tolist())
    read_deltas = neutral_deltas(reads.features, labels, read_subjects)
    if not len(read_deltas.rows):
        raise NoCalibratedCompanion(f"no person has a neutral picture read as {reads.kind}: "
                                    "no calibrated score map")
    mine = read_deltas.rows  # rows of `reads`
    read_fold, read_truth = fold[reads.rows], truth[reads.rows]
    found = _predicted(fitted, read_fold[mine], read_deltas.values, len(classes))
    if recipe.calibrated_fuses_raw:  # as the game scores a calibrated child
        found = fuse_with_raw(found, classes, raw_probabilities[mine], classes)
    baselines, _ = subject_baselines(reads.features, labels, read_subjects)
    if sorted(baselines) != mine.tolist():
        raise ValueError("the calibrated rows differ from the rows with a baseline")
    evidence = Evidence(
        found, action_scores(reads.features[mine], [baselines[int(i)] for i in mine]),
        classes, np.asarray(labels)[mine], np.asarray(read_subjects)[mine],
        np.asarray(data.datasets)[reads.rows][mine],
    )
    paths = tuple(calibrated_model_path(path) for path in models)
    fits = _write_fold_maps(evidence, read_fold[mine], read_truth[mine], paths, false_alarm_rate,
                            population, "calibrated model",
                            f"out-of-fold calibrated probabilities ({reads.kind} reads)")
    fit_all = fit_scoring(evidence, np.arange(len(mine)), read_truth[mine], false_alarm_rate,
                          population)
    return fits, fit_all


def _write_fold_maps(
    evidence: Evidence,
    fold: np.ndarray,
    truth: np.ndarray,
    models: tuple[Path, ...],
    false_alarm_rate: float,
    population: Sequence[str] | None,
    what: str,
    fitted_on: str,
) -> tuple[FoldFit, ...]:
    """Fit each fold model's scoring on the other folds' rows of `evidence` (`fold`, `truth`:
    per evidence row) and write it beside the model; returns the fits. `what` and
    `fitted_on` name the model and its probabilities in the file's notes."""
    fits = []
    for f, path in enumerate(models):
        fitted = fit_scoring(evidence, np.flatnonzero(fold != f), truth, false_alarm_rate,
                             population)
        fits.append(fitted)
        ScoreMap(
            offsets=fitted.offsets, model_sha256=file_sha256(path),
            note=f"out-of-fold {what} {f + 1}/{len(models)}: offsets fitted on the other folds",
            temperature=fitted.temperature,
            calibration_note=f"temperature fitted on the other folds' {fitted_on}",
        ).write(score_map_path(path))
    return tuple(fits)


PREVIOUS_SUFFIX = ".previous"  # a scoring file a --write-scoring replaced, kept beside it
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def keep_previous(path: Path, stamp: str) -> Path | None:
    """Copy the file at `path`, when there is one, to a new file beside it,
    `NAME.STAMP.previous` (`NAME.STAMP-2.previous`, ... when that name is taken), with its
    mode and times, so a refit that turns out worse can be put back by renaming the copy.
    Never replaces, nor writes through, anything already there (a link, a folder, an older
    copy). Returns the copy's path, or None when there was nothing to keep. Raises OSError."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    for n in range(1, 100):
        copy = path.with_name(f"{path.name}.{stamp}{'' if n == 1 else f'-{n}'}"
                              f"{PREVIOUS_SUFFIX}")
        try:
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            shutil.copystat(path, copy)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
        return copy
    raise FileExistsError(f"{path.parent}: 99 copies of {path.name} kept at {stamp} already")


def put_back(copy: Path, target: Path) -> None:
    """Replace `target` with the bytes, mode and times of `copy` (a `keep_previous` copy),
    atomically: a temporary file beside `target`, then `os.replace`. Raises OSError (the
    target as it was)."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(copy.read_bytes())
        shutil.copystat(copy, temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def scoring_for(model_path: Path, folds: FoldModels, note: str,
                calibrated: bool = False) -> ScoreMap:
    """The shipped model's scoring map from `folds.fit_all` (the temperature and the
    offsets fitted on every person's out-of-fold probabilities), bound to the model's
    SHA-256; the action bonus is kept. `calibrated`: `model_path` is the shipped calibrated
    companion and takes `folds.calibrated_fit_all`. `write_scoring` writes it.

    Raises ValueError for `calibrated` when the fold models have no calibrated companions,
    or when the model scores an expression the fold models never learnt (its offset would
    be lost and the temperature fitted on other classes)."""
    from game.vision.model import ExpressionModel

    scored = {e.value for e in ExpressionModel.load(model_path).classes}
    if scored != set(folds.classes):
        missing = ", ".join(sorted(scored - set(folds.classes))) or "none"
        raise ValueError(f"{model_path.name} scores expressions these pictures do not all "
                         f"show (missing: {missing}): its scoring file is left as it is")
    fitted = folds.calibrated_fit_all if calibrated else folds.fit_all
    if fitted is None:
        raise ValueError("these fold models have no calibrated companions to fit a "
                         "calibrated scoring file on")
    what = "raw"
    if calibrated:
        what = ("calibrated (fused with raw)" if folds.recipe.calibrated_fuses_raw
                else "calibrated")
    return ScoreMap(
        offsets=fitted.offsets,
        model_sha256=file_sha256(model_path),
        note=(f"{what}: offsets at {folds.false_alarm_rate:.0%} false alarms per data set "
              f"of the population ({', '.join(folds.population or ('every data set',))}), "
              f"fitted on the tempered out-of-fold {'calibrated ' if calibrated else ''}"
              f"probabilities of {folds.describe()}"),
        temperature=fitted.temperature,
        calibration_note=note,
    )


def write_scoring(model_path: Path, folds: FoldModels, note: str,
                  calibrated: bool = False) -> Path:
    """Write `scoring_for(...)` as `model_path`'s scoring file (atomically, `ScoreMap.write`)
    and return its path. Raises ValueError (`scoring_for`, before writing), OSError."""
    return scoring_for(model_path, folds, note, calibrated).write(score_map_path(model_path))
