"""Avatar drawings compared with reference PNGs, and the hint glow and arrows.

References live in tests/ui/reference/. Rewrite them (after a deliberate change of the
drawing, looking at the result) with:  FACEQUEST_SAVE_REF=1 pytest tests/ui/test_avatar_render.py
On a mismatch, computed | expected | difference are saved side by side to tmp/failed-image/.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.expressions import Expression, FacePart, HintKey
from game.ui.avatar import draw_avatar, part_regions, render_face
from game.ui.avatar_params import NEUTRAL_FACE, face_for, hint_visual
from game.ui.theme import CALM, HIGH_CONTRAST, Theme

REPO = Path(__file__).resolve().parents[2]
REFERENCE_DIR = Path(__file__).parent / "reference"
FAILED_DIR = REPO / "tmp" / "failed-image"
SIZE = 128
MEAN_TOLERANCE = 2.0  # mean absolute difference per channel (0..255)
PIXEL_TOLERANCE = 48  # a pixel "differs" when a channel is off by more than this
MAX_DIFFERING = 0.01  # fraction of pixels allowed to differ


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.init()


def _render(face_theme: Theme, expression: Expression, intensity: float,
            hint: HintKey | None = None) -> pygame.Surface:
    surf = pygame.Surface((SIZE, SIZE))
    surf.fill(face_theme.palette.background)
    part, arrow = hint_visual(hint)
    draw_avatar(surf, surf.get_rect(), face_for(expression, intensity), face_theme,
                highlight=part, hint_arrow=arrow, t_ms=0)
    return surf


def _pixels(surf: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array3d(surf).astype(np.int16)


def assert_matches_reference(surf: pygame.Surface, name: str) -> None:
    path = REFERENCE_DIR / f"{name}.png"
    if os.environ.get("FACEQUEST_SAVE_REF") == "1":
        REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
        pygame.image.save(surf, str(path))
        return
    assert path.is_file(), f"no reference {path}; create it with FACEQUEST_SAVE_REF=1"
    expected = pygame.image.load(str(path))
    got, want = _pixels(surf), _pixels(expected)
    assert got.shape == want.shape, f"{name}: size {got.shape} != reference {want.shape}"
    diff = np.abs(got - want)
    mean = float(diff.mean())
    differing = float((diff.max(axis=2) > PIXEL_TOLERANCE).mean())
    if mean > MEAN_TOLERANCE or differing > MAX_DIFFERING:
        FAILED_DIR.mkdir(parents=True, exist_ok=True)
        w, h = surf.get_size()
        sheet = pygame.Surface((w * 3, h))
        sheet.blit(surf, (0, 0))
        sheet.blit(expected, (w, 0))
        sheet.blit(pygame.surfarray.make_surface(np.clip(diff * 4, 0, 255).astype(np.uint8)),
                   (2 * w, 0))
        out = FAILED_DIR / f"{name}.png"
        pygame.image.save(sheet, str(out))
        pytest.fail(f"{name}: mean diff {mean:.2f}, {differing:.1%} pixels differ; "
                    f"computed|expected|diff saved to {out}")


CASES = [(Expression.NEUTRAL, 1.0)] + [
    (e, t) for e in Expression if e is not Expression.NEUTRAL for t in (0.5, 1.0)
]


@pytest.mark.parametrize(("expression", "intensity"), CASES,
                         ids=[f"{e.value}-{t}" for e, t in CASES])
def test_expression_matches_reference(expression: Expression, intensity: float) -> None:
    surf = _render(Theme(CALM), expression, intensity)
    assert_matches_reference(surf, f"avatar_{expression.value}_{round(intensity * 100)}")


@pytest.mark.parametrize("hint", [HintKey.SMILE_WIDER, HintKey.RAISE_BROWS,
                                  HintKey.WRINKLE_NOSE], ids=str)
def test_hint_drawing_matches_reference(hint: HintKey) -> None:
    surf = _render(Theme(CALM), Expression.NEUTRAL, 1.0, hint)
    assert_matches_reference(surf, f"avatar_hint_{hint.value}")


def test_high_contrast_face_matches_reference() -> None:
    surf = _render(Theme(HIGH_CONTRAST), Expression.HAPPY, 1.0)
    assert_matches_reference(surf, "avatar_high_contrast_happy_100")


def test_the_reference_check_catches_a_changed_face(tmp_path: Path) -> None:
    if os.environ.get("FACEQUEST_SAVE_REF") == "1":
        pytest.skip("writing references")
    with pytest.raises(pytest.fail.Exception, match="pixels differ"):
        assert_matches_reference(_render(Theme(CALM), Expression.SAD, 1.0), "avatar_happy_100")


def _region_change(a: pygame.Surface, b: pygame.Surface, rect: pygame.Rect) -> float:
    pa = _pixels(a.subsurface(rect.clip(a.get_rect())))
    pb = _pixels(b.subsurface(rect.clip(b.get_rect())))
    return float(np.abs(pa - pb).mean())


@pytest.mark.parametrize(("a", "b"), [(Expression.SAD, Expression.ANGRY),
                                      (Expression.SAD, Expression.DISGUSTED),
                                      (Expression.ANGRY, Expression.DISGUSTED),
                                      (Expression.SURPRISED, Expression.FEARFUL)])
def test_confusable_expressions_look_different(a: Expression, b: Expression) -> None:
    theme = Theme(CALM)
    sa, sb = _render(theme, a, 1.0), _render(theme, b, 1.0)
    rect = pygame.Rect(0, 0, SIZE, SIZE)
    changed = 0
    for part in (FacePart.BROWS, FacePart.EYES, FacePart.NOSE, FacePart.MOUTH):
        if any(_region_change(sa, sb, r) > 6.0 for r in part_regions(rect, part)):
            changed += 1
    assert changed >= 2, f"{a} and {b} differ in only {changed} face part(s)"


def test_intensity_changes_the_drawing_gradually() -> None:
    theme = Theme(CALM)
    base = _render(theme, Expression.HAPPY, 0.0)
    diffs = [float(np.abs(_pixels(_render(theme, Expression.HAPPY, t)) - _pixels(base)).mean())
             for t in (0.25, 0.5, 1.0)]
    assert 0 < diffs[0] < diffs[1] < diffs[2]


def test_highlight_glows_around_the_part_only() -> None:
    theme = Theme(CALM, reduced_motion=True)
    plain = _render(theme, Expression.NEUTRAL, 1.0)
    lit = pygame.Surface((SIZE, SIZE))
    lit.fill(CALM.background)
    draw_avatar(lit, lit.get_rect(), NEUTRAL_FACE, theme, highlight=FacePart.MOUTH)
    mouth = part_regions(lit.get_rect(), FacePart.MOUTH)[0]
    assert _region_change(plain, lit, mouth.inflate(16, 16)) > 3.0
    brows = part_regions(lit.get_rect(), FacePart.BROWS)[0]
    assert _region_change(plain, lit, brows) == 0.0


def test_reduced_motion_keeps_glow_and_arrow_still() -> None:
    part, arrow = hint_visual(HintKey.RAISE_BROWS)

    def at(t_ms: int, theme: Theme) -> np.ndarray:
        surf = pygame.Surface((200, 200))
        draw_avatar(surf, surf.get_rect(), NEUTRAL_FACE, theme, part, arrow, t_ms=t_ms)
        return _pixels(surf)

    still = Theme(CALM, reduced_motion=True)
    assert np.array_equal(at(0, still), at(700, still))
    moving = Theme(CALM)
    assert not np.array_equal(at(0, moving), at(700, moving))


def test_draw_is_repeatable_and_tiny_rects_are_safe() -> None:
    theme = Theme(CALM)
    assert np.array_equal(_pixels(_render(theme, Expression.ANGRY, 0.7)),
                          _pixels(_render(theme, Expression.ANGRY, 0.7)))
    surf = pygame.Surface((40, 10))
    draw_avatar(surf, surf.get_rect(), NEUTRAL_FACE, theme)  # too small: draws nothing
    assert render_face(10, NEUTRAL_FACE, CALM).get_width() == 16
