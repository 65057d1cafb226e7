"""Where FaceQuest finds its shipped data and keeps the user's data.

Shipped data (`levels/`, `assets/`, `models/`) sits beside the `game/` package in the
repository. User data (profiles, progress, caches) lives in the platform's user data
folder, or in `--data-dir` when given; never inside the install.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

REPO_ROOT = Path(__file__).resolve().parent.parent
LEVELS_DIR = REPO_ROOT / "levels"
ASSETS_DIR = REPO_ROOT / "assets"
MODELS_DIR = REPO_ROOT / "models"
DEFAULT_MODEL_PATH = MODELS_DIR / "expression.onnx"

APP_NAME = "facequest"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) private to the user (0700) if it is missing. A folder
    that exists keeps its permissions (it may be a shared one the user chose); everything
    FaceQuest writes inside it is private."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    return path


def user_data_dir(override: Path | None = None) -> Path:
    """The folder for profiles and progress, created private to the user (mode 0700)."""
    path = override if override is not None else Path(platformdirs.user_data_dir(APP_NAME))
    return private_dir(path)


def user_cache_dir(override: Path | None = None) -> Path:
    """The folder for rebuildable caches (rendered speech, feature caches), created private
    to the user (mode 0700)."""
    path = override if override is not None else Path(platformdirs.user_cache_dir(APP_NAME))
    return private_dir(path)
