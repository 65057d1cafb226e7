"""`facequest evaluate`: the game's own chain on every image of labelled folders.

Each picture goes through `VisionChain.process_still`, the path `facequest watch` takes for a
picture: padded as the training pictures were, the tracker in IMAGE mode, the same crops,
quality flags, features, model and score map, each picture on its own (no smoothing, hint or
lock carried from one to the next). So a picture's target score here is the one `watch
--target` prints for it.

Classification (accuracy, balanced accuracy, recall, confusion) comes from the model's
arg-max on every face found (`flagged` counts those the game would not score); verification
comes from the game's target score (`Scorer.target_scores`; an untrusted reading scores 0,
as it earns no credit): for each expression, the ROC AUC of its target score one-vs-rest,
the hit rate (share of its images scoring at least the threshold) and the false-alarm rate.

The pictures the model trained on are recognised by content (`game.training.trained_images`)
and counted per folder; `exclude_trained` leaves them out.

Raw mode scores against the population's neutral (what the game does before calibration).
Calibrated mode gives each subject a `NeutralBaseline` made of that subject's neutral
images (for a neutral image: the subject's *other* neutral images) and uses a "delta"
model; subjects without a neutral image are counted separately.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.expressions import ADVISORY_FLAGS, CREDIT_THRESHOLD, Expression, QualityFlag
from game.training.dataset import DatasetError, LabelledImage, load_folders
from game.training.metrics import roc_auc, summarise
from game.training.prob_calibration import CONFIDENT
from game.training.trained_images import check_trained, sets_named
from game.vision.calibration import NeutralBaseline
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
from game.vision.model import ExpressionModel, ModelError
from game.vision.pipeline import VisionChain, raw_companion_path
from game.vision.records import ExpressionReading, FaceObservation, FeatureVector, Frame
from game.vision.score_map import ScoreMap
from game.vision.scoring import Scorer, check_actions, score_target
from game.vision.sources import SourceError, read_image

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = CREDIT_THRESHOLD  # the level schema's default target-score threshold


class EvaluationError(ValueError):
    """The model and the requested mode do not fit (e.g. a raw model for --calibrated)."""


def feature_vector(values: np.ndarray) -> FeatureVector:
    return FeatureVector(np.asarray(values, np.float32), FEATURE_NAMES, FEATURE_SPEC_VERSION)


def subject_baselines(
    features: np.ndarray, labels: tuple[str, ...], subjects: tuple[str, ...]
) -> tuple[dict[int, NeutralBaseline], tuple[str, ...]]:
    """Row -> the baseline to score it against; and the subjects without a neutral image."""
    baselines: dict[int, NeutralBaseline] = {}
    without: list[str] = []
    labels_a = np.asarray(labels)
    subjects_a = np.asarray(subjects)
    for subject in dict.fromkeys(subjects):
        rows = np.flatnonzero(subjects_a == subject)
        neutral = rows[labels_a[rows] == Expression.NEUTRAL.value]
        if len(neutral) == 0:
            without.append(subject)
            continue
        shared = NeutralBaseline.from_vectors([feature_vector(features[i]) for i in neutral])
        for row in rows:
            if labels_a[row] != Expression.NEUTRAL.value:
                baselines[int(row)] = shared
            elif len(neutral) > 1:
                others = [feature_vector(features[i]) for i in neutral if i != row]
                baselines[int(row)] = NeutralBaseline.from_vectors(others)
    return baselines, tuple(without)


def verification(
    labels: list[str],
    probabilities: np.ndarray,
    classes: tuple[Expression, ...],
    vectors: list[FeatureVector],
    baselines: list[NeutralBaseline | None],
    threshold: float,
    score_map: ScoreMap | None = None,
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per target: ROC AUC of the target score, hit rate and false-alarm rate at threshold.

    `score_map`: the scored model's fitted map (None: the default map)."""
    def scores_for(target: Expression) -> np.ndarray:
        return np.array([
            score_target(dict(zip(classes, row.tolist(), strict=True)),
                         check_actions(vector, baseline, target), target, score_map)
            for row, vector, baseline in zip(probabilities, vectors, baselines, strict=True)
        ])

    return _target_rates(np.asarray(labels), scores_for, threshold)


