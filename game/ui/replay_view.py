"""One moment of a trial's replay, drawn from its motion record (no video, no image).

The avatar re-enacts the child's recorded face frame by frame (`face_from_motion`: the
child as in a mirror, like the game's camera view), the target's model face stands beside
it, and under them the timeline shows the target's action curves (`target_curves`: each
chosen action, and all of them together as the action check weighs them) with the trial's
marks (asked, help, hints, holding, made it, time up, paused) and a playhead.

`draw_replay` is the one drawing of a replay: the therapist's replay screen
(`game.ui.scenes.replay`) and the clips `facequest replay --out` writes
(`game.ui.replay_clip`) both call it, so they look the same. It changes nothing (the same
track, time, language and theme draw the same picture) and draws no name: a clip may be
given to a parent. `ReplayTrack` holds what is worked out once per trial.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pygame

from game import phrases
from game.expressions import Expression, HintKey
from game.motion.frame import MarkKind, MotionMark, TrialMotion
from game.motion.metrics import TargetCurves, target_curves
from game.ui.avatar import draw_avatar
from game.ui.avatar_params import (
    DEFAULT_LOOK,
    AvatarFace,
    AvatarLook,
    face_for,
    face_from_motion,
)
from game.ui.fonts import get_font
from game.ui.theme import Color, Palette, Theme
from game.ui.widgets import draw_card, draw_star, draw_text, fitting_size, mix, text_size
from game.ui.widgets.one_line import head_that_fits

logger = logging.getLogger(__name__)

GAP = 14
PAD = 14
ICON = 22  # the width of a legend entry's swatch or mark icon
LEGEND_SIZES: tuple[str | int, ...] = ("small", 18, 16, 14)
TICK_SIZE = 16
EVENT_SIZES: tuple[str | int, ...] = ("small", 18, 16, 14)
TICK_STEPS_S = (0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0)

# hold spans end at these marks (or at the end of the trial)
_HOLD_ENDS = frozenset({MarkKind.HOLD_END, MarkKind.REWARD, MarkKind.TIMEOUT, MarkKind.END,
                        MarkKind.PAUSE})
# marks drawn on the timeline (a hold is drawn as a band; a resume ends a pause)
_SHOWN_MARKS = (MarkKind.PROMPT, MarkKind.HELP, MarkKind.HINT, MarkKind.REWARD,
                MarkKind.TIMEOUT, MarkKind.PAUSE, MarkKind.END)


def _target(name: str) -> Expression:
    try:
        return Expression(name)
    except ValueError:
        logger.warning("a motion record names an unknown target %r", name)
        return Expression.NEUTRAL


@dataclass(frozen=True, slots=True, eq=False)
class ReplayTrack:
    """A trial's motion record, ready to replay: the avatar face of every frame (None: no
    face in that frame), the target's curves, the hold spans and the duration (ms)."""

    motion: TrialMotion
    target: Expression
    times: tuple[int, ...]
    faces: tuple[AvatarFace | None, ...]
    curves: TargetCurves
    holds: tuple[tuple[int, int], ...]
    duration_ms: int

    @classmethod
    def from_motion(cls, motion: TrialMotion) -> ReplayTrack:
        target = _target(motion.target)
        times = tuple(f.t_ms for f in motion.frames)
        faces = tuple(face_from_motion(f.face) if f.face is not None else None
                      for f in motion.frames)
        last = max([*times, *(m.t_ms for m in motion.marks), 1])
        return cls(motion, target, times, faces, target_curves(motion.frames, target),
                   _hold_spans(motion.marks, last), last)

    @property
    def model_face(self) -> AvatarFace:
        return face_for(self.target)

    def frame_index(self, t_ms: float) -> int | None:
        """The frame shown at `t_ms`: the last one at or before it (the first before the
        first frame); None when the record has no frames."""
        if not self.times:
            return None
        return max(0, bisect.bisect_right(self.times, t_ms) - 1)

    def face_at(self, t_ms: float) -> AvatarFace | None:
        index = self.frame_index(t_ms)
        return None if index is None else self.faces[index]

    def mark_at(self, t_ms: float) -> MotionMark | None:
        """The latest mark at or before `t_ms`."""
        marks = [m for m in self.motion.marks if m.t_ms <= t_ms]
        return marks[-1] if marks else None

    def step(self, t_ms: float, frames: int) -> int:
        """The time of the frame `frames` frames after (or before, when negative) the one
        shown at `t_ms`, kept within the record."""
        index = self.frame_index(t_ms)
        if index is None:
            return 0
        return self.times[max(0, min(len(self.times) - 1, index + frames))]


