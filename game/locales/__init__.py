"""The text catalogues: one TOML file per language, `<lang>.toml` in this package.

A language is a catalogue file: `LANGUAGES` lists the files found here (English first), plus
those of the folder named by the `FACEQUEST_LOCALES` environment variable, where a
translator can try a new catalogue before it ships (a file there replaces a shipped one of
the same name). Each file holds flat, quoted keys, the ones the code asks for:

    "hint.raise_brows" = "Lift your eyebrows up high!"
    "report.section.progress" = "Progress over time"

The game's texts (`game.phrases`) are the keys outside `report.`; the progress report's
(`game.reports.report_text`) are those under `report.`. `catalogue.name` is the language's
own name, `catalogue.aliases` the other spellings `--lang` accepts, and
`catalogue.fallback` (optional) a language whose texts fill the keys this file leaves out.

English (`en.toml`) is the reference: every other catalogue has exactly its keys (unless it
names a fallback) with the same `{fields}`. Catalogues are read with `importlib.resources`
(they ship inside the wheel) on first use and kept; `check_catalogues` reads them all so a
program can refuse a broken one up front with one sentence (`CatalogueError`: the file,
the line where one is known, and the key).
"""

from __future__ import annotations

import functools
import os
import re
import string
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from game.utf8_text import decode_edited_text, line_of_byte

DEFAULT_LANGUAGE = "en"
EXTRA_FOLDER_VARIABLE = "FACEQUEST_LOCALES"
CATALOGUE_SUFFIX = ".toml"
REPORT_PREFIX = "report."
META_PREFIX = "catalogue."
_META_KEYS = frozenset({"name", "aliases", "fallback"})
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class CatalogueError(ValueError):
    """A text catalogue that cannot be used; the message is one sentence naming the file,
    the line (where one is known) and the key."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """One language's texts, checked against English and completed from its fallback.

    Attributes:
        lang: the language code, the file's name without `.toml` ("en", "zh-CN").
        name: the language's own name ("English", "中文").
        aliases: other spellings of `lang` that are accepted, lower case ("zh", "cmn").
        texts: key -> text, every key of the English catalogue (`{fields}` unfilled).
        source: where the file was read from, for messages.
    """

    lang: str
    name: str
    aliases: tuple[str, ...]
    texts: Mapping[str, str]
    source: str

    def __post_init__(self) -> None:
        if not _LANGUAGE_CODE.fullmatch(self.lang):
            raise ValueError(f"{self.lang!r} is not a language code such as en or zh-CN")
        if not self.name.strip():
            raise ValueError(f"catalogue {self.lang} has no name")


def find_sources(folders: Sequence[Traversable]) -> tuple[dict[str, Traversable], list[str]]:
    """language -> catalogue file in `folders` (a later folder's file replaces an earlier
    one of the same language), and the problems found while looking: a file not named
    after a language code, no English catalogue (reported by `Catalogues.check`, never
    raised here: this runs on import)."""
    found: dict[str, Traversable] = {}
    problems: list[str] = []
    for folder in folders:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(CATALOGUE_SUFFIX) or not entry.is_file():
                continue
            lang = entry.name[: -len(CATALOGUE_SUFFIX)]
            if _LANGUAGE_CODE.fullmatch(lang):
                found[lang] = entry
            else:
                problems.append(f"the text catalogue {entry} is not named after a language "
                                "code such as en.toml or zh-CN.toml")
    if DEFAULT_LANGUAGE not in found:
        problems.append(f"the English text catalogue ({DEFAULT_LANGUAGE}{CATALOGUE_SUFFIX}) "
                        "is missing")
    return found, problems


def fields_of(template: str) -> frozenset[str]:
    """The `{field}` names of a text; ValueError for a stray `{` or `}`."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


@dataclass(frozen=True, slots=True)
class _Parsed:
    texts: dict[str, str]
    meta: dict[str, object]
    source: str
    lines: tuple[str, ...]

    def where(self, key: str) -> str:
        """"<file>, line N" for the line that sets `key` (flat or as the last part of a
        table's key), else just the file."""
        short = key.rsplit(".", 1)[-1]
        patterns = [re.compile(r"\s*" + p + r"\s*=") for p in (
            re.escape(f'"{key}"'), re.escape(f"'{key}'"), re.escape(key),
            re.escape(f'"{short}"'), re.escape(short))]
        for pattern in patterns:
            for number, line in enumerate(self.lines, start=1):
                if pattern.match(line):
                    return f"{self.source}, line {number}"
        return self.source

    def error(self, key: str, problem: str) -> CatalogueError:
        return CatalogueError(f"the text catalogue {self.where(key)}: key {key!r} {problem}")


def _flatten(table: Mapping[str, object], prefix: str, out: dict[str, object]) -> str | None:
    """Tables become dotted keys; returns a key written twice (quoted and as a table)."""
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            twice = _flatten(value, f"{key}.", out)
            if twice is not None:
                return twice
        elif key in out:
            return key
        else:
            out[key] = value
    return None