def _target_rates(
    truth: np.ndarray, scores_for: Callable[[Expression], np.ndarray], threshold: float
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per target present in `truth`: ROC AUC of `scores_for(target)` (one score per row),
    hit rate and false-alarm rate at `threshold`."""
    auc: dict[str, float] = {}
    hits: dict[str, float] = {}
    false_alarms: dict[str, float] = {}
    for target in Expression:
        if not (truth == target.value).any():
            continue
        scores = scores_for(target)
        positive = truth == target.value
        value = roc_auc(positive, scores)
        if value is not None:
            auc[target.value] = value
        hits[target.value] = float((scores[positive] >= threshold).mean())
        if (~positive).any():
            false_alarms[target.value] = float((scores[~positive] >= threshold).mean())
    return auc, hits, false_alarms


def _scorer_for(model: ExpressionModel) -> Scorer:
    """The game's `Scorer` for `model`: a raw model alone; a delta model as the game scores a
    calibrated child (with its raw twin when it is marked `fuse_with_raw`).

    Raises:
        EvaluationError: the raw twin of a fused delta model is missing or does not fit.
    """
    if model.input_kind == "raw":
        return Scorer(model)
    twin = None
    if model.fuse_with_raw:
        twin_path = raw_companion_path(model.path)
        try:
            twin = ExpressionModel.load(twin_path)
        except ModelError as exc:
            raise EvaluationError(
                f"{model.path} is scored together with its raw model, which cannot be used: "
                f"{exc}"
            ) from None
        if twin.input_kind != "raw" or set(twin.classes) != set(model.classes):
            raise EvaluationError(f"{twin_path} is not the raw model of {model.path}")
    return Scorer(twin, calibrated_model=model)


@dataclass(frozen=True, slots=True)
class ScoredPicture:
    """One labelled picture through the game's chain (`score_images`), the record that
    `evaluate` and `evaluate_oof` compute their figures from.

    Attributes:
        label: the posed expression's value (labels.csv).
        dataset: the data set (folder name) the picture is from.
        probabilities: the reading's class probabilities, 0-1, in the model's class order.
        trusted: the reading is trusted (no blocking quality flag): only trusted readings
            earn credit.
        flags: the quality flags that block credit (advisory flags left out).
        scores: every target's score, 0-1, as the game would show it.
        subject: the person's id (labels.csv), for per-person figures.
        path: the picture's file, for the figures per coded form (meta.csv variant).
    """

    label: str
    dataset: str
    probabilities: list[float]
    trusted: bool
    flags: frozenset[QualityFlag]
    scores: dict[Expression, float]
    subject: str = ""
    path: str = ""


def _read_still(item: LabelledImage) -> Frame:
    try:
        return Frame(0, read_image(item.path))
    except SourceError as exc:
        raise DatasetError(f"{exc} (listed in {item.dataset}/labels.csv)") from None


def score_images(
    items: Sequence[LabelledImage],
    model: ExpressionModel,
    calibrated: bool,
    progress: bool | None = None,
) -> tuple[list[ScoredPicture], list[Path], dict[str, int]]:
    """Every picture through the game's chain (`VisionChain.process_still`: padded, tracked
    in IMAGE mode, quality flags, the model, the action check and the model's score map,
    each picture on its own). Calibrated: each picture is scored again against its
    subject's neutral (`subject_baselines`); pictures without one are left out.

    Returns the scored pictures, those with no face found, and (calibrated) the subjects and
    images left uncalibrated. Raises DatasetError for an unreadable picture.
    """
    from game.training.feature_cache import _Progress

    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(len(items), "scoring", show)
    scorer = _scorer_for(model)
    missed: list[Path] = []
    found: list[tuple[LabelledImage, FaceObservation, FeatureVector]] = []
    scored: list[ScoredPicture] = []
    with VisionChain(FaceTracker(TrackerSettings(mode="image")), scorer) as chain:
        for item in items:
            result = chain.process_still(_read_still(item))
            bar.step()
            if result.features is None:
                missed.append(item.path)
            elif calibrated:
                found.append((item, result.observation, result.features))
            else:
                scored.append(_scored(scorer, item, result.reading, result.features))
    uncalibrated: dict[str, int] = {}
    if calibrated and found:
        by_row, without = subject_baselines(
            np.stack([f.values for _, _, f in found]),
            tuple(item.label.value for item, _, _ in found),
            tuple(item.subject for item, _, _ in found),
        )
        for row in sorted(by_row):
            item, observation, features = found[row]
            scorer.set_baseline(by_row[row])
            scorer.forget()
            reading = scorer.score_extracted(observation, features)
            scored.append(_scored(scorer, item, reading, features))
        uncalibrated = {"subjects_without_neutral": len(without),
                        "images": len(found) - len(by_row)}
    return scored, missed, uncalibrated


def _scored(
    scorer: Scorer, item: LabelledImage, reading: ExpressionReading, features: FeatureVector
) -> ScoredPicture:
    model = scorer.model
    assert model is not None
    return ScoredPicture(
        label=item.label.value,
        dataset=item.dataset,
        probabilities=[reading.probabilities[c] for c in model.classes],
        trusted=reading.trusted,
        flags=reading.flags - ADVISORY_FLAGS,
        scores=scorer.target_scores(features, reading.probabilities, model.classes),
        subject=item.subject,
        path=str(item.path),
    )


def game_verification(
    scored: Sequence[ScoredPicture], threshold: float
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per target: ROC AUC of the score the game gives (0 for an untrusted reading: it earns
    no credit), hit rate and false-alarm rate at `threshold`, over `scored`."""
    def scores_for(target: Expression) -> np.ndarray:
        return np.array([s.scores.get(target, 0.0) if s.trusted else 0.0 for s in scored])

    return _target_rates(np.array([s.label for s in scored]), scores_for, threshold)


