"""`facequest train`: features -> subject-wise CV -> final models -> ONNX files, their
target-score maps and the model card.

Two models are made from the same data: the raw model (`--out`, loaded by the game before
and without calibration) and the calibrated model (same name + `_calibrated`, metadata
"facequest.input" = "delta"), trained on features minus each subject's own neutral, which is
what the game can use once a child's neutral face is recorded.

Beside the raw model, `NAME.trained_images.txt` lists the SHA-256 of every training picture
(`game.training.trained_images`), so `evaluate` and `robustness` recognise them by content.
Each model gets its target-score map beside it (`NAME.scoring.json`, `game.vision.
score_map`), fitted by `game.training.score_fit` on the CV's out-of-fold probabilities and
checked nested (maps fitted without the scored people); the card reports those figures. The
maps need the CV: with `folds` 0 none is written, and a map left beside an overwritten model
(fitted for the old file) is removed. With `maps_on` "video" (the default) the maps are
fitted on every picture read as the game reads it (`game.training.video_reads`): those reads
ride through the CV as copies no model trains on (kind `READ_KIND`), so each is scored by the
CV model that never saw its person, raw and against the person's own neutral reads.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.training.copies import augmented_copies
from game.training.cv import (
    Copies,
    OutOfFold,
    class_order,
    copy_deltas,
    neutral_deltas,
    out_of_fold,
    pick_rows,
    summarise_cv,
)
from game.training.dataset import LabelledImage, load_folders
from game.training.export import export_onnx
from game.training.feature_cache import ExtractedSet, extract
from game.training.forms import angry_forms, coded_variants
from game.training.model_card import (
    ABLATION_FILE,
    OUT_OF_FOLD_FILE,
    TRANSFER_FILE,
    write_model_card,
)
from game.training.recipe import Recipe, fit
from game.training.score_fit import FALSE_ALARM_RATE, Evidence, evidence_from_cv, fit_and_write
from game.training.trained_images import write_trained_images
from game.training.video_reads import READ_KIND, check_map_reads, read_as_video
from game.vision.score_map import score_map_path

logger = logging.getLogger(__name__)


def calibrated_path(raw_path: Path) -> Path:
    """Where the calibrated ("delta") model goes beside the raw one."""
    return raw_path.with_name(f"{raw_path.stem}_calibrated{raw_path.suffix}")


@dataclass(frozen=True, slots=True)
class TrainingResult:
    raw_model: Path
    calibrated_model: Path | None
    card: Path | None
    cv: dict[str, Any] | None
    n_images: int
    score_maps: tuple[Path, ...] = ()
    trained_images: Path | None = None  # the hashes of the pictures learnt


def summary_text(data: ExtractedSet) -> str:
    """One line describing the training data (stored in the model's metadata)."""
    parts = []
    for name in dict.fromkeys(data.datasets):
        mask = [d == name for d in data.datasets]
        subjects = {s for s, m in zip(data.subjects, mask, strict=True) if m}
        parts.append(f"{name}: {sum(mask)} images, {len(subjects)} subjects")
    counts = Counter(data.labels)
    per_label = ", ".join(f"{e} {counts[e]}" for e in class_order(data.labels))
    return "; ".join(parts) + f" (per label: {per_label})"


def train(
    data_dirs: list[Path],
    out: Path,
    recipe: Recipe | None = None,
    cache_dir: Path | None = None,
    folds: int = 5,
    card: Path | None = None,
    calibrated: bool = True,
    progress: bool | None = None,
    false_alarm_rate: float = FALSE_ALARM_RATE,
    map_population: tuple[str, ...] | None = None,
    maps_on: str = "video",
) -> TrainingResult:
    """Train and export the models; run subject-wise CV first when `folds` > 1 and fit each
    written model's target-score map from it (at `false_alarm_rate`, offsets set by the
    non-target faces of the data sets in `map_population`; None: every data set).

    `card` is the model card to write (None: no card). The CV figures (`TrainingResult.cv`)
    include the maps' report under "target_score" (`score_fit.fit_and_write` per mode).
    `maps_on`: the maps are fitted on the pictures read as "video" (as the game reads them,
    the default) or on the "still" reads the models train on.

    Raises ValueError (no face found, an unknown `maps_on`) and DatasetError.
    """
    check_map_reads(maps_on)
    recipe = recipe or Recipe()
    items = load_folders(data_dirs)
    data = extract(items, cache_dir=cache_dir, progress=progress)
    if len(data) == 0:
        raise ValueError("no face was found in any training image")
    classes = class_order(data.labels)
    trained_on = summary_text(data)
    copies = augmented_copies(data, recipe, cache_dir, progress, scored=folds > 1)
    if folds > 1 and maps_on == "video":
        copies = _with_video_reads(data, items, copies, cache_dir)
    cv = None
    oof = None
    if folds > 1:
        logger.info("subject-wise %d-fold cross-validation ...", folds)
        oof = out_of_fold(data.features, data.labels, data.subjects, recipe, folds, copies)
        cv = summarise_cv(oof, data.features, data.labels, data.subjects, data.datasets, False)
        cv["angry_forms"] = _angry_forms(oof, data, data_dirs)
    y = np.array([classes.index(label) for label in data.labels])
    raw = fit(data.features, y, recipe, _training_rows(copies, classes))
    export_onnx(raw, out, classes, "raw", trained_on)
    # the pictures it learnt, by content (`evaluate` and `robustness` recognise them)
    hashes = write_trained_images(out, [item.path for item in items])
    cal_path = None
    if calibrated:
        deltas = neutral_deltas(data.features, data.labels, data.subjects)
        if len(deltas.rows):
            labels = [data.labels[i] for i in deltas.rows]
            cal_classes = class_order(labels)
            yd = np.array([cal_classes.index(label) for label in labels])
            delta_copies = copy_deltas(copies) if copies is not None else None
            delta_model = fit(
                deltas.values, yd, recipe, _training_rows(delta_copies, cal_classes), "delta"
            )
            cal_path = export_onnx(
                delta_model,
                calibrated_path(out),
                cal_classes,
                "delta",
                trained_on + "; features minus each subject's neutral median",
                fuse_with_raw=recipe.calibrated_fuses_raw,
            )
        else:
            logger.warning("no subject has a neutral image: no calibrated model")
    maps: list[Path] = []
    if cv is not None and oof is not None:
        cv["target_score"] = _fit_maps(
            oof, data, out, cal_path, recipe, false_alarm_rate, map_population, maps_on
        )
        maps = [Path(m["map"]) for m in cv["target_score"]["modes"].values()]
    for model in (out, cal_path):
        if model is not None and score_map_path(model) not in maps:
            _remove_stale_map(model)
    if card is not None:
        write_model_card(
            card,
            raw_model=out,
            calibrated_model=cal_path,
            data=data,
            trained_on=trained_on,
            recipe=recipe,
            cv=cv,
            data_dirs=data_dirs,
            ablation=load_beside_card(card, ABLATION_FILE),
            transfer=load_beside_card(card, TRANSFER_FILE),
            out_of_fold=load_beside_card(card, OUT_OF_FOLD_FILE),
        )
    return TrainingResult(out, cal_path, card, cv, len(data), tuple(maps), hashes)


def load_beside_card(card: Path, name: str) -> dict[str, Any] | None:
    """Figures kept beside the card (`model_card.ABLATION_FILE`, written by
    `game.training.ablation`; `model_card.TRANSFER_FILE`, by `game.training.transfer`), or
    None."""
    import json

    path = card.with_name(name)
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def _angry_forms(
    oof: OutOfFold, data: ExtractedSet, data_dirs: list[Path]
) -> dict[str, Any]:
    """Angry recall per form (`game.training.forms`), raw and calibrated."""
    variants = coded_variants(data_dirs)
    out = {
        "raw": angry_forms(
            data.features, data.labels, data.datasets, data.paths, oof.raw, oof.classes,
            variants,
        )
    }
    if oof.calibrated is not None:
        rows = oof.deltas.rows
        out["calibrated"] = angry_forms(
            data.features[rows],
            [data.labels[i] for i in rows],
            [data.datasets[i] for i in rows],
            [data.paths[i] for i in rows],
            oof.calibrated,
            oof.calibrated_classes,
            variants,
        )
    return out


def _training_rows(
    copies: Copies | None, classes: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The (features, class indices) of the copies a final model trains on."""
    if copies is None or not copies.train.any():
        return None
    rows = np.flatnonzero(copies.train)
    labels = np.array([classes.index(copies.labels[i]) for i in rows])
    return copies.features[rows], labels


def _fit_maps(
    oof: OutOfFold,
    data: ExtractedSet,
    raw_model: Path,
    calibrated_model: Path | None,
    recipe: Recipe,
    false_alarm_rate: float,
    population: tuple[str, ...] | None = None,
    maps_on: str = "still",
) -> dict[str, Any]:
    """Fit and write the score map of each written model (`score_fit`'s report shape), on
    the still reads or (`maps_on` "video") on the video reads among the CV's copies."""
    report: dict[str, Any] = {
        "false_alarm_rate": false_alarm_rate,
        "population": list(population) if population is not None else None,
        "modes": {},
    }
    targets = [("raw", raw_model, False)]
    if calibrated_model is not None and oof.calibrated is not None:
        targets.append(("calibrated", calibrated_model, True))
    for mode, path, is_calibrated in targets:
        logger.info("fitting the %s target-score map ...", mode)
        if maps_on == "video":
            ev = _video_evidence(oof, is_calibrated)
        else:
            ev = evidence_from_cv(
                oof, data.features, data.labels, data.subjects, data.datasets, is_calibrated
            )
        report["modes"][mode] = fit_and_write(
            ev, path, mode, recipe, false_alarm_rate, oof.n_splits, population, reads=maps_on
        )
    return report


def _with_video_reads(
    data: ExtractedSet, items: list[LabelledImage], copies: Copies | None,
    cache_dir: Path | None,
) -> Copies:
    """`copies` (None: none) and, after them, every picture read as video that found a face
    (`video_reads.read_as_video`), kind `READ_KIND`, trained on by no model."""
    video = read_as_video(data.paths, items, cache_dir)
    rows = np.flatnonzero(video.found)
    if not len(rows):
        raise ValueError("no picture gave a face read as video: the score maps cannot be "
                         "fitted on video reads (--maps-on still fits them on the still reads)")
    reads = Copies(
        video.features[rows], pick_rows(data.labels, rows), pick_rows(data.subjects, rows),
        pick_rows(data.datasets, rows), (READ_KIND,) * len(rows), np.zeros(len(rows), bool),
    )
    return reads if copies is None else copies.joined(reads)


def _video_evidence(oof: OutOfFold, calibrated: bool) -> Evidence:
    """The score maps' evidence from the video reads among the CV's copies (`READ_KIND`):
    raw, each read's out-of-fold probabilities with its action scores against the population
    neutral; calibrated, each read minus the person's other neutral reads (`copy_deltas`),
    with its action scores against the same reads' baseline."""
    from game.training.evaluate import subject_baselines
    from game.training.score_fit import action_scores

    if oof.copies is None or oof.copies_raw is None:
        raise ValueError("the CV scored no video reads")
    mine = np.flatnonzero(np.asarray(oof.copies.kinds) == READ_KIND)
    reads = oof.copies.take(mine)
    if not calibrated:
        return Evidence(
            oof.copies_raw[mine], action_scores(reads.features, [None] * len(mine)),
            oof.classes, np.asarray(reads.labels), np.asarray(reads.subjects),
            np.asarray(reads.datasets),
        )
    if oof.copy_deltas is None or oof.copies_calibrated is None:
        raise ValueError("the CV made no calibrated probabilities of the video reads")
    kept = np.flatnonzero(np.asarray(oof.copy_deltas.kinds) == READ_KIND)
    baselines, _ = subject_baselines(reads.features, reads.labels, reads.subjects)
    rows = sorted(baselines)  # the reads with a baseline: those copy_deltas kept, in order
    if len(rows) != len(kept):
        raise ValueError("the calibrated video reads differ from the reads with a baseline")
    return Evidence(
        oof.copies_calibrated[kept],
        action_scores(reads.features[rows], [baselines[i] for i in rows]),
        oof.calibrated_classes, np.asarray(pick_rows(reads.labels, np.asarray(rows))),
        np.asarray(pick_rows(reads.subjects, np.asarray(rows))),
        np.asarray(pick_rows(reads.datasets, np.asarray(rows))),
    )


def _remove_stale_map(model: Path) -> None:
    """Remove the map beside a freshly written model: it was fitted for the old file."""
    stale = score_map_path(model)
    if stale.is_file():
        stale.unlink()
        logger.warning("removed %s (fitted for the previous %s)", stale.name, model.name)
    logger.warning("no target-score map for %s (needs --folds >= 2)", model.name)
