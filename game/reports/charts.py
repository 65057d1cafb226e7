"""The progress charts, drawn once with matplotlib and given as SVG (reports) or PNG (game).

Uses matplotlib's object API (`Figure` + `savefig`), never pyplot, so no GUI backend is
chosen and nothing global changes. Colours are the Okabe-Ito palette (readable with
colour-blindness), and each expression also has its own marker so charts print in grey.

For the in-game progress scene:
    summary = summarize_profile(store, profile_id)
    png = chart_png("made", summary, width_px=900, height_px=420)
    surface = pygame.image.load(io.BytesIO(png))

Every text is in the report's language (`lang`, `game.reports.report_text`); Chinese
charts draw their glyphs with the shipped Noto Sans CJK SC subset.
"""

from __future__ import annotations

import functools
import html
import io
import math
import re
from collections.abc import Callable
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from game.paths import ASSETS_DIR
from game.reports.report_text import ReportText
from game.reports.summary import ProgressSummary, SessionSummary, Tally

CHART_KINDS: tuple[str, ...] = ("made", "without_help", "latency", "intensity")
# English titles and captions (the charts of a report in another language use its texts)
CHART_TITLES: dict[str, str] = {kind: ReportText().t(f"chart.{kind}") for kind in CHART_KINDS}
CHART_CAPTIONS: dict[str, str] = {kind: ReportText().t(f"caption.{kind}") for kind in CHART_KINDS}
CJK_FONT_FILE = ASSETS_DIR / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
CJK_FONT_NAME = "Noto Sans CJK SC"


def chart_title(kind: str, lang: str = "en") -> str:
    return ReportText(lang).t(f"chart.{kind}")


def chart_caption(kind: str, lang: str = "en") -> str:
    return ReportText(lang).t(f"caption.{kind}")


EXPRESSION_STYLE: dict[str, tuple[str, str]] = {  # colour, marker
    "happy": ("#E69F00", "o"),
    "sad": ("#0072B2", "s"),
    "angry": ("#D55E00", "^"),
    "surprised": ("#CC79A7", "D"),
    "fearful": ("#009E73", "v"),
    "disgusted": ("#56B4E9", "P"),
    "neutral": ("#777777", "X"),
}
INK = "#33414E"
GRID = "#DDE3E8"
MAIN = "#2F6F8F"
LIGHT = "#A9CDE0"
FONT_SIZE = 10


def _style(expression: str) -> tuple[str, str]:
    return EXPRESSION_STYLE.get(expression, ("#444444", "*"))


def _pct(value: float | None) -> float:
    return math.nan if value is None else 100 * value


def _session_axis(ax: Axes, sessions: tuple[SessionSummary, ...], text: ReportText) -> list[int]:
    xs = [s.number for s in sessions]
    step = max(1, math.ceil(len(xs) / 10))
    shown = xs[::step]
    ax.set_xticks(shown)
    ax.set_xticklabels([f"{s.number}\n{text.short_date(s.started)}" for s in sessions][::step])
    ax.set_xlim(0.5, max(xs) + 0.5)
    ax.set_xlabel(text.t("axis.session"))
    return xs


def _frame(ax: Axes, ylabel: str) -> None:
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#9AA7B2")
    ax.tick_params(colors=INK)


def _per_expression(
    ax: Axes, summary: ProgressSummary, value: Callable[[Tally], float], text: ReportText
) -> None:
    xs = _session_axis(ax, summary.sessions, text)
    for expression in summary.expressions:
        colour, marker = _style(expression)
        ys = [value(s.by_expression.get(expression, Tally())) for s in summary.sessions]
        ax.plot(
            xs,
            ys,
            color=colour,
            marker=marker,
            markersize=6,
            linewidth=2,
            label=text.expression(expression),
        )
    if summary.expressions:
        ax.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=FONT_SIZE - 1
        )


def _draw_made(ax: Axes, summary: ProgressSummary, text: ReportText) -> None:
    _per_expression(ax, summary, lambda t: _pct(t.made_rate), text)
    ax.set_ylim(-3, 103)
    _frame(ax, text.t("axis.made_pct"))


def _draw_without_help(ax: Axes, summary: ProgressSummary, text: ReportText) -> None:
    xs = _session_axis(ax, summary.sessions, text)
    alone = [_pct(s.overall.without_help_rate) for s in summary.sessions]
    helped = [_pct(s.overall.with_help_rate) for s in summary.sessions]
    ax.bar(xs, alone, width=0.6, color=MAIN, label=text.t("legend.alone"))
    ax.bar(xs, helped, width=0.6, bottom=alone, color=LIGHT, label=text.t("legend.helped"))
    ax.set_ylim(0, 100)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=FONT_SIZE - 1)
    _frame(ax, text.t("axis.tries_pct"))