def evaluate(
    data_dirs: list[Path],
    model_path: Path,
    calibrated: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    cache_dir: Path | None = None,
    progress: bool | None = None,
    exclude_trained: bool = False,
) -> dict[str, Any]:
    """The evaluation report (a JSON-ready dict) of the model at `model_path` on the labelled
    folders `data_dirs`, every picture scored by the game's chain (`score_images`);
    `threshold` is the target score (0-1) that counts as a hit. `exclude_trained` leaves out
    the pictures the model trained on (`game.training.trained_images`). `cache_dir` is no
    longer used (pictures are scored live, as `watch` scores them); it is accepted so that
    older scripts still run.

    Raises EvaluationError (model and mode do not fit, nothing left to score), DatasetError
    (a bad folder or picture), ModelError (a bad model).
    """
    del cache_dir  # see the docstring
    model = ExpressionModel.load(model_path)
    wanted = "delta" if calibrated else "raw"
    if model.input_kind != wanted:
        raise EvaluationError(
            f"{model_path} takes {model.input_kind!r} features but "
            f"{'--calibrated' if calibrated else 'raw evaluation'} needs a {wanted!r} model"
        )
    items = load_folders(data_dirs)
    try:
        seen = check_trained(items, model_path, model.trained_on)
    except OSError as exc:
        raise DatasetError(f"cannot read an image: {exc}") from None
    if exclude_trained:
        items = [item for item, was in zip(items, seen.trained, strict=True) if not was]
        if not items:
            raise EvaluationError(
                "the model trained on every image of these folders: none is left to score "
                "without them"
            )
    scored, missed, uncalibrated = score_images(items, model, calibrated, progress)
    if not scored:
        raise EvaluationError("no image could be scored (no face found, or no neutral images)")
    class_names = tuple(c.value for c in model.classes)
    ordered: dict[str, Any] = {
        **headline(scored, class_names, threshold, len(missed)),
        "model": str(model_path),
        "mode": "calibrated" if calibrated else "raw",
        "fused_with": str(raw_companion_path(model.path)) if model.fuse_with_raw else None,
        "trained_on_these_sets": [] if exclude_trained else seen.sets(),
        "trained_images": seen.as_dict(exclude_trained),
        "trained_note": seen.note(exclude_trained),
    }
    if calibrated:
        ordered["uncalibrated"] = uncalibrated
    sets = list(dict.fromkeys(s.dataset for s in scored))
    if len(sets) > 1:
        ordered["datasets"] = {}
        for name in sets:
            part_rows = [s for s in scored if s.dataset == name]
            part = summarise(
                [s.label for s in part_rows],
                np.array([s.probabilities for s in part_rows]),
                class_names,
            )
            part_auc, part_hits, part_false = game_verification(part_rows, threshold)
            ordered["datasets"][name] = {
                **{k: part[k] for k in ("n", "accuracy", "balanced_accuracy", "recall")},
                "flagged": sum(not s.trusted for s in part_rows),
                "auc": part_auc,
                "hit_rate": part_hits,
                "false_alarm_rate": part_false,
                "confusion": part["confusion"],
            }
    return ordered


