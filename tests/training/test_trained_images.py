"""Which pictures the model trained on, recognised by content (issue 22, item 1)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.paths import DEFAULT_MODEL_PATH
from game.training.dataset import load_labels
from game.training.trained_images import (
    HASH_HEX,
    check_trained,
    image_hash,
    load_trained_images,
    trained_images_path,
    write_trained_images,
)
from game.vision.pipeline import calibrated_model_path
from tests.vision.test_sources import write_png


def test_the_shipped_models_share_one_hash_file_bound_to_the_raw_model() -> None:
    path = trained_images_path(DEFAULT_MODEL_PATH)
    assert path == DEFAULT_MODEL_PATH.with_name("expression.trained_images.txt")
    assert trained_images_path(calibrated_model_path(DEFAULT_MODEL_PATH)) == path
    known = load_trained_images(DEFAULT_MODEL_PATH)
    assert known is not None
    # cafe_children 833 (one face not found, still listed) + tw_performers 895 + ckplus48 678
    assert len(known.hashes) == 2406
    assert all(len(h) == HASH_HEX for h in known.hashes)
    text = path.read_text("utf-8")
    assert ".jpg" not in text and ".png" not in text  # hashes only, no file names


def test_a_hash_file_for_another_model_file_is_not_used(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    model = tmp_path / "m.onnx"
    model.write_bytes(b"model one")
    picture = write_png(tmp_path / "a.png", astronaut_rgb)
    written = write_trained_images(model, [picture])
    assert written == tmp_path / "m.trained_images.txt"
    known = load_trained_images(model)
    assert known is not None and known.hashes == {image_hash(picture)}
    model.write_bytes(b"model two")  # retrained without a new hash file
    assert load_trained_images(model) is None
    assert load_trained_images(tmp_path / "other.onnx") is None


def _folder(dest: Path, rows: list[tuple[str, Path, str, str]]) -> Path:
    """A labelled folder of *copies* (in tmp, never in the repository) under new names."""
    dest.mkdir(parents=True)
    with (dest / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "label", "subject"])
        for name, source, label, subject in rows:
            shutil.copyfile(source, dest / name)
            writer.writerow([name, label, subject])
    return dest


@pytest.fixture
def renamed_folder(performers_dir: Path, tmp_path: Path, astronaut_rgb: np.ndarray) -> Path:
    """Three training pictures copied under new names into a folder with another name,
    and one picture the model never saw (the astronaut)."""
    items = load_labels(performers_dir)[::300][:3]
    fresh = write_png(tmp_path / "astronaut.png", astronaut_rgb)
    rows = [(f"copy_{k}.jpg", item.path, item.label.value, f"X{k}")
            for k, item in enumerate(items)]
    return _folder(tmp_path / "clinic_photos", [*rows, ("fresh.png", fresh, "happy", "EC")])


@pytest.mark.datasets
def test_renamed_copies_of_training_pictures_are_recognised(renamed_folder: Path) -> None:
    items = load_labels(renamed_folder)
    seen = check_trained(items, DEFAULT_MODEL_PATH)
    assert seen.basis == "content"
    assert seen.trained == (True, True, True, False)  # the astronaut is not
    assert seen.counts == {"clinic_photos": {"images": 4, "trained": 3}}
    note = seen.note(excluded=False)
    assert note is not None and "3 of the 4 images of clinic_photos" in note


@pytest.mark.datasets
@pytest.mark.slow
def test_evaluate_warns_about_and_can_exclude_trained_pictures(
    renamed_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--data", str(renamed_folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["trained_images"]["datasets"] == {"clinic_photos": {"images": 4, "trained": 3}}
    assert report["trained_on_these_sets"] == ["clinic_photos"]
    assert report["n"] == 4 and "flatter it" in report["trained_note"]
    assert main(["evaluate", "--data", str(renamed_folder)]) == 0
    text = capsys.readouterr().out
    notes = [line for line in text.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "3 of the 4 images of clinic_photos (by content)" in notes[0]
    assert main(["evaluate", "--data", str(renamed_folder), "--exclude-trained", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 1  # only the astronaut is left
    assert report["trained_on_these_sets"] == []
    assert report["trained_images"]["excluded"] is True


def test_evaluate_says_so_when_nothing_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], astronaut_rgb: np.ndarray
) -> None:
    """A folder whose every picture the model learnt: --exclude-trained leaves nothing."""
    folder = tmp_path / "faces"
    folder.mkdir()
    picture = write_png(folder / "a.png", astronaut_rgb)
    (folder / "labels.csv").write_text("file,label,subject\na.png,happy,EC\n")
    model = tmp_path / "expression.onnx"
    shutil.copyfile(DEFAULT_MODEL_PATH, model)
    shutil.copyfile(DEFAULT_MODEL_PATH.with_suffix(".scoring.json"),
                    model.with_suffix(".scoring.json"))
    write_trained_images(model, [picture])
    code = main(["evaluate", "--data", str(folder), "--model", str(model), "--exclude-trained"])
    assert code == 2
    err = capsys.readouterr().err
    assert "trained on every image" in err and "Traceback" not in err
