"""Check parsed TOML values against the level schema, field by field.

Every problem becomes a `LevelError` naming the file, the line, the field, what was found
and what is allowed. The checker fills in defaults, so a clean result is complete.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from game.play.level_schema import ID_PATTERN, LANGUAGES, FieldSpec, Kind, TableSpec
from game.play.toml_lines import KeyPath, PathPart, line_of

INVALID: Any = type("Invalid", (), {"__repr__": lambda self: "INVALID"})()


MAX_ERRORS = 50  # checking one file stops listing errors here; the rest are only counted


@dataclass(frozen=True, slots=True)
class LevelError:
    """One problem in a level-set file, or (`not_shown` > 0) the count of the errors found
    after the first `MAX_ERRORS`, which are not listed."""

    file: str
    line: int
    field: str
    found: str
    allowed: str
    not_shown: int = 0

    def __str__(self) -> str:
        if self.not_shown:
            return (f"{self.file}: checking stopped after {MAX_ERRORS} errors; "
                    f"{self.not_shown:,} more not shown")
        return f"{self.file}:{self.line}: {self.field}: found {self.found}; allowed: {self.allowed}"

    @classmethod
    def more(cls, file: str, count: int) -> LevelError:
        """The closing line of a file with `count` errors beyond `MAX_ERRORS`."""
        return cls(file, 0, "", "", "", not_shown=count)


def field_name(path: Sequence[PathPart]) -> str:
    """`("levels", 1, "threshold")` -> `levels[1].threshold`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            shown = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part)
            out += f".{shown}" if out else shown
    return out or "(top level)"


