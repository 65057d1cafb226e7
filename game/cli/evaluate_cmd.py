"""`facequest evaluate`: run the shipped pipeline on labelled images and report the figures."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from game.cli import CliError, Subparsers
from game.cli.out_of_fold_options import add_out_of_fold_options, check_out_of_fold
from game.expressions import CREDIT_THRESHOLD
from game.paths import DEFAULT_MODEL_PATH


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="measure the expression model on labelled face images",
        description=(
            "Score every image of labelled folders (labels.csv: file,label,subject) through "
            "the game's own chain, each picture on its own as `facequest watch` scores it "
            "(face tracker, quality flags, features, model, action check, score map); print "
            "accuracy, per-class recall, the confusion matrix and per-target verification "
            "(ROC AUC of the target score, hit rate at the threshold; a flagged face earns "
            "no credit); with several --data folders, the same figures for each folder too. "
            "Images the model trained on are recognised by content and counted per folder."
        ),
    )
    parser.add_argument(
        "--data", type=Path, action="append", required=True, metavar="DIR",
        help="a labelled image folder (repeat for several)",
    )
    parser.add_argument(
        "--model", type=Path, default=None, metavar="FILE",
        help=f"model file (default: {DEFAULT_MODEL_PATH}, or its _calibrated twin "
        "with --calibrated)",
    )
    parser.add_argument(
        "--calibrated", action="store_true",
        help="score each subject against their own neutral images (needs a 'delta' model)",
    )
    parser.add_argument("--threshold", type=float, default=None,
                        help="target-score threshold for the hit rate "
                        f"(default {CREDIT_THRESHOLD})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--plot", type=Path, default=None, metavar="FILE",
                        help="save the confusion matrix as a .png or .svg")
    parser.add_argument("--exclude-trained", action="store_true",
                        help="leave out the images the model trained on (recognised by "
                        "content), so the figures are on images it never saw")
    parser.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                        help="the feature cache of --out-of-fold's training (otherwise not "
                        "used: images are scored live, as watch scores them)")
    oof = add_out_of_fold_options(
        parser,
        "--out-of-fold K trains K models with the shipped recipe, people grouped by subject "
        "id (no person on both sides of a fold), and scores each held-out person's pictures "
        "through the game's chain with the model, temperature and score map fitted without "
        "them; adds the confident-wrong share and the expected calibration error (15 bins) "
        "before and after the temperature, and the hit rate of each form of a pose that a "
        "folder's meta.csv codes (its variant column, e.g. closed- or open-mouth anger).",
        "number of subject-wise folds (at least 2; 3 takes about 15 minutes on two cores "
        "for the three dev sets)",
    )
    oof.add_argument("--write-scoring", action="store_true",
                     help="write the temperature and offsets fitted on every person's "
                     "out-of-fold probabilities into the scoring file of --model, and into "
                     "its calibrated companion's when that file is beside it (each file "
                     "replaced is first copied beside it, NAME.YYYYMMDD-HHMMSS.previous)")
    oof.add_argument("--reliability-plot", type=Path, default=None, metavar="FILE",
                     help="save the reliability diagram as a .png or .svg")
    parser.set_defaults(func=run)


def _text(report: dict[str, Any]) -> str:
    from game.training.metrics import confusion_text

    lines = [
        f"{report['mode']} evaluation of {report['model']}"
        + (f" (fused with {report['fused_with']}, as the game scores)"
           if report.get("fused_with") else ""),
        f"images scored: {report['n']}   faces missed: {report['missed_faces']}"
        + (f"   flagged (no credit): {report['flagged']}" if report.get("flagged") else ""),
    ]
    if report.get("flags"):
        lines.append("quality flags: " + ", ".join(
            f"{name} {count}" for name, count in report["flags"].items()))
    if report.get("trained_note"):
        lines.append(report["trained_note"])
    elif report.get("trained_on_these_sets"):
        names = ", ".join(report["trained_on_these_sets"])
        lines.append(
            f"note: this model was trained on {names}, so these figures are on faces it learnt "
            "and flatter it; its figures on people it never saw are the subject-wise "
            "cross-validation in models/MODEL_CARD.md"
        )
    if "uncalibrated" in report:
        u = report["uncalibrated"]
        lines.append(
            f"not calibrated (no neutral of their own): {u['images']} images of "
            f"{u['subjects_without_neutral']} subjects, left out"
        )
    lines += [
        f"accuracy {report['accuracy']:.3f}   balanced accuracy {report['balanced_accuracy']:.3f}",
        "",
        f"{'expression':<11} {'recall':>7} {'AUC':>7} {'hit@thr':>9} {'false@':>7}"
        f"   (target-score threshold {report['threshold']:.2f})",
    ]
    for label in report["confusion"]["labels"]:
        def cell(key: str, label: str = label) -> str:
            value = report[key].get(label)
            return "-" if value is None else f"{value:.3f}"

        lines.append(
            f"{label:<11} {cell('recall'):>7} {cell('auc'):>7} {cell('hit_rate'):>9} "
            f"{cell('false_alarm_rate'):>7}"
        )
    if "out_of_fold" in report:
        o, c, w = report["out_of_fold"], report["calibration"], report["confident_wrong"]
        lines += [
            "",
            f"out of fold: {o['description']}",
            f"confident wrong (top class >= 0.6, wrong): {w['before']:.3f} before the "
            f"temperature, {w['after']:.3f} after",
            f"expected calibration error ({c['bins']} bins): {c['ece_before']:.3f} before, "
            f"{c['ece_after']:.3f} after (fold temperatures "
            f"{', '.join(f'{t:.2f}' for t in c['temperatures'])})",
        ]
        if "confidence_frontier" in report:  # a report made before it has none
            lines.append(frontier_text(report["confidence_frontier"]))
        fit = report.get("fit_all", {})
        for key, fitted in (("scoring_file", fit), ("calibrated_scoring_file",
                                                    fit.get("calibrated", {}))):
            if key in report:
                temperature = (f"temperature {fitted['temperature']:.2f}, "
                               if "temperature" in fitted else "")
                lines.append(f"wrote {report[key]} ({temperature}offsets fitted on "
                             f"{fit.get('maps_on', 'still')} reads)")
            if f"previous_{key}" in report:
                lines.append(f"  the fit it replaced is kept as {report[f'previous_{key}']}")
        if "scoring_file" in report and c["ece_after"] > c["ece_before"]:
            kept = any(key.startswith("previous_") for key in report)
            lines.append(f"note: on these pictures the fitted temperature made the ECE worse "
                         f"({c['ece_before']:.3f} -> {c['ece_after']:.3f})"
                         + ("; the files it replaced are kept as named above" if kept else ""))
    lines += ["", "confusion (rows: label, columns: predicted)", confusion_text(report)]
    for name, part in report.get("datasets", {}).items():
        lines += [
            "",
            f"{name}: n={part['n']} accuracy {part['accuracy']:.3f} "
            f"balanced {part['balanced_accuracy']:.3f}",
        ]
        for label in part["confusion"]["labels"]:
            def value(key: str, label: str = label, part: dict[str, Any] = part) -> str:
                v = part.get(key, {}).get(label)
                return "-" if v is None else f"{v:.3f}"

            lines.append(
                f"  {label:<11} {value('recall'):>7} {value('auc'):>7} "
                f"{value('hit_rate'):>9} {value('false_alarm_rate'):>7}"
            )
        if "confidence_frontier" in part:
            lines.append("  " + frontier_text(part["confidence_frontier"]))
        for label, per_code in part.get("forms", {}).items():
            lines.append(f"  {label} by form (hit rate at the threshold / recall): " + ", ".join(
                f"{code} {v['hit_rate']:.3f} / {v['recall']:.3f} (n={v['n']})"
                for code, v in per_code.items()))
    return "\n".join(lines)


def frontier_text(frontier: dict[str, Any]) -> str:
    """One line: the lowest confident-wrong share one more temperature reaches while the
    ECE stays within its limit (`prob_calibration.confidence_frontier`)."""
    limit = frontier["ece_limit"]
    lowest = frontier["lowest_confident_wrong"]
    factors = [point["factor"] for point in frontier["points"]]
    fitted = next((p for p in frontier["points"] if p["factor"] == 1.0), None)
    start = ("" if fitted is None else f"confident wrong {fitted['confident_wrong']:.3f} at "
             f"ECE {fitted['ece']:.3f} as fitted; ")
    if lowest is None:
        return (f"{start}no temperature tried (the fitted one x {min(factors):.1f}-"
                f"{max(factors):.1f}) keeps the ECE within {limit:.2f}")
    return (f"{start}the lowest any temperature gives with ECE <= {limit:.2f}: "
            f"{lowest['confident_wrong']:.3f} (ECE {lowest['ece']:.3f}, the fitted "
            f"temperature x {lowest['factor']:.2f})")


def _out_of_fold(args: argparse.Namespace, model: Path, threshold: float) -> dict[str, Any]:
    """The --out-of-fold report (CliError for options that do not fit it)."""
    from game.training.evaluate_oof import evaluate_out_of_fold

    plot = args.reliability_plot
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        raise CliError("--reliability-plot must name a .png or .svg file.")
    if args.write_scoring and not model.is_file():
        raise CliError(f"--write-scoring: there is no model file {model}.")
    if args.write_scoring and not os.access(model.parent, os.W_OK | os.X_OK):
        raise CliError(f"--write-scoring: FaceQuest cannot write into {model.parent} "
                       "(check its permissions); nothing was trained.")
    return evaluate_out_of_fold(
        list(args.data), args.out_of_fold, threshold=threshold, cache_dir=args.cache_dir,
        with_copies=not args.no_copies, population=args.map_population,
        maps_on=args.maps_on or "video",
        write_scoring_to=model if args.write_scoring else None, reliability_plot=plot,
    )


def run(args: argparse.Namespace) -> int:
    from game.training.dataset import DatasetError
    from game.training.evaluate import (
        DEFAULT_THRESHOLD,
        EvaluationError,
        evaluate,
        plot_confusion,
    )
    from game.training.train import calibrated_path
    from game.vision.model import ModelError

    model = args.model
    if model is None:
        model = calibrated_path(DEFAULT_MODEL_PATH) if args.calibrated else DEFAULT_MODEL_PATH
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0.0 < threshold < 1.0:
        raise CliError("--threshold must be between 0 and 1.")
    if args.plot is not None and args.plot.suffix.lower() not in (".png", ".svg"):
        raise CliError("--plot must name a .png or .svg file.")
    check_out_of_fold(
        args,
        only_with={"--write-scoring": args.write_scoring,
                   "--reliability-plot": args.reliability_plot},
        not_with={"--calibrated": args.calibrated, "--exclude-trained": args.exclude_trained},
        why="measures the raw model on people no fold model saw",
    )
    try:
        if args.out_of_fold is not None:
            report = _out_of_fold(args, model, threshold)
        else:
            report = evaluate(
                list(args.data), model, calibrated=args.calibrated, threshold=threshold,
                cache_dir=args.cache_dir, exclude_trained=args.exclude_trained,
            )
    except (DatasetError, ModelError, EvaluationError) as exc:
        raise CliError(str(exc)) from None
    if args.plot is not None:
        plot_confusion(report, args.plot)
    print(json.dumps(report, indent=1) if args.json else _text(report))
    return 0
