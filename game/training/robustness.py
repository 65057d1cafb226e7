"""`facequest robustness`: the live chain under webcam conditions, per condition.

Every labelled image is turned into each condition of `game.vision.conditions` (seeded) and
shown to the live chain as a short video (an image whose face is under `SOURCE_FACE_PX`
wide, such as CK+'s 48x48 crops, is first sampled up to that width: the "clean" face is a
child at a normal distance): a still condition is the same frame
`STILL_FRAMES` times (33 ms apart), so the tracker's zoomed search has the frames a webcam
gives it; a sequence (a second face arriving) is played as it is. The last frame is scored
with the raw model and the population neutral (no calibration), as a child is scored before
calibration (out of fold with `calibrated`, each picture is also scored against the person's
own neutral pictures, as after the calibration: `game.training.robustness_calibrated`).
Per condition:

- `found`: share of images where a face was followed to the last frame;
- `flagged`: share of those whose reading was untrusted (a blocking quality flag);
- `accuracy`: share of trusted readings whose top class is the posed label;
- `ece`: the expected calibration error of the trusted readings' probabilities (15 bins,
  `game.training.prob_calibration`);
- `confident_wrong`: share of all images read trusted with a wrong top class of
  probability >= `CONFIDENT` (the outcome that rewards the wrong face);
- `confidence_frontier`: the ECE and confident-wrong share under extra temperatures on top
  of the fitted one (`prob_calibration.confidence_frontier`); the table's "lowest confident
  wrong, ECE <= 0.05" is the least of those shares among the temperatures whose ECE stays
  within 0.05: over the target, no single temperature of the grid meets both lines;
- `hit_rate`: share of images whose target score for the posed label reaches `threshold`
  (an untrusted reading never hits);
- `false_alarm_rate`: share of (image, other target) pairs whose target score reaches it;
- `flags`: how often each blocking quality flag was up among the found faces;
- `kept_credit` (second-face conditions only): of the images whose target was hit with
  the child alone in the same scene, the share still hit with the second face there.

The dev sets' images were used to train the shipped model, so absolute figures on them are
optimistic; the drop from `clean` to a condition is the measure. The images the model trained
on are recognised by content (`game.training.trained_images`) and counted per folder
(`RobustnessRun.trained`); `exclude_trained` leaves them out. Target scores are the game's
(`Scorer.target_scores`, the same call `facequest evaluate` makes), read unsmoothed from a
fresh lock per image.
"""

from __future__ import annotations

import copy
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from game.expressions import CREDIT_THRESHOLD, Expression
from game.training.dataset import DatasetError, LabelledImage, load_folders
from game.training.prob_calibration import FRONTIER_ECE_LIMIT
from game.training.robustness_reads import (
    ConditionResult,
    Counts,
    found_faces,
    other_face,
    read_last,
    target_scores,
)
from game.training.trained_images import TrainedCheck, check_trained
from game.vision.conditions import CONDITIONS, Condition, Face
from game.vision.pipeline import VisionChain

if TYPE_CHECKING:
    from game.training.out_of_fold import FoldModels
    from game.training.recipe import Recipe

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = CREDIT_THRESHOLD  # the level schema's default target-score threshold




def pick_images(items: list[LabelledImage], per_set: int | None, seed: int) -> list[LabelledImage]:
    """At most `per_set` images of each data set, spread over its subjects (seeded)."""
    if per_set is None:
        return items
    rng = np.random.default_rng(seed)
    by_set: dict[str, list[LabelledImage]] = defaultdict(list)
    for item in items:
        by_set[item.dataset].append(item)
    picked = []
    for group in by_set.values():
        order = rng.permutation(len(group))
        subjects_seen: dict[str, int] = defaultdict(int)
        chosen: list[LabelledImage] = []
        taken: set[int] = set()  # an image is picked once, never again in a later round
        # Round-robin over subjects: one image each before any gets a second.
        for round_ in range(len(group)):
            for i in order:
                index = int(i)
                item = group[index]
                if (index not in taken and subjects_seen[item.subject] == round_
                        and len(chosen) < per_set):
                    taken.add(index)
                    subjects_seen[item.subject] += 1
                    chosen.append(item)
            if len(chosen) >= per_set:
                break
        picked.extend(chosen)
    return picked


