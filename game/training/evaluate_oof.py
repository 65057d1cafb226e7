"""`facequest evaluate --out-of-fold K`: figures on people no model saw.

Apart from `game.training.evaluate` because it trains fold models (`game.training.out_of_fold`),
which build on the cross-validation that itself uses `evaluate`'s verification helpers.
"""


from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from game.expressions import Expression
from game.training.dataset import load_folders
from game.training.evaluate import (
    DEFAULT_THRESHOLD,
    EvaluationError,
    ScoredPicture,
    confident_wrong,
    flags_by_person,
    game_verification,
    headline,
    score_images,
)
from game.training.forms import coded_variants
from game.training.metrics import summarise
from game.training.recipe import Recipe
from game.vision.model import ExpressionModel

if TYPE_CHECKING:
    from game.training.out_of_fold import FoldModels

logger = logging.getLogger(__name__)


def evaluate_out_of_fold(
    data_dirs: list[Path],
    k: int,
    threshold: float = DEFAULT_THRESHOLD,
    cache_dir: Path | None = None,
    progress: bool | None = None,
    with_copies: bool = True,
    population: Sequence[str] | None = None,
    write_scoring_to: Path | None = None,
    reliability_plot: Path | None = None,
    recipe: Recipe | None = None,
    maps_on: str = "video",
) -> dict[str, Any]:
    """`evaluate` on people no model saw: K subject-wise fold models
    (`game.training.out_of_fold`), each scoring its held-out people's pictures through the
    game's chain (`score_images`) with a temperature and score map fitted without them.

    The report has `evaluate`'s figures (raw mode) plus "out_of_fold" (folds, people and
    images per fold, what the fold models are), "confident_wrong" (before and after the
    temperature), "confidence_frontier" (per data set and all: the ECE and confident-wrong
    share under extra temperatures on top of the fitted ones, and the lowest confident-wrong
    share any reaches with ECE <= 0.05; `prob_calibration.confidence_frontier`),
    "calibration" (ECE, 15 bins, before and after, per data set and all; the
    reliability bins; each fold's temperature), "fit_all" (temperature and offsets fitted
    on everyone's out-of-fold probabilities) and, per data set whose folder codes the form
    of each pose (`meta.csv` `variant`, e.g. the children's closed- and open-mouth anger),
    "forms" (`by_coded_form`). `write_scoring_to`: the shipped raw model whose
    scoring file takes "fit_all"; when the model has its calibrated companion beside it,
    the fold models get theirs too and the companion's scoring file takes their fit on
    everyone ("calibrated_fit_all"). `maps_on`: what the scoring is fitted on
    (`out_of_fold.build_fold_models`). `reliability_plot`: a PNG/SVG of the diagram.
    `recipe`: the fold models' recipe (default: the shipped one, `Recipe()`).

    Raises EvaluationError (nothing to score, too few people), DatasetError.
    """
    import tempfile
    from dataclasses import asdict, replace
    from datetime import date

    from game.training.out_of_fold import (
        NoCalibratedCompanion,
        build_fold_models,
    )
    from game.training.prob_calibration import (
        ECE_BINS,
        confidence_frontier,
        expected_calibration_error,
        plot_reliability,
        reliability,
        untemper,
    )

    items = load_folders(data_dirs)
    companion = None
    if write_scoring_to is not None:
        from game.vision.pipeline import calibrated_model_path

        companion = calibrated_model_path(write_scoring_to)
        companion = companion if companion.is_file() else None
    variants = coded_variants(data_dirs)
    with tempfile.TemporaryDirectory(prefix="facequest-oof-") as tmp:
        def build(calibrated: bool) -> FoldModels:
            return build_fold_models(
                items, k, Path(tmp), cache_dir=cache_dir, progress=progress,
                with_copies=with_copies, population=population, recipe=recipe,
                calibrated=calibrated, maps_on=maps_on,
            )

        try:
            try:
                folds = build(companion is not None)
            except NoCalibratedCompanion as exc:
                if companion is None:
                    raise
                # e.g. no person with a neutral picture: the raw file is still written
                logger.warning("the calibrated scoring file is left as it is: %s", exc)
                companion = None
                folds = build(False)
        except ValueError as exc:
            raise EvaluationError(str(exc)) from None
        fold_of = folds.fold_of()
        scored: list[ScoredPicture] = []
        temperature_of: list[float] = []
        # a person in none of the folds had no face found in any picture: all missed
        missed_total = sum(item.subject not in fold_of for item in items)
        for f, model_path in enumerate(folds.models):
            mine = [item for item in items if fold_of.get(item.subject) == f]
            logger.info("fold %d/%d: scoring %d pictures through the chain", f + 1, k, len(mine))
            model = ExpressionModel.load(model_path)
            part, missed, _ = score_images(mine, model, False, progress)
            scored += part
            temperature_of += [folds.fits[f].temperature] * len(part)
            missed_total += len(missed)
        class_names = folds.classes
    if not scored:
        raise EvaluationError("no image could be scored (no face found)")
    labels = [s.label for s in scored]
    after = np.array([s.probabilities for s in scored])
    before = np.vstack([untemper(row[None, :], t) for row, t in
                        zip(after, temperature_of, strict=True)])
    truth = np.array([class_names.index(label) for label in labels])
    sets = list(dict.fromkeys(s.dataset for s in scored))

    def calibration_of(mask: np.ndarray) -> dict[str, Any]:
        return {
            "n": int(mask.sum()),
            "ece_before": expected_calibration_error(before[mask], truth[mask]),
            "ece_after": expected_calibration_error(after[mask], truth[mask]),
            "reliability_before": [asdict(b) for b in reliability(before[mask], truth[mask])],
            "reliability_after": [asdict(b) for b in reliability(after[mask], truth[mask])],
        }

    def wrong_of(rows: list[ScoredPicture], probs: np.ndarray) -> float:
        untempered = [replace(s, probabilities=p.tolist())
                      for s, p in zip(rows, probs, strict=True)]
        return confident_wrong(untempered, class_names)

    trusted = np.array([s.trusted for s in scored])
    everyone = np.ones(len(scored), bool)

    def frontier_of(mask: np.ndarray) -> dict[str, object]:
        return confidence_frontier(after[mask], truth[mask], trusted[mask]).as_dict()

    dataset_a = np.array([s.dataset for s in scored])
    per_set: dict[str, Any] = {}
    for name in sets:
        mask = dataset_a == name
        rows = [s for s in scored if s.dataset == name]
        block = summarise([s.label for s in rows], after[mask], class_names)
        part_auc, part_hits, part_false = game_verification(rows, threshold)
        per_set[name] = {
            **{key: block[key] for key in ("n", "accuracy", "balanced_accuracy", "recall")},
            "people": len({item.subject for item in items if item.dataset == name}),
            "flagged": sum(not s.trusted for s in rows),
            "auc": part_auc,
            "hit_rate": part_hits,
            "false_alarm_rate": part_false,
            "confident_wrong": {"before": wrong_of(rows, before[mask]),
                                "after": confident_wrong(rows, class_names)},
            "calibration": calibration_of(mask),
            "confidence_frontier": frontier_of(mask),
            "flags_by_person": flags_by_person(rows),
            "confusion": block["confusion"],
        }
        forms = by_coded_form(rows, variants, threshold, class_names)
        if forms:
            per_set[name]["forms"] = forms
    out: dict[str, Any] = {
        **headline(scored, class_names, threshold, missed_total),
        "mode": "raw",
        "model": f"{k} out-of-fold models",
        "out_of_fold": {
            "folds": k,
            "people_per_fold": folds.people_per_fold(),
            "images_per_fold": folds.images_per_fold(),
            "with_copies": folds.with_copies,
            "population": list(folds.population) if folds.population else None,
            "description": folds.describe(),
            "measured": date.today().isoformat(),
        },
        "confident_wrong": {"before": wrong_of(scored, before),
                            "after": confident_wrong(scored, class_names)},
        "confidence_frontier": frontier_of(everyone),
        "calibration": {
            "method": "temperature scaling (Guo et al. 2017), one T per model",
            "bins": ECE_BINS,
            "temperatures": [round(fit.temperature, 4) for fit in folds.fits],
            **calibration_of(everyone),
        },
        "fit_all": {
            "temperature": round(folds.fit_all.temperature, 4),
            "offsets": {t.value: round(v, 4) for t, v in folds.fit_all.offsets.items()},
            "maps_on": folds.maps_on,
            **({"calibrated": {
                "temperature": round(folds.calibrated_fit_all.temperature, 4),
                "offsets": {t.value: round(v, 4)
                            for t, v in folds.calibrated_fit_all.offsets.items()},
            }} if folds.calibrated_fit_all is not None else {}),
        },
        "datasets": per_set,
    }
    if write_scoring_to is not None:
        try:
            written = _write_scoring(write_scoring_to, companion, folds, out)
        except ValueError as exc:
            raise EvaluationError(str(exc)) from None
        out.update(written)
    if reliability_plot is not None:
        curves = {"before": reliability(before, truth), "after (temperature)":
                  reliability(after, truth)}
        eces = {"before": out["calibration"]["ece_before"],
                "after (temperature)": out["calibration"]["ece_after"]}
        plot_reliability(curves, eces, reliability_plot,
                         f"{k}-fold out-of-fold, people never seen: {', '.join(sets)} "
                         f"({len(scored)} faces)")
        out["reliability_plot"] = str(reliability_plot)
    return out