def _hold_spans(marks: Sequence[MotionMark], end_ms: int) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for mark in marks:
        if mark.kind is MarkKind.HOLD_START and start is None:
            start = mark.t_ms
        elif mark.kind in _HOLD_ENDS and start is not None:
            spans.append((start, mark.t_ms))
            start = None
    if start is not None:
        spans.append((start, end_ms))
    return tuple(spans)


# ------------------------------------------------------------------------------ words


def expression_name(target: Expression, lang: str) -> str:
    return phrases.text(phrases.expression_name_key(target), lang)


def event_text(mark: MotionMark | None, lang: str) -> str:
    """One sentence about the latest mark ("Hint: Lift your eyebrows up high!")."""
    if mark is None:
        return ""
    kind = mark.kind
    if kind is MarkKind.HINT:
        try:
            hint = phrases.text(phrases.hint_key(HintKey(mark.detail)), lang)
        except ValueError:
            return phrases.text("ui.replay.mark.hint", lang)
        return phrases.text("ui.replay.event.hint", lang, hint=hint)
    if kind in (MarkKind.HELP, MarkKind.REWARD) and mark.detail:
        key = f"ui.replay.event.{kind.value}.{mark.detail}"
        if key in phrases.PHRASES:
            return phrases.text(key, lang)
    return phrases.text(f"ui.replay.event.{kind.value}", lang)


def seconds(ms: float) -> str:
    return f"{ms / 1000:.1f}"


def time_text(t_ms: float, track: ReplayTrack, lang: str) -> str:
    return phrases.text("ui.replay.time", lang, now=seconds(min(max(t_ms, 0), track.duration_ms)),
                        total=seconds(track.duration_ms))


# ------------------------------------------------------------------------------ layout


def curve_colors(palette: Palette) -> tuple[Color, ...]:
    """Calm, distinct colours for the action curves (no red, as everywhere)."""
    return (palette.success, palette.sticker, palette.star_outline, palette.progress,
            palette.iris, palette.hair)


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # "curve" | "mark" | "hold"
    label: str
    color: Color
    mark: MarkKind | None = None
    thick: bool = False


def legend_entries(track: ReplayTrack, lang: str, palette: Palette) -> list[_Entry]:
    entries = [_Entry("curve", phrases.text("ui.replay.together", lang), palette.accent,
                      thick=True)]
    colors = curve_colors(palette)
    for i, name in enumerate(track.curves.actions):
        entries.append(_Entry("curve", phrases.text(phrases.action_key(name), lang),
                              colors[i % len(colors)]))
    if track.holds:
        entries.append(_Entry("hold", phrases.text("ui.replay.mark.hold", lang),
                              mix(palette.success, palette.surface, 0.55)))
    present = {m.kind for m in track.motion.marks}
    for kind in _SHOWN_MARKS:
        if kind in present:
            entries.append(_Entry("mark", phrases.text(f"ui.replay.mark.{kind.value}", lang),
                                  _mark_color(kind, palette), mark=kind))
    return entries


def _mark_color(kind: MarkKind, palette: Palette) -> Color:
    if kind is MarkKind.PROMPT:
        return palette.accent
    if kind in (MarkKind.HELP, MarkKind.HINT):
        return palette.highlight
    if kind is MarkKind.REWARD:
        return palette.star_outline
    return palette.text_muted


def _legend_rows(entries: Sequence[_Entry], theme: Theme, size: str | int,
                 width: int) -> list[list[tuple[_Entry, int]]]:
    """The entries flowed into rows of `width` px: (entry, its width) per row."""
    rows: list[list[tuple[_Entry, int]]] = [[]]
    used = 0
    for entry in entries:
        w = ICON + 6 + text_size(entry.label, theme, size, balance=False)[0]
        if rows[-1] and used + 18 + w > width:
            rows.append([])
            used = 0
        used += (18 if rows[-1] else 0) + w
        rows[-1].append((entry, w))
    return rows


@dataclass(frozen=True, slots=True)
class ReplayLayout:
    """Where the parts of a replay go in its rectangle."""

    child_card: pygame.Rect
    model_card: pygame.Rect
    event_line: pygame.Rect
    timeline_card: pygame.Rect
    plot: pygame.Rect
    ticks_top: int
    legend: pygame.Rect
    legend_size: str | int
    event_size: str | int


def _line_height(theme: Theme, size: str | int) -> int:
    return get_font(theme.text_px(size)).get_linesize()


