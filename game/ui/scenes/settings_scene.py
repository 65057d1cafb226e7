"""The therapist's sensory settings: one row per setting, up/down to pick, left/right to change.

Changes apply at once (so the therapist sees the palette or text size change) and are
handed to `on_save` when the scene closes, which keeps them with the child's profile, or,
before a child is picked, as the settings for new children (a line under the title says
which). When
the rows do not all fit (large text), the list scrolls to keep the chosen row in view and
small arrows show that there is more above or below. The keys are named under the rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game import phrases
from game.locales import LANGUAGES
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.settings import (
    PALETTES,
    TEXT_SCALES,
    SensorySettings,
    SettingValue,
    cycle,
    step_volume,
)
from game.ui.widgets import draw_card, fitting_size, layout_probe

logger = logging.getLogger(__name__)

_TEXT_SIZE_KEYS = {1.0: "ui.text_size.small", 1.25: "ui.text_size.medium",
                   1.5: "ui.text_size.large"}


@dataclass(frozen=True, slots=True)
class _Row:
    label_key: str
    field: str  # the `SensorySettings` field the row changes
    kind: str  # "volume" | "bool" | "palette" | "language" | "text_scale"
    value: Callable[[SensorySettings], SettingValue]  # that field's value


ROWS: tuple[_Row, ...] = (
    _Row("ui.palette", "palette", "palette", lambda s: s.palette),
    _Row("ui.language", "language", "language", lambda s: s.language),
    _Row("ui.text_size", "text_scale", "text_scale", lambda s: s.text_scale),
    _Row("ui.reduced_motion", "reduced_motion", "bool", lambda s: s.reduced_motion),
    _Row("ui.mute", "muted", "bool", lambda s: s.muted),
    _Row("ui.quiet_mode", "quiet_mode", "bool", lambda s: s.quiet_mode),
    _Row("ui.volume.voice", "voice_volume", "volume", lambda s: s.voice_volume),
    _Row("ui.volume.effects", "effects_volume", "volume", lambda s: s.effects_volume),
    _Row("ui.volume.music", "music_volume", "volume", lambda s: s.music_volume),
    _Row("ui.show_timer", "show_timer", "bool", lambda s: s.show_timer),
    _Row("ui.camera_view", "camera_view_allowed", "bool", lambda s: s.camera_view_allowed),
)

TOP = 150  # the first row's top (below the title and whose settings they are)
ROW_GAP = 6
BOTTOM_MARGIN = 62  # room for the "more below" arrow and the key hints under the rows
VOLUME_STEPS = 10
LABEL_SIZES: tuple[str | int, ...] = ("body", "small", 22, 20, 18)  # a label stays one line


def changed(settings: SensorySettings, row: _Row, step: int) -> SensorySettings:
    """`settings` with the row's value moved one step (wrapping for choices)."""
    value = row.value(settings)
    if row.kind == "volume":
        return settings.with_changes(**{row.field: step_volume(float(value), step)})
    if row.kind == "bool":
        return settings.with_changes(**{row.field: not value})
    if row.kind == "text_scale":
        return settings.with_changes(**{row.field: cycle(TEXT_SCALES, value, step)})
    names = {"palette": PALETTES, "language": LANGUAGES}[row.kind]
    return settings.with_changes(**{row.field: cycle(names, value, step)})


