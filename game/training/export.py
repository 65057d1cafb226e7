"""ONNX export of a fitted classifier, with the metadata `game.vision.model` checks at load.

File contract (CONTRACTS.md): input "features" float32 [None, F]; output "probabilities"
float32 [None, C]; metadata facequest.classes / feature_spec / feature_names / input /
trained_on / created.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
from game.vision.model import (
    INPUT_NAME,
    META_CLASSES,
    META_CREATED,
    META_FEATURES,
    META_INPUT,
    META_SPEC,
    META_TRAINED_ON,
    OUTPUT_NAME,
)

logger = logging.getLogger(__name__)

# Opsets every onnxruntime from 1.18 (the floor in pyproject) to 1.31 runs.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


def to_onnx_bytes(
    model: Any,
    classes: tuple[str, ...],
    input_kind: str,
    trained_on: str,
    created: dt.date | None = None,
) -> bytes:
    """The fitted scikit-learn classifier as an ONNX model with FaceQuest metadata."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    if input_kind not in ("raw", "delta"):
        raise ValueError(f"input_kind must be 'raw' or 'delta', not {input_kind!r}")
    columns = [classes[int(c)] for c in model.classes_]
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    onx = convert_sklearn(
        model,
        initial_types=[(INPUT_NAME, FloatTensorType([None, len(FEATURE_NAMES)]))],
        options={id(final): {"zipmap": False}},
        target_opset=TARGET_OPSET,
    )
    names = [o.name for o in onx.graph.output]
    if OUTPUT_NAME not in names:
        raise RuntimeError(f"skl2onnx produced outputs {names}, not {OUTPUT_NAME!r}")
    meta = {
        META_CLASSES: json.dumps(columns),
        META_SPEC: FEATURE_SPEC_VERSION,
        META_FEATURES: json.dumps(list(FEATURE_NAMES)),
        META_INPUT: input_kind,
        META_TRAINED_ON: trained_on,
        META_CREATED: (created or dt.date.today()).isoformat(),
    }
    for key, value in meta.items():
        entry = onx.metadata_props.add()
        entry.key, entry.value = key, value
    onx.producer_name = "facequest"
    return bytes(onx.SerializeToString())


def export_onnx(
    model: Any,
    path: Path,
    classes: tuple[str, ...],
    input_kind: str,
    trained_on: str,
) -> Path:
    """Write the ONNX file (atomically) and return its path."""
    data = to_onnx_bytes(model, classes, input_kind, trained_on)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    logger.info("wrote %s (%d bytes)", path, len(data))
    return path
