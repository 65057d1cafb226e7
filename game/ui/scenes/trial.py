"""The trial scenes: mimic (copy the avatar) and cue (word and voice only), on a shared base.

Every trial scene has the same layout, so the child always knows where to look: the
progress dots and the gentle timer at the top, the main picture on the left (the model
face, the word card, the story card or the maze), the child's side on the right (the
avatar mirroring the child from the readings, or the camera image when the therapist has
allowed it and switched it on), and the gauge with the hold bar at the bottom. The hint
is drawn on the model avatar (the part glows, an arrow shows the way) and as a short text.

The scenes decide nothing: `TrialView` comes from the session driver, the mirror face from
the latest reading; therapist keys go to `ctx.flow.therapist(action)`.

The child's rest button is always in the top bar, at the right beside the gentle
timer: a tap on it, or the child's key B, asks for a break (`ctx.flow.child_break()`),
recorded as the child's own (the therapist's P is a pause of their own).
"""

from __future__ import annotations

import logging

import numpy as np
import pygame

from game import phrases
from game.ui.avatar import draw_avatar
from game.ui.avatar_params import AvatarFace, face_for, face_from_reading, hint_visual
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.scenes.hud import TrialView, draw_hint, draw_trial_dots, draw_trial_gauge
from game.ui.theme import Palette
from game.ui.widgets import draw_card, draw_session_timer, fitting_size, mix

logger = logging.getLogger(__name__)

MIRROR_EASE = 0.25  # how quickly the mirror avatar follows the readings (per frame)
MIRROR_STEP = 0.05  # the mirror face moves in steps this size (drawings are cached per pose)
REST_BUTTON_SIZE = (200, 62)  # the child's rest button, in the top bar (cards start at 70)
REST_BUTTON_RIGHT = 90  # its right edge's distance from the window's right (the timer's room)


def frame_to_surface(rgb: np.ndarray) -> pygame.Surface:
    """A pygame surface of an RGB uint8 (H, W, 3) image."""
    h, w = rgb.shape[:2]
    return pygame.image.frombuffer(np.ascontiguousarray(rgb).tobytes(), (w, h), "RGB")


