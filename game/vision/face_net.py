"""The pretrained face-expression network whose embedding is the feature vector's third part.

`models/face_expression_net.onnx` is face-api.js's FaceExpressionNet (MIT; converted once by
`scripts/convert_face_expression_net.py`, checked here by its SHA-256, never downloaded): a
small densely connected CNN (about 0.5 ms a face on one CPU core) trained by its authors on
adult faces. FaceQuest does not use its 7-way answer (0.62 / 0.52 accuracy on the children's
and adults' dev sets); it uses the network's 256-value embedding, on which
`game.training` fits its own classifier.

The input is `FaceObservation.face_patch`: the box around the landmarks, 20% larger, made
square and resized to 112x112 RGB (`game.vision.face_crop.face_box_patch`), which is what
face-api feeds the net after its own landmark step.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import numpy as np

from game.offline import quiet_onnxruntime
from game.paths import MODELS_DIR
from game.vision.landmarker_asset import sha256_of
from game.vision.records import FACE_PATCH_SIZE

logger = logging.getLogger(__name__)

FACE_NET_PATH = MODELS_DIR / "face_expression_net.onnx"
FACE_NET_SHA256 = "82b8994381ff5b4da5f8f7ac8c409fa02eae9dba3e8b03d109a345ff87e2ff8e"
EMBEDDING_SIZE = 256
FACE_NET_CLASSES = ("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised")


class FaceNetError(RuntimeError):
    """The face-expression network is missing or is not the expected file."""


class FaceNet:
    """One onnxruntime session of the face-expression network (single-threaded)."""

    def __init__(self, path: Path = FACE_NET_PATH, *, verify: bool = True) -> None:
        import onnxruntime as ort

        quiet_onnxruntime(ort)
        path = Path(path)
        if not path.is_file():
            raise FaceNetError(f"the face-expression network is missing: {path}")
        if verify and sha256_of(path) != FACE_NET_SHA256:
            raise FaceNetError(
                f"{path} is not the expected face-expression network (sha256 differs); "
                "rebuild it with scripts/convert_face_expression_net.py"
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.path = path
        try:
            self._session: Any = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise FaceNetError(f"{path} is not a readable ONNX model: {exc}") from exc

    def run(self, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(embeddings (N, 256), probabilities (N, 7)) of N RGB uint8 patches (N, 112, 112, 3)."""
        patches = np.asarray(patches)
        if patches.ndim != 4 or patches.shape[1:] != (FACE_PATCH_SIZE, FACE_PATCH_SIZE, 3):
            raise ValueError(f"patches must be (N, {FACE_PATCH_SIZE}, {FACE_PATCH_SIZE}, 3)")
        image = np.ascontiguousarray(patches.transpose(0, 3, 1, 2), dtype=np.float32)
        embedding, probabilities = self._session.run(None, {"image": image})
        return np.asarray(embedding, np.float32), np.asarray(probabilities, np.float32)

    def embed_with_mirror(self, patch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The embedding of `patch` and of `patch` flipped left-right (one batch of two)."""
        pair = np.stack([patch, patch[:, ::-1]])
        embeddings, _ = self.run(pair)
        return embeddings[0], embeddings[1]


@functools.cache
def default_face_net() -> FaceNet:
    """The shipped network, loaded once per process."""
    return FaceNet()