def replay_layout(rect: pygame.Rect, track: ReplayTrack, theme: Theme,
                  lang: str) -> ReplayLayout:
    """The layout of a replay drawn into `rect` (the scene scrubs on `plot`)."""
    entries = legend_entries(track, lang, theme.palette)
    inner_w = rect.width - 2 * PAD
    legend_size = LEGEND_SIZES[-1]
    for size in LEGEND_SIZES:
        if len(_legend_rows(entries, theme, size, inner_w)) <= 2:
            legend_size = size
            break
    rows = len(_legend_rows(entries, theme, legend_size, inner_w))
    legend_h = rows * (_line_height(theme, legend_size) + 4)
    ticks_h = _line_height(theme, TICK_SIZE) + 4
    event_h = _line_height(theme, "small") + 8
    plot_h = max(90, round(rect.height * 0.24))
    timeline_h = PAD + plot_h + 6 + ticks_h + 6 + legend_h + PAD
    faces_h = rect.height - timeline_h - event_h - 2 * GAP
    half = (rect.width - GAP) // 2
    child = pygame.Rect(rect.left, rect.top, half, faces_h)
    model = pygame.Rect(rect.right - half, rect.top, half, faces_h)
    event = pygame.Rect(rect.left + 8, child.bottom + GAP, rect.width - 16, event_h)
    timeline = pygame.Rect(rect.left, event.bottom + GAP, rect.width, timeline_h)
    plot = pygame.Rect(timeline.left + PAD + 4, timeline.top + PAD, timeline.width - 2 * PAD - 8,
                       plot_h)
    legend = pygame.Rect(timeline.left + PAD, plot.bottom + 6 + ticks_h + 6, inner_w, legend_h)
    return ReplayLayout(child, model, event, timeline, plot, plot.bottom + 6, legend,
                        legend_size, "small")


def time_at_x(layout: ReplayLayout, track: ReplayTrack, x: int) -> int:
    """The trial time under window column `x` of the timeline (clamped to the trial)."""
    plot = layout.plot
    share = (x - plot.left) / max(1, plot.width)
    return round(min(1.0, max(0.0, share)) * track.duration_ms)


# ------------------------------------------------------------------------------ drawing


def draw_replay(surface: pygame.Surface, rect: pygame.Rect, track: ReplayTrack, t_ms: float,
                lang: str, theme: Theme, look: AvatarLook = DEFAULT_LOOK) -> ReplayLayout:
    """Draw the replay of `track` at `t_ms` (ms since the prompt) into `rect`, the avatar in
    the child's `look`; returns the layout it used. Changes nothing."""
    layout = replay_layout(rect, track, theme, lang)
    name = expression_name(track.target, lang)
    # before a calibration the face was measured from the population's calm face: said so
    child_label = ("ui.replay.child" if track.motion.neutral == "child"
                   else "ui.replay.child.population")
    _draw_face_card(surface, layout.child_card, track.face_at(t_ms),
                    phrases.text(child_label, lang), lang, theme, t_ms, look)
    _draw_face_card(surface, layout.model_card, track.model_face,
                    phrases.text("ui.replay.model", lang, expression=name), lang, theme, t_ms,
                    look)
    _draw_event_line(surface, layout, track, t_ms, lang, theme)
    _draw_timeline(surface, layout, track, t_ms, lang, theme)
    return layout


