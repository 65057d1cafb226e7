"""Labelled folders and the on-disk feature cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.training.dataset import DatasetError, load_labels
from game.training.feature_cache import FeatureCache, extract, file_sha256, pad_image
from game.vision.features import FEATURE_NAMES


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "labels.csv").write_text(text, encoding="utf-8")
    return folder


def test_bad_folders_are_reported_with_the_line(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"labels\.csv not found"):
        load_labels(tmp_path / "nothing")
    with pytest.raises(DatasetError, match="lacks the column"):
        load_labels(_write(tmp_path / "a", "file,label\nx.jpg,happy\n"))
    image = tmp_path / "b" / "x.jpg"
    image.parent.mkdir()
    image.write_bytes(b"not really an image")
    with pytest.raises(DatasetError, match=r"labels.csv:2: unknown expression 'joyful'"):
        load_labels(_write(tmp_path / "b", "file,label,subject\nx.jpg,joyful,s1\n"))
    with pytest.raises(DatasetError, match="not found"):
        load_labels(_write(tmp_path / "c", "file,label,subject\nmissing.jpg,happy,s1\n"))


def test_children_set_loads_with_folder_prefixed_subjects(children_dir: Path) -> None:
    items = load_labels(children_dir)
    assert len(items) == 833
    assert len({i.subject for i in items}) == 112
    assert all(i.subject.startswith("cafe_children/") for i in items)


def test_padding_adds_a_white_border() -> None:
    rgb = np.zeros((100, 80, 3), np.uint8)
    padded = pad_image(rgb, 0.2)
    assert padded.shape == (140, 112, 3)
    assert padded[0, 0].tolist() == [255, 255, 255] and padded[70, 56].tolist() == [0, 0, 0]


def test_features_are_cached_by_image_hash(tiny_adults: Path, feature_cache_dir: Path) -> None:
    items = load_labels(tiny_adults)[:4]
    first = extract(items, cache_dir=feature_cache_dir, progress=False)
    assert first.features.shape == (4, len(FEATURE_NAMES))
    with FeatureCache(feature_cache_dir) as cache:
        sha = file_sha256(items[0].path)
        cached = cache.get_features(sha)
        assert isinstance(cached, np.ndarray)
        assert np.array_equal(cached, first.features[0])
        observation = cache.get_observation(sha)
        assert observation is not None and observation.has_face
    again = extract(items, cache_dir=feature_cache_dir, progress=False)
    assert np.array_equal(again.features, first.features)
