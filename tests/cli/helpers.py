"""Checks the CLI fault tests share."""

from __future__ import annotations

import pytest


def one_sentence(capsys: pytest.CaptureFixture[str]) -> str:
    """The one `facequest:` line the command printed on stderr (and no traceback)."""
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("facequest:")]
    assert len(lines) == 1, err
    return lines[0]
