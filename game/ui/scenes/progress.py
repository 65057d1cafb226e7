"""The therapist's progress view (behind the PIN, F3): a table, then the report's charts.

The table counts, per expression, the tries, the faces made and the faces made without
help (prompt level 0), with their shares, and a line for all expressions; its column names
are words. The charts are the same PNG charts as the therapist report (`game.reports`),
drawn once on entering at the size they are shown, their words scaled with the text size.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pygame

from game import phrases
from game.expressions import Expression
from game.records.models import StoredTrial
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card, fitting_size, text_size

if TYPE_CHECKING:
    from game.play.trial_record import TrialRecord
    from game.records.store import ProgressStore

logger = logging.getLogger(__name__)


def progress_rows(trials: Sequence[StoredTrial | TrialRecord],
                  ) -> list[tuple[str, int, int, int]]:
    """(expression, trials, successes, independent successes) for each target seen, from
    the trials as stored (or as recorded)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for stored in trials:
        trial = stored.trial if isinstance(stored, StoredTrial) else stored
        row = counts[trial.target]
        row[0] += 1
        row[1] += int(trial.success)
        row[2] += int(trial.success and trial.prompt_level == 0)
    order = [e.value for e in Expression]
    ranked = sorted(counts, key=lambda t: order.index(t) if t in order else 99)
    return [(t, counts[t][0], counts[t][1], counts[t][2]) for t in ranked]


CHARTS = ("made", "without_help")
PAGES = ("table", "made", "without_help")  # the table, then one chart per page
CHART_DPI = 132  # at text size 1.0; scaled with the text size, so the chart's words grow


def chart_images(store: ProgressStore, profile_id: str, lang: str = "en",
                 size: tuple[int, int] = (1180, 500), text_scale: float = 1.0,
                 ) -> list[pygame.Surface]:
    """The report's charts for this child as surfaces of `size` pixels, texts in `lang`,
    their words about as large as the game's small text at `text_scale` ([] when they
    cannot be drawn)."""
    from game.reports.charts import chart_png
    from game.reports.summary import summarize_profile

    images = []
    try:
        summary = summarize_profile(store, profile_id)
        for kind in CHARTS:
            png = chart_png(kind, summary, width_px=size[0], height_px=size[1],
                            dpi=round(CHART_DPI * text_scale), lang=lang)
            images.append(pygame.image.load(io.BytesIO(png), "chart.png"))
    except Exception:  # a chart problem must not stop the game
        logger.exception("could not draw the progress charts")
    return images


TOP = 96  # below the title
TAB_GAP = 12
MARGIN = 40


