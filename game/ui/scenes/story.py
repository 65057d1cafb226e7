"""Story mode: a short illustrated scene card with narration, then "show how they feel".

The picture is drawn from simple shapes by name (the level file's `picture`), so stories
need no image files; an unknown name draws a calm landscape. The story's face stays on the
card as a small avatar only when the rules engine shows the model prompt.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable

import pygame

from game.ui.avatar import draw_avatar
from game.ui.avatar_params import face_for
from game.ui.scenes.trial import TrialScene
from game.ui.theme import Palette
from game.ui.widgets import draw_card, star_points

logger = logging.getLogger(__name__)

Painter = Callable[[pygame.Surface, pygame.Rect, Palette], None]


def _ground(s: pygame.Surface, r: pygame.Rect, p: Palette) -> pygame.Rect:
    sky = r.copy()
    sky.height = round(r.height * 0.68)
    pygame.draw.rect(s, p.surface_alt, r, border_radius=18)
    grass = pygame.Rect(r.left, sky.bottom, r.width, r.bottom - sky.bottom)
    pygame.draw.rect(s, p.success, grass, border_bottom_left_radius=18,
                     border_bottom_right_radius=18)
    return sky


def paint_landscape(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    pygame.draw.circle(s, p.star, (sky.right - 70, sky.top + 70), 42)
    for i, x in enumerate((0.25, 0.55)):
        pygame.draw.circle(s, p.surface, (r.left + round(r.width * x), sky.top + 60 + 20 * i), 30)
        pygame.draw.circle(s, p.surface, (r.left + round(r.width * x) + 34, sky.top + 60 + 20 * i),
                           24)


def paint_birthday_cake(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    pygame.draw.rect(s, p.surface_alt, r, border_radius=18)
    cx, base = r.centerx, r.bottom - 50
    pygame.draw.ellipse(s, p.surface, pygame.Rect(cx - 170, base - 20, 340, 50))
    for i, (w, h, c) in enumerate(((260, 80, p.sticker), (200, 70, p.cheek))):
        top = base - 80 * (i + 1)
        pygame.draw.rect(s, c, pygame.Rect(cx - w // 2, top, w, h), border_radius=14)
    for dx in (-60, 0, 60):
        pygame.draw.rect(s, p.accent, pygame.Rect(cx + dx - 6, base - 210, 12, 50),
                         border_radius=4)
        pygame.draw.ellipse(s, p.star, pygame.Rect(cx + dx - 9, base - 236, 18, 28))


def paint_balloon_away(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    center = (sky.right - 110, sky.top + 80)
    pygame.draw.ellipse(s, p.cheek, pygame.Rect(center[0] - 34, center[1] - 44, 68, 88))
    points = [(center[0] + math.sin(i / 3) * 8, center[1] + 44 + i * 8) for i in range(12)]
    pygame.draw.lines(s, p.outline, False, points, 2)


def paint_present(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    pygame.draw.rect(s, p.surface_alt, r, border_radius=18)
    box = pygame.Rect(0, 0, 240, 180)
    box.midbottom = (r.centerx, r.bottom - 40)
    pygame.draw.rect(s, p.sticker, box, border_radius=12)
    pygame.draw.rect(s, p.star, pygame.Rect(box.centerx - 16, box.top, 32, box.height))
    lid = box.inflate(24, 0)
    lid.height, lid.bottom = 44, box.top + 10
    pygame.draw.rect(s, p.sticker, lid, border_radius=10)
    for dx in (-40, 40):
        pygame.draw.ellipse(s, p.star, pygame.Rect(box.centerx + dx - 34, lid.top - 40, 68, 44),
                            width=10)


def paint_spider(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    pygame.draw.rect(s, p.surface_alt, r, border_radius=18)
    cx, cy = r.centerx, r.centery + 20
    pygame.draw.line(s, p.outline, (cx, r.top), (cx, cy - 40), 2)
    for side in (-1, 1):
        for k in range(4):
            y = cy - 24 + k * 16
            pygame.draw.lines(s, p.feature, False,
                              [(cx, y), (cx + side * 60, y - 26), (cx + side * 90, y + 24)], 5)
    pygame.draw.circle(s, p.feature, (cx, cy), 42)
    for dx in (-14, 14):
        pygame.draw.circle(s, p.eye_white, (cx + dx, cy - 10), 9)


def paint_rain(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    for x in (0.3, 0.55, 0.75):
        pygame.draw.circle(s, p.outline, (r.left + round(r.width * x), sky.top + 70), 44)
    for i in range(18):
        x = r.left + 40 + (i * 53) % (r.width - 80)
        y = sky.top + 130 + (i * 37) % max(1, sky.height - 150)
        pygame.draw.line(s, p.progress, (x, y), (x - 6, y + 18), 4)


def paint_star_prize(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    pygame.draw.rect(s, p.surface_alt, r, border_radius=18)
    pygame.draw.polygon(s, p.star, star_points(r.center, min(r.width, r.height) * 0.32))
    pygame.draw.polygon(s, p.star_outline, star_points(r.center, min(r.width, r.height) * 0.32),
                        4)


def paint_broken_tower(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    colours = (p.sticker, p.cheek, p.progress, p.star)
    base = sky.bottom
    for i, (dx, dy, c) in enumerate(((-120, 0, 0), (-50, 0, 1), (40, 0, 2), (110, -10, 3),
                                     (-85, -60, 2), (70, -50, 0))):
        block = pygame.Rect(0, 0, 62, 52)
        block.midbottom = (r.centerx + dx, base + dy)
        pygame.draw.rect(s, colours[c], block, border_radius=8)
        pygame.draw.rect(s, p.outline, block, width=2, border_radius=8)
        if i == 5:
            pygame.draw.arc(s, p.outline, block.inflate(40, 40), 0.3, 1.2, 3)


def paint_dog(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    cx, ground = r.centerx, sky.bottom + 20
    body = pygame.Rect(0, 0, 190, 90)
    body.midbottom = (cx, ground - 30)
    pygame.draw.ellipse(s, p.hair, body)
    for dx in (-60, -30, 40, 70):
        pygame.draw.rect(s, p.hair, pygame.Rect(cx + dx - 10, ground - 55, 20, 55),
                         border_radius=8)
    head = (cx + 100, ground - 130)
    pygame.draw.circle(s, p.hair, head, 52)
    for dx in (-38, 38):
        pygame.draw.ellipse(s, p.skin_shade, pygame.Rect(head[0] + dx - 16, head[1] - 40, 32, 70))
    for dx in (-18, 18):
        pygame.draw.circle(s, p.feature, (head[0] + dx, head[1] - 8), 7)
    pygame.draw.circle(s, p.feature, (head[0], head[1] + 14), 10)
    pygame.draw.arc(s, p.feature, pygame.Rect(head[0] - 20, head[1] + 6, 40, 30), 3.5, 5.9, 3)
    pygame.draw.line(s, p.hair, (cx - 90, ground - 90), (cx - 130, ground - 140), 12)


def paint_dropped_ice_cream(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    ground = sky.bottom + 10
    cone = [(r.centerx + 20, ground - 10), (r.centerx + 140, ground - 40),
            (r.centerx + 130, ground + 10)]
    pygame.draw.polygon(s, p.star_outline, cone)
    pygame.draw.ellipse(s, p.cheek, pygame.Rect(r.centerx - 110, ground - 30, 150, 50))
    pygame.draw.circle(s, p.cheek, (r.centerx - 40, ground - 30), 38)


def paint_jack_in_the_box(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    pygame.draw.rect(s, p.surface_alt, r, border_radius=18)
    box = pygame.Rect(0, 0, 200, 150)
    box.midbottom = (r.centerx, r.bottom - 30)
    pygame.draw.rect(s, p.sticker, box, border_radius=10)
    pygame.draw.rect(s, p.star, pygame.Rect(box.left, box.top, box.width, 20), border_radius=6)
    points = [(r.centerx + (18 if i % 2 else -18), box.top - i * 14) for i in range(8)]
    pygame.draw.lines(s, p.outline, False, points, 5)
    head = (r.centerx, box.top - 130)
    pygame.draw.circle(s, p.skin, head, 42)
    pygame.draw.polygon(s, p.cheek, [(head[0] - 40, head[1] - 30), (head[0] + 40, head[1] - 30),
                                     (head[0], head[1] - 90)])
    for dx in (-14, 14):
        pygame.draw.circle(s, p.feature, (head[0] + dx, head[1] - 6), 5)
    pygame.draw.arc(s, p.feature, pygame.Rect(head[0] - 18, head[1], 36, 24), 3.4, 6.0, 3)


def paint_queue(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    ground = sky.bottom + 20
    colours = (p.progress, p.sticker, p.cheek, p.star)
    for i in range(4):
        x = r.left + 90 + i * (r.width - 180) // 3
        lean = -18 if i == 1 else 0
        body = pygame.Rect(0, 0, 56, 110)
        body.midbottom = (x + lean, ground)
        pygame.draw.rect(s, colours[i], body, border_radius=24)
        pygame.draw.circle(s, p.skin, (x + lean * 2, body.top - 30), 30)
    pygame.draw.line(s, p.outline, (r.left + 150, ground - 80), (r.left + 200, ground - 76), 6)


def paint_rainbow(s: pygame.Surface, r: pygame.Rect, p: Palette) -> None:
    sky = _ground(s, r, p)
    colours = (p.cheek, p.star, p.success, p.progress, p.sticker)
    for i, colour in enumerate(colours):
        radius = sky.height - 30 - i * 22
        arc = pygame.Rect(0, 0, 2 * radius, 2 * radius)
        arc.center = (r.centerx, sky.bottom)
        pygame.draw.arc(s, colour, arc, 0, math.pi, 20)
    pygame.draw.circle(s, p.star, (sky.right - 60, sky.top + 50), 30)


PICTURES: dict[str, Painter] = {
    "birthday_party": paint_birthday_cake,
    "broken_tower": paint_broken_tower,
    "dog_greeting": paint_dog,
    "dropped_ice_cream": paint_dropped_ice_cream,
    "jack_in_the_box": paint_jack_in_the_box,
    "queue_push": paint_queue,
    "rainbow": paint_rainbow,
    "rainy_window": paint_rain,
    "birthday_cake": paint_birthday_cake,
    "cake": paint_birthday_cake,
    "lost_balloon": paint_balloon_away,
    "balloon": paint_balloon_away,
    "present": paint_present,
    "gift": paint_present,
    "spider": paint_spider,
    "rain": paint_rain,
    "prize": paint_star_prize,
    "landscape": paint_landscape,
}


CANVAS = (560, 380)  # every picture is painted at this size, then scaled to its place


@functools.lru_cache(maxsize=16)
def picture_surface(name: str, size: tuple[int, int], palette: Palette) -> pygame.Surface:
    """The story picture `name` at `size` (cached; a calm landscape for unknown names)."""
    canvas = pygame.Surface(CANVAS, pygame.SRCALPHA)
    PICTURES.get(name or "landscape", paint_landscape)(canvas, canvas.get_rect(), palette)
    return pygame.transform.smoothscale(canvas, size)


def paint_picture(name: str, surface: pygame.Surface, rect: pygame.Rect, palette: Palette) -> None:
    """Draw the story picture called `name` into `rect`."""
    surface.blit(picture_surface(name, rect.size, palette), rect.topleft)


class StoryScene(TrialScene):
    """Story mode: the scene card and its narration on the left."""

    name = "story"

    def draw_main(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p = self.palette
        draw_card(surface, rect, self.theme, radius=28)
        picture = pygame.Rect(rect.left + 24, rect.top + 24, rect.width - 48,
                              round(rect.height * 0.62))
        paint_picture(str(self.view.story or ""), surface, picture, p)
        if self.view.show_model:
            face = pygame.Rect(0, 0, 130, 130)
            face.bottomright = (picture.right - 10, picture.bottom - 10)
            draw_avatar(surface, face, face_for(self.view.target, self.view.intensity),
                        self.theme, look=self.avatar_look)
        text_center = (rect.centerx, (picture.bottom + rect.bottom) // 2)
        self.draw_text(surface, self.view.prompt_text, text_center, max_width=rect.width - 60)

    def draw_hint(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        text = self.hint_text() if self.view.active else ""
        if text:
            super().draw_hint(surface)
            return
        self.draw_text(surface, self.t("story.instructions"), (w // 4, h - 93),
                       max_width=w // 2 - 60)