class TrialScene(GameScene):
    """Shared behaviour of mimic, cue, story and maze: mirror face, camera, therapist keys."""

    name = "trial"

    def __init__(self, ctx: GameContext, view: TrialView) -> None:
        super().__init__(ctx)
        self.view = view
        self.face_seen = False
        self.camera_image: pygame.Surface | None = None
        self.t_ms = 0

    # ---------------------------------------------------------------- state

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.t_ms = now_ms
        reading = self.ctx.reading
        if reading is not None:
            self.face_seen = bool(reading.face_present)
            if reading.trusted:
                target = face_from_reading(reading.probabilities, reading.actions)
                moved = self.mirror.blend(target, MIRROR_EASE).quantized(MIRROR_STEP)
                if moved.distance(self.mirror) < MIRROR_STEP:  # the last small step
                    moved = target.quantized(MIRROR_STEP)
                self.view.mirror = moved
        self._update_camera()

    @property
    def mirror(self) -> AvatarFace:
        return self.view.mirror

    def new_trial(self, view: TrialView) -> None:
        """The next trial of the same mode starts (the view was refreshed by the driver)."""
        self.view = view

    def on_success(self) -> None:
        """The rules engine counted a success (the maze opens its door here)."""

    def handle(self, event: InputEvent) -> bool:
        """The child's B, or a tap on the rest button: ask for a break."""
        on_button = (event.action is Action.POINT and event.pos is not None
                     and self.rest_button_rect().collidepoint(event.pos))
        if event.action is Action.REST or on_button:
            if self.ctx.flow is not None:
                self.ctx.flow.child_break()
            return True
        return False

    def rest_button_rect(self) -> pygame.Rect:
        """The rest button, top right (left of the gentle timer)."""
        w, _ = self.ctx.window_size
        bw, bh = REST_BUTTON_SIZE
        return pygame.Rect(w - REST_BUTTON_RIGHT - bw, 4, bw, bh)

    def _update_camera(self) -> None:
        if not (self.ctx.camera_view and self.ctx.settings.camera_view_allowed):
            self.camera_image = None
            return
        frame = self.ctx.pipeline.latest_frame() if self.ctx.pipeline is not None else None
        if frame is not None:
            self.camera_image = frame_to_surface(frame.rgb)

    # ---------------------------------------------------------------- layout

    def left_rect(self) -> pygame.Rect:
        w, h = self.ctx.window_size
        return pygame.Rect(40, 70, w // 2 - 60, h - 250)

    def right_rect(self) -> pygame.Rect:
        w, h = self.ctx.window_size
        return pygame.Rect(w // 2 + 20, 70, w // 2 - 60, h - 250)

    def gauge_rect(self) -> pygame.Rect:
        w, h = self.ctx.window_size
        return pygame.Rect(w // 2 + 40, h - 128, w // 2 - 100, 70)

    def hint_text(self) -> str:
        hint = self.view.hint
        return phrases.text(phrases.hint_key(hint), self.ctx.lang) if hint else ""

    # ---------------------------------------------------------------- drawing

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        self.draw_top_bar(surface)
        self.draw_main(surface, self.left_rect())
        self.draw_child_side(surface, self.right_rect())
        draw_trial_gauge(surface, self.gauge_rect(), self.view, self.theme)
        self.draw_hint(surface)

    def draw_top_bar(self, surface: pygame.Surface) -> None:
        w, _ = surface.get_size()
        draw_trial_dots(surface, (40, 20), self.view, self.theme)
        flow = self.ctx.flow
        if self.ctx.settings.show_timer and self.ctx.session is not None and flow is not None:
            left = flow.remaining_fraction()
            draw_session_timer(surface, (w - 50, 36), 24, round((1 - left) * 1000), 1000,
                               self.theme)
        self.draw_rest_button(surface, self.rest_button_rect())

    def draw_rest_button(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """A calm button: a small breathing circle (the rest's own picture) and "Rest"."""
        p = self.palette
        draw_card(surface, rect, self.theme, radius=rect.height // 2, shadow=False,
                  fill=mix(p.surface, p.progress, 0.18))
        r = rect.height * 0.3
        center = (rect.left + 14 + r, rect.centery)
        pygame.draw.circle(surface, mix(p.surface, p.progress, 0.55), center, r)
        pygame.draw.circle(surface, p.progress, center, r, max(2, round(r / 6)))
        room = pygame.Rect(round(center[0] + r + 8), rect.top + 4,
                           round(rect.right - 14 - (center[0] + r + 8)), rect.height - 8)
        label = self.t("ui.child.rest_button")
        size = fitting_size(label, self.theme, room.width, room.height,
                            sizes=("body", "small", 18, 16, 14), bold=True)
        self.draw_text(surface, label, room.center, size=size, bold=True,
                       max_width=room.width)

    def draw_hint(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        text = self.hint_text() if self.view.active else ""
        if text:
            bubble = pygame.Rect(60, h - 150, w // 2 - 100, 112)
            draw_hint(surface, bubble, self.view, text, self.theme)
        else:
            self.draw_prompt(surface, self.prompt_rect())

    def prompt_rect(self) -> pygame.Rect:
        """Where the prompt sits: the bottom band under the main card, left half."""
        w, h = self.ctx.window_size
        top = self.left_rect().bottom + 14
        return pygame.Rect(40, top, w // 2 - 60, h - 24 - top)

    def draw_prompt(self, surface: pygame.Surface, room: pygame.Rect) -> None:
        """The prompt in the largest text size at which it fits `room` (Large text and
        Chinese included: it never runs into the cards or off the window)."""
        prompt = self.view.prompt_text
        size = fitting_size(prompt, self.theme, room.width, room.height,
                            sizes=("title", "body", "small", 18))
        self.draw_text(surface, prompt, room.center, size=size, max_width=room.width)

    def draw_child_side(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p = self.palette
        draw_card(surface, rect, self.theme, radius=28)
        inner = rect.inflate(-60, -60)
        if self.camera_image is not None:
            image = self.camera_image
            scale = min(inner.width / image.get_width(), inner.height / image.get_height())
            size = (round(image.get_width() * scale), round(image.get_height() * scale))
            scaled = pygame.transform.smoothscale(image, size)
            surface.blit(scaled, scaled.get_rect(center=inner.center))
            return
        draw_avatar(surface, inner, self.mirror, self.theme, t_ms=self.t_ms,
                    look=self.avatar_look)
        if not self.face_seen:
            self.draw_text(surface, "?", (inner.right - 30, inner.top + 30), size="huge",
                           bold=True, color=p.text_muted)

    def draw_model(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The avatar showing the target at the level's intensity, with the hint on it."""
        part, arrow = hint_visual(self.view.hint if self.view.active else None)
        face = face_for(self.view.target, self.view.intensity)
        draw_avatar(surface, rect, face, self.theme, highlight=part, hint_arrow=arrow,
                    t_ms=self.t_ms, look=self.avatar_look)

    def model_rect(self, card: pygame.Rect, label_top: int, margin: int = 35) -> pygame.Rect:
        """Where the model face goes on `card`: above its label, whatever the text size."""
        return pygame.Rect(card.left + margin, card.top + margin, card.width - 2 * margin,
                           max(40, label_top - card.top - margin - 4))

    def target_word(self) -> str:
        """The target expression's name in the child's language."""
        return phrases.text(phrases.expression_name_key(self.view.target), self.ctx.lang)

    def draw_main(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        raise NotImplementedError


class MimicScene(TrialScene):
    """Copy my face: the model avatar on the left, the child's mirror on the right."""

    name = "mimic"

    def draw_main(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        draw_card(surface, rect, self.theme, radius=28)
        label = self.draw_text(surface, self.target_word(), (rect.centerx, rect.bottom - 16),
                               size="title", bold=True, anchor="midbottom",
                               max_width=rect.width - 40)
        self.draw_model(surface, self.model_rect(rect, label.top))


class CueScene(TrialScene):
    """Word and voice only: a big word card; the model face appears only as a prompt."""

    name = "cue"

    def draw_main(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        draw_card(surface, rect, self.theme, radius=28)
        word = self.target_word()
        if self.view.show_model:
            label = self.draw_text(surface, word, (rect.centerx, rect.bottom - 24),
                                   size="huge", bold=True, anchor="midbottom",
                                   max_width=rect.width - 40)
            self.draw_model(surface, self.model_rect(rect, label.top, margin=60))
            return
        _draw_speaker(surface, (rect.centerx, rect.top + 110), self.palette)
        self.draw_text(surface, word, rect.center, size=96, bold=True,
                       max_width=rect.width - 40)


def _draw_speaker(surface: pygame.Surface, center: tuple[int, int], p: Palette) -> None:
    """A small speaker icon: the word is also spoken."""
    cx, cy = center
    pygame.draw.rect(surface, p.accent, pygame.Rect(cx - 36, cy - 14, 20, 28), border_radius=4)
    pygame.draw.polygon(surface, p.accent, [(cx - 18, cy - 14), (cx + 6, cy - 32),
                                            (cx + 6, cy + 32), (cx - 18, cy + 14)])
    for r in (18, 32):
        rect = pygame.Rect(0, 0, 2 * r, 2 * r)
        rect.center = (cx + 8, cy)
        pygame.draw.arc(surface, p.accent, rect, -0.8, 0.8, width=4)
