"""Text drawing with line wrapping for English (between words) and Chinese (between phrases).

Chinese wraps at phrase boundaries: after punctuation and after the small words that close a
phrase (的, 了, 吧, 个, ...), so "做一个惊讶的表情吧！" breaks as "做一个惊讶的 / 表情吧！",
never inside a word; only a phrase wider than the whole line is cut between characters.
Chinese closing punctuation never starts a line and opening punctuation never ends one.
Centred text is balanced: its lines are made about equally long (no lone last word or
character). Wrapped and rendered lines are cached, so the same label costs one blit per frame.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re

import pygame

from game.ui.fonts import get_font
from game.ui.theme import Color, Theme
from game.ui.widgets import layout_probe

logger = logging.getLogger(__name__)

# may not start a line / may not end a line (a simple kinsoku rule)
_NO_START = set("，。、；：！？）》」』】〕”’…—・,.;:!?)]}%")
_NO_END = set("（《「『【〔“‘([{")


# a Chinese phrase may end after these (particles, measure words, "and"): a line may break
_PHRASE_END = set("的了吧啦呢吗呀哦哇着过地得们和与就都也")
_PHRASE_START = set("把往让请向给再")  # ...and a phrase may begin before these
_MAX_PHRASE = 7  # a run of characters with no phrase end is broken after this many


def _is_cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _cjk_phrases(run: str) -> list[str]:
    """A run of CJK characters cut into phrases (where a line may break). Punctuation stays
    with the phrase before it; a one-character phrase joins its neighbour, unless it closes
    a clause ("哇，")."""
    phrases: list[str] = []
    cur = ""
    for i, ch in enumerate(run):
        cur += ch
        nxt = run[i + 1] if i + 1 < len(run) else ""
        if nxt and nxt in _NO_START:
            continue
        if (ch in _NO_START or (ch in _PHRASE_END and nxt not in _PHRASE_END)
                or nxt in _PHRASE_START
                or (_letters(cur) >= _MAX_PHRASE and nxt not in _PHRASE_END)):
            phrases.append(cur)
            cur = ""
    if cur:
        phrases.append(cur)
    merged: list[str] = []
    for phrase in phrases:
        if merged and _letters(merged[-1]) < 2 and merged[-1][-1] not in _NO_START:
            merged[-1] += phrase
        else:
            merged.append(phrase)
    if len(merged) > 1 and _letters(merged[-1]) < 2:
        last = merged.pop()
        merged[-1] += last
    return merged


def _letters(text: str) -> int:
    """Characters that are not punctuation or spaces."""
    return sum(1 for ch in text if ch not in _NO_START and ch not in _NO_END and ch != " ")


def _tokens(text: str) -> list[str]:
    """Words with their trailing spaces; CJK text in phrases (`_cjk_phrases`)."""
    tokens: list[str] = []
    word = ""
    run = ""
    for ch in text:
        if _is_cjk(ch):
            if word:
                tokens.append(word)
                word = ""
            run += ch
            continue
        if run:
            tokens += _cjk_phrases(run)
            run = ""
        if ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if run:
        tokens += _cjk_phrases(run)
    if word:
        tokens.append(word)
    # glue punctuation to its neighbour so it never starts or ends a line alone
    glued: list[str] = []
    for tok in tokens:
        if glued and (tok[0] in _NO_START or glued[-1][-1] in _NO_END):
            glued[-1] += tok
        else:
            glued.append(tok)
    return glued


def _split_long(token: str, font: pygame.font.Font, max_width: int) -> list[str]:
    """A single word or phrase wider than the line, cut between characters. Punctuation
    stays with the character before it (it may hang past the width)."""
    if font.size(token.rstrip())[0] <= max_width:
        return [token]
    parts: list[str] = []
    cur = ""
    for ch in token:
        if cur and ch not in _NO_START and font.size(cur + ch)[0] > max_width:
            parts.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        parts.append(cur)
    if len(parts) > 1 and _letters(parts[-1]) < 2 and _letters(parts[-2]) > 2:
        parts[-2], parts[-1] = parts[-2][:-1], parts[-2][-1] + parts[-1]  # no lone last one
    return parts


def wrap_text(text: str, font: pygame.font.Font, max_width: int) -> list[str]:
    """`text` broken into lines no wider than `max_width` pixels ("\\n" forces a break)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            for piece in _split_long(token, font, max_width):
                candidate = line + piece
                if line and font.size(candidate.rstrip())[0] > max_width:
                    lines.append(line.rstrip())
                    line = piece.lstrip()
                else:
                    line = candidate
        lines.append(line.rstrip())
    return lines


_CLAUSE_END = re.compile(r"(?<=[.!?;:,，。！？；：])\s*")


def _at_clauses(text: str, font: pygame.font.Font, max_width: int,
                count: int) -> list[str] | None:
    """`text` as `count` lines broken only after sentence or clause ends, when such lines
    fit `max_width` (the most even choice); None when they do not."""
    cuts = [m.end() for m in _CLAUSE_END.finditer(text) if 0 < m.end() < len(text)]
    best: list[str] | None = None
    for chosen in itertools.combinations(cuts, count - 1):
        bounds = (0, *chosen, len(text))
        lines = [text[a:b].strip() for a, b in itertools.pairwise(bounds)]
        widths = [font.size(line)[0] for line in lines]
        if max(widths) <= max_width and (
                best is None or max(widths) < max(font.size(b)[0] for b in best)):
            best = lines
    return best