class Catalogues:
    """The catalogues of a set of files, each read and checked on first use and kept."""

    def __init__(self, sources: Mapping[str, Traversable], problems: Sequence[str] = ()) -> None:
        self._sources = dict(sources)
        self._problems = tuple(problems)
        self.languages: tuple[str, ...] = (
            DEFAULT_LANGUAGE, *sorted(lang for lang in self._sources if lang != DEFAULT_LANGUAGE)
        )
        self._parsed: dict[str, _Parsed] = {}
        self._catalogues: dict[str, Catalogue] = {}
        self._spellings: dict[str, str] | None = None

    @classmethod
    def in_folders(cls, *folders: Traversable) -> Catalogues:
        """The catalogues of `folders` (`find_sources`)."""
        return cls(*find_sources(folders))

    def _parse(self, lang: str) -> _Parsed:
        if lang in self._parsed:
            return self._parsed[lang]
        if lang not in self._sources:
            raise CatalogueError(f"there is no text catalogue for {lang!r}; languages: "
                                 f"{', '.join(self.languages)}")
        entry = self._sources[lang]
        source = str(entry)
        try:
            text = decode_edited_text(entry.read_bytes())
        except UnicodeDecodeError as exc:  # the line of the first such byte (saved as GBK)
            line = line_of_byte(bytes(exc.object), exc.start)
            raise CatalogueError(f"the text catalogue {source}, line {line}, is not UTF-8 text "
                                 f"(byte {exc.start}); save it as UTF-8") from exc
        except OSError as exc:
            raise CatalogueError(f"the text catalogue {source} cannot be read "
                                 f"({exc.strerror or exc})") from exc
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogueError(f"the text catalogue {source} is not valid TOML: {exc}") from exc
        flat: dict[str, object] = {}
        twice = _flatten(raw, "", flat)
        parsed = _Parsed({}, {}, source, tuple(text.splitlines()))
        if twice is not None:
            raise parsed.error(twice, "is written twice")
        for key, value in flat.items():
            if key.startswith(META_PREFIX):
                name = key[len(META_PREFIX):]
                if name not in _META_KEYS:
                    known = ", ".join(sorted(META_PREFIX + m for m in _META_KEYS))
                    raise parsed.error(key, f"is not one of {known}")
                parsed.meta[name] = value
            elif not isinstance(value, str):
                raise parsed.error(key, f"must be a text in quotes, not {type(value).__name__} "
                                        f"{value!r}")
            elif not value.strip():
                raise parsed.error(key, "has an empty text")
            else:
                try:
                    fields_of(value)
                except ValueError as exc:
                    raise parsed.error(key, f"has a stray brace ({exc}); write {{{{ or }}}} "
                                            "for a brace that is shown") from exc
                parsed.texts[key] = value
        return parsed

    @staticmethod
    def _meta_text(parsed: _Parsed, name: str, default: str) -> str:
        value = parsed.meta.get(name, default)
        if not isinstance(value, str) or not value.strip():
            raise parsed.error(META_PREFIX + name, "must be a text in quotes")
        return value

    def catalogue(self, lang: str) -> Catalogue:
        """The catalogue of `lang` (a code of `languages`, not an alias), read and checked
        on first use.

        Raises:
            CatalogueError: the file cannot be read or parsed, a text is not a string or is
                empty, a key is missing (and no fallback is named) or unknown to English, a
                text's `{fields}` differ from English's, or its fallback cannot be used.
        """
        if lang not in self._catalogues:
            self._catalogues[lang] = self._load(lang)
        return self._catalogues[lang]

    def _load(self, lang: str) -> Catalogue:
        parsed = self._parse(lang)
        name = self._meta_text(parsed, "name", lang)
        aliases_value = parsed.meta.get("aliases", [])
        if not isinstance(aliases_value, list) or not all(isinstance(a, str)
                                                           for a in aliases_value):
            raise parsed.error(META_PREFIX + "aliases", 'must be a list of texts, e.g. ["zh"]')
        aliases = tuple(str(a).strip().lower().replace("_", "-") for a in aliases_value)
        fallback = parsed.meta.get("fallback")
        if lang == DEFAULT_LANGUAGE:
            if fallback is not None:
                raise parsed.error(META_PREFIX + "fallback", "cannot be set: English is the "
                                   "reference every other catalogue is checked against")
            return Catalogue(lang, name, aliases, dict(parsed.texts), parsed.source)
        reference = self.catalogue(DEFAULT_LANGUAGE).texts
        for key, value in parsed.texts.items():
            if key not in reference:
                raise parsed.error(key, f"is not in the English catalogue ({DEFAULT_LANGUAGE}"
                                        f"{CATALOGUE_SUFFIX}), so it may be misspelt")
            wanted = fields_of(reference[key])
            if fields_of(value) != wanted:
                shown = ", ".join(f"{{{f}}}" for f in sorted(wanted)) or "none"
                raise parsed.error(key, f"must have the same {{fields}} as English ({shown})")
        texts = dict(parsed.texts)
        missing = [key for key in reference if key not in texts]
        if missing and fallback is None:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise CatalogueError(
                f"the text catalogue {parsed.source}: key {missing[0]!r} is missing{more}; "
                f"every key of {DEFAULT_LANGUAGE}{CATALOGUE_SUFFIX} is needed, or name a "
                'language to fill the gaps with catalogue.fallback = "en"')
        if missing:
            fallback_lang = self._meta_text(parsed, "fallback", DEFAULT_LANGUAGE)
            if fallback_lang == lang or fallback_lang not in self._sources:
                others = ", ".join(other for other in self.languages if other != lang)
                raise parsed.error(META_PREFIX + "fallback",
                                   f"must name another language: {others}")
            if self._parse(fallback_lang).meta.get("fallback") is not None:
                raise parsed.error(META_PREFIX + "fallback",
                                   f"names {fallback_lang}, which has a fallback of its own")
            filler = self.catalogue(fallback_lang).texts
            texts.update({key: filler[key] for key in missing})
        ordered = {key: texts[key] for key in reference}  # English's order
        return Catalogue(lang, name, aliases, ordered, parsed.source)

    def check(self) -> None:
        """Read and check every catalogue now.

        Raises:
            CatalogueError: the first problem found (see `catalogue`), a catalogue file name
                that is not a language code, no English catalogue, or one spelling of a
                language claimed by two catalogues.
        """
        if self._problems:
            raise CatalogueError(self._problems[0])
        claimed: dict[str, str] = {}
        for lang in self.languages:
            for spelling in (lang.lower(), *self.catalogue(lang).aliases):
                if claimed.setdefault(spelling, lang) != lang:
                    raise CatalogueError(
                        f"the text catalogue {self.catalogue(lang).source}: the language "
                        f"name {spelling!r} is used by {claimed[spelling]} too")

    def spellings(self) -> Mapping[str, str]:
        """Every accepted spelling of a language, lower case with "-" (codes and the aliases
        of `catalogue.aliases`) -> its code in `languages`."""
        if self._spellings is None:
            found: dict[str, str] = {lang.lower(): lang for lang in self.languages}
            for lang in self.languages:
                for spelling in self.catalogue(lang).aliases:
                    found.setdefault(spelling, lang)
            self._spellings = found
        return self._spellings

    def table(self, prefix: str = "") -> dict[str, dict[str, str]]:
        """key -> {language: text} for the keys under `prefix` (the prefix taken off), or
        for every key outside the report (`REPORT_PREFIX`) when `prefix` is empty."""
        english = self.catalogue(DEFAULT_LANGUAGE).texts
        keys = [k for k in english
                if (k.startswith(prefix) if prefix else not k.startswith(REPORT_PREFIX))]
        return {key[len(prefix):]: {lang: self.catalogue(lang).texts[key]
                                    for lang in self.languages}
                for key in keys}


