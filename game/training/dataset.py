"""Labelled face-image folders: `labels.csv` with `file,label,subject` beside the images.

A folder is one data set (e.g. the children's set or a clinic's own consented photos).
`file` is relative to the folder, `label` an `Expression` value, `subject` the person's id;
cross-validation groups by subject, so every image of one person lands on the same side.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from game.expressions import Expression

logger = logging.getLogger(__name__)

LABELS_FILE = "labels.csv"
REQUIRED_COLUMNS = ("file", "label", "subject")


class DatasetError(ValueError):
    """A data folder that cannot be used; the message says which file and why."""


@dataclass(frozen=True, slots=True)
class LabelledImage:
    """One image of a data set with its posed expression and the person's id."""

    path: Path
    label: Expression
    subject: str
    dataset: str


def load_labels(data_dir: Path) -> list[LabelledImage]:
    """Read `data_dir/labels.csv`; raise DatasetError naming the first problem found.

    Subjects are prefixed with the folder's name so that two sets cannot share an id.
    """
    data_dir = Path(data_dir)
    labels_path = data_dir / LABELS_FILE
    if not labels_path.is_file():
        raise DatasetError(f"{labels_path} not found: a data folder needs {LABELS_FILE}")
    name = data_dir.resolve().name
    items: list[LabelledImage] = []
    with labels_path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise DatasetError(f"{labels_path} lacks the column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            try:
                label = Expression.parse(row["label"])
            except ValueError as exc:
                raise DatasetError(f"{labels_path}:{line}: {exc}") from None
            subject = (row["subject"] or "").strip()
            if not subject:
                raise DatasetError(f"{labels_path}:{line}: empty subject")
            path = data_dir / row["file"]
            if not path.is_file():
                raise DatasetError(f"{labels_path}:{line}: image {row['file']!r} not found")
            items.append(LabelledImage(path, label, f"{name}/{subject}", name))
    if not items:
        raise DatasetError(f"{labels_path} lists no images")
    logger.info("%s: %d images of %d subjects", name, len(items), len({i.subject for i in items}))
    return items


def load_folders(data_dirs: list[Path]) -> list[LabelledImage]:
    """All images of several data folders, in order."""
    items: list[LabelledImage] = []
    for data_dir in data_dirs:
        items.extend(load_labels(data_dir))
    return items