@dataclass(frozen=True, slots=True)
class RobustnessRun:
    """The figures per condition, and which listed images the model trained on."""

    conditions: list[ConditionResult]
    trained: TrainedCheck
    excluded_trained: bool = False
    out_of_fold: dict[str, Any] | None = None  # the fold models' description (out of fold)
    by_set: dict[str, list[ConditionResult]] | None = None  # out of fold: per data set
    # out of fold with `calibrated`: the same pictures scored against each person's neutral
    # (`conditions` and `by_set` then hold their raw scores; `robustness_calibrated`)
    calibrated: list[ConditionResult] | None = None
    calibrated_by_set: dict[str, list[ConditionResult]] | None = None
    # per condition: picked pictures left out of both, their person having no baseline
    uncalibrated: dict[str, int] | None = None

    @property
    def note(self) -> str | None:
        """One sentence when the model trained on any listed image (None otherwise, and
        always None out of fold: no fold model saw the people it scored)."""
        if self.out_of_fold is not None:
            return None
        return self.trained.note(self.excluded_trained)


def measure(
    data_dirs: Sequence[Path],
    model_path: Path,
    *,
    conditions: Sequence[Condition] = CONDITIONS,
    per_set: int | None = None,
    seed: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[str], None] | None = None,
    exclude_trained: bool = False,
    out_of_fold: int | None = None,
    cache_dir: Path | None = None,
    with_copies: bool = True,
    population: Sequence[str] | None = None,
    eyewear_styles: Sequence[str] | None = None,
    recipe: Recipe | None = None,
    calibrated: bool = False,
    maps_on: str = "video",
) -> RobustnessRun:
    """Each condition's figures on the labelled images of `data_dirs` (shares in [0, 1];
    `threshold` is the target score that counts as a hit); `exclude_trained` leaves out the
    images the model trained on (by content) before `per_set` picks.

    `out_of_fold` K: `model_path` is not used; K subject-wise fold models are trained on the
    people of `data_dirs` (`game.training.out_of_fold`, features from `cache_dir`;
    `with_copies`, `population`, `eyewear_styles`, `maps_on` as there; `recipe` the fold
    models' recipe, None the shipped one) and each picked image is
    measured by the model (with its temperature and score map) that never saw its person;
    counts are summed over the folds, and also kept per data set (`RobustnessRun.by_set`).
    With `calibrated` (out of fold only) each fold model gets its calibrated companion and
    every picture of a person with a neutral baseline is scored raw and calibrated, as the
    game scores a child before and after calibration (`game.training.robustness_calibrated`).

    Raises DatasetError for a bad folder or picture (or when every image was trained on and
    left out, or too few people for the folds) and ModelError for a bad model.
    """
    if out_of_fold is not None:
        return _measure_out_of_fold(
            data_dirs, out_of_fold, conditions=conditions, per_set=per_set, seed=seed,
            threshold=threshold, progress=progress, cache_dir=cache_dir,
            with_copies=with_copies, population=population, eyewear_styles=eyewear_styles,
            recipe=recipe, calibrated=calibrated, maps_on=maps_on,
        )
    if calibrated:
        raise ValueError("a calibrated measurement trains its own calibrated models: it "
                         "runs out of fold only")
    listed = load_folders(list(data_dirs))
    try:
        seen = check_trained(listed, model_path)
    except OSError as exc:
        raise DatasetError(f"cannot read an image: {exc}") from None
    if exclude_trained:
        listed = [item for item, was in zip(listed, seen.trained, strict=True) if not was]
        if not listed:
            raise DatasetError("the model trained on every image of these folders: none is "
                               "left to measure without them")
    items = pick_images(listed, per_set, seed)
    faces, missed_items = found_faces(items)
    missed = len(missed_items)
    results = []
    with VisionChain.create(model_path, mode="video") as chain:
        for index, cond in enumerate(conditions):
            if progress is not None:
                progress(f"{cond.name} ({index + 1}/{len(conditions)})")
            results.append(_measure_one(chain, cond, faces, missed, seed, threshold)
                           .result(cond))
    return RobustnessRun(results, seen, exclude_trained)