class ProgressScene(GameScene):
    """The current child's progress on three pages: a table (per expression: tries, made,
    made without help), then the two charts of the report, each as large as the window
    allows. Left/right (or a tap on a tab) turns the page; Back or F3 closes it."""

    name = "progress"
    holds_play = True

    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self.rows: list[tuple[str, int, int, int]] = []
        self.charts: list[pygame.Surface] = []
        self.page = 0

    def enter(self) -> None:
        store, profile = self.ctx.store, self.ctx.profile
        if store is None or profile is None:
            return
        self.rows = progress_rows(list(store.trials_for(profile.profile_id)))
        if self.rows:
            self.charts = chart_images(store, profile.profile_id, self.ctx.settings.language,
                                       self.chart_area().size, self.theme.text_scale)

    def pages(self) -> tuple[str, ...]:
        """The pages there are (the charts only once there is something to chart)."""
        return PAGES if self.charts else PAGES[:1]

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        count = len(self.pages())
        if action in (Action.LEFT, Action.RIGHT):
            self.page = (self.page + (1 if action is Action.RIGHT else -1)) % count
        elif action is Action.POINT and event.pos is not None:
            hit = next((i for i, rect in enumerate(self.tab_rects())
                        if rect.collidepoint(event.pos)), None)
            if hit is None:
                self.leave()
            else:
                self.page = hit
        elif action in (Action.BACK, Action.PROGRESS, Action.CONFIRM):
            self.leave()
        return True

    # ---------------------------------------------------------------- layout

    def _tab_height(self) -> int:
        return self.font("small").get_linesize() + 16

    def tab_rects(self) -> list[pygame.Rect]:
        """One tab per page, side by side under the title."""
        w, _ = self.ctx.window_size
        count = len(self.pages())
        width = (w - 2 * MARGIN - (count - 1) * TAB_GAP) // count
        return [pygame.Rect(MARGIN + i * (width + TAB_GAP), TOP, width, self._tab_height())
                for i in range(count)]

    def _body_top(self) -> int:
        return TOP + self._tab_height() + 16

    def _body_bottom(self) -> int:
        return self.ctx.window_size[1] - self.font("small").get_linesize() - 20

    def chart_area(self) -> pygame.Rect:
        w, _ = self.ctx.window_size
        top = self._body_top()
        return pygame.Rect(MARGIN, top, w - 2 * MARGIN, self._body_bottom() - top)

    # ---------------------------------------------------------------- drawing

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        name = self.ctx.profile.display_name if self.ctx.profile is not None else ""
        title = self.t("ui.progress.title", name=name) if name else self.t("ui.progress")
        size = fitting_size(title, self.theme, w - 2 * MARGIN, TOP - 16, ("title", "body"),
                            bold=True)
        self.draw_text(surface, title, (w // 2, (TOP - 6) // 2), size=size, bold=True,
                       max_width=w - 2 * MARGIN)
        pages = self.pages()
        for i, rect in enumerate(self.tab_rects()):
            focused = i == self.page
            draw_card(surface, rect, self.theme, radius=12, shadow=False,
                      fill=p.accent if focused else p.surface)
            label = self.t(f"ui.progress.page.{pages[i]}")
            fit = fitting_size(label, self.theme, rect.width - 24, rect.height - 6,
                               ("small", 18, 16), bold=focused)
            self.draw_text(surface, label, rect.center, size=fit, bold=focused,
                           color=p.accent_text if focused else p.text,
                           max_width=rect.width - 24)
        if pages[self.page] == "table":
            self._draw_table(surface)
        else:
            chart = self.charts[self.page - 1]
            area = self.chart_area()
            surface.blit(chart, chart.get_rect(center=area.center))
        keys = self.t("ui.progress.keys")
        self.draw_text(surface, keys, (w // 2, h - 12), size="small", anchor="midbottom",
                       color=p.text_muted, max_width=w - 2 * MARGIN)

    def _draw_table(self, surface: pygame.Surface) -> None:
        p = self.palette
        card = self.chart_area()
        draw_card(surface, card, self.theme, radius=18)
        if not self.rows:
            self.draw_text(surface, self.t("ui.progress.none"), card.center,
                           color=p.text_muted, max_width=card.width - 80)
            return
        lines = [self._cells(t, n, made, alone, label=None) for t, n, made, alone in self.rows]
        totals = [sum(row[1] for row in self.rows), sum(row[2] for row in self.rows),
                  sum(row[3] for row in self.rows)]
        lines.append(self._cells("", totals[0], totals[1], totals[2],
                                 label=self.t("ui.progress.all")))
        header = [self.t(f"ui.progress.{key}")
                  for key in ("expression", "tries", "made", "without_help")]
        inner = card.inflate(-56, -32)
        size = self._table_size(inner, len(lines), header)
        step = self.font(size).get_linesize() + 10
        columns = self._columns(inner)
        y = inner.top
        for text, (x, anchor, width) in zip(header, columns, strict=True):
            self.draw_text(surface, text, (x, y), size=size, bold=True, anchor=anchor,
                           max_width=width, color=p.text_muted)
        y += self._header_height(header, size, columns) + 14
        pygame.draw.line(surface, p.outline, (inner.left, y - 7), (inner.right, y - 7), 2)
        for number, cells in enumerate(lines):
            last = number == len(lines) - 1
            if last:
                pygame.draw.line(surface, p.outline, (inner.left, y - 5), (inner.right, y - 5))
            for text, (x, anchor, width) in zip(cells, columns, strict=True):
                self.draw_text(surface, text, (x, y), size=size, bold=last, anchor=anchor,
                               max_width=width)
            y += step

    def _header_height(self, header: list[str], size: str | int,
                       columns: list[tuple[int, str, int]]) -> int:
        """The height of the column names (a long one wraps within its column)."""
        return max(text_size(text, self.theme, size, width, bold=True, balance=False)[1]
                   for text, (_, _, width) in zip(header, columns, strict=True))

    def _table_size(self, inner: pygame.Rect, lines: int, header: list[str]) -> str | int:
        """The largest text size (from "body") at which the column names and `lines` table
        lines fit the card."""
        columns = self._columns(inner)
        for size in ("body", 26, "small", 20, 18):
            needed = (self._header_height(header, size, columns) + 14
                      + lines * (self.font(size).get_linesize() + 10))
            if needed <= inner.height:
                return size
        return 16

    @staticmethod
    def _columns(inner: pygame.Rect) -> list[tuple[int, str, int]]:
        """(x, anchor, width) of the four columns: the expression left-aligned, the
        numbers right-aligned under their headings."""
        share = (0.3, 0.18, 0.22, 0.3)
        columns, left = [], inner.left
        for i, part in enumerate(share):
            width = round(inner.width * part)
            if i == 0:
                columns.append((left, "topleft", width - 16))
            else:
                columns.append((left + width, "topright", width - 16))
            left += width
        return columns

    def _cells(self, target: str, tries: int, made: int, alone: int,
               label: str | None) -> list[str]:
        name = label if label is not None else phrases.text(f"expression.{target}", self.ctx.lang)
        return [name[:1].upper() + name[1:], str(tries), _share(made, tries),
                _share(alone, tries)]


def _share(count: int, tries: int) -> str:
    """"12 (80%)": a count and its share of the tries."""
    percent = round(100 * count / tries) if tries else 0
    return f"{count} ({percent}%)"
