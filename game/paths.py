"""Where FaceQuest finds its shipped data and keeps the user's data.

Shipped data (`levels/`, `assets/`, `models/`) sits beside the `game/` package in the
repository. The wheel build (`setup.py`) copies those folders into the package as
`game/_data/`, so an installed FaceQuest finds them with `importlib.resources`; a checkout
(or an editable install) has no `game/_data/` and uses the repository's folders.
User data (profiles, progress, caches) lives in the platform's user data folder, or in
`--data-dir` when given; never inside the install.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

import platformdirs

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGED_DATA = "_data"  # the folder inside `game` that the wheel build fills
SHIPPED_FOLDERS = ("levels", "assets", "models")


def shipped_data_root() -> Path:
    """The folder that holds `levels/`, `assets/` and `models/`: the package's own copy in
    an installed wheel, else the repository root (a checkout or an editable install)."""
    packaged = importlib.resources.files("game") / PACKAGED_DATA
    if packaged.is_dir():
        return Path(str(packaged))  # wheels install unzipped: a real folder
    return REPO_ROOT


def is_installed_wheel() -> bool:
    """True when FaceQuest runs from an installed wheel (its data inside the package)."""
    return shipped_data_root() != REPO_ROOT


DATA_ROOT = shipped_data_root()
LEVELS_DIR = DATA_ROOT / "levels"
ASSETS_DIR = DATA_ROOT / "assets"
MODELS_DIR = DATA_ROOT / "models"
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