def _measure_out_of_fold(
    data_dirs: Sequence[Path],
    k: int,
    *,
    conditions: Sequence[Condition],
    per_set: int | None,
    seed: int,
    threshold: float,
    progress: Callable[[str], None] | None,
    cache_dir: Path | None,
    with_copies: bool,
    population: Sequence[str] | None,
    eyewear_styles: Sequence[str] | None = None,
    recipe: Recipe | None = None,
    calibrated: bool = False,
    maps_on: str = "video",
) -> RobustnessRun:
    """`measure` with K fold models (see its docstring)."""
    import tempfile

    from game.training.out_of_fold import build_fold_models

    listed = load_folders(list(data_dirs))
    items = pick_images(listed, per_set, seed)
    faces, missed_items = found_faces(items)
    with tempfile.TemporaryDirectory(prefix="facequest-oof-") as tmp:
        if progress is not None:
            progress(f"training {k} subject-wise fold models")
        try:
            folds = build_fold_models(listed, k, Path(tmp), cache_dir=cache_dir,
                                      with_copies=with_copies, population=population,
                                      eyewear_styles=eyewear_styles, recipe=recipe,
                                      calibrated=calibrated, maps_on=maps_on)
        except ValueError as exc:
            raise DatasetError(str(exc)) from None
        if calibrated:
            return _calibrated_run(folds, listed, items, faces, conditions, seed, threshold,
                                   progress)
        fold_of = folds.fold_of()
        sets = list(dict.fromkeys(item.dataset for item in items))
        per_set_counts = {name: [Counts() for _ in conditions] for name in sets}
        for f, model_path in enumerate(folds.models):
            with VisionChain.create(model_path, mode="video") as chain:
                for index, cond in enumerate(conditions):
                    if progress is not None:
                        progress(f"fold {f + 1}/{k}: {cond.name} ({index + 1}/"
                                 f"{len(conditions)})")
                    for name in sets:
                        mine = _held_out(faces, fold_of, f, name)
                        missed = sum(item.dataset == name and fold_of.get(item.subject, 0) == f
                                     for item in missed_items)
                        per_set_counts[name][index].add(
                            _measure_one(chain, cond, mine, missed, seed, threshold, faces))
    totals = [Counts() for _ in conditions]
    for counts in per_set_counts.values():
        for total, part in zip(totals, counts, strict=True):
            total.add(part)
    results = [c.result(cond) for c, cond in zip(totals, conditions, strict=True)]
    by_set = {name: [c.result(cond) for c, cond in zip(counts, conditions, strict=True)]
              for name, counts in per_set_counts.items()}
    return RobustnessRun(results, TrainedCheck("unknown", (), {}), False, _described(folds),
                         by_set)


def _held_out(
    faces: list[tuple[LabelledImage, Face]], fold_of: dict[str, int], fold: int, dataset: str
) -> list[tuple[LabelledImage, Face]]:
    """The faces of `dataset` whose person is in `fold` (the fold model never saw them)."""
    return [x for x in faces if x[0].dataset == dataset and fold_of.get(x[0].subject, 0) == fold]


def _described(folds: FoldModels) -> dict[str, Any]:
    described: dict[str, Any] = {
        "folds": folds.k,
        "people_per_fold": folds.people_per_fold(),
        "description": folds.describe(),
        "temperatures": [round(fit.temperature, 4) for fit in folds.fits],
    }
    if folds.calibrated_fits is not None:
        described["calibrated_temperatures"] = [round(fit.temperature, 4)
                                                for fit in folds.calibrated_fits]
    return described