def _write_scoring(
    model: Path, companion: Path | None, folds: FoldModels, out: dict[str, Any]
) -> dict[str, str]:
    """Write `model`'s scoring file from the fold models' fit on everyone and, with
    `companion`, the calibrated companion's, as one change: both maps are made first, each
    file replaced is first copied beside it (`out_of_fold.keep_previous`), and when the
    second write fails the first file is put back as it was. Returns the report's keys for
    the files written ("scoring_file", "calibrated_scoring_file") and for the copies kept
    ("previous_scoring_file", ...). Raises ValueError (nothing written) when the model
    scores an expression the fold models never learnt (`out_of_fold.scoring_for`); OSError
    (the files as they were)."""
    from datetime import date, datetime

    from game.training.out_of_fold import keep_previous, put_back, scoring_for
    from game.vision.score_map import ScoreMap, score_map_path

    today = date.today().isoformat()
    calibration = out["calibration"]
    maps: list[tuple[str, Path, ScoreMap]] = [("scoring_file", model, scoring_for(
        model, folds,
        f"temperature fitted on the out-of-fold probabilities of {folds.describe()} "
        f"(ECE on people never seen, read as stills: {calibration['ece_before']:.3f} -> "
        f"{calibration['ece_after']:.3f}, {today})",
    ))]
    if companion is not None and folds.calibrated_fit_all is not None:
        maps.append(("calibrated_scoring_file", companion, scoring_for(
            companion, folds,
            f"temperature fitted on the out-of-fold calibrated probabilities of "
            f"{folds.describe()} ({today})", calibrated=True,
        )))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept: dict[Path, Path | None] = {}
    try:
        for _, path, _ in maps:
            kept[score_map_path(path)] = keep_previous(score_map_path(path), stamp)
    except BaseException:
        for copy in kept.values():  # no copy left behind that the report does not name
            if copy is not None:
                copy.unlink(missing_ok=True)
        raise
    report = {f"previous_{key}": str(kept[score_map_path(path)]) for key, path, _ in maps
              if kept[score_map_path(path)] is not None}
    done: list[Path] = []
    try:
        for key, path, fitted in maps:
            report[key] = str(fitted.write(score_map_path(path)))
            done.append(score_map_path(path))
    except BaseException:
        for target in done:  # put the pair back as it was
            copy = kept[target]
            try:
                if copy is None:
                    target.unlink(missing_ok=True)
                else:
                    put_back(copy, target)
            except OSError as again:
                logger.error("%s could not be put back (%s); the fit it replaced is %s",
                             target, again, copy or "none: there was no file")
        raise
    return report


def by_coded_form(
    scored: Sequence[ScoredPicture], variants: dict[Path, str], threshold: float,
    classes: tuple[str, ...],
) -> dict[str, dict[str, dict[str, float]]]:
    """Per posed label and the data set's own code of its form (`variants`: image path ->
    code, `game.training.forms.coded_variants`): n, the hit rate (the game's credit: trusted
    and the label's target score >= `threshold`) and the recall (top class). Labels whose
    images carry no code, or a single code, are left out."""
    groups: dict[str, dict[str, list[ScoredPicture]]] = {}
    for s in scored:
        code = variants.get(Path(s.path).resolve(), "") if s.path else ""
        if code:
            groups.setdefault(s.label, {}).setdefault(code, []).append(s)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for label in classes:
        forms = groups.get(label, {})
        if len(forms) < 2:
            continue
        target = Expression(label)
        out[label] = {
            code: {
                "n": len(rows),
                "hit_rate": float(np.mean([s.trusted and s.scores.get(target, 0.0) >= threshold
                                           for s in rows])),
                "recall": float(np.mean([classes[int(np.argmax(s.probabilities))] == label
                                         for s in rows])),
            }
            for code, rows in sorted(forms.items())
        }
    return out
