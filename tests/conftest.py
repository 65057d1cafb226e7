"""Shared test set-up: headless SDL, real-face fixtures, dataset location."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("GLOG_minloglevel", "2")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO_ROOT.parent / "shared" / "datasets"


def dataset_dir(name: str) -> Path:
    """The folder of one shared dataset, or skip the test with the reason."""
    path = DATASETS_DIR / name
    if not (path / "labels.csv").is_file():
        pytest.skip(f"dataset {name!r} not found at {path} (../shared/datasets is absent here)")
    return path


@pytest.fixture(scope="session")
def astronaut_rgb() -> np.ndarray:
    """A real smiling face (Eileen Collins), shipped with scikit-image: (512, 512, 3) uint8."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


@pytest.fixture(scope="session")
def blank_rgb() -> np.ndarray:
    """A plain grey image with no face in it."""
    return np.full((480, 640, 3), 128, dtype=np.uint8)


@pytest.fixture(scope="session")
def children_dir() -> Path:
    return dataset_dir("cafe_children")


@pytest.fixture(scope="session")
def performers_dir() -> Path:
    return dataset_dir("tw_performers")
