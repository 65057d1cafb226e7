#!/usr/bin/env python3
"""Convert face-api.js's FaceExpressionNet (TensorFlow.js weights, MIT) to ONNX.

Build-time only: the result is committed as `models/face_expression_net.onnx` and the game
never downloads anything. To rebuild it from the npm registry:

    npm pack @vladmandic/face-api@1.7.15
    tar xzf vladmandic-face-api-1.7.15.tgz
    .venv/bin/python scripts/convert_face_expression_net.py package/model \
        models/face_expression_net.onnx

The network (face-api.js `FaceFeatureExtractor` + `FaceExpressionNet`): four densely
connected blocks of 3x3 convolutions (the first block a plain convolution, the rest
depthwise-separable), each halving the resolution, 112 -> 7, then a 7x7 average pool to a
256-value embedding and a 7-way fully connected layer. TensorFlow "same" padding is ONNX
`SAME_UPPER`; kernels are transposed from HWIO to OIHW. Input: RGB 0-255, NCHW, 112x112;
the graph subtracts face-api's mean colour and divides by 255, as `FaceFeatureExtractor`
does. Outputs: "embedding" (N, 256) and "probabilities" (N, 7), face-api's class order
(neutral, happy, sad, angry, fearful, disgusted, surprised). Quantised uint8 weights are
expanded to float32 (value = q * scale + min), exactly as tfjs loads them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MEAN_RGB = (122.782, 117.001, 104.298)
CLASSES = ("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised")
MANIFEST = "face_expression_model-weights_manifest.json"


def load_weights(folder: Path) -> tuple[dict[str, np.ndarray], str]:
    """The named float32 weights of the model and the SHA-256 of its weight bytes."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    raw = b"".join((folder / p).read_bytes() for group in manifest for p in group["paths"])
    weights: dict[str, np.ndarray] = {}
    offset = 0
    for group in manifest:
        for entry in group["weights"]:
            count = int(np.prod(entry["shape"]))
            quant = entry.get("quantization")
            if quant:
                q = np.frombuffer(raw, np.uint8, count, offset).astype(np.float32)
                values = q * np.float32(quant["scale"]) + np.float32(quant["min"])
                offset += count
            else:
                values = np.frombuffer(raw, np.float32, count, offset).copy()
                offset += 4 * count
            weights[entry["name"]] = values.reshape(entry["shape"])
    if offset != len(raw):
        raise ValueError(f"read {offset} of {len(raw)} weight bytes: not this model's manifest")
    return weights, hashlib.sha256(raw).hexdigest()


class _Graph:
    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.w, self.n = weights, 0
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[TensorProto] = []

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value, np.float32), name))
        return name

    def op(self, kind: str, inputs: list[str], **attrs: Any) -> str:  # ONNX attribute values
        self.n += 1
        out = f"{kind.lower()}_{self.n}"
        self.nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def separable(self, x: str, p: str, stride: int) -> str:
        depthwise = self.w[p + "/depthwise_filter"]
        x = self.op(
            "Conv",
            [x, self.const(p + "/dw", depthwise.transpose(2, 3, 0, 1))],
            group=int(depthwise.shape[2]),
            strides=[stride, stride],
            auto_pad="SAME_UPPER",
            kernel_shape=[3, 3],
        )
        pointwise = self.w[p + "/pointwise_filter"].transpose(3, 2, 0, 1)
        return self.op(
            "Conv",
            [x, self.const(p + "/pw", pointwise), self.const(p + "/b", self.w[p + "/bias"])],
            kernel_shape=[1, 1],
        )

    def dense_block(self, x: str, p: str, first: bool) -> str:
        if first:
            filters = self.w[p + "/conv0/filters"].transpose(3, 2, 0, 1)
            bias = self.w[p + "/conv0/bias"]
            out1 = self.op(
                "Conv",
                [x, self.const(p + "/conv0/f", filters), self.const(p + "/conv0/b", bias)],
                strides=[2, 2],
                auto_pad="SAME_UPPER",
                kernel_shape=[3, 3],
            )
        else:
            out1 = self.separable(x, p + "/conv0", 2)
        out1 = self.op("Relu", [out1])
        out2 = self.separable(out1, p + "/conv1", 1)
        sum12 = self.op("Add", [out1, out2])
        out3 = self.separable(self.op("Relu", [sum12]), p + "/conv2", 1)
        sum123 = self.op("Add", [sum12, out3])
        out4 = self.separable(self.op("Relu", [sum123]), p + "/conv3", 1)
        return self.op("Relu", [self.op("Add", [sum123, out4])])


def build(weights: dict[str, np.ndarray], weights_sha256: str) -> onnx.ModelProto:
    g = _Graph(weights)
    mean = np.array(MEAN_RGB, np.float32).reshape(1, 3, 1, 1)
    x = g.op("Sub", ["image", g.const("mean_rgb", mean)])
    x = g.op("Div", [x, g.const("scale", np.array(255.0, np.float32))])
    for block in range(4):
        x = g.dense_block(x, f"dense{block}", first=block == 0)
    x = g.op("AveragePool", [x], kernel_shape=[7, 7], strides=[2, 2])
    g.nodes.append(helper.make_node("Flatten", [x], ["embedding"]))
    logits = g.op("MatMul", ["embedding", g.const("fc/w", weights["fc/weights"])])
    logits = g.op("Add", [logits, g.const("fc/b", weights["fc/bias"])])
    g.nodes.append(helper.make_node("Softmax", [logits], ["probabilities"], axis=1))
    graph = helper.make_graph(
        g.nodes,
        "face_api_face_expression_net",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 112, 112])],
        [
            helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", 256]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 7]),
        ],
        g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    model.producer_name = "facequest scripts/convert_face_expression_net.py"
    for key, value in {
        "source": "face-api.js FaceExpressionNet via npm @vladmandic/face-api 1.7.15 (MIT)",
        "classes": json.dumps(CLASSES),
        "weights_sha256": weights_sha256,
    }.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    weights, digest = load_weights(Path(argv[0]))
    out = Path(argv[1])
    onnx.save(build(weights, digest), out)
    digest_out = hashlib.sha256(out.read_bytes()).hexdigest()
    print(f"wrote {out} ({out.stat().st_size} bytes, sha256 {digest_out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
