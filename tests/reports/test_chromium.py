"""The report opens in headless Chromium, and the screenshot shows a real page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from game.records.store import ProgressStore
from game.reports.html_report import write_report

CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and Path(p).exists()
    ),
    None,
)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
def test_report_renders_in_headless_chromium(
    filled_store: tuple[ProgressStore, str], tmp_path: Path
) -> None:
    store, profile_id = filled_store
    report = write_report(store, profile_id, tmp_path / "report.html")
    shot = tmp_path / "report.png"
    profile_dir = tmp_path / "chromium-profile"
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile_dir}",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert shot.is_file(), f"no screenshot; chromium said: {done.stderr[-2000:]}"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1600)
    pixels = np.asarray(image, dtype=float)
    grey = pixels.mean(axis=2)
    assert grey.std() > 20, "the page is blank"
    assert (grey < 128).mean() > 0.005, "there is dark text"
    # the charts' colours are on screen (orange Happy line, blue bars)
    orange = (
        (abs(pixels[..., 0] - 0xE6) < 30)
        & (abs(pixels[..., 1] - 0x9F) < 30)
        & (pixels[..., 2] < 80)
    )
    assert orange.sum() > 200, "the first chart is drawn"
