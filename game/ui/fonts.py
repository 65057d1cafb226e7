"""One font for English and Simplified Chinese, loaded once per size.

The shipped font is a subset of Noto Sans CJK SC Regular (SIL Open Font License 1.1, see
`assets/fonts/OFL.txt`): ASCII and Latin-1, common punctuation, CJK punctuation and
full-width forms, the 6763 hanzi of GB2312 (level 1, the 3755 most common, and level 2,
which holds many characters of given names: 昊, 睿, 萱, 鑫), and every character of
`game.phrases` and `levels/*.toml`. A name's character outside them shows as a box.

Rebuild it after adding texts with characters outside that set (the build needs the full
Noto Sans CJK font, e.g. Debian's fonts-noto-cjk, and fontTools):

    python -m game.ui.fonts --subset [--source /path/to/NotoSansCJK-Regular.ttc]

When the font file is missing the game falls back to pygame's default font (Latin only)
and logs a warning once.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pygame

from game import phrases
from game.paths import ASSETS_DIR, LEVELS_DIR

logger = logging.getLogger(__name__)

FONT_DIR = ASSETS_DIR / "fonts"
FONT_FILE = FONT_DIR / "NotoSansCJKsc-Regular-subset.otf"
LICENCE_FILE = FONT_DIR / "OFL.txt"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_INDEX_IN_TTC = 2  # JP, KR, SC, TC, HK in Noto Sans CJK collections
MAX_SUBSET_BYTES = 3 * 1024 * 1024

_warned_fallback = False


def font_path() -> Path | None:
    """The shipped CJK font file, or None when it is missing."""
    return FONT_FILE if FONT_FILE.is_file() else None


@functools.lru_cache(maxsize=64)
def get_font(px: int, bold: bool = False) -> pygame.font.Font:
    """A font of `px` pixels covering en and zh-CN (cached; pygame.font is initialised here).

    Args:
        px: the font size in pixels (use `Theme.text_px` to honour the text-size setting).
        bold: synthesised bold (the subset ships one weight).
    """
    global _warned_fallback
    if not pygame.font.get_init():
        pygame.font.init()
    path = font_path()
    if path is None:
        if not _warned_fallback:
            logger.warning(
                "font %s is missing; using pygame's default font (no Chinese characters). "
                "Rebuild it with: python -m game.ui.fonts --subset",
                FONT_FILE,
            )
            _warned_fallback = True
        font = pygame.font.Font(None, max(8, round(px * 1.3)))
    else:
        font = pygame.font.Font(str(path), max(8, px))
    font.bold = bold
    return font


@functools.lru_cache(maxsize=1)
def _covered_codepoints() -> frozenset[int]:
    path = font_path()
    if path is None:
        return frozenset(range(32, 127))
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_characters(text: str) -> str:
    """The characters of `text` the shipped font has no glyph for (whitespace ignored)."""
    covered = _covered_codepoints()
    seen: dict[str, None] = {}
    for ch in text:
        if not ch.isspace() and ord(ch) not in covered:
            seen[ch] = None
    return "".join(seen)


# ---------------------------------------------------------------- building the subset


def _gb2312_hanzi() -> str:
    """Every hanzi of GB2312: level 1 (3755, the most common) and level 2 (3008), where many
    given names' characters are (昊, 睿, 萱, 鑫, 妍, 煜...)."""
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def _phrase_texts() -> str:
    """Every text of the phrase catalogue (game.phrases), both languages."""
    return "".join(t for langs in phrases.PHRASES.values() for t in langs.values())


def _level_texts(levels_dir: Path) -> str:
    if not levels_dir.is_dir():
        return ""
    return "".join(p.read_text(encoding="utf-8") for p in sorted(levels_dir.rglob("*.toml")))


def subset_characters(extra: Iterable[str] = (), levels_dir: Path = LEVELS_DIR) -> str:
    """The characters the shipped subset must cover, sorted and without duplicates."""
    parts = [
        "".join(chr(c) for c in range(0x20, 0x7F)),
        "".join(chr(c) for c in range(0xA0, 0x100)),
        "".join(chr(c) for c in range(0x2010, 0x2028)),  # dashes, quotes, ellipsis
        "".join(chr(c) for c in range(0x3000, 0x3020)),  # CJK punctuation
        "".join(chr(c) for c in range(0xFF01, 0xFF5F)),  # full-width forms
        "·×÷°•…★☆♪✓←↑→↓",
        _gb2312_hanzi(),
        _phrase_texts(),
        _level_texts(levels_dir),
        *extra,
    ]
    chars = {ch for part in parts for ch in part if ch.isprintable() and not ch.isspace()}
    chars.add(" ")
    return "".join(sorted(chars))


def build_subset(source: Path, dest: Path, characters: str) -> int:
    """Write the subset of `source` (OTF, TTF or a Noto CJK TTC) to `dest`; return its size."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font_number = SC_INDEX_IN_TTC if source.suffix.lower() == ".ttc" else -1
    options = ft_subset.Options()
    options.layout_features = ["kern", "liga"]
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    font = TTFont(str(source), fontNumber=font_number, lazy=False)
    subsetter = ft_subset.Subsetter(options=options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    dest.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(dest))
    size = dest.stat().st_size
    if size > MAX_SUBSET_BYTES:
        logger.warning("font subset is %d bytes, over the %d budget", size, MAX_SUBSET_BYTES)
    return size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m game.ui.fonts", description="Build or check the shipped CJK font subset."
    )
    parser.add_argument("--subset", action="store_true", help="rebuild the font subset")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="full Noto Sans CJK font (.ttc or SC .otf)")
    parser.add_argument("--check", action="store_true",
                        help="list characters of phrases and levels the font lacks")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    if args.subset:
        if not args.source.is_file():
            print(f"source font not found: {args.source}", file=sys.stderr)
            return 2
        chars = subset_characters()
        size = build_subset(args.source, FONT_FILE, chars)
        print(f"wrote {FONT_FILE} ({size} bytes, {len(chars)} characters)")
        _covered_codepoints.cache_clear()
        get_font.cache_clear()
    if args.check or not args.subset:
        missing = missing_characters(_phrase_texts() + _level_texts(LEVELS_DIR))
        if missing:
            print(f"missing from the font: {missing}")
            return 1
        print("the font covers every phrase and level text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
