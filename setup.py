"""The wheel is the whole app: the build copies `levels/`, `assets/` and `models/` into the
package as `game/_data/`, where `game.paths` finds them with `importlib.resources`.

Everything else about the build is declared in pyproject.toml. The folders stay at the top
of the repository (a checkout reads them there); only the built package gets a copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED_FOLDERS = ("levels", "assets", "models")  # game.paths.SHIPPED_FOLDERS


class BuildPyWithData(build_py):
    """build_py, then a copy of the shipped folders into `<build>/game/_data/`."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the repository's folders
            return
        target = Path(self.build_lib) / "game" / "_data"
        for name in SHIPPED_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"cannot build FaceQuest: the {name}/ folder is missing")
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", "*.previous"))


setup(cmdclass={"build_py": BuildPyWithData})
