"""labels.csv faults from the break-it run, and two runs sharing one feature cache."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import numpy as np
import pytest

from game.training.dataset import DatasetError, load_labels
from game.training.feature_cache import FeatureCache
from game.vision.features import FEATURE_NAMES


def folder_with(tmp_path: Path, labels: bytes, images: dict[str, bytes]) -> Path:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "labels.csv").write_bytes(labels)
    for name, data in images.items():
        (folder / name).write_bytes(data)
    return folder


def test_a_byte_order_mark_before_the_header_is_fine(tmp_path: Path) -> None:
    import cv2

    jpeg = cv2.imencode(".jpg", np.full((8, 8, 3), 128, np.uint8))[1].tobytes()
    folder = folder_with(tmp_path, b"\xef\xbb\xbffile,label,subject\na.jpg,happy,s1\n",
                         {"a.jpg": jpeg})
    (item,) = load_labels(folder)
    assert item.path == folder / "a.jpg" and item.subject == "set/s1"


def test_an_empty_image_file_is_named_with_its_line(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, b"file,label,subject\na.jpg,happy,s1\n", {"a.jpg": b""})
    with pytest.raises(DatasetError, match=r"labels\.csv:2: .*empty file"):
        load_labels(folder)


@pytest.mark.parametrize("outside", ["../secret.jpg", "/etc/passwd", "sub/../../secret.jpg"])
def test_a_path_outside_the_folder_is_refused_and_never_read(
    outside: str, tmp_path: Path
) -> None:
    (tmp_path / "secret.jpg").write_bytes(b"private")
    folder = folder_with(tmp_path, f"file,label,subject\n{outside},happy,s1\n".encode(), {})
    with pytest.raises(DatasetError, match="outside the data folder"):
        load_labels(folder)


def test_a_latin1_file_is_one_error_not_a_decode_traceback(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "file,label,subject\na.jpg,happy,Jos\xe9\n".encode("latin-1"),
                         {"a.jpg": b"x"})
    with pytest.raises(DatasetError, match="not UTF-8"):
        load_labels(folder)


def test_a_short_row_is_named_with_its_line(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, b"file,label,subject\na.jpg,happy\n", {"a.jpg": b"x"})
    with pytest.raises(DatasetError, match=r"labels\.csv:2: the row has too few columns"):
        load_labels(folder)


def test_two_runs_sharing_a_cache_wait_for_each_other_instead_of_failing(
    tmp_path: Path,
) -> None:
    values = np.zeros(len(FEATURE_NAMES), np.float32)
    first = FeatureCache(tmp_path)
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600
    # sqlite's default wait is 5 s; a run commits every 50 images, which can take longer
    (busy_ms,) = first._db.execute("PRAGMA busy_timeout").fetchone()
    assert busy_ms >= 60_000
    first.put_features("a" * 64, values)  # an open write transaction, like a run mid-batch
    errors: list[BaseException] = []

    def other_run() -> None:
        try:
            with FeatureCache(tmp_path) as second:
                second.put_features("b" * 64, values)
                second.commit()
        except BaseException as exc:  # "database is locked" before the fix
            errors.append(exc)

    thread = threading.Thread(target=other_run)
    thread.start()
    thread.join(timeout=1.0)  # the other run is still waiting for the lock
    first.commit()
    thread.join(timeout=60)
    assert not thread.is_alive() and errors == []
    assert isinstance(first.get_features("b" * 64), np.ndarray)
    first.close()
