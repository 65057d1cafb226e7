"""Every text the shipped game can say: the phrase catalogue plus the shipped level sets.

This is what the voice pack must cover (`facequest voice render`, and a test). It sits in the
CLI, not in audio, because it reads level sets (`game.play`): the audio layer plays sounds and
knows nothing of the game's rules.
"""

from __future__ import annotations

import logging
from pathlib import Path

from game import phrases
from game.paths import LEVELS_DIR
from game.play.level_loader import load_level_set

logger = logging.getLogger(__name__)


def phrase_texts() -> dict[str, list[str]]:
    """Every fixed (field-free) catalogue text, per language."""
    return {lang: [phrases.text(key, lang) for key in phrases.spoken_keys()]
            for lang in phrases.LANGUAGES}


def level_texts(levels_dir: Path = LEVELS_DIR) -> dict[str, list[str]]:
    """Every text of every level set in `levels_dir` (`LevelSet.spoken_texts()`), per language.

    Raises:
        ValueError (LevelFileError): a shipped level file does not load.
    """
    found: dict[str, list[str]] = {lang: [] for lang in phrases.LANGUAGES}
    for path in sorted(levels_dir.glob("*.toml")):
        for lang, texts in load_level_set(path).spoken_texts().items():
            try:
                key = phrases.normalize_language(lang)
            except KeyError:
                logger.warning("%s: no voice for language %r; not in the voice pack", path, lang)
                continue
            found[key].extend(texts)
    return found


def shipped_texts(levels_dir: Path = LEVELS_DIR) -> dict[str, list[str]]:
    """Phrases and level texts together, per language, distinct, in a stable order."""
    merged: dict[str, dict[str, None]] = {lang: {} for lang in phrases.LANGUAGES}
    for source in (phrase_texts(), level_texts(levels_dir)):
        for lang, texts in source.items():
            merged[lang].update(dict.fromkeys(" ".join(t.split()) for t in texts))
    return {lang: list(texts) for lang, texts in merged.items()}
