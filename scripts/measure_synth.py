"""Validation measurements on synthetic faces built from real children (tests/motion/synth.py).

    PYTHONPATH=. .venv/bin/python scripts/measure_synth.py [--max-per-target N] [--out F.json]

1. Left/right convention: for happy and surprised pairs of cafe_children, the change from
   the aligned neutral of every lateralised blendshape and geometric feature when the peak
   is shown on the image's left half only vs the image's right half only.
2. Ordering: for happy, surprised, sad and angry pairs, the target's intensity (mean over
   the prototype's parts of direction * (mean feature - neutral) / full_change, the best
   alternative of a part) at 0/25/50/75/100% morph and cross-dissolve; the Spearman
   correlation of intensity with the fraction, per child.

Prints a summary; `--out` keeps every measured value as JSON. Builds images in memory only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from game.expressions import Expression, prototype_parts  # noqa: E402
from game.vision.pipeline import VisionChain  # noqa: E402
from game.vision.records import Frame  # noqa: E402
from tests.motion import synth  # noqa: E402

CHILDREN = REPO.parent / "shared" / "datasets" / "cafe_children"
FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
LATERAL = (
    "mouthSmile", "eyeSquint", "eyeBlink", "eyeWide", "browDown", "browOuterUp",
    "mouthFrown", "mouthStretch", "mouthUpperUp", "mouthPress", "cheekSquint",
    "geo_eye_open", "geo_brow_inner_height", "geo_brow_outer_height", "geo_corner_drop",
)


def pair_names(stem: str) -> tuple[str, str]:
    if stem.startswith("geo_"):
        return f"{stem}_l", f"{stem}_r"
    return f"{stem}Left", f"{stem}Right"


def features(chain: VisionChain, rgb: np.ndarray) -> dict[str, float] | None:
    result = chain.process(Frame(0, np.ascontiguousarray(rgb)))
    if result.features is None:
        return None
    names = [n for stem in LATERAL for n in pair_names(stem)]
    out = {n: result.features.get(n) for n in names}
    for parts in (prototype_parts(e) for e in Expression):
        for part in parts:
            for act in part:
                out.update({n: result.features.get(n) for n in act.features})
    return out


def intensity(target: Expression, values: dict[str, float], neutral: dict[str, float]) -> float:
    scores = []
    for part in prototype_parts(target):
        scores.append(max(
            a.direction
            * float(np.mean([values[f] - neutral[f] for f in a.features])) / a.full_change
            for a in part
        ))
    return float(np.mean(scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-per-target", type=int, default=0, help="0: every pair")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    chain = VisionChain.create(None, mode="image")
    record: dict[str, list[dict[str, object]]] = {"halves": [], "order": []}
    targets = ("happy", "surprised", "sad", "angry")
    for target in targets:
        pairs = synth.subjects_with_pairs(CHILDREN, target)
        for subject, n_path, p_path in pairs[: args.max_per_target or None]:
            try:
                neutral, peak = synth.aligned_pair(synth.load_rgb(n_path), synth.load_rgb(p_path))
                points = (synth.face_landmarks(neutral), synth.face_landmarks(peak))
            except ValueError as exc:
                print(f"skip {subject} {target}: {exc}", file=sys.stderr)
                continue
            base = features(chain, neutral)
            if base is None:
                continue
            if target in ("happy", "surprised"):
                row: dict[str, object] = {"subject": subject, "target": target}
                for side in ("image_left", "image_right"):
                    got = features(chain, synth.half_composite(neutral, peak, side))
                    row[side] = None if got is None else {k: got[k] - base[k] for k in got}
                full = features(chain, peak)
                row["full"] = None if full is None else {k: full[k] - base[k] for k in full}
                record["halves"].append(row)
            order: dict[str, object] = {"subject": subject, "target": target}
            for method in ("morph", "dissolve"):
                levels = []
                for f in FRACTIONS:
                    image = synth.blend(neutral, peak, f, method=method, points=points)
                    got = features(chain, image)
                    levels.append(None if got is None else intensity(Expression(target), got, base))
                order[method] = levels
                ok = all(v is not None for v in levels)
                rho = float(spearmanr(FRACTIONS, levels)[0]) if ok else None
                order[f"rho_{method}"] = rho
                # oriented: the sign of the peak's own intensity (a peak below its neutral
                # is ordered when the blends fall towards it)
                end = levels[-1]
                order[f"rho_oriented_{method}"] = (
                    None if rho is None or end is None else rho * (1.0 if end >= 0 else -1.0)
                )
            record["order"].append(order)
    chain.close()
    summarise(record)
    if args.out:
        args.out.write_text(json.dumps(record, indent=1))


def changes(row: dict[str, object], key: str) -> dict[str, float]:
    """The changes from neutral that `row` holds under `key`."""
    found = row[key]
    assert isinstance(found, dict), key
    return found


def summarise(record: dict[str, list[dict[str, object]]]) -> None:
    for target in ("happy", "surprised"):
        rows = [r for r in record["halves"] if r["target"] == target and r["image_left"]
                and r["image_right"] and r["full"]]
        print(f"\nhalf composites, {target}: n={len(rows)}  median change from neutral "
              "(peak on image-left | image-right | whole peak), share right > left")
        for stem in LATERAL:
            for name in pair_names(stem):
                left = [changes(r, "image_left")[name] for r in rows]
                right = [changes(r, "image_right")[name] for r in rows]
                full = [changes(r, "full")[name] for r in rows]
                share = np.mean([b > a for a, b in zip(left, right, strict=True)])
                print(f"  {name:26s} {statistics.median(left):+.3f} | "
                      f"{statistics.median(right):+.3f} | {statistics.median(full):+.3f}  "
                      f"{share:.2f}")
    print("\nordering: Spearman(fraction, intensity) per child")
    for target in ("happy", "surprised", "sad", "angry", "all"):
        rows = [r for r in record["order"] if target in ("all", r["target"])]
        for method in ("morph", "dissolve", "oriented_morph", "oriented_dissolve"):
            rho = [r[f"rho_{method}"] for r in rows]
            valid = [float(v) for v in rho if isinstance(v, float | int) and not np.isnan(v)]
            if not valid:
                continue
            print(f"  {target:9s} {method:17s} n={len(rows):3d} valid={len(valid):3d} "
                  f"median={statistics.median(valid):+.3f} min={min(valid):+.3f} "
                  f"share>=0.9={sum(v >= 0.9 for v in valid) / len(rows):.2f} "
                  f"share==1={sum(v >= 0.999 for v in valid) / len(rows):.2f}")


if __name__ == "__main__":
    main()
