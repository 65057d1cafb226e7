"""The package imports, reports its version and keeps its layering rules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import game
from game.cli import main

GAME_DIR = Path(game.__file__).parent

# package -> third-party modules it must not import (ARCHITECTURE.md rules)
FORBIDDEN = {
    "play": {"pygame", "mediapipe", "cv2", "onnxruntime"},
    "records": {"pygame", "mediapipe", "cv2", "onnxruntime"},
    "reports": {"pygame", "mediapipe", "cv2", "onnxruntime"},
    "audio": {"mediapipe", "cv2", "onnxruntime"},
    "vision": {"pygame"},
    "cli": {"pygame"},
    "motion": {"pygame", "mediapipe", "cv2", "onnxruntime", "pyarrow", "time"},
    "home": {"pygame", "mediapipe", "cv2", "onnxruntime"},
    "expressions.py": {"pygame", "mediapipe", "cv2", "onnxruntime", "numpy"},
}


def _imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("part", sorted(FORBIDDEN), ids=sorted(FORBIDDEN))
def test_layer_does_not_import_forbidden_libraries(part: str) -> None:
    target = GAME_DIR / part
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    for path in files:
        bad = _imported_top_modules(path) & FORBIDDEN[part]
        assert not bad, f"{path.relative_to(GAME_DIR)} imports {sorted(bad)}"


def _our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
            and node.module.startswith("game.")}


def test_motion_is_pure_and_the_rules_engine_reads_only_it_and_the_vocabulary() -> None:
    """game.motion (the motion record and its metrics) is used live by the rules engine, in
    `facequest metrics`, records, reports and the replay: it imports only the vocabulary."""
    for part, allowed in (("motion", ("game.expressions", "game.motion")),
                          ("play", ("game.expressions", "game.locales", "game.motion",
                                     "game.play", "game.utf8_text"))):
        for path in sorted((GAME_DIR / part).rglob("*.py")):
            bad = {m for m in _our_imports(path) if not m.startswith(allowed)}
            assert not bad, f"{path.relative_to(GAME_DIR)} imports {sorted(bad)}"


def test_version_flag_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert game.__version__ in capsys.readouterr().out


def test_python_dash_m_game_shows_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "game", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "facequest" in done.stdout