def sets_trained_on(trained_on: str, datasets: Sequence[str]) -> list[str]:
    """The data-set names of `datasets` that the model's `trained_on` metadata names ("name:
    N images, ..." parts joined by "; ", as `facequest train` writes it). By name only: a
    renamed copy escapes it, so `evaluate` asks `trained_images.check_trained` (by content)
    and falls back to names only for a model without a hash file."""
    named = sets_named(trained_on)
    return [name for name in dict.fromkeys(datasets) if name in named]


def plot_confusion(report: dict[str, Any], path: Path) -> Path:
    """Save the confusion matrix (row-normalised colours, counts written) as PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report["confusion"]["labels"]
    matrix = np.asarray(report["confusion"]["matrix"], dtype=float)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("posed label")
    for i in range(len(labels)):
        for j in range(len(labels)):
            colour = "white" if shares[i, j] > 0.5 else "black"
            ax.text(j, i, str(int(matrix[i, j])), ha="center", va="center", color=colour)
    ax.set_title(
        f"{report.get('mode', '')} accuracy {report['accuracy']:.2f}, "
        f"balanced {report['balanced_accuracy']:.2f} (n={report['n']})"
    )
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def headline(
    scored: Sequence[ScoredPicture], classes: tuple[str, ...], threshold: float, missed: int
) -> dict[str, Any]:
    """The figures `evaluate` reports first, in their order, for `scored` pictures (`missed`:
    the number of pictures with no face found): accuracy, per-class recall and confusion of
    the top class; the game's verification (ROC AUC of the target score, hit rate and
    false-alarm rate at `threshold`); the quality flags raised; the model's own per-class
    ROC AUC."""
    report = summarise([s.label for s in scored], np.array([s.probabilities for s in scored]),
                       classes)
    auc, hits, false_alarms = game_verification(scored, threshold)
    return {
        "n": report["n"],
        "accuracy": report["accuracy"],
        "balanced_accuracy": report["balanced_accuracy"],
        "recall": report["recall"],
        "auc": auc,
        "confusion": report["confusion"],
        "missed_faces": missed,
        "flagged": sum(not s.trusted for s in scored),
        "flags": dict(sorted(Counter(f.value for s in scored for f in s.flags).items())),
        "hit_rate": hits,
        "false_alarm_rate": false_alarms,
        "threshold": threshold,
        "model_auc": report["auc"],
    }


def confident_wrong(scored: Sequence[ScoredPicture], classes: tuple[str, ...]) -> float:
    """Share of `scored` read trusted with a wrong top class of probability >= CONFIDENT
    (as `facequest robustness` counts it)."""
    if not scored:
        return 0.0
    bad = 0
    for s in scored:
        top = int(np.argmax(s.probabilities))
        bad += s.trusted and classes[top] != s.label and s.probabilities[top] >= CONFIDENT
    return bad / len(scored)


def flags_by_person(scored: Sequence[ScoredPicture]) -> dict[str, Any]:
    """Per blocking flag raised on `scored`: the share of images, the number of people, and
    the highest share of one person's images it was raised on (no person is named)."""
    people: dict[str, list[ScoredPicture]] = {}
    for s in scored:
        people.setdefault(s.subject, []).append(s)
    out: dict[str, Any] = {}
    for flag in sorted({f.value for s in scored for f in s.flags}):
        shares = [sum(flag in {f.value for f in s.flags} for s in mine) / len(mine)
                  for mine in people.values()]
        out[flag] = {
            "share": sum(flag in {f.value for f in s.flags} for s in scored) / len(scored),
            "people": len(people),
            "people_above_10pct": sum(x > 0.10 for x in shares),
            "worst_person_share": max(shares),
        }
    return out
