"""Small labelled folders built from a few real dataset images (no image is copied: the
labels.csv in tmp_path points at the shared dataset files by absolute path)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from game.expressions import Expression


def write_subset(source: Path, dest: Path, subjects: int, per_label: int = 1) -> Path:
    """A labels.csv in `dest` naming up to `per_label` images per (subject, label) for the
    first `subjects` subjects of `source` that pose every expression."""
    with (source / "labels.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_subject: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_subject.setdefault(row["subject"], []).append(row)
    everything = {e.value for e in Expression}
    chosen = [s for s, r in by_subject.items() if {x["label"] for x in r} == everything]
    dest.mkdir(parents=True, exist_ok=True)
    with (dest / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "label", "subject"])
        for subject in chosen[:subjects]:
            seen: dict[str, int] = {}
            for row in by_subject[subject]:
                if seen.get(row["label"], 0) < per_label:
                    seen[row["label"]] = seen.get(row["label"], 0) + 1
                    link = dest / row["file"]  # a link, never a copy of the image
                    if not link.exists():
                        link.parent.mkdir(parents=True, exist_ok=True)
                        link.symlink_to(source / row["file"])
                    writer.writerow([row["file"], row["label"], subject])
    return dest


@pytest.fixture(scope="session")
def tiny_adults(performers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 performers x 7 expressions x 2 images = 42 real images."""
    return write_subset(performers_dir, tmp_path_factory.mktemp("tiny_adults"), 3, 2)


@pytest.fixture(scope="session")
def feature_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feature_cache")


@pytest.fixture(scope="session")
def tiny_children(children_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 children x 7 expressions x 1 image = 14 real images."""
    return write_subset(children_dir, tmp_path_factory.mktemp("tiny_children"), 2, 1)