def _draw_face_card(surface: pygame.Surface, card: pygame.Rect, face: AvatarFace | None,
                    label: str, lang: str, theme: Theme, t_ms: float,
                    look: AvatarLook = DEFAULT_LOOK) -> None:
    p = theme.palette
    draw_card(surface, card, theme, radius=18, shadow=False)
    room = card.width - 2 * PAD
    size = fitting_size(label, theme, room, _line_height(theme, "small") + 2,
                        ("small", 18, 16), balance=False)
    label_h = _line_height(theme, size)
    side = max(16, min(card.width - 2 * PAD, card.height - label_h - 3 * PAD // 2 - 8))
    face_rect = pygame.Rect(0, 0, side, side)
    face_rect.midtop = (card.centerx, card.top + PAD // 2 + 4)
    draw_avatar(surface, face_rect, face if face is not None else face_for(Expression.NEUTRAL),
                theme, t_ms=0, look=look)
    if face is None:
        veil = pygame.Surface(face_rect.size, pygame.SRCALPHA)
        veil.fill((*p.surface, 190))
        surface.blit(veil, face_rect.topleft)
        note = phrases.text("ui.replay.no_face", lang)
        fit = fitting_size(note, theme, room, side - 8, ("small", 16, 14))
        draw_text(surface, note, theme, face_rect.center, size=fit, color=p.text,
                  max_width=room)
    text = head_that_fits(label, get_font(theme.text_px(size)), room)
    draw_text(surface, text, theme, (card.centerx, card.bottom - PAD // 2 - 2), size=size,
              anchor="midbottom", color=p.text_muted)


def _draw_event_line(surface: pygame.Surface, layout: ReplayLayout, track: ReplayTrack,
                     t_ms: float, lang: str, theme: Theme) -> None:
    p = theme.palette
    line = layout.event_line
    clock = time_text(t_ms, track, lang)
    clock_rect = draw_text(surface, clock, theme, (line.right, line.centery), size="small",
                           anchor="midright", color=p.text_muted)
    event = event_text(track.mark_at(t_ms), lang)
    if not event:
        return
    room = line.width - clock_rect.width - 32
    one_line = _line_height(theme, "small")
    size = fitting_size(event, theme, room, one_line, EVENT_SIZES, balance=False)
    event = head_that_fits(event, get_font(theme.text_px(size)), room)
    draw_text(surface, event, theme, (line.left, line.centery), size=size, anchor="midleft")


def _y_range(track: ReplayTrack) -> tuple[float, float]:
    values = [track.curves.curve, *track.curves.actions.values()]
    top = max((float(np.nanmax(v)) for v in values if len(v)), default=1.0)
    low = min((float(np.nanmin(v)) for v in values if len(v)), default=0.0)
    return max(-0.5, min(0.0, low)), max(1.25, top * 1.1)


def _curve_points(plot: pygame.Rect, track: ReplayTrack, values: np.ndarray,
                  y_range: tuple[float, float]) -> list[tuple[float, float]]:
    lo, hi = y_range
    t = track.curves.t_ms
    xs = plot.left + t / track.duration_ms * plot.width
    clipped = np.clip(values, lo, hi)
    ys = plot.bottom - (clipped - lo) / (hi - lo) * plot.height
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True) if math.isfinite(y)]


def _x(plot: pygame.Rect, track: ReplayTrack, t_ms: float) -> int:
    share = min(1.0, max(0.0, t_ms / track.duration_ms))
    return round(plot.left + share * plot.width)


def _draw_timeline(surface: pygame.Surface, layout: ReplayLayout, track: ReplayTrack,
                   t_ms: float, lang: str, theme: Theme) -> None:
    p = theme.palette
    plot = layout.plot
    draw_card(surface, layout.timeline_card, theme, radius=18, shadow=False)
    pygame.draw.rect(surface, mix(p.surface, p.background, 0.5), plot)
    for start, end in track.holds:
        band = pygame.Rect(_x(plot, track, start), plot.top, 0, plot.height)
        band.width = max(2, _x(plot, track, end) - band.left)
        surface.fill(mix(p.success, p.surface, 0.55), band)
    y_range = _y_range(track)
    lo, hi = y_range

    def y_of(v: float) -> int:
        return round(plot.bottom - (v - lo) / (hi - lo) * plot.height)

    pygame.draw.line(surface, p.outline, (plot.left, y_of(0.0)), (plot.right, y_of(0.0)), 2)
    full_y = y_of(1.0)
    for x in range(plot.left, plot.right, 14):
        pygame.draw.line(surface, p.outline, (x, full_y), (min(x + 7, plot.right), full_y), 1)
    draw_text(surface, phrases.text("ui.replay.full", lang), theme,
              (plot.left + 12, full_y + 3), size=TICK_SIZE, anchor="topleft",
              color=p.text_muted)
    head_x = _x(plot, track, t_ms)
    if len(track.curves.t_ms) == 0:
        draw_text(surface, phrases.text("ui.replay.no_frames", lang), theme,
                  (plot.centerx, plot.centery), size="small", color=p.text_muted,
                  max_width=plot.width - 40)
    else:
        colors = curve_colors(p)
        curves = [(values, colors[i % len(colors)], 2)
                  for i, values in enumerate(track.curves.actions.values())]
        curves.append((track.curves.curve, p.accent, 4))
        for values, color, width in curves:
            _draw_curve(surface, plot, head_x, _curve_points(plot, track, values, y_range),
                        color, width, p.surface)
    for mark in track.motion.marks:
        if mark.kind in _SHOWN_MARKS:
            x = _x(plot, track, mark.t_ms)
            color = _mark_color(mark.kind, p)
            pygame.draw.line(surface, mix(color, p.surface, 0.3), (x, plot.top + 18),
                             (x, plot.bottom), 2)
            _draw_mark_icon(surface, mark.kind, (x, plot.top + 10), color, theme)
    pygame.draw.line(surface, p.text, (head_x, plot.top - 4), (head_x, plot.bottom + 4), 3)
    pygame.draw.circle(surface, p.text, (head_x, plot.bottom + 4), 6)
    _draw_ticks(surface, layout, track, lang, theme)
    _draw_legend(surface, layout, track, lang, theme)


def _draw_curve(surface: pygame.Surface, plot: pygame.Rect, head_x: int,
                points: list[tuple[float, float]], color: Color, width: int,
                paper: Color) -> None:
    """The whole curve faint, and the part up to the playhead in full colour."""
    if len(points) < 2:
        if points:
            pygame.draw.circle(surface, color, points[0], width + 1)
        return
    pygame.draw.lines(surface, mix(color, paper, 0.6), False, points, width)
    before = surface.get_clip()
    surface.set_clip(pygame.Rect(plot.left - 8, plot.top - 8, head_x - plot.left + 8,
                                 plot.height + 16).clip(before))
    pygame.draw.lines(surface, color, False, points, width)
    surface.set_clip(before)


def _draw_mark_icon(surface: pygame.Surface, kind: MarkKind, center: tuple[int, int],
                    color: Color, theme: Theme) -> None:
    x, y = center
    r = 7
    if kind is MarkKind.PROMPT:
        pygame.draw.polygon(surface, color, [(x - r, y - r), (x + r, y - r), (x, y + r)])
    elif kind is MarkKind.HELP:
        pygame.draw.circle(surface, color, (x, y), r)
    elif kind is MarkKind.HINT:
        pygame.draw.circle(surface, color, (x, y), r, 3)
    elif kind is MarkKind.REWARD:
        draw_star(surface, (x, y), r + 3, theme)
    elif kind is MarkKind.PAUSE:
        pygame.draw.rect(surface, color, (x - r, y - r, 5, 2 * r))
        pygame.draw.rect(surface, color, (x + r - 5, y - r, 5, 2 * r))
    else:  # time up, ended
        pygame.draw.rect(surface, color, (x - r + 1, y - r + 1, 2 * r - 2, 2 * r - 2))


def _tick_step(track: ReplayTrack, plot: pygame.Rect, lang: str, theme: Theme) -> float:
    """Seconds between time labels: the smallest step whose labels do not crowd."""
    total_s = track.duration_ms / 1000
    widest = text_size(phrases.text("ui.replay.seconds", lang, value=f"{total_s:.1f}"), theme,
                       TICK_SIZE)[0]
    for step in TICK_STEPS_S:
        if step / max(total_s, 1e-3) * plot.width >= widest + 24:
            return step
    return TICK_STEPS_S[-1]


def _draw_ticks(surface: pygame.Surface, layout: ReplayLayout, track: ReplayTrack, lang: str,
                theme: Theme) -> None:
    p = theme.palette
    plot = layout.plot
    step = _tick_step(track, plot, lang, theme)
    count = int(track.duration_ms / 1000 / step + 1e-9)
    right_edge = layout.timeline_card.right - 6
    for i in range(count + 1):
        value = i * step
        x = _x(plot, track, value * 1000)
        pygame.draw.line(surface, p.outline, (x, plot.bottom), (x, plot.bottom + 5), 2)
        label = phrases.text("ui.replay.seconds", lang,
                             value=f"{value:.1f}" if step < 1 else f"{value:.0f}")
        width = text_size(label, theme, TICK_SIZE)[0]
        anchor = "midtop"
        if x - width // 2 < layout.timeline_card.left + 6:
            anchor, x = "topleft", plot.left
        elif x + width // 2 > right_edge:
            continue  # the last label would leave the card: the end has the clock above
        draw_text(surface, label, theme, (x, layout.ticks_top + 2), size=TICK_SIZE,
                  anchor=anchor, color=p.text_muted)


def _draw_legend(surface: pygame.Surface, layout: ReplayLayout, track: ReplayTrack,
                 lang: str, theme: Theme) -> None:
    p = theme.palette
    entries = legend_entries(track, lang, p)
    size = layout.legend_size
    line_h = _line_height(theme, size) + 4
    for r, row in enumerate(_legend_rows(entries, theme, size, layout.legend.width)):
        x = layout.legend.left
        cy = layout.legend.top + r * line_h + line_h // 2
        for entry, width in row:
            if entry.kind == "curve":
                pygame.draw.line(surface, entry.color, (x, cy), (x + ICON, cy),
                                 4 if entry.thick else 2)
            elif entry.kind == "hold":
                surface.fill(entry.color, pygame.Rect(x, cy - 7, ICON, 14))
            elif entry.mark is not None:
                _draw_mark_icon(surface, entry.mark, (x + ICON // 2, cy), entry.color, theme)
            draw_text(surface, entry.label, theme, (x + ICON + 6, cy), size=size,
                      anchor="midleft", color=p.text)
            x += width + 18
