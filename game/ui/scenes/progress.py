"""The therapist's progress view (behind the PIN): the child's charts and a small table.

The charts are the same PNG charts as the therapist report (`game.reports`), decoded once on
entering; the table counts, per expression, trials, successes and independent successes
from the store.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from typing import Any

import pygame

from game import phrases
from game.expressions import Expression
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card

logger = logging.getLogger(__name__)


def progress_rows(trials: list[Any]) -> list[tuple[str, int, int, int]]:
    """(expression, trials, successes, independent successes) for each target seen."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for stored in trials:
        trial = getattr(stored, "trial", stored)
        row = counts[trial.target]
        row[0] += 1
        row[1] += int(trial.success)
        row[2] += int(trial.success and trial.prompt_level == 0)
    order = [e.value for e in Expression]
    ranked = sorted(counts, key=lambda t: order.index(t) if t in order else 99)
    return [(t, counts[t][0], counts[t][1], counts[t][2]) for t in ranked]


CHARTS = ("made", "without_help")
CHART_SIZE = (660, 280)


def chart_images(store: Any, profile_id: str, lang: str = "en") -> list[pygame.Surface]:
    """The report's charts for this child as surfaces, texts in `lang` ([] when they
    cannot be drawn)."""
    from game.reports.charts import chart_png
    from game.reports.summary import summarize_profile

    images = []
    try:
        summary = summarize_profile(store, profile_id)
        for kind in CHARTS:
            png = chart_png(
                kind, summary, width_px=CHART_SIZE[0], height_px=CHART_SIZE[1], lang=lang
            )
            images.append(pygame.image.load(io.BytesIO(png), "chart.png"))
    except Exception:  # a chart problem must not stop the game
        logger.exception("could not draw the progress charts")
    return images


class ProgressScene(GameScene):
    """Charts and a per-expression table for the current child; Back closes it."""

    name = "progress"
    holds_play = True

    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self.rows: list[tuple[str, int, int, int]] = []
        self.charts: list[pygame.Surface] = []

    def enter(self) -> None:
        store, profile = self.ctx.store, self.ctx.profile
        if store is None or profile is None:
            return
        self.rows = progress_rows(list(store.trials_for(profile.profile_id)))
        self.charts = chart_images(store, profile.profile_id, self.ctx.settings.language)

    def handle(self, event: InputEvent) -> bool:
        if event.action in (Action.BACK, Action.PROGRESS, Action.CONFIRM, Action.POINT):
            self.leave()
        return True

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        name = getattr(self.ctx.profile, "display_name", "")
        self.draw_text(surface, f"{self.t('ui.progress')} {name}".strip(), (w // 2, 50),
                       size="title", bold=True)
        table = pygame.Rect(40, 100, 500 if self.charts else w - 80, h - 140)
        draw_card(surface, table, self.theme, radius=18)
        y = table.top + 20
        for expression, trials, wins, independent in self.rows:
            label = phrases.text(f"expression.{expression}", self.ctx.lang)
            self.draw_text(surface, label, (table.left + 24, y), anchor="topleft")
            stats = f"{wins}/{trials}  ★{independent}"
            self.draw_text(surface, stats, (table.right - 24, y), anchor="topright")
            y += self.font("body").get_linesize() + 12
        if not self.rows:
            self.draw_text(surface, "—", table.center, color=p.text_muted)
        top = 100
        for chart in self.charts:
            area = pygame.Rect(table.right + 20, top, w - table.right - 60, (h - 150) // 2)
            scale = min(area.width / chart.get_width(), area.height / chart.get_height())
            size = (round(chart.get_width() * scale), round(chart.get_height() * scale))
            surface.blit(pygame.transform.smoothscale(chart, size), area.topleft)
            top = area.bottom + 10