def show(value: Any) -> str:
    """A found value as a person reads it in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return f"an array of {len(value)}"
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return f"the date/time {value.isoformat()}"
    return repr(value)


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{int(value):_}" if float(value).is_integer() else f"{value:g}"


def allowed_text(spec: FieldSpec) -> str:
    """What a field accepts, in words (used in errors and in the docs)."""
    kind = spec.kind
    if kind in (Kind.INTEGER, Kind.NUMBER):
        noun = "a whole number" if kind is Kind.INTEGER else "a number"
        if spec.minimum is not None and spec.minimum == spec.maximum:
            return f"exactly {_number(spec.minimum)}"
        return f"{noun} from {_number(spec.minimum)} to {_number(spec.maximum)}"
    if kind is Kind.CHOICE or kind is Kind.EXPRESSION:
        return "one of " + ", ".join(spec.choices)
    if kind in (Kind.LANGUAGES, Kind.EXPRESSIONS):
        most = f" (at most {spec.max_items})" if spec.max_items else ""
        return f"an array of distinct values from {', '.join(spec.choices)}{most}"
    if kind is Kind.ID:
        return "an identifier: lower-case letters, digits, - and _ (up to 48)"
    if kind is Kind.STRING:
        return "a string"
    if kind is Kind.BOOLEAN:
        return "true or false"
    if kind is Kind.TEXTS:
        return "a table of non-empty texts, one per language of the set"
    if kind is Kind.PROMPT_TEXTS:
        return "a table from target expressions to texts"
    if kind is Kind.TABLE:
        return "a table"
    items = f" ({spec.min_items} to {spec.max_items})" if spec.max_items else ""
    return f"an array of tables{items}"


class Checker:
    """Validates one parsed file; collects every error instead of stopping at the first."""

    def __init__(self, file: str, lines: dict[KeyPath, int]) -> None:
        self.file = file
        self.lines = lines
        self.errors: list[LevelError] = []
        self.not_shown = 0  # errors found after the first MAX_ERRORS, counted only
        self.languages: tuple[str, ...] = LANGUAGES

    @property
    def full(self) -> bool:
        """True once `MAX_ERRORS` errors are listed: later ones are only counted."""
        return len(self.errors) >= MAX_ERRORS

    def error(self, path: Sequence[PathPart], found: str, allowed: str) -> None:
        if self.full:
            self.not_shown += 1
            return
        self.errors.append(
            LevelError(self.file, line_of(self.lines, path), field_name(path), found, allowed)
        )

    def all_errors(self) -> list[LevelError]:
        """The listed errors, closed by a count of the rest when there were more."""
        if not self.not_shown:
            return list(self.errors)
        return [*self.errors, LevelError.more(self.file, self.not_shown)]

    def line(self, path: Sequence[PathPart]) -> int:
        return line_of(self.lines, path)

    def table(self, raw: Any, spec: TableSpec, path: KeyPath) -> dict[str, Any]:
        """Check a table; return every field's value (defaults filled, INVALID when bad)."""
        if not isinstance(raw, dict):
            self.error(path, show(raw), "a table")
            raw = {}
        for key in raw:
            if spec.field_named(key) is None:
                if self.full:  # only counted: no time spent on suggestions
                    self.not_shown += 1
                    continue
                close = difflib.get_close_matches(key, spec.names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error((*path, key), f"unknown field {key!r}{hint}",
                           "one of " + ", ".join(spec.names))
        out: dict[str, Any] = {}
        for fs in spec.fields:
            here = (*path, fs.name)
            if fs.name in raw:
                out[fs.name] = self.value(raw[fs.name], fs, here)
            elif fs.required:
                self.error(here, "nothing (the field is missing)", allowed_text(fs))
                out[fs.name] = INVALID
            else:
                out[fs.name] = self.default(fs, here)
        return out

    def default(self, fs: FieldSpec, path: KeyPath) -> Any:
        if fs.kind is Kind.TABLE and fs.table is not None and fs.default is not None:
            return self.table(dict(fs.default), fs.table, path)
        if fs.kind is Kind.TABLES and fs.table is not None:
            return tuple(self.table(dict(entry), fs.table, (*path, i))
                         for i, entry in enumerate(fs.default))
        return fs.default

    def value(self, raw: Any, fs: FieldSpec, path: KeyPath) -> Any:
        kind = fs.kind
        if kind in (Kind.INTEGER, Kind.NUMBER):
            return self._number(raw, fs, path)
        if kind is Kind.BOOLEAN:
            return raw if isinstance(raw, bool) else self._bad(raw, fs, path)
        if kind is Kind.STRING:
            return raw if isinstance(raw, str) else self._bad(raw, fs, path)
        if kind is Kind.ID:
            ok = isinstance(raw, str) and re.fullmatch(ID_PATTERN, raw)
            return raw if ok else self._bad(raw, fs, path)
        if kind in (Kind.CHOICE, Kind.EXPRESSION):
            return raw if isinstance(raw, str) and raw in fs.choices else self._bad(raw, fs, path)
        if kind in (Kind.LANGUAGES, Kind.EXPRESSIONS):
            return self._choice_list(raw, fs, path)
        if kind is Kind.TEXTS:
            return self.texts(raw, path)
        if kind is Kind.PROMPT_TEXTS:
            return self._prompt_texts(raw, fs, path)
        if kind is Kind.TABLE:
            assert fs.table is not None
            return self.table(raw, fs.table, path) if isinstance(raw, dict) else self._bad(
                raw, fs, path)
        assert fs.table is not None
        if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
            return self._bad(raw, fs, path)
        if len(raw) < fs.min_items or (fs.max_items is not None and len(raw) > fs.max_items):
            return self._bad(raw, fs, path)
        return tuple(self.table(entry, fs.table, (*path, i)) for i, entry in enumerate(raw))

    def _bad(self, raw: Any, fs: FieldSpec, path: KeyPath) -> Any:
        self.error(path, show(raw), allowed_text(fs))
        return INVALID

    def _number(self, raw: Any, fs: FieldSpec, path: KeyPath) -> Any:
        integer = fs.kind is Kind.INTEGER
        if isinstance(raw, bool) or not isinstance(raw, int if integer else int | float):
            return self._bad(raw, fs, path)
        if isinstance(raw, float) and not math.isfinite(raw):
            return self._bad(raw, fs, path)
        too_low = fs.minimum is not None and raw < fs.minimum
        if too_low or (fs.maximum is not None and raw > fs.maximum):
            return self._bad(raw, fs, path)
        return int(raw) if integer else float(raw)

    def _choice_list(self, raw: Any, fs: FieldSpec, path: KeyPath) -> Any:
        if not isinstance(raw, list):
            return self._bad(raw, fs, path)
        ok = True
        for i, item in enumerate(raw):
            if not isinstance(item, str) or item not in fs.choices:
                self.error((*path, i), show(item), "one of " + ", ".join(fs.choices))
                ok = False
            elif item in raw[:i]:
                self.error((*path, i), f"{show(item)} a second time", "each value once")
                ok = False
        if ok and (len(raw) < fs.min_items or (fs.max_items and len(raw) > fs.max_items)):
            return self._bad(raw, fs, path)
        return tuple(raw) if ok else INVALID

    def texts(self, raw: Any, path: KeyPath) -> Any:
        """A table language -> non-empty text covering exactly the set's languages."""
        wanted = ", ".join(self.languages)
        if not isinstance(raw, dict):
            self.error(path, show(raw), f"a table of texts with keys {wanted}")
            return INVALID
        ok = True
        for lang, text in raw.items():
            if lang not in self.languages:
                self.error((*path, lang), f"a text for language {lang!r}",
                           f"the set's languages: {wanted}")
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.error((*path, lang), show(text), "a non-empty string")
                ok = False
        for lang in self.languages:
            if lang not in raw:
                self.error(path, f"no {lang} text", f"a text for each of {wanted}")
                ok = False
        return {lang: raw[lang] for lang in self.languages} if ok else INVALID

    def _prompt_texts(self, raw: Any, fs: FieldSpec, path: KeyPath) -> Any:
        if not isinstance(raw, dict):
            return self._bad(raw, fs, path)
        out: dict[str, Any] = {}
        for key, texts in raw.items():
            if key not in fs.choices:
                self.error((*path, key), f"an entry for {key!r}",
                           "expression names: " + ", ".join(fs.choices))
                out[key] = INVALID
            else:
                out[key] = self.texts(texts, (*path, key))
        return INVALID if INVALID in out.values() else out
