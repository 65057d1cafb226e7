"""ONNX export of a fitted classifier, with the metadata `game.vision.model` checks at load.

File contract (CONTRACTS.md): input "features" float32 [None, F]; output "probabilities"
float32 [None, C]; metadata facequest.classes / feature_spec / feature_names / input /
trained_on / created.

A `FusedClassifier` becomes one graph: each of its two scikit-learn pipelines is converted
by skl2onnx over the full input, their nodes are renamed apart and joined by
Clip -> Log -> weighted Add -> Softmax, the same fusion as `recipe.fuse_probabilities`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from game.training.recipe import LOG_FLOOR, FusedClassifier
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

    def convert(pipeline: Any) -> Any:
        final = pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline
        return convert_sklearn(
            pipeline,
            initial_types=[(INPUT_NAME, FloatTensorType([None, len(FEATURE_NAMES)]))],
            options={id(final): {"zipmap": False}},
            target_opset=TARGET_OPSET,
        )

    if isinstance(model, FusedClassifier):
        onx = _fused_graph(convert(model.landmarks), convert(model.hog), model.hog_weight)
    else:
        onx = convert(model)
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


def _fused_graph(landmarks: Any, hog: Any, hog_weight: float) -> Any:
    """One ONNX model: softmax((1 - w) log p_landmarks + w log p_hog) of two converted models."""
    import numpy as np
    from onnx import compose, helper, numpy_helper

    parts = []
    for prefix, part in (("landmarks_", landmarks), ("hog_", hog)):
        renamed = compose.add_prefix(part, prefix)
        for node in renamed.graph.node:
            node.input[:] = [INPUT_NAME if n == prefix + INPUT_NAME else n for n in node.input]
        parts.append((prefix, renamed))
    nodes, initializers = [], []
    for _, part in parts:
        nodes.extend(part.graph.node)
        initializers.extend(part.graph.initializer)
    constants = {
        "fuse_floor": np.array(LOG_FLOOR, np.float32),
        "fuse_one": np.array(1.0, np.float32),
        "fuse_w_landmarks": np.array(1.0 - hog_weight, np.float32),
        "fuse_w_hog": np.array(hog_weight, np.float32),
    }
    initializers.extend(numpy_helper.from_array(v, k) for k, v in constants.items())
    for prefix, weight in (("landmarks_", "fuse_w_landmarks"), ("hog_", "fuse_w_hog")):
        probs = prefix + OUTPUT_NAME
        nodes.append(helper.make_node("Clip", [probs, "fuse_floor", "fuse_one"], [probs + "_c"]))
        nodes.append(helper.make_node("Log", [probs + "_c"], [probs + "_log"]))
        nodes.append(helper.make_node("Mul", [probs + "_log", weight], [probs + "_w"]))
    nodes.append(
        helper.make_node(
            "Add", ["landmarks_" + OUTPUT_NAME + "_w", "hog_" + OUTPUT_NAME + "_w"], ["fuse_mix"]
        )
    )
    nodes.append(helper.make_node("Softmax", ["fuse_mix"], [OUTPUT_NAME], axis=1))
    first = landmarks.graph
    output = helper.make_tensor_value_info(
        OUTPUT_NAME, first.output[1].type.tensor_type.elem_type, [None, None]
    )
    for out in first.output:
        if out.name == OUTPUT_NAME:
            output = helper.make_tensor_value_info(
                OUTPUT_NAME,
                out.type.tensor_type.elem_type,
                [d.dim_value or None for d in out.type.tensor_type.shape.dim],
            )
    graph = helper.make_graph(nodes, "facequest_fused", list(first.input), [output], initializers)
    opsets: dict[str, int] = {}
    for part in (landmarks, hog):
        for entry in part.opset_import:
            opsets[entry.domain] = max(opsets.get(entry.domain, 0), entry.version)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets.items()]
    )
    model.ir_version = min(landmarks.ir_version, hog.ir_version) or model.ir_version
    return model


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