def _shipped() -> Catalogues:
    folders: list[Traversable] = [files(__name__)]
    problems: list[str] = []
    extra = os.environ.get(EXTRA_FOLDER_VARIABLE, "").strip()
    if extra and Path(extra).is_dir():
        folders.append(Path(extra))
    elif extra:
        problems.append(f"{EXTRA_FOLDER_VARIABLE} names {extra}, which is not a folder")
    sources, found = find_sources(folders)
    return Catalogues(sources, [*problems, *found])


SHIPPED = _shipped()
"""FaceQuest's catalogues: this package's files and those of `FACEQUEST_LOCALES`."""

LANGUAGES: tuple[str, ...] = SHIPPED.languages
"""Every language FaceQuest speaks and shows: one per catalogue file, English first."""


def catalogue(lang: str) -> Catalogue:
    """`SHIPPED.catalogue(lang)`: raises CatalogueError (see `Catalogues.catalogue`)."""
    return SHIPPED.catalogue(lang)


def check_catalogues() -> None:
    """`SHIPPED.check()`: raises CatalogueError with the first problem found."""
    SHIPPED.check()


def spellings() -> Mapping[str, str]:
    """`SHIPPED.spellings()`: every accepted spelling of a language -> its code."""
    return SHIPPED.spellings()


class TextTable(Mapping[str, Mapping[str, str]]):
    """key -> {language: text} for the keys under `prefix` (the prefix taken off), or for
    every key outside the report when `prefix` is empty; read from the catalogues on first
    use."""

    def __init__(self, prefix: str = "") -> None:
        self._prefix = prefix

    @functools.cached_property
    def _table(self) -> dict[str, dict[str, str]]:
        return SHIPPED.table(self._prefix)

    def __getitem__(self, key: str) -> Mapping[str, str]:
        return self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, key: object) -> bool:
        return key in self._table