def _draw_latency(ax: Axes, summary: ProgressSummary, text: ReportText) -> None:
    xs = _session_axis(ax, summary.sessions, text)
    medians = [s.overall.median_latency_s for s in summary.sessions]
    quartiles = [s.overall.latency_quartiles_s() for s in summary.sessions]
    lows = [q[0] if q else math.nan for q in quartiles]
    highs = [q[1] if q else math.nan for q in quartiles]
    ax.fill_between(
        xs, lows, highs, color=LIGHT, alpha=0.55, linewidth=0, label=text.t("legend.middle")
    )
    ax.plot(
        xs,
        [math.nan if m is None else m for m in medians],
        color=MAIN,
        marker="o",
        linewidth=2.2,
        label=text.t("legend.median"),
    )
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=FONT_SIZE - 1)
    _frame(ax, text.t("axis.seconds"))


def _draw_intensity(ax: Axes, summary: ProgressSummary, text: ReportText) -> None:
    _per_expression(ax, summary, lambda t: _pct(t.mean_peak), text)
    ax.set_ylim(-3, 103)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))
    _frame(ax, text.t("axis.peak"))


DRAWERS: dict[str, Callable[[Axes, ProgressSummary, ReportText], None]] = {
    "made": _draw_made,
    "without_help": _draw_without_help,
    "latency": _draw_latency,
    "intensity": _draw_intensity,
}


def chart_figure(
    kind: str, summary: ProgressSummary, width_in: float, height_in: float, lang: str = "en"
) -> Figure:
    """The matplotlib figure of one chart kind (see CHART_KINDS), its texts in `lang`."""
    text = ReportText(lang)
    if kind not in DRAWERS:
        raise ValueError(f"unknown chart {kind!r}; known: {', '.join(CHART_KINDS)}")
    fig = Figure(figsize=(width_in, height_in), facecolor="white")
    ax = fig.add_subplot()
    if not summary.sessions:
        ax.axis("off")
        ax.text(0.5, 0.5, text.t("chart.empty"), ha="center", va="center", color=INK, fontsize=14)
        return fig
    DRAWERS[kind](ax, summary, text)
    ax.set_title(text.t(f"chart.{kind}"), loc="left", color=INK, fontsize=FONT_SIZE + 2, pad=10)
    # the same plot area in every chart, so sessions line up when charts are stacked
    fig.subplots_adjust(
        left=0.8 / width_in,
        right=1 - 1.75 / width_in,
        top=1 - 0.42 / height_in,
        bottom=0.72 / height_in,
    )
    return fig


def _font_families(lang: str) -> list[str]:
    """DejaVu Sans, and for a language written in CJK letters (Chinese) the shipped Noto
    Sans CJK SC subset as the fallback for the glyphs DejaVu lacks (registered with
    matplotlib once)."""
    if ReportText(lang).needs_cjk_font:
        _register_cjk_font()
        return ["DejaVu Sans", CJK_FONT_NAME]
    return ["DejaVu Sans"]


@functools.cache
def _register_cjk_font() -> None:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(CJK_FONT_FILE))


def _rc(hashsalt: str = "facequest", lang: str = "en") -> Any:  # keys are Literal names
    return {
        "font.size": FONT_SIZE,
        "font.family": _font_families(lang),
        "axes.labelcolor": INK,
        "text.color": INK,
        "svg.fonttype": "none",  # text stays text: crisp, searchable, small
        "svg.hashsalt": hashsalt,  # ids differ per chart: several SVGs share one page
    }


_SVG_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def _prefix_ids(svg: str, prefix: str) -> str:
    """Give every id (and every reference to it) a prefix, so charts on one page never clash."""
    ids = set(_SVG_ID.findall(svg))
    if not ids:
        return svg
    pattern = re.compile(
        r'(\bid="|url\(#|href="#)('
        + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        + r')(?=[")])'
    )
    return pattern.sub(lambda m: m.group(1) + prefix + m.group(2), svg)


def chart_svg(
    kind: str,
    summary: ProgressSummary,
    width_in: float = 8.4,
    height_in: float = 3.1,
    lang: str = "en",
) -> str:
    """The chart as an inline `<svg>` element (no XML prologue, ids unique per kind)."""
    return figure_svg(
        lambda: chart_figure(kind, summary, width_in, height_in, lang),
        key=kind,
        title=chart_title(kind, lang),
        lang=lang,
    )


def figure_svg(make: Callable[[], Figure], *, key: str, title: str, lang: str = "en") -> str:
    """The figure `make()` draws (under the report's fonts and colours) as an inline `<svg>`:
    no XML prologue or metadata, every id prefixed with `fq-<key>-` so several charts share
    a page, `title` as its accessible name. `key` must be unique on the page."""
    with mpl.rc_context(_rc(f"facequest-{key}", lang)):
        fig = make()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _SVG_METADATA.sub("", _SVG_PROLOGUE.sub("", buffer.getvalue(), count=1))
    svg = _prefix_ids(svg, f"fq-{key}-")
    label = html.escape(title, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def chart_png(
    kind: str,
    summary: ProgressSummary,
    *,
    width_px: int = 900,
    height_px: int = 420,
    dpi: int = 100,
    lang: str = "en",
) -> bytes:
    """The same chart as PNG bytes of exactly `width_px` x `height_px` (for pygame)."""
    with mpl.rc_context(_rc(lang=lang)):
        fig = chart_figure(kind, summary, width_px / dpi, height_px / dpi, lang)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
