"""Validate the motion metrics on every dev child where the truth is known (docs/metrics.md).

    PYTHONPATH=. .venv/bin/python scripts/validate_motion_metrics.py --out /tmp/validation.json

Through `facequest metrics` (tests/motion/validation.py builds the cases from each child's
own neutral and peak photos, in a temporary folder): intensity (morph blends at 0-100%,
Spearman per child), asymmetry (half-face composites, ROC AUC and the side named), onset
(clips with a known onset frame at 30 and 15 fps), repeatability (the same clip twice, a
1-pixel shift, a JPEG recompression). Prints a markdown table; the metrics are not fitted to
these faces, except the yaw correction (fitted on neutral faces, which no case here turns).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from game.motion.metrics import METRIC_SPANS
from tests.motion import validation as v
from tests.motion.synth import onset_clip, subjects_with_pairs

DATASET = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "cafe_children"


def _summary(values: list[float]) -> str:
    a = np.array(values, dtype=float)
    return f"median {np.median(a):.2f}, min {a.min():.2f}, >= 0.9: {np.mean(a >= 0.9):.0%}"


def run(targets: list[str], onset_children: int, repeat_children: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for target in targets:
        pairs = subjects_with_pairs(DATASET, target)
        rhos, cases, onsets, spans = [], [], [], []
        for k, (subject, neutral, peak) in enumerate(pairs):
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                peaks = v.intensity_case(neutral, peak, target, work / "i")
                if None not in peaks:
                    rhos.append(v.spearman(list(v.FRACTIONS), [float(p or 0) for p in peaks]))
                cases.append(v.asymmetry_case(neutral, peak, target, work / "a"))
                if k < onset_children:
                    for fps, onset, ramp in ((30, 12, 6), (15, 7, 0), (30, 20, 0), (15, 5, 4)):
                        found = v.onset_case(neutral, peak, target, work / f"o{fps}{onset}",
                                             fps=fps, onset_frame=onset, ramp_frames=ramp)
                        truth = onset * 1000 / fps
                        onsets.append({"fps": fps, "error_frames": None if found is None
                                       else round((found - truth) * fps / 1000, 6)})
                if k < repeat_children:
                    n_img, p_img, _ = v.pair(neutral, peak, work / "r")
                    clip = onset_clip(n_img, p_img, 30, 10, 45, 8, work / "clip.mp4")
                    found4 = [*v.metrics([clip, clip], v.first_frame(clip, work / "c.png"),
                                         target),
                              *v.repeat_variants(clip, work, target)]
                    same = {**found4[0], "source": ""} == {**found4[1], "source": ""}
                    worst = max((abs(found4[0][m] - o[m]) / span for o in found4[2:]
                                 for m, span in METRIC_SPANS.items()
                                 if found4[0][m] is not None and o[m] is not None), default=0.0)
                    spans.append({"identical_twice": same, "worst_share_of_span": worst})
            print(f"{target} {subject}: peaks {peaks}, asym {cases[-1]}", file=sys.stderr,
                  flush=True)
        measurable = [c for c in cases if None not in c.values()]
        left = [float(c["child_left"]) for c in measurable]
        right = [float(c["child_right"]) for c in measurable]
        sym = [float(c["symmetric"]) for c in measurable]
        errors = [o["error_frames"] for o in onsets]
        out[target] = {
            "children": len(pairs),
            "intensity_spearman": rhos,
            "asymmetry": {
                "measurable": len(measurable), "cases": len(cases),
                "auc_side": v.roc_auc(left, right),
                "auc_composite_vs_symmetric": v.roc_auc([abs(a) for a in left + right],
                                                        [abs(a) for a in sym]),
                "side_named": float(np.mean([a > 0 for a in left] + [a < 0 for a in right]))
                if measurable else float("nan"),
            },
            "onset": {"clips": len(errors),
                      "within_2_frames": float(np.mean([e is not None and abs(e) <= 2
                                                        for e in errors])) if errors else None,
                      "errors_frames": errors},
            "repeatability": spans,
        }
    return out


def table(results: dict[str, Any]) -> str:
    lines = ["| target | children | intensity Spearman | asymmetry: AUC side / AUC vs "
             "symmetric / side named (measurable) | onset within 2 frames | repeat: "
             "identical / worst change (share of span) |", "|---|---|---|---|---|---|"]
    for target, r in results.items():
        a, o, rep = r["asymmetry"], r["onset"], r["repeatability"]
        lines.append(
            f"| {target} | {r['children']} | {_summary(r['intensity_spearman'])} | "
            f"{a['auc_side']:.3f} / {a['auc_composite_vs_symmetric']:.3f} / "
            f"{a['side_named']:.0%} ({a['measurable']} of {a['cases']}) | "
            f"{o['within_2_frames']:.0%} of {o['clips']} | "
            f"{sum(x['identical_twice'] for x in rep)} of {len(rep)} / "
            f"{max((x['worst_share_of_span'] for x in rep), default=0):.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", nargs="+", default=["happy", "surprised", "angry"])
    parser.add_argument("--onset-children", type=int, default=12)
    parser.add_argument("--repeat-children", type=int, default=6)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    results = run(args.targets, args.onset_children, args.repeat_children)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
