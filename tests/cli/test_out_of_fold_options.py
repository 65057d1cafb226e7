"""`--out-of-fold` options of `facequest evaluate` and `facequest robustness`: a bad
combination is one clear sentence and a non-zero exit, before any training starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "faces"
    folder.mkdir()
    (folder / "labels.csv").write_text("file,label,subject\n")
    return folder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["evaluate", "--out-of-fold", "1"], "at least 2"),
        (["evaluate", "--no-copies"], "--out-of-fold K."),
        (["evaluate", "--write-scoring"], "--out-of-fold K."),
        (["evaluate", "--out-of-fold", "3", "--calibrated"], "leave out --calibrated"),
        (["evaluate", "--out-of-fold", "3", "--map-population", "nope"], "not the name"),
        (["evaluate", "--out-of-fold", "3", "--reliability-plot", "x.txt"], ".png or .svg"),
        (["robustness", "--out-of-fold", "1"], "at least 2"),
        (["robustness", "--no-copies"], "--out-of-fold K."),
        (["robustness", "--out-of-fold", "3", "--model", "m.onnx"], "leave out --model"),
        (["robustness", "--out-of-fold", "3", "--map-population", "nope"], "not the name"),
        (["robustness", "--hold-out-style", "thin"], "--out-of-fold K."),
        (["robustness", "--calibrated"], "--out-of-fold K."),
        (["robustness", "--picked-copies"], "--out-of-fold K."),
        (["robustness", "--maps-on", "still"], "--out-of-fold K."),
        (["evaluate", "--maps-on", "video"], "--out-of-fold K."),
        (["evaluate", "--maps-on", "still"], "facequest: --maps-on needs --out-of-fold K."),
        (["evaluate", "--no-copies", "--write-scoring"],
         "--no-copies and --write-scoring need --out-of-fold K."),
        (["robustness", "--out-of-fold", "3", "--hold-out-style", "round"], "some of thin"),
        (["robustness", "--out-of-fold", "3", "--hold-out-style", "thin", "--no-copies"],
         "leave out --no-copies"),
    ],
)
def test_bad_out_of_fold_options_are_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    folder = _folder(tmp_path)
    code = main([args[0], "--data", str(folder), *args[1:]])
    err = capsys.readouterr().err
    assert code != 0
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
