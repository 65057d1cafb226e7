"""Palettes, theme settings and the CJK font."""

from __future__ import annotations

import colorsys
import dataclasses

import pygame
import pytest

from game.paths import LEVELS_DIR
from game.ui import fonts
from game.ui.theme import CALM, HIGH_CONTRAST, PALETTES, Color, Palette, Theme, palette_named


def _luminance(c: Color) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Color, b: Color) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _is_red(c: Color) -> bool:
    h, s, v = colorsys.rgb_to_hsv(*(x / 255 for x in c))
    hue = h * 360
    return s > 0.45 and v > 0.35 and (hue < 15 or hue > 345)


@pytest.mark.parametrize("palette", list(PALETTES.values()), ids=list(PALETTES))
def test_text_is_readable_on_page_and_cards(palette: Palette) -> None:
    minimum = 7.0 if palette is HIGH_CONTRAST else 4.5  # WCAG AAA / AA
    assert contrast(palette.text, palette.background) >= minimum
    assert contrast(palette.text, palette.surface) >= minimum
    assert contrast(palette.accent_text, palette.accent) >= 3.0


@pytest.mark.parametrize("palette", list(PALETTES.values()), ids=list(PALETTES))
def test_no_palette_colour_is_alarm_red(palette: Palette) -> None:
    reds = [f.name for f in dataclasses.fields(palette)
            if f.name != "name" and _is_red(getattr(palette, f.name))]
    assert reds == []


def test_calm_palette_is_soft_and_high_contrast_is_stronger() -> None:
    def saturation(c: Color) -> float:
        return colorsys.rgb_to_hsv(*(x / 255 for x in c))[1]

    assert saturation(CALM.background) < 0.1
    assert saturation(CALM.accent) < 0.5
    assert contrast(HIGH_CONTRAST.text, HIGH_CONTRAST.background) > contrast(
        CALM.text, CALM.background
    )


def test_theme_scales_text_and_silences_motion() -> None:
    theme = Theme(CALM, text_scale=1.5, reduced_motion=True)
    assert theme.text_px("body") == round(30 * 1.5)
    assert theme.motion(12.0) == 0.0
    assert Theme().motion(12.0) == 12.0
    with pytest.raises(ValueError, match="text_scale"):
        Theme(CALM, text_scale=10)


def test_theme_from_settings_names_unknown_palettes() -> None:
    assert Theme.from_settings("high_contrast").palette is HIGH_CONTRAST
    assert palette_named("calm") is CALM
    with pytest.raises(ValueError, match="allowed: calm, high_contrast"):
        Theme.from_settings("neon")


def test_shipped_font_is_small_and_licensed() -> None:
    path = fonts.font_path()
    assert path is not None, "run: python -m game.ui.fonts --subset"
    assert path.stat().st_size < fonts.MAX_SUBSET_BYTES
    assert "SIL OPEN FONT LICENSE" in fonts.LICENCE_FILE.read_text(encoding="utf-8")


def test_font_covers_common_chinese_and_latin() -> None:
    assert fonts.missing_characters("Show me a happy face! 做一个开心的脸。你好，小朋友") == ""
    assert fonts.missing_characters("\ue000") == "\ue000"


def _glyph_pixels(font: pygame.font.Font, text: str) -> bytes:
    surf = font.render(text, True, (0, 0, 0), (255, 255, 255))
    return pygame.image.tobytes(surf, "RGB")


def test_chinese_renders_real_glyphs_not_tofu() -> None:
    font = fonts.get_font(32)
    tofu = _glyph_pixels(font, "\ue000")  # private-use: the missing-glyph box
    seen = set()
    for ch in "开心难过生气":
        width = font.size(ch)[0]
        assert width >= 24, ch  # full-width glyph, not a narrow fallback
        pixels = _glyph_pixels(font, ch)
        assert pixels != tofu, f"{ch} renders as the missing-glyph box"
        seen.add(pixels)
    assert len(seen) == 6


def test_phrases_and_levels_are_covered_when_present() -> None:
    texts = fonts._phrase_texts() + fonts._level_texts(LEVELS_DIR)
    if not texts:
        pytest.skip("game.phrases and levels/*.toml do not exist yet")
    assert fonts.missing_characters(texts) == "", "rebuild: python -m game.ui.fonts --subset"


def test_the_font_draws_the_characters_of_common_given_names() -> None:
    """GB2312 level 2 is where many given names' characters are: a child called 王睿 or 李昊
    showed a box for the second character when the font held level 1 only."""
    names = "王睿 李昊 张萱 刘鑫 陈妍 杨婧 赵煜 周琛 吴瑾 郑骁 孙骞 何昕 梁淼 宋焱 许熠 蒋翊 曾琰"
    assert fonts.missing_characters(names) == ""
