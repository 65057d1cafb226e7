"""The therapist's sensory settings: one row per setting, up/down to pick, left/right to change.

Changes apply at once (so the therapist sees the palette or text size change) and are
handed to `on_save` when the scene closes, which keeps them with the child's profile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.settings import LANGUAGES, PALETTES, TEXT_SCALES, SensorySettings, cycle, step_volume
from game.ui.widgets import draw_card

logger = logging.getLogger(__name__)

_TEXT_SIZE_KEYS = {1.0: "ui.text_size.small", 1.25: "ui.text_size.medium",
                   1.5: "ui.text_size.large"}


@dataclass(frozen=True, slots=True)
class _Row:
    label_key: str
    field: str
    kind: str  # "volume" | "bool" | "palette" | "language" | "text_scale"


ROWS: tuple[_Row, ...] = (
    _Row("ui.palette", "palette", "palette"),
    _Row("ui.language", "language", "language"),
    _Row("ui.text_size", "text_scale", "text_scale"),
    _Row("ui.reduced_motion", "reduced_motion", "bool"),
    _Row("ui.mute", "muted", "bool"),
    _Row("ui.volume.voice", "voice_volume", "volume"),
    _Row("ui.volume.effects", "effects_volume", "volume"),
    _Row("ui.volume.music", "music_volume", "volume"),
    _Row("ui.camera_view", "camera_view_allowed", "bool"),
)


def changed(settings: SensorySettings, row: _Row, step: int) -> SensorySettings:
    """`settings` with the row's value moved one step (wrapping for choices)."""
    value = getattr(settings, row.field)
    if row.kind == "volume":
        return settings.with_changes(**{row.field: step_volume(value, step)})
    if row.kind == "bool":
        return settings.with_changes(**{row.field: not value})
    options = {"palette": PALETTES, "language": LANGUAGES, "text_scale": TEXT_SCALES}[row.kind]
    return settings.with_changes(**{row.field: cycle(options, value, step)})


class SettingsScene(GameScene):
    """Edit the sensory settings of the current child."""

    name = "settings"

    def __init__(self, ctx: GameContext,
                 on_save: Callable[[SensorySettings], None] | None = None) -> None:
        super().__init__(ctx)
        self.on_save = on_save
        self.focus = 0

    def _row_rects(self) -> list[pygame.Rect]:
        w, _ = self.ctx.window_size
        row_h = max(56, self.font("body").get_linesize() + 18)
        return [pygame.Rect(w // 2 - 480, 120 + i * (row_h + 6), 960, row_h)
                for i in range(len(ROWS))]

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action is Action.UP:
            self.focus = (self.focus - 1) % len(ROWS)
        elif action is Action.DOWN:
            self.focus = (self.focus + 1) % len(ROWS)
        elif action in (Action.LEFT, Action.RIGHT, Action.CONFIRM):
            step = -1 if action is Action.LEFT else 1
            self.ctx.apply_settings(changed(self.ctx.settings, ROWS[self.focus], step))
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self._row_rects()):
                if rect.collidepoint(event.pos):
                    self.focus = i
                    self.ctx.apply_settings(changed(self.ctx.settings, ROWS[i], 1))
        elif action in (Action.BACK, Action.SETTINGS):
            self._close()
        return True

    def _close(self) -> None:
        if self.on_save is not None:
            self.on_save(self.ctx.settings)
        self.leave()

    def value_text(self, row: _Row) -> str:
        value = getattr(self.ctx.settings, row.field)
        if row.kind == "volume":
            return "▮" * round(value * 10) + "▯" * (10 - round(value * 10))
        if row.kind == "bool":
            return self.t("ui.on" if value else "ui.off")
        if row.kind == "palette":
            return self.t(f"ui.palette.{value}")
        if row.kind == "language":
            return self.t(f"ui.language.{value}")
        return self.t(_TEXT_SIZE_KEYS.get(value, "ui.text_size.medium"))

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, _ = surface.get_size()
        self.draw_text(surface, self.t("ui.settings"), (w // 2, 60), size="title", bold=True)
        for i, (row, rect) in enumerate(zip(ROWS, self._row_rects(), strict=True)):
            draw_card(surface, rect, self.theme, focused=i == self.focus, radius=14,
                      shadow=False)
            self.draw_text(surface, self.t(row.label_key), (rect.left + 24, rect.centery),
                           anchor="midleft")
            self.draw_text(surface, self.value_text(row), (rect.right - 24, rect.centery),
                           anchor="midright")
