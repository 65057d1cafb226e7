"""Fit the head-yaw bias of left-minus-right features on neutral faces -> yaw_bias.json.

    PYTHONPATH=. .venv/bin/python scripts/fit_yaw_bias.py [--datasets DIR] [--out yaw_bias.json]

For every neutral-labelled image of tw_performers, ckplus48 and cafe_children (the file's
label is "neutral"), MediaPipe's (via `VisionChain`, image mode) left-minus-right
difference of each lateralised feature pair (blendshape Left - Right; geometry _l - _r) is
regressed on head yaw in degrees (`head_pose_degrees`, the feature `pose_yaw`): ordinary
least squares over all images pooled. The JSON maps pair name ("mouthSmileLeft/Right",
"geo_eye_open_l/r") to slope_per_deg (feature units per degree of yaw), intercept (feature
units at yaw 0), r (Pearson) and n (images).

It also prints a transfer check: the slopes fitted on the adults alone applied to the
children (does subtracting slope * yaw lower |corr(L - R, yaw)|?), and within-subject slopes
(the difference and yaw centred on each subject's mean), which a subject's own fixed
asymmetry cannot bias.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from game.vision.pipeline import VisionChain  # noqa: E402
from game.vision.records import Frame  # noqa: E402
from tests.motion.synth import load_rgb  # noqa: E402

DATASETS = ("tw_performers", "ckplus48", "cafe_children")
ADULTS = ("tw_performers", "ckplus48")
PAIRS: tuple[tuple[str, str], ...] = tuple(
    (f"{s}Left", f"{s}Right")
    for s in ("mouthSmile", "eyeSquint", "browDown", "browOuterUp", "mouthFrown",
              "mouthPress", "mouthStretch", "mouthUpperUp")
) + tuple((f"geo_{s}_l", f"geo_{s}_r") for s in ("eye_open", "brow_inner_height",
                                                     "corner_drop"))


def pair_key(left: str, right: str) -> str:
    return f"{left}/{right.removeprefix(left[:-4])}" if left.endswith("Left") else f"{left}/r"


def measure(root: Path) -> list[dict[str, str | float]]:
    """One row per detected neutral face: dataset, subject, yaw and the L - R differences."""
    chain = VisionChain.create(None, mode="image")
    rows: list[dict[str, str | float]] = []
    for name in DATASETS:
        labels = root / name / "labels.csv"
        if not labels.is_file():
            print(f"{name}: absent", file=sys.stderr)
            continue
        with labels.open(newline="") as fh:
            items = [r for r in csv.DictReader(fh) if r["label"] == "neutral"]
        found = 0
        for item in items:
            result = chain.process(Frame(0, load_rgb(root / name / item["file"])))
            features = result.features
            if features is None:
                continue
            found += 1
            pts = result.observation.landmarks[:, :2]
            eyes = (pts[33] + pts[263]) / 2  # nose tip's x offset from the eyes' midpoint
            nose_x = float((pts[1, 0] - eyes[0]) / np.linalg.norm(pts[263] - pts[33]))
            row: dict[str, str | float] = {"dataset": name, "subject": item["subject"],
                                      "yaw": features.get("pose_yaw"), "nose_x": nose_x}
            for left, right in PAIRS:
                row[pair_key(left, right)] = features.get(left) - features.get(right)
            rows.append(row)
        print(f"{name}: {len(items)} neutral images, {found} faces found", file=sys.stderr)
    chain.close()
    return rows


def fit(yaw: np.ndarray, diff: np.ndarray) -> dict[str, float]:
    slope, intercept = np.polyfit(yaw, diff, 1)
    r = float(np.corrcoef(yaw, diff)[0, 1])
    return {"slope_per_deg": float(slope), "intercept": float(intercept), "r": r,
            "n": len(yaw)}


def centred(values: np.ndarray, subjects: np.ndarray) -> np.ndarray:
    out = values.astype(np.float64).copy()
    for s in np.unique(subjects):
        out[subjects == s] -= out[subjects == s].mean()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=REPO.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=REPO / "yaw_bias.json")
    args = parser.parse_args()
    rows = measure(args.datasets)
    yaw = np.array([float(r["yaw"]) for r in rows])
    adult = np.array([r["dataset"] in ADULTS for r in rows])
    subjects = np.array([f"{r['dataset']}:{r['subject']}" for r in rows])
    print(f"yaw (deg): median {np.median(yaw):+.1f}, 5-95% {np.percentile(yaw, 5):+.1f} .. "
          f"{np.percentile(yaw, 95):+.1f}; SD adults {yaw[adult].std():.1f} (n {adult.sum()}), "
          f"children {yaw[~adult].std():.1f} (n {(~adult).sum()})")
    kid_subjects = np.unique(subjects[~adult])
    half = np.isin(subjects[~adult], kid_subjects[::2])  # children split in two by subject
    nose_x = np.array([float(r["nose_x"]) for r in rows])
    print(f"sign: corr(yaw, nose tip x offset in the image, IOD units) = "
          f"{np.corrcoef(yaw, nose_x)[0, 1]:+.2f} (+: positive yaw = nose towards image right)")
    result: dict[str, dict[str, float]] = {}
    print(f"{'pair':28s} {'slope/deg':>9s} {'icpt':>7s} {'r':>6s} | pooled slope, r: adults; "
          "children | children |r| before / after adult slope, after 2-fold children slope "
          "| within-subject slope ad., ch.")
    for left, right in PAIRS:
        key = pair_key(left, right)
        diff = np.array([float(r[key]) for r in rows])
        result[key] = fit(yaw, diff)
        a = fit(yaw[adult], diff[adult])
        kid_yaw, kid_diff = yaw[~adult], diff[~adult]
        before = abs(np.corrcoef(kid_yaw, kid_diff)[0, 1])
        after = abs(np.corrcoef(kid_yaw, kid_diff - a["slope_per_deg"] * kid_yaw)[0, 1])
        halves = []  # |r| on one half of the children after the other half's slope
        for test in (half, ~half):
            slope = fit(kid_yaw[~test], kid_diff[~test])["slope_per_deg"]
            halves.append(abs(np.corrcoef(kid_yaw[test], (kid_diff - slope * kid_yaw)[test])[0, 1]))
        within = [
            np.polyfit(centred(yaw[m], subjects[m]), centred(diff[m], subjects[m]), 1)[0]
            for m in (adult, ~adult)
        ]
        f, c = result[key], fit(kid_yaw, kid_diff)
        print(f"{key:28s} {f['slope_per_deg']:+9.5f} {f['intercept']:+7.3f} {f['r']:+6.2f} | "
              f"{a['slope_per_deg']:+.5f} {a['r']:+.2f}; {c['slope_per_deg']:+.5f} {c['r']:+.2f} "
              f"| {before:.2f} / {after:.2f}, {np.mean(halves):.2f} "
              f"| {within[0]:+.5f}, {within[1]:+.5f}")
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
