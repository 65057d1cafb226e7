"""Build small but real ONNX expression models in tests (skl2onnx LogisticRegression).

The training data are real feature vectors (the astronaut's face, and the same face with its
smile taken away, its brows raised, ...): enough to make a model whose file follows the
contract in CONTRACTS.md, so loading and scoring are exercised for real.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from game.expressions import Expression
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION

_SMILE = ("mouthSmileLeft", "mouthSmileRight", "cheekSquintLeft", "cheekSquintRight")
_SURPRISE = ("jawOpen", "browInnerUp", "browOuterUpLeft", "browOuterUpRight")


def _index(name: str) -> int:
    return FEATURE_NAMES.index(name)


def training_set(happy_values: np.ndarray, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Rows derived from one real smiling face: happy, neutral (smile removed), surprised."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for _ in range(12):
        noise = rng.normal(0.0, 0.01, size=happy_values.shape).astype(np.float32)
        happy = happy_values + noise
        neutral = happy.copy()
        for name in _SMILE:
            neutral[_index(name)] = 0.02
        surprised = neutral.copy()
        for name in _SURPRISE:
            surprised[_index(name)] = 0.7
        rows += [happy, neutral, surprised]
        labels += ["happy", "neutral", "surprised"]
    return np.stack(rows).astype(np.float32), labels


def write_model(
    path: Path,
    happy_values: np.ndarray,
    *,
    metadata: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
    input_kind: str = "raw",
) -> Path:
    """Train the tiny model on `training_set(happy_values)` and save it with its metadata."""
    import onnx
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.linear_model import LogisticRegression

    x, y = training_set(happy_values)
    if input_kind == "delta":
        neutral = x[[i for i, label in enumerate(y) if label == "neutral"]].mean(axis=0)
        x = x - neutral
    clf = LogisticRegression(max_iter=2000, C=10.0).fit(x, y)
    onx = to_onnx(
        clf,
        initial_types=[("features", FloatTensorType([None, x.shape[1]]))],
        options={id(clf): {"zipmap": False}},
        target_opset=15,
    )
    meta = {
        "facequest.classes": json.dumps([Expression(c).value for c in clf.classes_]),
        "facequest.feature_spec": FEATURE_SPEC_VERSION,
        "facequest.feature_names": json.dumps(list(FEATURE_NAMES)),
        "facequest.input": input_kind,
        "facequest.trained_on": "test: variants of skimage's astronaut",
        "facequest.created": "2024-01-01",
    }
    meta.update(metadata or {})
    for key in drop:
        meta.pop(key, None)
    onnx.helper.set_model_props(onx, meta)
    path.write_bytes(onx.SerializeToString())
    return path
