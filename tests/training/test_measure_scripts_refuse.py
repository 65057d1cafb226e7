"""The measurement scripts refuse bad input in one sentence before any work (exit 1), and a
--json that cannot be written is refused before the long run, not after it."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from game.training.occlusion_fit import Sample, save_samples

ROOT = Path(__file__).resolve().parents[2]
Main = Callable[[list[str]], int]


def _main(script: str) -> Main:
    spec = importlib.util.spec_from_file_location(script, ROOT / "scripts" / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main: Main = module.main
    return main


def _refused(main: Main, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def _caches(folder: Path, people: int) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(0)
    save_samples([Sample(f"p{i}", frozenset(), rng.integers(0, 255, (128, 128), np.uint8),
                         "clean", "set", True, 0.0) for i in range(people)],
                 folder / "set.npz")
    return folder


def test_pacifier_features_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = _main("measure_pacifier_features")
    caches = _caches(tmp_path / "caches", people=3)
    empty = tmp_path / "empty"
    empty.mkdir()
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "x.npz").write_text("not an archive")
    hog = ["--variants", "hog"]
    assert "not a folder" in _refused(main, ["--samples-dir", str(tmp_path / "no")], capsys)
    assert "no train-occlusion caches" in _refused(main, ["--samples-dir", str(empty)], capsys)
    assert "--variants" in _refused(main, ["--samples-dir", str(caches), "--variants", "x"],
                                    capsys)
    assert "--folds" in _refused(main, ["--samples-dir", str(caches), "--folds", "1"], capsys)
    assert "--epochs" in _refused(main, ["--samples-dir", str(caches), "--epochs", "0"], capsys)
    assert "hold 3" in _refused(main, ["--samples-dir", str(caches), *hog, "--folds", "4"],
                                capsys)
    assert "not a cache" in _refused(main, ["--samples-dir", str(junk), *hog], capsys)
    out = tmp_path / "missing" / "x.json"
    assert "--json" in _refused(main, ["--samples-dir", str(caches), *hog, "--json", str(out)],
                                capsys)
    assert not out.parent.exists()


def test_eyewear_holdout_refuses_a_bad_seed_and_an_unwritable_json_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = _main("measure_eyewear_holdout")
    data = ["--data", str(tmp_path / "no-data")]  # never read: refused before
    assert "--seed" in _refused(main, [*data, "--seed", "-1"], capsys)
    out = tmp_path / "missing" / "x.json"
    assert "--json" in _refused(main, [*data, "--varied", "extra", "--json", str(out)], capsys)
    assert "--json" in _refused(main, [*data, "--json", str(tmp_path)], capsys)


def test_calibrated_eyewear_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = _main("measure_calibrated_eyewear")
    data = ["--data", str(tmp_path / "no-such-folder")]
    assert "--styles" in _refused(main, [*data, "--styles", "mirrored"], capsys)
    assert "--out-of-fold" in _refused(main, [*data, "--out-of-fold", "1"], capsys)
    assert "--json" in _refused(main, [*data, "--json", str(tmp_path / "no" / "x.json")], capsys)
    assert "cannot measure" in _refused(main, data, capsys)


def test_calibrated_eyewear_hits_at_the_other_folds_false_alarm_threshold() -> None:
    import importlib.util as util

    spec = util.spec_from_file_location("mce", ROOT / "scripts" / "measure_calibrated_eyewear.py")
    assert spec is not None and spec.loader is not None
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(0)
    truth = np.arange(400) % 2
    fold = (np.arange(400) // 2) % 2
    first = np.where(truth == 0, rng.uniform(0.5, 1.0, 400), rng.uniform(0.0, 0.6, 400))
    probabilities = np.column_stack([first, 1.0 - first])
    probabilities[2] = np.nan  # a picture not read (no neutral to compare it with)
    limits = module.thresholds(probabilities, truth, fold, 2)
    for f in range(2):
        others = probabilities[(fold != f) & (truth != 0), 0]
        assert np.mean(others >= limits[f, 0]) == pytest.approx(0.04, abs=0.01)
    hit, accuracy, n = module.hit_rate(probabilities, truth, fold, limits, truth == 0)
    assert n == 199  # the unread picture is left out
    assert accuracy == 1.0  # every label-0 picture has its label's probability over 0.5
    expected = np.mean([probabilities[i, 0] >= limits[fold[i], 0]
                        for i in np.flatnonzero(truth == 0) if i != 2])
    assert 0.0 < hit < 1.0
    assert hit == pytest.approx(expected)
