"""ONNX export of a fitted classifier, with the metadata `game.vision.model` checks at load.

File contract (CONTRACTS.md): input "features" float32 [None, F]; output "probabilities"
float32 [None, C]; metadata facequest.classes / feature_spec / feature_names / input /
trained_on / created.

A `FusedClassifier` becomes one graph: each of its scikit-learn pipelines is converted by
skl2onnx over the full input, their nodes are renamed apart and joined by
Clip -> Log -> Sum -> Mul(1/k) -> Softmax, the same fusion as `recipe.fuse_probabilities`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from game.training.recipe import FusedClassifier
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
from game.vision.model import (
    INPUT_NAME,
    LOG_FLOOR,
    META_CLASSES,
    META_CREATED,
    META_FEATURES,
    META_FUSE_WITH_RAW,
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
    fuse_with_raw: bool = False,
) -> bytes:
    """The fitted scikit-learn classifier as an ONNX model with FaceQuest metadata
    (`fuse_with_raw`: a delta model the game fuses with its raw twin)."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    if input_kind not in ("raw", "delta"):
        raise ValueError(f"input_kind must be 'raw' or 'delta', not {input_kind!r}")
    if fuse_with_raw and input_kind != "delta":
        raise ValueError("only a delta model is fused with a raw twin")
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
        onx = _fused_graph({name: convert(m) for name, m in model.members.items()})
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
        META_FUSE_WITH_RAW: "true" if fuse_with_raw else "false",
    }
    for key, value in meta.items():
        entry = onx.metadata_props.add()
        entry.key, entry.value = key, value
    onx.producer_name = "facequest"
    return bytes(onx.SerializeToString())


def _fused_graph(parts: dict[str, Any]) -> Any:
    """One ONNX model: softmax(mean_k log p_k) of the converted models in `parts`."""
    import numpy as np
    from onnx import compose, helper, numpy_helper

    nodes, initializers, weighted = [], [], []
    for name, part in parts.items():
        prefix = f"{name}_"
        renamed = compose.add_prefix(part, prefix)
        for node in renamed.graph.node:
            node.input[:] = [INPUT_NAME if n == prefix + INPUT_NAME else n for n in node.input]
        nodes.extend(renamed.graph.node)
        initializers.extend(renamed.graph.initializer)
        probs = prefix + OUTPUT_NAME
        nodes.append(helper.make_node("Clip", [probs, "fuse_floor", "fuse_one"], [probs + "_c"]))
        nodes.append(helper.make_node("Log", [probs + "_c"], [probs + "_log"]))
        weighted.append(probs + "_log")
    constants = {
        "fuse_floor": np.array(LOG_FLOOR, np.float32),
        "fuse_one": np.array(1.0, np.float32),
        "fuse_share": np.array(1.0 / len(parts), np.float32),
    }
    initializers.extend(numpy_helper.from_array(v, k) for k, v in constants.items())
    nodes.append(helper.make_node("Sum", weighted, ["fuse_sum"]))
    nodes.append(helper.make_node("Mul", ["fuse_sum", "fuse_share"], ["fuse_mix"]))
    nodes.append(helper.make_node("Softmax", ["fuse_mix"], [OUTPUT_NAME], axis=1))
    first = next(iter(parts.values()))
    output = next(o for o in first.graph.output if o.name == OUTPUT_NAME)
    graph = helper.make_graph(
        nodes, "facequest_fused", list(first.graph.input), [output], initializers
    )
    opsets: dict[str, int] = {}
    for part in parts.values():
        for entry in part.opset_import:
            opsets[entry.domain] = max(opsets.get(entry.domain, 0), entry.version)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets.items()]
    )
    model.ir_version = min(p.ir_version for p in parts.values()) or model.ir_version
    return model


def export_onnx(
    model: Any,
    path: Path,
    classes: tuple[str, ...],
    input_kind: str,
    trained_on: str,
    fuse_with_raw: bool = False,
) -> Path:
    """Write the ONNX file (atomically) and return its path."""
    data = to_onnx_bytes(model, classes, input_kind, trained_on, fuse_with_raw=fuse_with_raw)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    logger.info("wrote %s (%d bytes)", path, len(data))
    return path
