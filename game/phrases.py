"""Every fixed text the game says or shows, by key, in every language of `game.locales`.

The texts live in the catalogues, one TOML file per language (`game/locales/en.toml`,
`zh-CN.toml`); this module looks them up. Keys are stable (CONTRACTS.md):
`expression.<name>`, `prompt.show_me.<name>`, `hint.<HintKey>`, `quality.<QualityFlag>`,
`praise.independent.<n>`, `praise.prompted.<n>`, `praise.named.<name>`, `try_another`,
`cant_see_you`, `calibration.*`, `break.*`, `rest.*` (the break scene), `pause.manual`,
`session_end`, `maze.*`, `story.*`, the facial actions' names `action.*` and the on-screen
labels `ui.*`.

Spoken texts are short, warm and never negative (CLINICAL.md: no "wrong"). Only `ui.*` labels
may hold `{fields}`; every other text is fixed so the voice pack can pre-render it.

    >>> text("hint.raise_brows", "en")
    'Lift your eyebrows up high!'
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from game.expressions import Expression, FacePart, HintKey, QualityFlag
from game.locales import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from game.locales import LANGUAGES as LANGUAGES
from game.locales import TextTable, catalogue, spellings


class UnknownPhraseError(KeyError):
    """A phrase key (or language) that the catalogue does not have."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def normalize_language(lang: str) -> str:
    """Map "en", "zh", "zh_CN", "zh-cn"... (a catalogue's code or one of its
    `catalogue.aliases`) to one of LANGUAGES; UnknownPhraseError (a KeyError) when
    unsupported."""
    found = spellings().get(lang.strip().lower().replace("_", "-"))
    if found is None:
        raise UnknownPhraseError(
            f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}"
        )
    return found


def language_name(lang: str, shown_in: str = DEFAULT_LANGUAGE) -> str:
    """The name of language `lang` in language `shown_in` ("Chinese", "英语"): the phrase
    `ui.language.<lang>`, or, for a language the catalogues do not name yet, its own name
    (`catalogue.name` of its file)."""
    code = normalize_language(lang)
    key = f"ui.language.{code}"
    return text(key, shown_in) if key in PHRASES else catalogue(code).name


# Keys shown on a therapist's screen only and never spoken: left out of the voice pack.
SHOWN_ONLY_PREFIXES: tuple[str, ...] = ("ui.replay.", "action.", "ui.plan.", "ui.child.",
                                        "ui.keys.", "ui.home.admin.")


PHRASES: Mapping[str, Mapping[str, str]] = TextTable()
"""key -> {language: text}, every key of the game (read from the catalogues on first use)."""


def text(key: str, lang: str = DEFAULT_LANGUAGE, **fields: object) -> str:
    """The text of phrase `key` in `lang`, with any `{fields}` filled in.

    Raises:
        UnknownPhraseError (a KeyError): the key or the language is not in the catalogue.
    """
    entry = PHRASES.get(key)
    if entry is None:
        raise UnknownPhraseError(f"no phrase with key {key!r} in game.phrases")
    template = entry[normalize_language(lang)]
    return template.format(**fields) if fields else template


def all_keys(prefix: str = "") -> tuple[str, ...]:
    """All phrase keys starting with `prefix`, sorted."""
    return tuple(sorted(k for k in PHRASES if k.startswith(prefix)))


def has_fields(key: str) -> bool:
    """True when the phrase has `{fields}` to fill (it cannot be pre-rendered)."""
    formatter = string.Formatter()
    return any(
        name is not None for value in PHRASES[key].values()
        for _, name, _, _ in formatter.parse(value)
    )


def spoken_keys() -> tuple[str, ...]:
    """Keys of every fixed text (no fields) that may be spoken: what the pre-rendered voice
    pack covers (texts shown only, `SHOWN_ONLY_PREFIXES`, are left out)."""
    return tuple(k for k in all_keys()
                 if not has_fields(k) and not k.startswith(SHOWN_ONLY_PREFIXES))


def action_key(action: str) -> str:
    """The key of a facial action's name (`game.motion.vocabulary.ACTION_NAMES`)."""
    return f"action.{action}"


def expression_name_key(expression: Expression) -> str:
    return f"expression.{expression.value}"


def show_me_key(expression: Expression) -> str:
    return f"prompt.show_me.{expression.value}"


def hint_key(hint: HintKey) -> str:
    return f"hint.{hint.value}"


def quality_key(flag: QualityFlag) -> str:
    return f"quality.{flag.value}"


def part_key(part: FacePart) -> str:
    return f"part.{part.value}"


def praise_named_key(expression: Expression) -> str:
    """The line that names the face just made ("A happy face, just like that!")."""
    return f"praise.named.{expression.value}"


def praise_keys(independent: bool) -> tuple[str, ...]:
    """The praise phrases: bigger ones for an independent success, smaller when prompted."""
    prefix = "praise.independent." if independent else "praise.prompted."
    return tuple(sorted(all_keys(prefix), key=lambda k: int(k.rsplit(".", 1)[1])))


def encourage_keys() -> tuple[str, ...]:
    return tuple(sorted(all_keys("encourage."), key=lambda k: int(k.rsplit(".", 1)[1])))