class SettingsScene(GameScene):
    """Edit the sensory settings of the current child."""

    name = "settings"
    holds_play = True

    def __init__(self, ctx: GameContext,
                 on_save: Callable[[SensorySettings], None] | None = None) -> None:
        super().__init__(ctx)
        self.on_save = on_save
        self.focus = 0
        self.first = 0  # the first row in view (scrolling)

    def _row_height(self) -> int:
        return max(56, self.font("body").get_linesize() + 18)

    def rows_in_view(self) -> int:
        """How many rows fit in the window at the current text size."""
        _, h = self.ctx.window_size
        return max(1, (h - TOP - BOTTOM_MARGIN + ROW_GAP) // (self._row_height() + ROW_GAP))

    def _scroll_to_focus(self) -> None:
        shown = self.rows_in_view()
        self.first = max(0, min(self.first, self.focus, len(ROWS) - shown))
        if self.focus >= self.first + shown:
            self.first = self.focus - shown + 1

    def _row_rects(self) -> dict[int, pygame.Rect]:
        """The rows in view, by row index."""
        w, _ = self.ctx.window_size
        row_h = self._row_height()
        shown = range(self.first, min(len(ROWS), self.first + self.rows_in_view()))
        return {i: pygame.Rect(w // 2 - 480, TOP + (i - self.first) * (row_h + ROW_GAP), 960,
                               row_h) for i in shown}

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
            for i, rect in self._row_rects().items():
                if rect.collidepoint(event.pos):
                    self.focus = i
                    self.ctx.apply_settings(changed(self.ctx.settings, ROWS[i], 1))
        elif action in (Action.BACK, Action.SETTINGS):
            self._close()
        self._scroll_to_focus()  # the text size may have changed too
        return True

    def _close(self) -> None:
        if self.on_save is not None:
            self.on_save(self.ctx.settings)
        self.leave()

    def note(self) -> str:
        """Whose settings these are: the chosen child's, or (no child yet) new children's."""
        profile = self.ctx.profile
        if profile is None:
            return self.t("ui.flow.defaults_note")
        return self.t("ui.flow.child_note", name=profile.display_name)

    def value_text(self, row: _Row) -> str:
        """The row's value in words (a volume is drawn as a bar; its text is a percentage)."""
        value = row.value(self.ctx.settings)
        if row.kind == "volume":
            return f"{round(float(value) * 100)} %"
        if row.kind == "bool":
            return self.t("ui.on" if value else "ui.off")
        if row.kind == "palette":
            return self.t(f"ui.palette.{value}")
        if row.kind == "language":
            return phrases.language_name(str(value), self.ctx.lang)
        return self.t(_TEXT_SIZE_KEYS.get(float(value), "ui.text_size.medium"))

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        title = self.t("ui.settings")
        note = self.note()
        note_h = self.font("small").get_linesize()
        room = TOP - 14 - 10 - 16 - note_h  # above the note and the "more above" arrow
        size = fitting_size(title, self.theme, w - 200, room, ("title", "body"), bold=True)
        said = self.draw_text(surface, title, (w // 2, 8), size=size, bold=True,
                              anchor="midtop")
        note_size = fitting_size(note, self.theme, w - 80, TOP - 26 - said.bottom,
                                 ("small", 18, 16, 14))
        self.draw_text(surface, note, (w // 2, said.bottom + 2), size=note_size,
                       color=p.text_muted, anchor="midtop", max_width=w - 80)
        rects = self._row_rects()
        for i, rect in rects.items():
            self._draw_row(surface, ROWS[i], rect, focused=i == self.focus)
        if rects and min(rects) > 0:
            self._draw_more(surface, (w // 2, TOP - 14), up=True)
        below = max((r.bottom for r in rects.values()), default=TOP)
        if rects and max(rects) < len(ROWS) - 1:
            self._draw_more(surface, (w // 2, below + 14), up=False)
        keys = self.t("ui.keys.settings")
        room = h - below - 30
        size = fitting_size(keys, self.theme, w - 80, room, ("small", 18, 16, 14))
        self.draw_text(surface, keys, (w // 2, h - 6), size=size, color=p.text_muted,
                       anchor="midbottom", max_width=w - 80)

    def _draw_row(self, surface: pygame.Surface, row: _Row, rect: pygame.Rect,
                  focused: bool) -> None:
        """One setting: its value (or volume bar) at the right, its label in the room left
        of it, on one line (a smaller size when the largest text would not fit)."""
        draw_card(surface, rect, self.theme, focused=focused, radius=14, shadow=False)
        value_at = (rect.right - 24, rect.centery)
        if row.kind == "volume":
            value_left = self._draw_volume(surface, value_at,
                                           float(row.value(self.ctx.settings)))
        else:
            said = self.draw_text(surface, self.value_text(row), value_at, anchor="midright",
                                  max_width=rect.width // 2 - 48)
            value_left = said.left
        label = self.t(row.label_key)
        room = value_left - 24 - (rect.left + 24)
        one_line = self.font("body").get_linesize() * 1.1
        size = fitting_size(label, self.theme, room, one_line, LABEL_SIZES, balance=False)
        self.draw_text(surface, label, (rect.left + 24, rect.centery), size=size,
                       anchor="midleft", max_width=room)

    def _draw_volume(self, surface: pygame.Surface, midright: tuple[int, int],
                     value: float) -> int:
        """Ten soft steps, filled up to the volume (muted: drawn pale); returns their left
        edge (x)."""
        p = self.palette
        on = round(value * VOLUME_STEPS)
        size = max(12, self.theme.text_px("body") // 2)
        gap = size // 3
        right, cy = midright
        left = right - VOLUME_STEPS * size - (VOLUME_STEPS - 1) * gap
        fill = p.surface_alt if self.ctx.settings.muted else p.progress
        for k in range(VOLUME_STEPS):
            step = pygame.Rect(left + k * (size + gap), 0, size, size + k * size // 12)
            step.bottom = cy + size // 2 + 2
            pygame.draw.rect(surface, fill if k < on else p.surface_alt, step,
                             border_radius=size // 4)
            pygame.draw.rect(surface, p.outline, step, width=1, border_radius=size // 4)
        return left

    def _draw_more(self, surface: pygame.Surface, center: tuple[int, int], up: bool) -> None:
        """A small arrow saying that more rows lie above (or below)."""
        cx, cy = center
        d = -1 if up else 1
        pygame.draw.polygon(surface, self.palette.text_muted,
                            [(cx - 14, cy - d * 6), (cx + 14, cy - d * 6), (cx, cy + d * 8)])
        # a sign read like a word: the layout check keeps it clear of the texts
        layout_probe.note("text", (cx - 14, cy - 8, 28, 16), "more above" if up else "more below")
