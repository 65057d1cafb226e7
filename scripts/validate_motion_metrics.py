"""Validate the motion metrics on every dev child where the truth is known (docs/metrics.md).

    PYTHONPATH=. .venv/bin/python scripts/validate_motion_metrics.py --out /tmp/validation.json \
        --cache /tmp/landmarks.sqlite --records /tmp/records.pkl
    PYTHONPATH=. .venv/bin/python scripts/validate_motion_metrics.py --records /tmp/records.pkl \
        --remeasure

Through `facequest metrics` (tests/motion/validation.py builds the cases from each child's
own neutral and peak photos, in a temporary folder): intensity (morph blends at 0-100%,
Spearman per child), asymmetry (half-face composites, ROC AUC and the side named), onset
(clips with a known onset frame at 30 and 15 fps), repeatability (the same clip twice, a
1-pixel shift, a JPEG recompression). Prints a markdown table; the metrics are not fitted to
these faces, except the yaw correction (fitted on neutral faces, which no case here turns).

`--cache FILE` keeps what MediaPipe found in each image (by its pixels) so a rerun skips it
(the features, model, scoring and motion record always run; the repeat of the same clip
always runs MediaPipe itself). `--records FILE` saves every case's motion record;
with `--remeasure` the metrics are recomputed from those records alone (a change of
`game.motion.metrics` measured in seconds; a change of the motion sample needs a rerun).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from game.motion.frame import TrialMotion
from game.motion.metrics import METRIC_SPANS, METRIC_VERSION, measure_trial
from tests.motion import validation as v
from tests.motion.synth import blend, half_composite, onset_clip, subjects_with_pairs

DATASET = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "cafe_children"
ONSET_CLIPS = ((30, 12, 6), (15, 7, 0), (30, 20, 0), (15, 5, 4))  # fps, onset frame, ramp
REPEAT_CLIP = (30, 10, 45, 8)  # fps, onset frame, frames, ramp

Records = dict[str, dict[str, dict[str, Any]]]  # target -> subject -> case -> motion(s)


def _summary(values: list[float]) -> str:
    if not values:
        return "-"
    a = np.array(values, dtype=float)
    return (f"median {np.median(a):.2f}, mean {a.mean():.3f}, min {a.min():.2f}, >= 0.9: "
            f"{np.sum(a >= 0.9)} of {len(a)} ({np.mean(a >= 0.9):.0%})")


def _measured(sources: list[Path], neutral: Path, target: str) -> list[TrialMotion]:
    """The motion records of `facequest metrics` over `sources` (its JSON checked to be the
    metrics of those records)."""
    with v.recording() as kept:
        found = v.metrics(sources, neutral, target)
    for record, motion in zip(found, kept, strict=True):
        again = {"source": record["source"], "target": target, **measure_trial(motion).to_dict()}
        if again != record:
            raise RuntimeError(f"{record['source']}: the record does not give the command's "
                               "metrics")
    return list(kept)


def collect(dataset: Path, targets: list[str], onset_children: int, repeat_children: int,
            cache: v.LandmarkCache | None, limit: int | None,
            save: Path | None = None, start: int = 0,
            cases: tuple[str, ...] = ("intensity", "asymmetry")) -> Records:
    """Every case's motion records, built from each child's own pictures (written to `save`
    after each child, so a long run can be looked at while it goes on)."""
    records: Records = {}
    for target in targets:
        pairs = subjects_with_pairs(dataset, target)[:limit]
        records[target] = {}
        for k, (subject, neutral, peak) in enumerate(pairs):
            if k < start:
                continue
            case: dict[str, Any] = {}
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                n_img, p_img, calm = v.pair(neutral, peak, work / "i")
                if "intensity" in cases:
                    clips = [v.still_clip(blend(n_img, p_img, f),
                                          work / f"i/blend_{int(f * 100)}") for f in v.FRACTIONS]
                    case["intensity"] = _measured(clips, calm, target)
                if "asymmetry" in cases:
                    sides = [v.still_clip(half_composite(n_img, p_img, side),
                                          work / f"a/{side}")
                             for side in ("image_right", "image_left")]
                    sides.append(v.still_clip(p_img, work / "a/sym"))
                    case["asymmetry"] = _measured(sides, calm, target)
                if k < onset_children:
                    case["onset"] = []
                    for fps, onset, ramp in ONSET_CLIPS:
                        clip = onset_clip(n_img, p_img, fps, onset, onset + max(ramp, 1) + fps,
                                          ramp, work / f"onset_{fps}_{onset}_{ramp}.mp4")
                        first = v.first_frame(clip, work / f"onset_{fps}_{onset}.png")
                        case["onset"].append((fps, onset, *_measured([clip], first, target)))
                if k < repeat_children:
                    fps, onset, frames, ramp = REPEAT_CLIP
                    clip = onset_clip(n_img, p_img, fps, onset, frames, ramp, work / "clip.mp4")
                    first = v.first_frame(clip, work / "c.png")
                    once = _measured([clip], first, target)
                    with cache.bypassed() if cache else contextlib.nullcontext():
                        again = _measured([clip], first, target)
                    variants = []
                    for name, kw in (("shifted", {"shift_px": 1}), ("jpeg", {"jpeg_quality": 75})):
                        other = v.perturbed(clip, work / f"{name}.mp4", **kw)
                        variants += _measured([other], v.first_frame(other, work / f"{name}.png"),
                                              target)
                    case["repeat"] = [*once, *again, *variants]
            records[target][subject] = case
            if save is not None:
                save.write_bytes(pickle.dumps(records))
            print(f"{target} {subject} done"
                  + (f" (cache {cache.hits} hits, {cache.misses} misses)" if cache else ""),
                  file=sys.stderr, flush=True)
    return records


def summarise(records: Records) -> dict[str, Any]:
    """The validation figures, from the records (metrics recomputed with the current code)."""
    out: dict[str, Any] = {"metric_version": METRIC_VERSION}
    for target, subjects in records.items():
        rhos, cases, onsets, spans, rho_by_subject = [], [], [], [], {}
        for subject, case in subjects.items():
            peaks = [measure_trial(m).peak_intensity for m in case.get("intensity", [])]
            if peaks and None not in peaks:
                # rounded: with 5 blends rho takes few values, and one swap of neighbours
                # (exactly 0.9) must not fall under 0.9 by a floating-point hair
                rho = round(v.spearman(list(v.FRACTIONS), [float(p or 0) for p in peaks]), 9)
                rhos.append(rho)
                rho_by_subject[subject] = [rho, peaks]
            if "asymmetry" in case:
                cases.append({name: measure_trial(m).asymmetry for name, m in
                              zip(("child_left", "child_right", "symmetric"),
                                  case["asymmetry"], strict=True)})
            for fps, onset, motion in case.get("onset", []):
                found = measure_trial(motion).onset_latency_ms
                truth = onset * 1000 / fps
                onsets.append({"fps": fps, "subject": subject, "error_frames": None
                               if found is None else round((found - truth) * fps / 1000, 6)})
            if "repeat" in case:
                first, again, *others = [measure_trial(m).to_dict() for m in case["repeat"]]
                # per metric, per variant (shifted, recompressed): the change as a share of
                # the span; None where either is not given
                per_metric = {m: [None if first[m] is None or o[m] is None
                                  else abs(first[m] - o[m]) / span for o in others]
                              for m, span in METRIC_SPANS.items()}
                changed_presence = [m for m in METRIC_SPANS for o in others
                                    if (first[m] is None) != (o[m] is None)]
                spans.append({"subject": subject, "identical_twice": first == again,
                              "share_of_span": per_metric, "given_or_not": changed_presence})
        measurable = [{name: x for name, x in c.items() if x is not None}
                      for c in cases if None not in c.values()]
        left = [float(c["child_left"]) for c in measurable]
        right = [float(c["child_right"]) for c in measurable]
        sym = [float(c["symmetric"]) for c in measurable]
        errors = [o["error_frames"] for o in onsets]
        out[target] = {
            "children": len(subjects),
            "intensity_spearman": rhos,
            "intensity_by_subject": rho_by_subject,
            "asymmetry": {
                "measurable": len(measurable), "cases": len(cases),
                "auc_side": v.roc_auc(left, right),
                "auc_composite_vs_symmetric": v.roc_auc([abs(a) for a in left + right],
                                                        [abs(a) for a in sym]),
                "side_named": float(np.mean([a > 0 for a in left] + [a < 0 for a in right]))
                if measurable else float("nan"),
            },
            "onset": {"clips": len(errors),
                      "within_2_frames": sum(e is not None and abs(e) <= 2 for e in errors),
                      "errors": onsets},
            "repeatability": spans,
        }
    return out


def table(results: dict[str, Any]) -> str:
    lines = ["| target | children | intensity Spearman | asymmetry: AUC side / AUC vs "
             "symmetric / side named (measurable) | onset within 2 frames |",
             "|---|---|---|---|---|"]
    rep: list[dict[str, Any]] = []
    for target, r in results.items():
        if target == "metric_version":
            continue
        a, o = r["asymmetry"], r["onset"]
        rep += r["repeatability"]
        if not a["cases"]:
            a = {**a, "auc_side": float("nan"), "auc_composite_vs_symmetric": float("nan"),
                 "side_named": float("nan")}
        lines.append(
            f"| {target} | {r['children']} | {_summary(r['intensity_spearman'])} | "
            f"{a['auc_side']:.3f} / {a['auc_composite_vs_symmetric']:.3f} / "
            f"{a['side_named']:.0%} ({a['measurable']} of {a['cases']}) | "
            f"{o['within_2_frames']} of {o['clips']} |")
    if rep:
        lines += ["", f"repeatability: identical twice {sum(x['identical_twice'] for x in rep)} "
                  f"of {len(rep)} clips", "", "| metric | worst | changes under 5% of the span "
                  "(shifted and recompressed clips) | given in one, not in the other |",
                  "|---|---|---|---|"]
        for metric in METRIC_SPANS:
            shares = [s for x in rep for s in x["share_of_span"][metric] if s is not None]
            flips = sum(x["given_or_not"].count(metric) for x in rep)
            if shares or flips:
                lines.append(f"| {metric} | {max(shares, default=0):.1%} | "
                             f"{sum(s < 0.05 for s in shares)} of {len(shares)} | {flips} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--targets", nargs="+", default=["happy", "surprised", "angry"])
    parser.add_argument("--onset-children", type=int, default=12)
    parser.add_argument("--repeat-children", type=int, default=6)
    parser.add_argument("--limit", type=int, help="only the first N children of each target")
    parser.add_argument("--start", type=int, default=0,
                        help="leave out the first N children of each target (a run in parts)")
    parser.add_argument("--cases", nargs="*", default=["intensity", "asymmetry"],
                        help="which still cases to build (onset and repeat clips: "
                        "--onset-children, --repeat-children)")
    parser.add_argument("--cache", type=Path, help="the landmark cache (SQLite file)")
    parser.add_argument("--records", type=Path, help="where the cases' motion records go")
    parser.add_argument("--records-parts", type=Path, nargs="+",
                        help="with --remeasure: several record files of a run in parts")
    parser.add_argument("--remeasure", action="store_true",
                        help="recompute the metrics from --records (no tracker)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    if args.remeasure:
        parts = args.records_parts or [args.records]
        if any(p is None or not p.is_file() for p in parts):
            print("--remeasure needs --records FILE made by an earlier run", file=sys.stderr)
            return 2
        records: Records = {}
        for part in args.records_parts or [args.records]:
            for target, subjects in pickle.loads(part.read_bytes()).items():
                if target in args.targets:  # the parts' cases of one child are merged
                    for subject, case in subjects.items():
                        records.setdefault(target, {}).setdefault(subject, {}).update(case)
    else:
        cache = v.LandmarkCache(args.cache) if args.cache else None
        if cache:
            cache.install()
        try:
            records = collect(args.dataset, args.targets, args.onset_children,
                              args.repeat_children, cache, args.limit, args.records,
                              args.start, tuple(args.cases))
        finally:
            if cache:
                cache.close()
    results = summarise(records)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
