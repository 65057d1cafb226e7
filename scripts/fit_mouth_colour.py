"""Fit and measure the mouth's colour check (`game.vision.mouth_colour`) through the chain.

Every picked picture is turned into versions (`game.vision.conditions`, seeded): uncovered
ones as webcams and people show them (clean, 320x240 JPEG, side light, dim, darker skin, a
beard, a fringe, thick or tinted glasses, a white balance 5-20% too cool or too warm) and
covered ones (a pacifier of each shield style, a hand, a toy, cloth). Each version is played
to the game's chain as 4 video frames (`robustness_reads.read_last`) and read three ways:
the occlusion model's mouth verdict on the grey crop (`OcclusionModel.covered`), the colour
share (`quality.mouth_colour`) and the game's own flags. Faces the game does not judge for
covers (too small, dark, turned, out of view, blurred) are left out.

The threshold: the least share that keeps every uncovered version of the *colour* pictures
at <= 0.5% flagged, and no person's uncovered pictures above 5% (grey pictures have no
chroma and cannot set it). Measured on people it
was not fitted on: K subject-wise folds of the colour set's people, each fold's threshold
fitted on the others; then fitted on everyone (the value for `MAX_ODD_COLOUR_SHARE`).
The occlusion model was trained on these sets' people, so its column (and the "either"
column) is on training people for the grey crop's check; the colour check's is not.

    python scripts/fit_mouth_colour.py --data ../shared/datasets/tw_performers \\
        --data ../shared/datasets/cafe_children --colour-set tw_performers --per-person 15 \\
        [--folds 3] [--json FILE]

Prints Markdown tables. Exit 1 with one sentence for a bad folder or option.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from game.training.dataset import DatasetError, LabelledImage, load_folders
from game.training.out_of_fold import subject_folds
from game.training.robustness_reads import found_faces, read_last
from game.vision import conditions as cond
from game.vision.occlusion import default_occlusion_model
from game.vision.pipeline import VisionChain
from game.vision.quality import UNJUDGED_FOR_COVER, mouth_colour

MAX_FLAGGED = 0.005
MAX_PERSON = 0.05
Make = Callable[[np.ndarray, np.ndarray, np.random.Generator], np.ndarray]
UNCOVERED: dict[str, Make] = {
    "clean": lambda im, lm, rng: im,
    "webcam_320": lambda im, lm, rng: cond.cheap_webcam(im, lm, rng),
    "side_light": lambda im, lm, rng: cond.side_lit(im, lm, rng),
    "dim": lambda im, lm, rng: cond.dim(im, rng),
    "darker_skin": lambda im, lm, rng: cond.darker_skin(im, lm, rng),
    "beard": lambda im, lm, rng: cond.beard(im, lm, rng),
    "fringe": lambda im, lm, rng: cond.fringe(im, lm, rng),
    "glasses_thick": lambda im, lm, rng: cond.eyewear(im, lm, "thick", rng),
    "glasses_tinted": lambda im, lm, rng: cond.eyewear(im, lm, "tinted", rng),
    "cool_light": lambda im, lm, rng: _cast(im, rng, cool=True),
    "warm_light": lambda im, lm, rng: _cast(im, rng, cool=False),
}


def _cast(image: np.ndarray, rng: np.random.Generator, cool: bool) -> np.ndarray:
    """A white balance off by a seeded 5-20%: red down and blue up (cool), or the reverse."""
    k = float(rng.uniform(0.05, 0.20))
    gains = np.array([1 - k, 1.0, 1 + k] if cool else [1 + k, 1.0, 1 - k], np.float32)
    return np.asarray(np.clip(image.astype(np.float32) * gains, 0, 255), np.uint8)


def _pacifier(style: str) -> Make:
    return lambda im, lm, rng: cond.pacifier(im, lm, rng, style)


def _over_mouth(kind: str) -> Make:
    return lambda im, lm, rng: cond.occluded(im, lm, "mouth", kind, rng)


COVERED: dict[str, Make] = {
    **{f"pacifier_{style}": _pacifier(style) for style in cond.PACIFIER_STYLES},
    **{f"mouth_{kind}": _over_mouth(kind) for kind in ("hand", "toy", "cloth")},
}


def picked(items: list[LabelledImage], per_person: int, seed: int) -> list[LabelledImage]:
    """Up to `per_person` pictures of each person (seeded)."""
    rng = np.random.default_rng(seed)
    by_person: dict[str, list[LabelledImage]] = defaultdict(list)
    for item in items:
        by_person[f"{item.dataset}/{item.subject}"].append(item)
    out: list[LabelledImage] = []
    for mine in by_person.values():
        take = rng.choice(len(mine), min(per_person, len(mine)), replace=False)
        out += [mine[i] for i in sorted(take)]
    return out


def read_all(items: list[LabelledImage], seed: int) -> list[dict[str, object]]:
    faces, _ = found_faces(items)
    model = default_occlusion_model()
    rows: list[dict[str, object]] = []
    with VisionChain.create(None) as chain:
        for n, (item, (image, lm)) in enumerate(faces):
            for v, (version, make) in enumerate({**UNCOVERED, **COVERED}.items()):
                rng = np.random.default_rng([seed, n, v])
                obs = read_last(chain, [make(image, lm, rng)])
                if not obs.has_face:
                    continue
                reading, _ = chain.scorer.score(obs)
                if reading.flags & UNJUDGED_FOR_COVER:
                    continue
                rows.append({
                    "dataset": item.dataset, "subject": item.subject, "version": version,
                    "covered": version in COVERED,
                    "hog": model is not None and "mouth" in model.covered(obs.face_crop),
                    "share": mouth_colour(obs),
                })
    return rows


def threshold(rows: list[dict[str, object]]) -> float:
    """The least share keeping every uncovered version at <= MAX_FLAGGED flagged and no
    person's uncovered faces above MAX_PERSON flagged (one person's lips or make-up must
    not block them again and again)."""
    worst = 0.0
    for version in UNCOVERED:
        shares = np.array([r["share"] for r in rows if r["version"] == version], float)
        if len(shares):
            worst = max(worst, float(np.quantile(shares, 1.0 - MAX_FLAGGED, method="higher")))
    by_person: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r["version"] in UNCOVERED:
            by_person[str(r["subject"])].append(float(r["share"]))  # type: ignore[arg-type]
    for shares_of_one in by_person.values():
        worst = max(worst, float(np.quantile(shares_of_one, 1.0 - MAX_PERSON,
                                                 method="higher")))
    return worst


def table(rows: list[dict[str, object]], limit_of: Callable[[dict[str, object]], float],
          title: str) -> str:
    lines = [f"{title}", "", "| version | set | faces | occlusion model | colour | either |",
             "|---|---|---|---|---|---|"]
    for version in (*UNCOVERED, *COVERED):
        for name in sorted({str(r["dataset"]) for r in rows}):
            mine = [r for r in rows if r["version"] == version and r["dataset"] == name]
            if not mine:
                continue
            hog = np.mean([bool(r["hog"]) for r in mine])
            colour = np.mean([float(r["share"]) > limit_of(r) for r in mine])  # type: ignore[arg-type]
            either = np.mean([bool(r["hog"]) or float(r["share"]) > limit_of(r)  # type: ignore[arg-type]
                              for r in mine])
            lines.append(f"| {version} | {name} | {len(mine)} | {hog:.3f} | {colour:.3f} "
                         f"| {either:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True, metavar="DIR")
    parser.add_argument("--colour-set", required=True, metavar="NAME",
                        help="the --data folder name whose pictures are in colour")
    parser.add_argument("--per-person", type=int, default=15, metavar="N")
    parser.add_argument("--folds", type=int, default=3, metavar="K")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, metavar="FILE")
    args = parser.parse_args(argv)
    if args.per_person < 1 or args.folds < 2:
        print("--per-person must be at least 1 and --folds at least 2.", file=sys.stderr)
        return 1
    try:
        items = picked(load_folders(list(args.data)), args.per_person, args.seed)
        if not any(item.dataset == args.colour_set for item in items):
            print(f"--colour-set {args.colour_set} is none of the --data folders.",
                  file=sys.stderr)
            return 1
        rows = read_all(items, args.seed)
        colour = [r for r in rows if r["dataset"] == args.colour_set]
        fold_of_subject = dict(zip([str(r["subject"]) for r in colour],
                                   subject_folds([str(r["subject"]) for r in colour],
                                                 args.folds), strict=True))
    except (DatasetError, ValueError) as exc:
        print(f"cannot measure: {exc}", file=sys.stderr)
        return 1
    limits = [threshold([r for r in colour if fold_of_subject[str(r["subject"])] != f])
              for f in range(args.folds)]
    fitted = threshold(colour)

    def held_out(r: dict[str, object]) -> float:
        if r["dataset"] != args.colour_set:
            return fitted
        return float(limits[int(fold_of_subject[str(r["subject"])])])

    print(f"threshold fitted on every colour picture: {fitted:.4f}; per fold (fitted on the "
          f"others): {', '.join(f'{t:.4f}' for t in limits)}\n")
    print(table(rows, held_out, f"Flagged covered, share of the faces judged ({args.colour_set}:"
                f" the colour threshold fitted on other people; other sets: on everyone of "
                f"{args.colour_set})"))
    if args.json is not None:
        args.json.write_text(json.dumps({"threshold": fitted, "fold_thresholds": limits,
                                         "rows": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
