"""The charts: SVG for the report, PNG of an exact size for the game, all four kinds."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from game.records.store import ProgressStore, memory_store
from game.reports.charts import CHART_KINDS, CHART_TITLES, chart_png, chart_svg
from game.reports.summary import ProgressSummary, summarize_profile


@pytest.fixture
def summary(filled_store: tuple[ProgressStore, str]) -> ProgressSummary:
    store, profile_id = filled_store
    return summarize_profile(store, profile_id)


@pytest.mark.parametrize("kind", CHART_KINDS)
def test_png_has_the_asked_size_and_shows_a_drawing(kind: str, summary: ProgressSummary) -> None:
    data = chart_png(kind, summary, width_px=640, height_px=300)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (640, 300)
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert (pixels < 200).mean() > 0.01, "the chart has lines, bars and text"
    assert pixels.std() > 10


def test_svg_is_an_inline_element_with_a_title_and_unique_ids(summary: ProgressSummary) -> None:
    svgs = [chart_svg(kind, summary) for kind in CHART_KINDS]
    ids: list[str] = []
    for kind, svg in zip(CHART_KINDS, svgs, strict=True):
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert "<?xml" not in svg and "<metadata>" not in svg
        assert f'aria-label="{CHART_TITLES[kind]}"' in svg
        assert CHART_TITLES[kind] in svg  # the title is text, not glyph paths
        own = re.findall(r'\bid="([^"]+)"', svg)
        refs = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
        assert refs and refs <= set(own), "every clip path and marker reference resolves"
        ids += own
    assert len(ids) == len(set(ids)), "ids must not clash when the charts share one page"


def test_same_data_gives_the_same_svg(summary: ProgressSummary) -> None:
    assert chart_svg("made", summary) == chart_svg("made", summary)


def test_unknown_chart_kind_is_a_clear_error(summary: ProgressSummary) -> None:
    with pytest.raises(ValueError, match="unknown chart 'pie'"):
        chart_png("pie", summary)


def test_charts_of_a_child_without_sessions_say_so(tmp_path: Path) -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    empty = summarize_profile(store, child.profile_id)
    assert "No sessions yet" in chart_svg("latency", empty)
    assert Image.open(io.BytesIO(chart_png("made", empty, width_px=300, height_px=200))).size == (
        300,
        200,
    )
