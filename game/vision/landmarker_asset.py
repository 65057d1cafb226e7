"""Locate MediaPipe's face landmarker bundle and check that it is the file we expect.

The bundle is Google's official `face_landmarker.task` (Apache-2.0, see
`models/face_landmarker.LICENSE.txt`), committed under `models/` and shipped inside the wheel.
Nothing is downloaded: a missing or altered file is a clear error.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from game.offline import stay_offline
from game.paths import MODELS_DIR

LANDMARKER_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
LANDMARKER_BYTES = 3_758_596


class LandmarkerAssetError(RuntimeError):
    """The face landmarker bundle is missing or is not the expected file."""


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as 64 hex digits (read in 1 MiB chunks)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def packaged_landmarker_path() -> Path:
    """Where FaceQuest keeps `face_landmarker.task` (`models/`, inside the package when
    installed from the wheel)."""
    return MODELS_DIR / "face_landmarker.task"


def landmarker_path(override: Path | None = None, *, verify: bool = True) -> Path:
    """The landmarker bundle to load: `override` if given, else the packaged one.

    The packaged file must match the known hash. An override is the user's choice (a newer
    bundle, say) and is only checked for existence.
    """
    stay_offline()  # before MediaPipe runs: its usage-log upload must never leave
    if override is not None:
        if not override.is_file():
            raise LandmarkerAssetError(f"--landmarker {override}: no such file")
        return override
    path = packaged_landmarker_path()
    if not path.is_file():
        raise LandmarkerAssetError(
            f"the face landmarker model is missing at {path}: reinstall FaceQuest "
            "(or pass --landmarker PATH)"
        )
    if verify:
        size = path.stat().st_size
        digest = sha256_of(path)
        if size != LANDMARKER_BYTES or digest != LANDMARKER_SHA256:
            raise LandmarkerAssetError(
                f"{path} is not the expected face landmarker (sha256 {digest}, {size} bytes; "
                f"expected {LANDMARKER_SHA256}, {LANDMARKER_BYTES} bytes)"
            )
    return path
