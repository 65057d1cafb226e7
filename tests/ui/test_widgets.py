"""Every widget draws in both palettes and both languages, stays calm, and wraps text well."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pygame
import pytest

from game import phrases
from game.expressions import FacePart, HintKey
from game.ui import widgets as w
from game.ui.avatar_params import HintArrow, hint_visual
from game.ui.fonts import get_font
from game.ui.theme import CALM, HIGH_CONTRAST, Theme

THEMES = [Theme(CALM), Theme(HIGH_CONTRAST)]
LANGS = ["en", "zh-CN"]
SIZE = (900, 500)


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.init()


def _hint_widget(s: pygame.Surface, th: Theme, lang: str) -> None:
    part, arrow = hint_visual(HintKey.RAISE_BROWS)
    w.draw_hint_bubble(s, pygame.Rect(60, 150, 700, 120),
                       phrases.text("hint.raise_brows", lang), th, part=part, arrow=arrow)


def _card_text_widget(s: pygame.Surface, th: Theme, lang: str) -> None:
    w.draw_card(s, pygame.Rect(100, 100, 700, 300), th)
    w.draw_text(s, phrases.text("session_end", lang), th, (450, 250), size="title",
                max_width=640)


def _stickers_widget(s: pygame.Surface, th: Theme, lang: str) -> None:
    for k in range(w.STICKER_KINDS):
        w.draw_sticker(s, (100 + 120 * k, 250), 50, k, th)


WIDGETS: dict[str, Callable[[pygame.Surface, Theme, str], object]] = {
    "gauge": lambda s, th, lang: w.draw_gauge(s, pygame.Rect(100, 200, 600, 60), 0.7, 0.6, th,
                                              hold=0.4),
    "hold_ring": lambda s, th, lang: w.draw_hold_ring(s, (450, 250), 80, 0.6, th),
    "hint_bubble": _hint_widget,
    "timer": lambda s, th, lang: w.draw_session_timer(s, (450, 250), 40, 60_000, 900_000, th),
    "reward_independent": lambda s, th, lang: w.draw_reward(
        s, pygame.Rect(250, 50, 400, 400), th, stars=3, independent=True, t_ms=5000),
    "reward_prompted": lambda s, th, lang: w.draw_reward(
        s, pygame.Rect(250, 50, 400, 400), th, stars=1, independent=False, t_ms=5000),
    "cant_see_you": lambda s, th, lang: w.draw_cant_see_you(
        s, pygame.Rect(150, 50, 600, 400), phrases.text("cant_see_you", lang), th),
    "button": lambda s, th, lang: w.draw_button(
        s, pygame.Rect(250, 200, 400, 100), phrases.text("expression.happy", lang), th,
        focused=True),
    "card_text": _card_text_widget,
    "stickers": _stickers_widget,
}


def _blank(theme: Theme) -> pygame.Surface:
    surf = pygame.Surface(SIZE)
    surf.fill(theme.palette.background)
    return surf


def _is_alarm_red(rgb: np.ndarray) -> np.ndarray:
    """Saturated, bright pixels with a red hue (the colour of a "wrong" cross)."""
    flat = rgb.reshape(-1, 3).astype(np.float64) / 255.0
    r, g, b = flat[:, 0], flat[:, 1], flat[:, 2]
    v = flat.max(axis=1)
    c = v - flat.min(axis=1)
    s = np.where(v > 0, c / np.maximum(v, 1e-9), 0.0)
    red_hue = (v == r) & (c > 0) & (np.abs(g - b) / np.maximum(c, 1e-9) < 12 / 60)
    return np.asarray(red_hue & (s > 0.6) & (v > 0.5))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.palette.name)
@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_widget_draws_in_every_palette_and_language(name: str, theme: Theme, lang: str) -> None:
    surf = _blank(theme)
    before = pygame.surfarray.array3d(surf).copy()
    WIDGETS[name](surf, theme, lang)
    after = pygame.surfarray.array3d(surf)
    changed = np.any(after != before, axis=2)
    assert changed.mean() > 0.005, f"{name} drew (almost) nothing"
    assert not _is_alarm_red(after).any(), f"{name} uses an alarm red"
    # drawing twice gives the same picture: draw functions keep no state
    again = _blank(theme)
    WIDGETS[name](again, theme, lang)
    assert np.array_equal(pygame.surfarray.array3d(again), after)


def test_gauge_turns_green_only_at_the_threshold() -> None:
    theme = Theme(CALM)
    rect = pygame.Rect(20, 40, 400, 50)
    for score, color in ((0.3, CALM.progress), (0.8, CALM.success)):
        surf = _blank(theme)
        w.draw_gauge(surf, rect, score, 0.6, theme)
        assert tuple(surf.get_at((rect.left + 40, rect.top + 15)))[:3] == color


def test_independent_reward_is_bigger_than_prompted() -> None:
    theme = Theme(CALM)

    def star_pixels(independent: bool) -> int:
        surf = _blank(theme)
        w.draw_reward(surf, pygame.Rect(0, 0, 500, 500), theme, stars=1,
                      independent=independent, t_ms=10_000)
        rgb = pygame.surfarray.array3d(surf)
        return int(np.all(rgb == CALM.star, axis=2).sum())

    assert star_pixels(True) > 1.8 * star_pixels(False) > 0


def test_reward_grows_in_unless_motion_is_reduced() -> None:
    def drawn(theme: Theme, t_ms: int) -> np.ndarray:
        surf = _blank(theme)
        w.draw_reward(surf, pygame.Rect(0, 0, 500, 500), theme, stars=2, independent=False,
                      t_ms=t_ms)
        return pygame.surfarray.array3d(surf)

    moving, still = Theme(CALM), Theme(CALM, reduced_motion=True)
    assert not np.array_equal(drawn(moving, 100), drawn(moving, 5000))
    assert np.array_equal(drawn(still, 0), drawn(still, 5000))


def test_buttons_are_big_enough_for_small_hands() -> None:
    theme = Theme(CALM)
    hit = w.draw_button(_blank(theme), pygame.Rect(10, 10, 60, 30), "OK", theme)
    assert min(hit.size) >= w.MIN_TARGET_PX
    rects = w.button_rects(450, 50, 3, height=40)
    assert all(r.height >= w.MIN_TARGET_PX for r in rects)
    assert not rects[0].colliderect(rects[1])


def test_english_wraps_between_words_within_the_width() -> None:
    font = get_font(30)
    text = phrases.text("cant_see_you", "en")
    lines = w.wrap_text(text, font, 260)
    assert len(lines) > 1
    assert all(font.size(line)[0] <= 260 for line in lines)
    assert " ".join(lines).split() == text.split()


def test_chinese_wraps_between_characters_and_keeps_punctuation_attached() -> None:
    font = get_font(30)
    text = "我看不到你啦，回到摄像头前面来吧！"
    lines = w.wrap_text(text, font, 5 * 30)
    assert "".join(lines) == text
    assert len(lines) >= 3
    assert all(font.size(line)[0] <= 5 * 30 + 30 for line in lines)  # punctuation may hang
    assert not any(line[0] in "，。！？" for line in lines)


def test_closing_quotes_never_start_a_line_and_opening_quotes_never_end_one() -> None:
    font = get_font(30)
    text = "老师说：“我们一起笑一笑吧！”然后大家都笑了。"
    for width in range(60, 400, 15):
        lines = w.wrap_text(text, font, width)
        assert "".join(lines) == text
        assert not any(line[0] in "”’，。！" for line in lines if line), (width, lines)
        assert not any(line[-1] in "“‘" for line in lines if line), (width, lines)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_balanced_lines_are_about_equally_long_and_no_more_of_them(lang: str) -> None:
    font = get_font(44, bold=True)
    text = phrases.text("session_end", lang)
    greedy = w.wrap_text(text, font, 800)
    balanced = w.balanced_wrap(text, font, 800)
    assert len(greedy) == len(balanced) == 2
    assert "".join(balanced).replace(" ", "") == text.replace(" ", "")
    widths = [font.size(line)[0] for line in balanced]
    assert max(widths) <= 800
    assert min(widths) >= 0.6 * max(widths)
    # the goodbye falls into its two sentences (clauses), one to a line: never "... I /
    # loved playing" or a lone last character
    assert balanced == {"en": ["That's all for today.", "I loved playing with you!"],
                        "zh-CN": ["今天就玩到这里啦，", "和你一起玩真开心！"]}[lang]


def test_a_very_long_word_is_cut_rather_than_overflowing() -> None:
    font = get_font(30)
    lines = w.wrap_text("Supercalifragilisticexpialidocious", font, 120)
    assert len(lines) > 1 and all(font.size(line)[0] <= 120 for line in lines)


def test_a_long_path_before_chinese_punctuation_is_cut_and_keeps_its_comma() -> None:
    font = get_font(24)
    path = "/home/therapist/.local/share/facequest/progress.corrupt-20261122-042900.json"
    text = f"已移到 {path}，并新建了一个。"
    lines = w.wrap_text(text, font, 300)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(font.size(line.rstrip("，。"))[0] <= 300 for line in lines), lines
    assert not any(line[0] in "，。" for line in lines)


def test_text_scale_makes_text_bigger() -> None:
    small = w.text_size("Happy", Theme(CALM), "body")
    big = w.text_size("Happy", Theme(CALM, text_scale=1.5), "body")
    assert big[0] > small[0] * 1.3 and big[1] > small[1] * 1.3


def test_hint_bubble_draws_every_arrow_and_part() -> None:
    theme = Theme(HIGH_CONTRAST)
    for part in FacePart:
        for arrow in HintArrow:
            surf = _blank(theme)
            w.draw_hint_bubble(surf, pygame.Rect(40, 40, 600, 100), "ok", theme, part=part,
                               arrow=arrow)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scale", [1.0, 1.25, 1.5])
@pytest.mark.parametrize("hint", list(HintKey), ids=str)
def test_hint_text_stays_inside_its_bubble_at_every_text_size(
    lang: str, scale: float, hint: HintKey
) -> None:
    theme = Theme(CALM, text_scale=scale)
    surf = _blank(theme)
    bubble = pygame.Rect(60, 150, 540, 112)  # the trial scenes' bubble
    part, arrow = hint_visual(hint)
    w.draw_hint_bubble(surf, bubble, phrases.text(phrases.hint_key(hint), lang), theme,
                       part=part, arrow=arrow)
    pixels = pygame.surfarray.array3d(surf)
    outside = np.ones(pixels.shape[:2], bool)
    around = bubble.inflate(48, 32)  # the tail, the shadow and the focus ring
    outside[around.left:around.right, around.top:around.bottom] = False
    assert (pixels[outside] == np.array(CALM.background)).all()


@pytest.mark.parametrize(("part", "arrows"), [
    (FacePart.MOUTH, (HintArrow.CORNERS_UP, HintArrow.CORNERS_DOWN, HintArrow.OPEN,
                      HintArrow.CLOSE)),
    (FacePart.EYES, (HintArrow.OPEN, HintArrow.CLOSE)),
])
def test_the_part_picture_shows_the_shape_the_hint_asks_for(
    part: FacePart, arrows: tuple[HintArrow, ...]
) -> None:
    theme = Theme(CALM)
    drawn = []
    for arrow in arrows:
        surf = _blank(theme)
        w.draw_part_icon(surf, pygame.Rect(0, 0, 120, 120), part, theme, arrow)
        drawn.append(pygame.surfarray.array3d(surf)[:120, :120])
    for i, a in enumerate(drawn):
        for b in drawn[i + 1:]:
            assert not np.array_equal(a, b)
