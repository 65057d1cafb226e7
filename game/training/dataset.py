"""Labelled face-image folders: `labels.csv` with `file,label,subject` beside the images.

A folder is one data set (e.g. the children's set or a clinic's own consented photos).
`file` is relative to the folder, `label` an `Expression` value, `subject` the person's id;
cross-validation groups by subject, so every image of one person lands on the same side.
"""

from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

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
    """Read `data_dir/labels.csv`; raise DatasetError naming the first problem found. Listed
    files that are no usable picture (not an image, a pixel bomb) are left out with one
    warning.

    Subjects are prefixed with the folder's name so that two sets cannot share an id.
    """
    data_dir = Path(data_dir)
    labels_path = data_dir / LABELS_FILE
    if not labels_path.is_file():
        raise DatasetError(f"{labels_path} not found: a data folder needs {LABELS_FILE}")
    root = data_dir.resolve()
    name = root.name
    items: list[LabelledImage] = []
    try:
        # utf-8-sig: a byte-order mark (Excel writes one) is not part of the first column
        with labels_path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise DatasetError(f"{labels_path} lacks the column(s) {', '.join(missing)}")
            for line, row in enumerate(reader, start=2):
                items.append(_labelled(row, data_dir, name, f"{labels_path}:{line}"))
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{labels_path} is not UTF-8 text (byte {exc.start}); save it as "
                           "UTF-8") from None
    except csv.Error as exc:
        raise DatasetError(f"{labels_path} is not readable CSV ({exc})") from None
    if not items:
        raise DatasetError(f"{labels_path} lists no images")
    items = _pictures_only(items, labels_path)
    logger.info("%s: %d images of %d subjects", name, len(items), len({i.subject for i in items}))
    return items


def _labelled(row: dict[str, Any], data_dir: Path, name: str, where: str) -> LabelledImage:
    """One row as a labelled image, or DatasetError naming the file and line. Never a file
    outside `data_dir`: an absolute path or one that climbs out with `..` is refused, not
    read (a link the folder's owner placed inside it is their choice and is followed)."""
    if any(row.get(column) is None for column in REQUIRED_COLUMNS):
        raise DatasetError(f"{where}: the row has too few columns (needs "
                           f"{', '.join(REQUIRED_COLUMNS)})")
    try:
        label = Expression.parse(row["label"])
    except ValueError as exc:
        raise DatasetError(f"{where}: {exc}") from None
    subject = (row["subject"] or "").strip()
    if not subject:
        raise DatasetError(f"{where}: empty subject")
    relative = PurePath(os.path.normpath(row["file"]))
    if relative.is_absolute() or relative.drive or (relative.parts[:1] == ("..",)):
        raise DatasetError(f"{where}: image {row['file']!r} is outside the data folder; "
                           "images must sit inside it")
    path = data_dir / relative
    if not path.is_file():
        raise DatasetError(f"{where}: image {row['file']!r} not found")
    if path.stat().st_size == 0:
        raise DatasetError(f"{where}: image {row['file']!r} is an empty file")
    return LabelledImage(path, label, f"{name}/{subject}", name)


def _pictures_only(items: list[LabelledImage], labels_path: Path) -> list[LabelledImage]:
    """`items` without the files that are no usable picture (a text file named .jpg, a
    header claiming a pixel bomb), skipped with one warning (`usable_images`); DatasetError
    when none is left."""
    from game.vision.sources import SourceError, image_size, usable_images

    good, skipped = usable_images([item.path for item in items], f"the list {labels_path}")
    if not good:
        try:
            image_size(skipped[0])
        except SourceError as exc:
            raise DatasetError(f"no image listed in {labels_path} is a readable picture "
                               f"({exc})") from None
    kept = set(good)
    return [item for item in items if item.path in kept]


def load_folders(data_dirs: list[Path]) -> list[LabelledImage]:
    """All images of several data folders, in order."""
    items: list[LabelledImage] = []
    for data_dir in data_dirs:
        items.extend(load_labels(data_dir))
    return items
