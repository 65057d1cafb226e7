"""Which pictures a model learnt, recognised by their content, not by their folder's name.

`facequest train` writes, beside the raw model, the SHA-256 of every image file listed in its
`--data` folders (the first `HASH_HEX` hex digits, sorted, one a line):
`models/expression.onnx` -> `models/expression.trained_images.txt`. The calibrated model
(`expression_calibrated.onnx`) learnt from the same pictures and uses the same file. The file
holds hashes only, never an image, and is bound to its model file by the model's SHA-256.

`facequest evaluate` and `facequest robustness` count, per `--data` folder, how many of its
images the model trained on (a renamed or moved copy is still the same bytes), warn when any
are, and can leave them out (`--exclude-trained`), so figures are on pictures the model never
saw. What a hash cannot see: a re-encoded copy (other bytes), and *other* pictures of a
person it trained on; a folder of new people needs new people, not only new files.

Build the file for a model trained before this existed (the shipped one was trained on the
three dev sets):

    python -m game.training.trained_images --model models/expression.onnx \\
        --data cafe_children --data tw_performers --data ckplus48
"""

from __future__ import annotations

import argparse
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from game.training.dataset import LabelledImage, load_folders
from game.vision.pipeline import raw_companion_path

logger = logging.getLogger(__name__)

HASH_HEX = 16  # 64 bits of SHA-256: no chance collision among millions of pictures
SUFFIX = ".trained_images.txt"
MODEL_LINE = "# model_sha256: "


def trained_images_path(model_path: Path) -> Path:
    """The hash file of a model (a calibrated model shares its raw model's file)."""
    raw = raw_companion_path(Path(model_path))
    return raw.with_name(raw.stem + SUFFIX)