def balanced_wrap(text: str, font: pygame.font.Font, max_width: int) -> list[str]:
    """`wrap_text` at the narrowest width that needs no more lines than `max_width` does, so
    the lines come out about equally long; when the text falls into that many sentences or
    clauses that fit, one to a line ("That's all for today. / I loved playing with you!")."""
    lines = wrap_text(text, font, max_width)
    if len(lines) < 2 or "\n" in text:
        return lines
    if len(lines) <= 3:
        clauses = _at_clauses(text, font, max_width, len(lines))
        if clauses is not None:
            return clauses
    lo, hi = max_width // 4, max_width  # wrapping at hi needs len(lines) lines
    while hi - lo > 2:
        mid = (lo + hi) // 2
        if len(wrap_text(text, font, mid)) <= len(lines):
            hi = mid
        else:
            lo = mid
    return wrap_text(text, font, hi)


@functools.lru_cache(maxsize=512)
def _lines(text: str, px: int, bold: bool, max_width: int | None,
           balance: bool) -> tuple[str, ...]:
    if not max_width:
        return tuple(text.split("\n"))
    wrap = balanced_wrap if balance else wrap_text
    return tuple(wrap(text, get_font(px, bold), max_width))


@functools.lru_cache(maxsize=512)
def render_line(text: str, px: int, color: Color, bold: bool = False) -> pygame.Surface:
    """One line of anti-aliased text on a transparent background (cached; do not modify)."""
    return get_font(px, bold).render(text, True, color)


def text_size(
    text: str, theme: Theme, size: str | int = "body", max_width: int | None = None,
    bold: bool = False, line_gap: float = 1.2, balance: bool = True,
) -> tuple[int, int]:
    """Width and height the text would take when drawn with `draw_text` (centred text is
    balanced; pass balance=False for the size of left- or right-aligned text)."""
    px = theme.text_px(size)
    font = get_font(px, bold)
    lines = _lines(text, px, bold, max_width, balance)
    width = max((font.size(line)[0] for line in lines), default=0)
    step = round(font.get_linesize() * line_gap)
    return width, step * (len(lines) - 1) + font.get_linesize()


def fitting_size(
    text: str, theme: Theme, max_width: int, max_height: float,
    sizes: tuple[str | int, ...] = ("body", "small", 18, 16, 14), *, bold: bool = False,
    balance: bool = True,
) -> str | int:
    """The first of `sizes` (largest first) at which `text`, wrapped to `max_width`, is no
    taller than `max_height`; the last one when none is (so large text still fits a card)."""
    for size in sizes:
        if text_size(text, theme, size, max_width, bold, balance=balance)[1] <= max_height:
            return size
    return sizes[-1]


def draw_text(
    surface: pygame.Surface,
    text: str,
    theme: Theme,
    pos: tuple[int, int],
    *,
    size: str | int = "body",
    color: Color | None = None,
    bold: bool = False,
    anchor: str = "center",
    max_width: int | None = None,
    line_gap: float = 1.2,
    balance: bool | None = None,
) -> pygame.Rect:
    """Draw `text` (wrapped to `max_width`) and return the rectangle it covers.

    Args:
        pos: the anchor point.
        size: "small", "body", "title", "huge" or a base pixel size (scaled by the theme).
        color: defaults to the palette's text colour.
        anchor: where `pos` sits on the text block, any pygame.Rect point ("center",
            "midtop", "topleft", "midleft", "midright", "topright", "midbottom"...). Lines
            are left-aligned for the "*left" anchors, right-aligned for the "*right" ones
            and centred otherwise.
        balance: make wrapped lines about equally long (default: for centred text).
    """
    px = theme.text_px(size)
    font = get_font(px, bold)
    color = color if color is not None else theme.palette.text
    left_aligned = anchor.endswith("left")
    right_aligned = anchor.endswith("right")
    if balance is None:
        balance = not (left_aligned or right_aligned)
    lines = _lines(text, px, bold, max_width, balance)
    step = round(font.get_linesize() * line_gap)
    width = max((font.size(line)[0] for line in lines), default=0)
    height = step * (len(lines) - 1) + font.get_linesize()
    block = pygame.Rect(0, 0, width, height)
    setattr(block, anchor, pos)
    covered = pygame.Rect(block.topleft, (0, 0))
    whole = pygame.Rect(block.topleft, (0, 0))
    for i, line in enumerate(lines):
        if not line:
            continue
        image = render_line(line, px, color, bold)
        rect = image.get_rect()
        if left_aligned:
            rect.topleft = (block.left, block.top + i * step)
        elif right_aligned:
            rect.topright = (block.right, block.top + i * step)
        else:
            rect.midtop = (block.centerx, block.top + i * step)
        covered.union_ip(surface.blit(image, rect))
        whole = rect.copy() if whole.width == 0 else whole.union(rect)
    layout_probe.note("text", tuple(whole), text)  # type: ignore[arg-type]
    return covered
