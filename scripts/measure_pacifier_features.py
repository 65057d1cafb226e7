"""What the mouth's covered check could see: tries of other inputs for the pacifier, on people
never seen, measured on the tracked crops `facequest train-occlusion --samples-dir` keeps.

The shipped check is a perceptron on the HOG of the mouth window (`game.vision.occlusion`),
which flags a pacifier on 61-69% of faces (docs/robustness.md). This script measures, with
one protocol for every variant:

- `hog`: that perceptron (32 rectified units) on the HOG of the mouth window;
- `hog+emb`: the same with the 256-value embedding of face-api.js's FaceExpressionNet
  (`game.vision.face_net`) of the grey crop, resized to 112x112, as well;
- `net`: a small convolutional network (three 3x3 convolutions of 8, 16 and 32 channels,
  each with a rectifier and a 2x2 max pool, a dense layer of 32, a logistic output) on the
  standardised 48x72 mouth-and-chin window, trained with JAX (Adam, binary cross-entropy,
  mirrored, shifted and brightness-jittered batches, `--epochs`);
- `mean`: the mean of the `hog+emb` and `net` probabilities.

Protocol: people in K subject-wise folds (`GroupKFold`); fold f also keeps pacifier style
f mod 3 out of training, so each style is also measured where it was never seen. In each
fold, the variant is fitted on 75% of the training people and its threshold chosen on the
other 25% (every uncovered version, e.g. clean, side light, a fringe, flagged on at most
0.5%, and at least 0.5), then applied to the held-out fold. Faces with the eyes covered and
faces the game does not judge for covers are left out.

Usage (needs JAX for `net` and `mean`: pip install jax):

    python scripts/measure_pacifier_features.py --samples-dir CACHE [--variants hog,net]
        [--folds 5] [--epochs 12] [--json FILE]

Prints one Markdown table (rows: versions; columns: variants). Exit 1 with one sentence for
a folder without caches or a bad option.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from game.training.occlusion_fit import flag_threshold, load_samples
from game.vision.conditions import PACIFIER_STYLES
from game.vision.occlusion import part_features

VARIANTS = ("hog", "hog+emb", "net", "mean")
WINDOW = (20, 68, 108, 128)  # x0, y0, x1, y1 of the 128x128 crop: mouth and chin
WINDOW_SHAPE = (48, 72)
CHANNELS = (8, 16, 32)
Scorer = Callable[[np.ndarray], np.ndarray]


def _window(crop: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = WINDOW
    w = cv2.resize(crop[y0:y1, x0:x1], WINDOW_SHAPE[::-1], interpolation=cv2.INTER_AREA)
    return np.asarray((w.astype(np.float32) - crop.mean()) / (crop.std() + 1e-6), np.float32)


def _embeddings(crops: np.ndarray) -> np.ndarray:
    from game.vision.face_net import default_face_net

    net = default_face_net()
    out = []
    for i in range(0, len(crops), 64):
        patches = np.stack([cv2.cvtColor(cv2.resize(c, (112, 112), interpolation=cv2.INTER_AREA),
                                          cv2.COLOR_GRAY2RGB) for c in crops[i:i + 64]])
        out.append(net.run(patches)[0])
    return np.concatenate(out)


def _perceptron(x: np.ndarray, y: np.ndarray) -> Scorer:
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    clf = MLPClassifier((32,), alpha=1e-3, max_iter=200, early_stopping=True,
                        random_state=0).fit(scaler.transform(x), y)
    return lambda z: np.asarray(clf.predict_proba(scaler.transform(z))[:, 1])


def _network(x: np.ndarray, y: np.ndarray, epochs: int, seed: int) -> Scorer:
    import jax

    jnp, lax = jax.numpy, jax.lax

    def forward(p: Any, b: Any) -> Any:
        for i in range(len(CHANNELS)):
            b = lax.conv_general_dilated(b, p[f"w{i}"], (1, 1), "SAME",
                                         dimension_numbers=("NHWC", "HWIO", "NHWC"))
            b = lax.reduce_window(jax.nn.relu(b + p[f"b{i}"]), -jnp.inf, lax.max,
                                  (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        b = jax.nn.relu(b.reshape(b.shape[0], -1) @ p["d1"] + p["c1"])
        return b @ p["d2"] + p["c2"]

    def loss(p: Any, b: Any, t: Any) -> Any:
        z = forward(p, b)
        bce = jnp.mean(jnp.maximum(z, 0) - z * t + jnp.log1p(jnp.exp(-jnp.abs(z))))
        return bce + 1e-4 * sum(jnp.sum(v ** 2) for k, v in p.items() if k[0] in "wd")

    def adam(p: Any, m: Any, v: Any, n: Any, b: Any, t: Any) -> Any:
        g = jax.grad(loss)(p, b, t)
        m = jax.tree.map(lambda a, c: 0.9 * a + 0.1 * c, m, g)
        v = jax.tree.map(lambda a, c: 0.999 * a + 0.001 * c * c, v, g)
        p = jax.tree.map(lambda a, c, d: a - 1e-3 * (c / (1 - 0.9 ** n))
                         / (jnp.sqrt(d / (1 - 0.999 ** n)) + 1e-8), p, m, v)
        return p, m, v

    keys = jax.random.split(jax.random.PRNGKey(seed), len(CHANNELS) + 2)
    p: dict[str, Any] = {}
    cin = 1
    for i, c in enumerate(CHANNELS):
        p[f"w{i}"] = jax.random.normal(keys[i], (3, 3, cin, c)) * np.sqrt(2 / (9 * cin))
        p[f"b{i}"] = jnp.zeros(c)
        cin = c
    flat = (WINDOW_SHAPE[0] // 8) * (WINDOW_SHAPE[1] // 8) * CHANNELS[-1]
    p["d1"] = jax.random.normal(keys[-2], (flat, 32)) * np.sqrt(2 / flat)
    p["c1"], p["d2"], p["c2"] = jnp.zeros(32), jax.random.normal(keys[-1], (32,)) / 32 ** 0.5, 0.0
    step = jax.jit(adam)
    m, v = jax.tree.map(jnp.zeros_like, p), jax.tree.map(jnp.zeros_like, p)
    rng, xs, n = np.random.default_rng(seed), x[..., None], 0
    for _ in range(epochs):
        order = rng.permutation(len(xs))
        for start in range(0, len(order), 128):
            b = xs[order[start:start + 128]].copy()
            flip = rng.random(len(b)) < 0.5
            b[flip] = b[flip, :, ::-1]
            b = np.roll(b, tuple(int(s) for s in rng.integers(-3, 4, 2)), (1, 2))
            b = b * rng.uniform(0.8, 1.2, (len(b), 1, 1, 1)) + rng.uniform(-0.3, 0.3,
                                                                         (len(b), 1, 1, 1))
            n += 1
            p, m, v = step(p, m, v, float(n), np.asarray(b, np.float32),
                           y[order[start:start + 128]].astype(np.float32))
    predict = jax.jit(lambda q, b: jax.nn.sigmoid(forward(q, b)))
    return lambda z: np.concatenate([np.asarray(predict(p, z[i:i + 512, ..., None]))
                                     for i in range(0, len(z), 512)])


def _score(scorers: dict[str, Scorer], inputs: dict[str, np.ndarray], name: str,
           rows: np.ndarray) -> np.ndarray:
    """P(covered) of `rows` by variant `name` (`mean`: of hog+emb and net)."""
    if name == "mean":
        return 0.5 * (scorers["hog+emb"](inputs["hog+emb"][rows])
                      + scorers["net"](inputs["net"][rows]))
    return scorers[name](inputs[name][rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples-dir", type=Path, required=True, metavar="DIR")
    parser.add_argument("--variants", default=",".join(VARIANTS), metavar="NAMES")
    parser.add_argument("--folds", type=int, default=5, metavar="K")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--json", type=Path, default=None, metavar="FILE")
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    refusal = _refusal(args, variants)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 1
    from sklearn.model_selection import GroupKFold, GroupShuffleSplit

    samples = []
    for cache in sorted(args.samples_dir.glob("*.npz")):
        try:
            loaded = load_samples(cache)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            print(f"{cache} is not a cache that train-occlusion --samples-dir wrote.",
                  file=sys.stderr)
            return 1
        samples += [s for s in loaded if s.judged and "eyes" not in s.covered]
    people_count = len({f"{s.dataset}/{s.subject}" for s in samples})
    if people_count < args.folds:
        print(f"--folds {args.folds} needs at least that many people; the caches of "
              f"{args.samples_dir} hold {people_count} with judged faces.", file=sys.stderr)
        return 1
    crops = np.stack([s.crop for s in samples])
    people = np.array([f"{s.dataset}/{s.subject}" for s in samples])
    tags = np.array([s.tag.split("+", 1)[0] for s in samples])
    y = np.array(["mouth" in s.covered for s in samples])
    hog = np.stack([part_features(c, "mouth") for c in crops])
    inputs: dict[str, np.ndarray] = {"hog": hog}
    if {"hog+emb", "mean"} & set(variants):
        inputs["hog+emb"] = np.hstack([hog, _embeddings(crops)])
    if {"net", "mean"} & set(variants):
        inputs["net"] = np.stack([_window(c) for c in crops])
    flagged = {v: np.zeros(len(y), bool) for v in variants}
    held = np.zeros(len(y), bool)
    for f, (train, test) in enumerate(GroupKFold(args.folds).split(y, y, people)):
        style = f"pacifier_{PACIFIER_STYLES[f % len(PACIFIER_STYLES)]}"
        train = train[tags[train] != style]
        held[test] = tags[test] == style
        fit_i, thr_i = next(GroupShuffleSplit(1, test_size=0.25, random_state=f).split(
            train, train, people[train]))
        fit_rows, thr_rows = train[fit_i], train[thr_i]
        scorers: dict[str, Scorer] = {}
        for name in ("hog", "hog+emb"):
            if name in inputs:
                scorers[name] = _perceptron(inputs[name][fit_rows], y[fit_rows])
        if "net" in inputs:
            scorers["net"] = _network(inputs["net"][fit_rows], y[fit_rows], args.epochs, f)
        for name in variants:
            threshold = flag_threshold(_score(scorers, inputs, name, thr_rows), y[thr_rows],
                                   tags[thr_rows])
            flagged[name][test] = _score(scorers, inputs, name, test) >= threshold
            print(f"fold {f + 1}/{args.folds} {name}: threshold {threshold:.3f}",
                  file=sys.stderr, flush=True)
    table: dict[str, dict[str, float]] = {}
    for tag in sorted(set(tags.tolist())):
        mine = tags == tag
        if tag.startswith("pacifier_"):
            table[f"{tag} (style trained on)"] = {v: float(flagged[v][mine & ~held].mean())
                                                  for v in variants}
            table[f"{tag} (style held out)"] = {v: float(flagged[v][mine & held].mean())
                                                for v in variants}
        else:
            table[f"{tag} ({int(mine.sum())})"] = {v: float(flagged[v][mine].mean())
                                                   for v in variants}
    print(f"| flagged covered, people never seen ({args.folds} folds) | "
          + " | ".join(variants) + " |")
    print("|---|" + "---|" * len(variants))
    for row, by in table.items():
        print(f"| {row} | " + " | ".join(f"{by[v]:.3f}" for v in variants) + " |")
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"--json {args.json}: cannot write it ({exc.strerror}); the table above "
                  "has the figures.", file=sys.stderr)
            return 1
    return 0


def _refusal(args: argparse.Namespace, variants: list[str]) -> str | None:
    """One sentence on what is wrong with the options, checked before any work; None if
    nothing is."""
    if not variants or set(variants) - set(VARIANTS):
        return f"--variants: choose among {', '.join(VARIANTS)}."
    if not args.samples_dir.is_dir():
        return f"{args.samples_dir} is not a folder."
    if not any(args.samples_dir.glob("*.npz")):
        return (f"{args.samples_dir} holds no train-occlusion caches (.npz): make them with "
                "facequest train-occlusion --samples-dir.")
    if args.folds < 2:
        return "--folds must be a whole number of at least 2."
    if args.epochs < 1:
        return "--epochs must be a whole number of at least 1."
    if {"net", "mean"} & set(variants) and importlib.util.find_spec("jax") is None:
        return "the net and mean variants need JAX (pip install jax); hog and hog+emb do not."
    if args.json is not None and (args.json.is_dir() or not args.json.parent.is_dir()
                                  or not os.access(args.json.parent, os.W_OK)):
        return f"--json {args.json}: not a file that can be written in an existing folder."
    return None


if __name__ == "__main__":
    raise SystemExit(main())