def image_hash(path: Path) -> str:
    """The truncated SHA-256 (`HASH_HEX` hex digits) of the file's bytes.

    Raises OSError when the file cannot be read."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_HEX]


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class TrainedImages:
    """The hashes of the pictures a model trained on (`path`: the file they came from)."""

    hashes: frozenset[str]
    path: Path

    def trained(self, items: Sequence[LabelledImage]) -> list[bool]:
        """For each item: whether the model trained on its picture (same bytes)."""
        return [image_hash(item.path) in self.hashes for item in items]


def write_trained_images(model_path: Path, images: Iterable[Path]) -> Path:
    """Write the hash file of the model at `model_path` (which must exist: the file is bound
    to its SHA-256) for the pictures `images`; returns the file's path.

    Raises OSError when a picture or the model cannot be read or the file cannot be written.
    """
    hashes = sorted({image_hash(p) for p in images})
    path = trained_images_path(model_path)
    lines = [
        f"# FaceQuest: SHA-256 (first {HASH_HEX} hex digits) of each image file "
        f"{Path(model_path).name} was trained on; hashes only, no image",
        MODEL_LINE + _file_sha256(Path(model_path)),
        f"# images: {len(hashes)}",
        *hashes,
    ]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", "utf-8")
    tmp.replace(path)
    logger.info("wrote %s (%d image hashes)", path, len(hashes))
    return path


def load_trained_images(model_path: Path) -> TrainedImages | None:
    """The hashes of the pictures the model at `model_path` trained on; None (with one
    warning when the file is there but unusable) when the model has no hash file, or the
    file was written for another model file (raw model's SHA-256 differs)."""
    path = trained_images_path(model_path)
    if not path.is_file():
        return None
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("%s unusable (%s): trained-on pictures unknown", path, exc)
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    bound = next((x[len(MODEL_LINE):] for x in lines if x.startswith(MODEL_LINE)), "")
    raw_model = raw_companion_path(Path(model_path))
    if bound and raw_model.is_file() and bound != _file_sha256(raw_model):
        logger.warning("%s was written for another %s: trained-on pictures unknown",
                       path.name, raw_model.name)
        return None
    hashes = frozenset(x for x in lines if not x.startswith("#"))
    if any(len(h) != HASH_HEX or not _is_hex(h) for h in hashes):
        logger.warning("%s holds a line that is not a hash: trained-on pictures unknown", path)
        return None
    return TrainedImages(hashes, path)


def _is_hex(text: str) -> bool:
    try:
        int(text, 16)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class TrainedCheck:
    """Which of some labelled images a model trained on.

    `basis`: "content" (the model's hash file), "folder name" (no hash file: the data-set
    names in the model's `trained_on` metadata, as before hash files existed) or "unknown".
    `trained[i]` is item i's answer; `counts` per data set: {"images", "trained"}.
    """

    basis: str
    trained: tuple[bool, ...]
    counts: dict[str, dict[str, int]]

    @property
    def any(self) -> bool:
        return any(self.trained)

    def sets(self) -> list[str]:
        """The data sets with at least one trained-on image."""
        return [name for name, c in self.counts.items() if c["trained"]]

    def as_dict(self, excluded: bool) -> dict[str, object]:
        """JSON-ready: the basis, whether they were left out, the counts per data set."""
        return {"basis": self.basis, "excluded": excluded, "datasets": self.counts}

    def note(self, excluded: bool) -> str | None:
        """The one-sentence warning (None when no image was trained on)."""
        parts = [f"{c['trained']} of the {c['images']} images of {name}"
                 for name, c in self.counts.items() if c["trained"]]
        if not parts:
            return None
        how = "by content" if self.basis == "content" else f"by {self.basis}"
        if excluded:
            return (f"note: the model trained on {', '.join(parts)} ({how}); they were left "
                    "out (--exclude-trained), so the figures are on images it never saw, "
                    "though other images of the same people may remain")
        return (f"note: this model was trained on {', '.join(parts)} ({how}), so these "
                "figures are on faces it learnt and flatter it; --exclude-trained leaves them "
                "out, and its figures on people it never saw are the subject-wise "
                "cross-validation in models/MODEL_CARD.md")


def check_trained(
    items: Sequence[LabelledImage], model_path: Path, trained_on: str | None = None
) -> TrainedCheck:
    """Which of `items` the model at `model_path` trained on: by the hashes of its
    `trained_images_path` file, else (no usable file) by the data-set names in its
    `trained_on` metadata (`trained_on` given, or read from the model).

    Raises OSError when an image cannot be read, ModelError when the model is needed for its
    metadata and cannot be loaded."""
    known = load_trained_images(model_path)
    if known is not None:
        basis = "content"
        flags = tuple(image_hash(item.path) in known.hashes for item in items)
    else:
        if trained_on is None:
            from game.vision.model import ExpressionModel

            trained_on = ExpressionModel.load(model_path).trained_on
        named = sets_named(trained_on)
        basis = "folder name" if named else "unknown"
        flags = tuple(item.dataset in named for item in items)
    counts: dict[str, dict[str, int]] = {}
    for item, was in zip(items, flags, strict=True):
        entry = counts.setdefault(item.dataset, {"images": 0, "trained": 0})
        entry["images"] += 1
        entry["trained"] += int(was)
    return TrainedCheck(basis, flags, counts)


def sets_named(trained_on: str) -> set[str]:
    """The data-set names a model's `trained_on` metadata names ("name: N images, ..." parts
    joined by "; ", as `facequest train` writes it)."""
    return {part.split(":", 1)[0].strip() for part in trained_on.split(";") if ":" in part}


def main(argv: list[str] | None = None) -> int:
    """Write the hash file of a model already trained on the `--data` folders."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--model", type=Path, required=True, help="the raw model (.onnx)")
    parser.add_argument("--data", type=Path, action="append", required=True,
                        help="a labelled folder the model was trained on (repeat)")
    args = parser.parse_args(argv)
    items = load_folders(list(args.data))
    path = write_trained_images(args.model, [item.path for item in items])
    print(f"{path}: {len({image_hash(i.path) for i in items})} image hashes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
