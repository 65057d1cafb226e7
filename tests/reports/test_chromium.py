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


BACKGROUND = (0xEE, 0xF3, 0xF6)  # the page around the white card (body background)
PRINT_WIDTH_PX = 703  # A4 portrait less the report's 12 mm side margins, at 96 px per inch
AS_PRINTED = (
    "<style>html, body { background: #eef3f6 !important; }"
    f" main {{ max-width: {PRINT_WIDTH_PX}px !important; margin: 0 auto !important;"
    " background: #fff; }</style></head>"
)


def _screenshot(page: Path, shot: Path, width: int, height: int, profile_dir: Path) -> np.ndarray:
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", f"--user-data-dir={profile_dir}", f"--screenshot={shot}",
         f"--window-size={width},{height}", page.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert shot.is_file(), "no screenshot"
    return np.asarray(Image.open(shot).convert("RGB"), dtype=int)


def _ink_outside_the_card(pixels: np.ndarray, card_width: int) -> int:
    """Columns right of the centred card that are not plain page background."""
    right = (pixels.shape[1] + card_width) // 2 + 2
    margin = pixels[:, right:, :]
    return int((np.abs(margin - np.array(BACKGROUND)).sum(axis=2) > 24).any(axis=0).sum())


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_sessions_table_fits_the_card_on_screen_and_at_a4_print_width(
    filled_dir: tuple[Path, str], tmp_path: Path, lang: str
) -> None:
    """A fresh tester saw the sessions table run off the card."""
    from game.records.store import open_store

    data_dir, profile_id = filled_dir
    with open_store(data_dir) as store:
        for reason, level_set in (("source_ended", "a-long-research-level-set-id-from-site-b"),
                                  ("child_away", "six-feelings")):
            session = store.start_session(profile_id, level_set_id=level_set)
            store.end_session(session.session_id, reason=reason)
        report = write_report(store, profile_id, tmp_path / "report.html", lang=lang)
    screen = _screenshot(report, tmp_path / "screen.png", 1100, 4200, tmp_path / "p1")
    assert _ink_outside_the_card(screen[:, :, :], 1040) == 0, "a table runs off the card"

    printed = report.read_text(encoding="utf-8").replace("@media print", "@media all")
    printed = printed.replace("</head>", AS_PRINTED, 1)
    as_printed = tmp_path / "printed.html"
    as_printed.write_text(printed, encoding="utf-8")
    pixels = _screenshot(as_printed, tmp_path / "print.png", 900, 5200, tmp_path / "p2")
    assert (pixels[:, 450, :] != np.array(BACKGROUND)).any(axis=1).mean() > 0.5, "card drawn"
    assert _ink_outside_the_card(pixels, PRINT_WIDTH_PX) == 0, "a table is wider than A4"
