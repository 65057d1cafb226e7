"""The pretrained face-expression network: the shipped file, run on real faces."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from game.vision.face_crop import PATCH_PAD, face_box_patch
from game.vision.face_net import (
    EMBEDDING_SIZE,
    FACE_NET_CLASSES,
    FACE_NET_PATH,
    FaceNet,
    FaceNetError,
    default_face_net,
)
from game.vision.features import block_columns, extract_features, mirror_features
from game.vision.records import FACE_PATCH_SIZE, FaceObservation


def test_the_network_sees_the_astronaut_smile(
    astronaut_observation: FaceObservation,
) -> None:
    embeddings, probabilities = default_face_net().run(astronaut_observation.face_patch[None])
    assert embeddings.shape == (1, EMBEDDING_SIZE)
    assert probabilities.shape == (1, len(FACE_NET_CLASSES))
    assert np.isclose(probabilities.sum(), 1.0, atol=1e-4)
    assert FACE_NET_CLASSES[int(probabilities.argmax())] == "happy"
    assert probabilities[0, FACE_NET_CLASSES.index("happy")] > 0.9


def test_a_grey_blank_patch_is_not_a_smile() -> None:
    grey = np.full((1, FACE_PATCH_SIZE, FACE_PATCH_SIZE, 3), 128, np.uint8)
    _, probabilities = default_face_net().run(grey)
    assert probabilities[0, FACE_NET_CLASSES.index("happy")] < 0.5


def test_mirror_embedding_is_the_flipped_patch_and_mirroring_swaps_it(
    astronaut_observation: FaceObservation,
) -> None:
    net = default_face_net()
    patch = astronaut_observation.face_patch
    plain, mirrored = net.embed_with_mirror(patch)
    flipped, _ = net.run(np.ascontiguousarray(patch[:, ::-1])[None])
    assert np.allclose(mirrored, flipped[0], atol=1e-5)
    assert not np.allclose(plain, mirrored, atol=1e-3)  # a CNN is not mirror-symmetric
    values = extract_features(astronaut_observation, net).values
    emb = block_columns("embedding")
    assert np.allclose(values[emb.start : emb.stop], plain, atol=1e-5)
    swapped = mirror_features(values)
    assert np.allclose(swapped[emb.start : emb.stop], mirrored, atol=1e-5)
    assert np.array_equal(mirror_features(swapped), values)


def test_patch_is_the_padded_square_box_of_the_landmarks(
    astronaut_observation: FaceObservation, astronaut_rgb: np.ndarray
) -> None:
    patch = face_box_patch(astronaut_rgb, astronaut_observation.landmarks)
    assert patch.shape == (FACE_PATCH_SIZE, FACE_PATCH_SIZE, 3) and patch.dtype == np.uint8
    assert np.array_equal(patch, astronaut_observation.face_patch)
    # The face fills the middle: the pad leaves a margin of about PATCH_PAD / 2 each side.
    margin = FACE_PATCH_SIZE * PATCH_PAD / (2 * (1 + PATCH_PAD))
    assert 5 < margin < 15
    with pytest.raises(ValueError, match="degenerate"):
        face_box_patch(astronaut_rgb, np.zeros((478, 3)))


def test_wrong_input_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="patches must be"):
        default_face_net().run(np.zeros((1, 96, 96, 3), np.uint8))


def test_missing_or_altered_network_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FaceNetError, match="missing"):
        FaceNet(tmp_path / "nope.onnx")
    altered = tmp_path / "face_expression_net.onnx"
    shutil.copyfile(FACE_NET_PATH, altered)
    with altered.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(FaceNetError, match="not the expected"):
        FaceNet(altered)
    with pytest.raises(FaceNetError, match="not a readable ONNX"):
        FaceNet(altered, verify=False)
    copy = tmp_path / "copy.onnx"
    shutil.copyfile(FACE_NET_PATH, copy)
    assert FaceNet(copy).path == copy
