"""Level files are read within bounds (issue 25, "Inputs"): only a regular file, at most
`MAX_LEVEL_FILE_BYTES`, and checking lists at most `MAX_ERRORS` errors then counts the rest."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from game.cli import main
from game.paths import LEVELS_DIR
from game.play.level_loader import (
    MAX_LEVEL_FILE_BYTES,
    LevelFileError,
    check_level_file,
    load_level_set,
)
from game.play.level_validation import MAX_ERRORS


def with_unknown_fields(path: Path, count: int) -> Path:
    """first-faces.toml with `count` unknown top-level fields before its levels."""
    text = (LEVELS_DIR / "first-faces.toml").read_text(encoding="utf-8")
    head, sep, tail = text.partition("[[levels]]")
    path.write_text(head + "".join(f"z{i}=1\n" for i in range(count)) + sep + tail,
                    encoding="utf-8")
    return path


def test_a_link_to_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    zero = tmp_path / "zero.toml"
    os.symlink("/dev/zero", zero)
    started = time.monotonic()
    (error,) = check_level_file(zero)
    assert "not a regular file" in error.found
    with pytest.raises(LevelFileError, match="not a regular file"):
        load_level_set(zero)
    assert time.monotonic() - started < 1.0


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    (error,) = check_level_file(fifo)
    assert "not a regular file" in error.found


def test_a_huge_file_is_refused_from_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(2**30)  # 1 GB, sparse: nothing is read
    started = time.monotonic()
    (error,) = check_level_file(big)
    assert "1,073,741,824 bytes" in error.found and "1 MB" in error.allowed
    assert time.monotonic() - started < 1.0
    just_over = tmp_path / "over.toml"
    just_over.write_bytes(b"#" * (MAX_LEVEL_FILE_BYTES + 1))
    assert "bytes" in check_level_file(just_over)[0].found


def test_checking_lists_50_errors_then_counts_the_rest(tmp_path: Path) -> None:
    errors = check_level_file(with_unknown_fields(tmp_path / "many.toml", 20_000))
    assert len(errors) == MAX_ERRORS + 1
    assert all("unknown field" in e.found for e in errors[:MAX_ERRORS])
    assert str(errors[-1]).endswith(f"checking stopped after {MAX_ERRORS} errors; "
                                    "19,950 more not shown")
    few = check_level_file(with_unknown_fields(tmp_path / "few.toml", 3))
    assert len(few) == 3 and not any(e.not_shown for e in few)


def test_levels_check_prints_at_most_52_lines_for_100000_bad_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_unknown_fields(tmp_path / "many.toml", 100_000)
    assert path.stat().st_size <= MAX_LEVEL_FILE_BYTES
    assert main(["levels", "check", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == MAX_ERRORS + 2  # 50 errors, the count of the rest, the summary
    assert "99,950 more not shown" in err[-2] and "Traceback" not in "\n".join(err)


def test_levels_list_counts_every_error_of_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_unknown_fields(tmp_path / "many.toml", 120)
    assert main(["levels", "list", str(tmp_path)]) == 1
    assert "many.toml: 120 error(s)" in capsys.readouterr().err


def test_a_utf8_byte_order_mark_is_read_past(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notepad's "UTF-8 with BOM": the mark is not TOML, the file is good (it said "Invalid
    statement (at line 1, column 1)"); a broken field still gets its own line number."""
    text = (LEVELS_DIR / "first-faces.toml").read_text(encoding="utf-8")
    marked = tmp_path / "notepad.toml"
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert check_level_file(marked) == []
    assert load_level_set(marked).id == "first-faces"
    assert main(["levels", "check", str(marked)]) == 0
    assert capsys.readouterr().out == f"{marked}: ok\n"
    broken = tmp_path / "broken.toml"
    broken.write_bytes(b"\xef\xbb\xbf" + text.replace("trials = 6", 'trials = "six"', 1)
                       .encode("utf-8"))
    (error,) = check_level_file(broken)
    assert (error.line, error.field) == (19, "levels[0].trials")


def test_a_file_saved_in_another_encoding_names_the_line_of_its_first_foreign_byte(
    tmp_path: Path,
) -> None:
    """A Chinese text saved as GBK: the error said line 1 whatever line the text was on."""
    text = (LEVELS_DIR / "first-faces.toml").read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(text.encode("gbk"))
    (error,) = check_level_file(gbk)
    first_chinese = next(i for i, line in enumerate(text.splitlines(), 1)
                         if any(ord(ch) > 127 for ch in line))
    assert error.line == first_chinese > 1
    assert error.field == "(file)" and "not UTF-8" in error.found
