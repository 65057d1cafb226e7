"""The expression classifier: an ONNX model over the feature vector, run by onnxruntime.

The model file carries its own description in its metadata (see docs in CONTRACTS.md):
the class order, the feature-spec version and feature names it was trained on, and whether it
expects raw features or features minus the child's neutral ("delta"), and whether a delta
model's probabilities are fused with its raw companion's (`fuse_with_raw`). Loading checks all of
it against `game.vision.features`, so a model built for other features fails at start-up with
a clear message instead of scoring nonsense.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from game.expressions import Expression
from game.offline import quiet_onnxruntime
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
from game.vision.records import FeatureVector

logger = logging.getLogger(__name__)

INPUT_NAME = "features"
OUTPUT_NAME = "probabilities"
META_CLASSES = "facequest.classes"
META_SPEC = "facequest.feature_spec"
META_FEATURES = "facequest.feature_names"
META_INPUT = "facequest.input"
META_TRAINED_ON = "facequest.trained_on"
META_CREATED = "facequest.created"
META_FUSE_WITH_RAW = "facequest.fuse_with_raw"  # "true": a delta model scored with its raw twin
REQUIRED_METADATA = (META_CLASSES, META_SPEC, META_FEATURES, META_INPUT)

InputKind = Literal["raw", "delta"]


class ModelError(ValueError):
    """The model file is missing, unreadable, or does not fit this version of the game."""


@dataclass(frozen=True, slots=True)
class ExpressionModel:
    """A loaded expression model. Build it with `ExpressionModel.load(path)`.

    Attributes:
        classes: the expressions, in the order of the probability columns.
        feature_names: the features the model reads, in input order (the full
            `FEATURE_NAMES` of the current spec).
        spec_version: the feature-spec version the model was trained on.
        input_kind: "raw" (features as extracted) or "delta" (features minus the child's
            neutral baseline).
        trained_on: free-text summary of the training data.
        created: ISO date the model was made.
        path: where it was loaded from.
        fuse_with_raw: (delta models) the game scores a calibrated child with this model's
            probabilities and the raw companion's fused (`fuse_log_mean`), as its training
            measured them (metadata `facequest.fuse_with_raw` = "true").
    """

    classes: tuple[Expression, ...]
    feature_names: tuple[str, ...]
    spec_version: str
    input_kind: InputKind
    trained_on: str
    created: str
    path: Path
    _session: Any = field(repr=False, compare=False)
    fuse_with_raw: bool = False

    @classmethod
    def load(cls, path: Path | str) -> ExpressionModel:
        """Open the ONNX file at `path` and check it against the current feature spec.

        Raises:
            ModelError: the file is missing or not ONNX, metadata is missing or malformed,
                or the model's feature spec / names differ from `game.vision.features`.
        """
        import onnxruntime as ort

        quiet_onnxruntime(ort)
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"expression model not found: {path}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # p95 0.3 ms vs 4.3 ms with the default pool
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            # its text repeats the path after codes ("[ONNXRuntimeError] : 7 : INVALID_PROTOBUF
            # : Load model from ... failed:Protobuf parsing failed."): only the last clause
            detail = str(exc).rsplit(":", 1)[-1].strip().rstrip(".") or type(exc).__name__
            raise ModelError(f"{path} is not a readable ONNX model ({detail})") from exc
        meta = dict(session.get_modelmeta().custom_metadata_map)
        missing = [key for key in REQUIRED_METADATA if key not in meta]
        if missing:
            raise ModelError(
                f"{path} lacks the FaceQuest metadata {', '.join(missing)}; "
                "export it with game.training so the game knows its classes and features"
            )
        classes = _parse_classes(meta[META_CLASSES], path)
        feature_names = _parse_names(meta[META_FEATURES], path)
        spec_version = meta[META_SPEC]
        if spec_version != FEATURE_SPEC_VERSION:
            raise ModelError(
                f"{path} was trained on feature spec {spec_version!r} but this game extracts "
                f"spec {FEATURE_SPEC_VERSION!r}; retrain the model (make model) or use a "
                "matching one"
            )
        if feature_names != FEATURE_NAMES:
            extra = [n for n in feature_names if n not in FEATURE_NAMES]
            absent = [n for n in FEATURE_NAMES if n not in feature_names]
            raise ModelError(
                f"{path} expects different features than spec {FEATURE_SPEC_VERSION} gives "
                f"(unknown to the spec: {extra[:5]}, not in the model: {absent[:5]}, "
                f"order differs: {not extra and not absent}); retrain the model"
            )
        input_kind = meta[META_INPUT]
        if input_kind not in ("raw", "delta"):
            raise ModelError(f"{path}: {META_INPUT} must be 'raw' or 'delta', not {input_kind!r}")
        _check_io(session, len(feature_names), len(classes), path)
        fuse_text = meta.get(META_FUSE_WITH_RAW, "false")
        if fuse_text not in ("true", "false") or (fuse_text == "true" and input_kind != "delta"):
            raise ModelError(
                f"{path}: {META_FUSE_WITH_RAW} must be 'true' (delta models only) or 'false', "
                f"not {fuse_text!r}"
            )
        model = cls(
            classes=classes,
            feature_names=feature_names,
            spec_version=spec_version,
            input_kind=input_kind,
            trained_on=meta.get(META_TRAINED_ON, ""),
            created=meta.get(META_CREATED, ""),
            path=path,
            _session=session,
            fuse_with_raw=fuse_text == "true",
        )
        logger.info(
            "loaded %s: %d classes, %d features, input %s",
            path,
            len(classes),
            len(feature_names),
            input_kind,
        )
        return model

    def predict(self, values: np.ndarray) -> np.ndarray:
        """Class probabilities: (F,) -> (C,) or (N, F) -> (N, C), columns as `classes`."""
        array = np.asarray(values, dtype=np.float32)
        single = array.ndim == 1
        batch = array.reshape(1, -1) if single else array
        if batch.ndim != 2 or batch.shape[1] != len(self.feature_names):
            raise ValueError(
                f"expected {len(self.feature_names)} features per row, got shape {array.shape}"
            )
        (probs,) = self._session.run([OUTPUT_NAME], {INPUT_NAME: np.ascontiguousarray(batch)})
        probs = np.asarray(probs, dtype=np.float64)
        return probs[0] if single else probs

    def probabilities(
        self, features: FeatureVector, baseline_values: np.ndarray | None = None
    ) -> dict[Expression, float]:
        """Probabilities of one face as {expression: p}.

        For a "delta" model the `baseline_values` (the child's neutral, same order) are
        subtracted first; without a baseline a delta model sees the features minus the
        population neutral, which the caller passes in the same way.
        """
        if features.names != self.feature_names:
            raise ValueError("feature vector names differ from the model's")
        values = features.values
        if self.input_kind == "delta":
            if baseline_values is None:
                raise ValueError("this model scores changes from neutral: pass baseline_values")
            values = values - baseline_values
        row = self.predict(values)
        return {c: float(p) for c, p in zip(self.classes, row, strict=True)}


LOG_FLOOR = 1e-6  # probabilities are clipped here before the log (as the ONNX graphs do)


def fuse_log_mean(probabilities: list[np.ndarray]) -> np.ndarray:
    """softmax(mean_k log p_k) row by row: the equal-weight fusion of models' probabilities
    ((N, C) or (C,) arrays, same columns), a normalised geometric mean."""
    if not probabilities:
        raise ValueError("nothing to fuse")
    mix = sum(np.log(np.clip(np.asarray(p, np.float64), LOG_FLOOR, 1.0)) for p in probabilities)
    mix = np.asarray(mix) / len(probabilities)
    mix = np.exp(mix - mix.max(axis=-1, keepdims=True))
    return np.asarray(mix / mix.sum(axis=-1, keepdims=True))


def _parse_classes(text: str, path: Path) -> tuple[Expression, ...]:
    try:
        raw = json.loads(text)
        classes = tuple(Expression(v) for v in raw)
    except (ValueError, TypeError) as exc:
        allowed = [e.value for e in Expression]
        raise ModelError(
            f"{path}: {META_CLASSES} must be a JSON list of {allowed}, got {text!r}"
        ) from exc
    if not classes or len(set(classes)) != len(classes):
        raise ModelError(f"{path}: {META_CLASSES} must list distinct expressions, got {text!r}")
    return classes


def _parse_names(text: str, path: Path) -> tuple[str, ...]:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ModelError(f"{path}: {META_FEATURES} is not JSON: {exc}") from exc
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        raise ModelError(f"{path}: {META_FEATURES} must be a JSON list of names")
    return tuple(raw)


def _check_io(session: Any, n_features: int, n_classes: int, path: Path) -> None:
    inputs = {i.name: i for i in session.get_inputs()}
    outputs = {o.name: o for o in session.get_outputs()}
    if INPUT_NAME not in inputs:
        raise ModelError(f"{path}: no input named {INPUT_NAME!r} (has {sorted(inputs)})")
    if OUTPUT_NAME not in outputs:
        raise ModelError(
            f"{path}: no output named {OUTPUT_NAME!r} (has {sorted(outputs)}); "
            "export with zipmap=False"
        )
    width = inputs[INPUT_NAME].shape[-1]
    if isinstance(width, int) and width != n_features:
        raise ModelError(f"{path}: input takes {width} features, metadata names {n_features}")
    columns = outputs[OUTPUT_NAME].shape[-1]
    if isinstance(columns, int) and columns != n_classes:
        raise ModelError(f"{path}: output has {columns} columns, metadata names {n_classes}")