def _calibrated_run(
    folds: FoldModels,
    listed: Sequence[LabelledImage],
    items: Sequence[LabelledImage],
    faces: list[tuple[LabelledImage, Face]],
    conditions: Sequence[Condition],
    seed: int,
    threshold: float,
    progress: Callable[[str], None] | None,
) -> RobustnessRun:
    """`_measure_out_of_fold` with calibrated companions: raw and calibrated counts of the
    same pictures (`robustness_calibrated.measure_calibrated`)."""
    from game.training.robustness_calibrated import CalibratedCounts, Read, measure_calibrated

    picked = {item.subject for item in items}
    taken = {item.path for item in items}
    extra, _ = found_faces([x for x in listed if x.label is Expression.NEUTRAL
                             and x.subject in picked and x.path not in taken])
    neutrals: dict[str, list[tuple[LabelledImage, Face]]] = defaultdict(list)
    for item, face in [*faces, *extra]:
        if item.label is Expression.NEUTRAL:
            neutrals[item.subject].append((item, face))
    fold_of = folds.fold_of()
    sets = list(dict.fromkeys(item.dataset for item in items))
    counts = {name: [CalibratedCounts(Counts(), Counts()) for _ in conditions]
              for name in sets}
    for f, model_path in enumerate(folds.models):
        with VisionChain.create(model_path, mode="video") as chain:
            if chain.scorer.calibrated_model is None:
                raise DatasetError(f"fold {f + 1} has no calibrated model beside it")
            clean_reads: dict[str, Read] = {}
            for index, cond in enumerate(conditions):
                if progress is not None:
                    progress(f"fold {f + 1}/{folds.k}, calibrated: {cond.name} "
                             f"({index + 1}/{len(conditions)})")
                for name in sets:
                    counts[name][index].add(measure_calibrated(
                        chain, cond, _held_out(faces, fold_of, f, name), neutrals, seed,
                        threshold, faces, clean_reads))
    totals = [CalibratedCounts(Counts(), Counts()) for _ in conditions]
    for per_set in counts.values():
        for total, part in zip(totals, per_set, strict=True):
            total.add(part)

    def results(of: list[CalibratedCounts], calibrated: bool) -> list[ConditionResult]:
        return [(c.calibrated if calibrated else c.raw).result(cond)
                for c, cond in zip(of, conditions, strict=True)]

    return RobustnessRun(
        results(totals, False), TrainedCheck("unknown", (), {}), False, _described(folds),
        {name: results(per_set, False) for name, per_set in counts.items()},
        calibrated=results(totals, True),
        calibrated_by_set={name: results(per_set, True) for name, per_set in counts.items()},
        uncalibrated={cond.name: c.uncalibrated
                      for c, cond in zip(totals, conditions, strict=True)},
    )


def _measure_one(
    chain: VisionChain,
    cond: Condition,
    faces: list[tuple[LabelledImage, Face]],
    missed: int,
    seed: int,
    threshold: float,
    others: list[tuple[LabelledImage, Face]] | None = None,
) -> Counts:
    """The counts of one condition over `faces` (`missed`: images with no face found at
    all); the second face of a condition is drawn from `others` (default: `faces`)."""
    c = Counts(images=len(faces) + missed)
    pool = faces if others is None else others
    for k, (item, (image, landmarks)) in enumerate(faces):
        rng = np.random.default_rng([seed, k, sum(map(ord, cond.name))])
        other = other_face(pool, item, rng) if cond.needs_other else None
        reference = copy.deepcopy(rng)
        observation = read_last(chain, cond.make(image, landmarks, rng, other))
        hit = False
        if observation.has_face:
            hit = c.tally(target_scores(chain, observation, c.flags), item.label, threshold)
        c.hits += hit
        if cond.alone is not None:
            alone = target_scores(chain, read_last(chain, cond.alone(image, landmarks, reference,
                                                                  other)))
            if alone is not None and alone[1].get(item.label, 0.0) >= threshold:
                c.hit_alone += 1
                c.kept += hit
    return c


def as_json(results: list[ConditionResult]) -> list[dict[str, Any]]:
    return [
        {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(r).items()}
        for r in results
    ]


def _lowest(result: ConditionResult) -> str:
    """The frontier's lowest confident-wrong share with its temperature factor, or "-"."""
    frontier = result.confidence_frontier or {}
    lowest = frontier.get("lowest_confident_wrong")
    if not isinstance(lowest, dict):
        return "-"
    return f"{lowest['confident_wrong']:.3f} (T x {lowest['factor']:.2f})"


def as_table(results: list[ConditionResult]) -> str:
    """A Markdown table, one row per condition."""
    head = (
        "| condition | images | found | flagged | accuracy (trusted) | confident wrong | ECE "
        f"| lowest confident wrong, ECE <= {FRONTIER_ECE_LIMIT:.2f} | hit rate | false alarms "
        "| kept credit |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = []
    for r in results:
        acc = "-" if r.accuracy is None else f"{r.accuracy:.2f}"
        kept = "-" if r.kept_credit is None else f"{r.kept_credit:.2f}"
        ece = "-" if r.ece is None else f"{r.ece:.3f}"
        rows.append(
            f"| {r.condition} | {r.images} | {r.found:.2f} | {r.flagged:.2f} | {acc} "
            f"| {r.confident_wrong:.3f} | {ece} | {_lowest(r)} | {r.hit_rate:.2f} "
            f"| {r.false_alarm_rate:.3f} | {kept} |"
        )
    return "\n".join([head, *rows])
