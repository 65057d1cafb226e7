"""Every text of the progress report and its charts, in each language of `game.locales`.

The texts are the catalogues' keys under "report." (`game/locales/<lang>.toml`). The report
follows the child's language setting (`facequest report --lang` overrides it), so
a therapist who runs the game in Chinese gives parents a report in Chinese. Expression names
come from `game.phrases`, the same words the child hears in the game (English keeps the
data's names, "Fearful"). Dates follow the catalogue's `format.date` with its month names
(`month.1`...): "22 Nov 2026" / "2026年11月22日".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date as calendar_day
from datetime import datetime

from game import phrases
from game.locales import DEFAULT_LANGUAGE, REPORT_PREFIX, TextTable

# Han ideographs (CJK Unified, Extension A, Compatibility), kana and Hangul: letters that
# DejaVu Sans lacks, which the charts draw with the shipped Noto Sans CJK subset.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

TEXTS: Mapping[str, Mapping[str, str]] = TextTable(REPORT_PREFIX)
"""key -> {language: text}: the catalogues' keys under "report." (that prefix taken off);
{fields} are filled by `ReportText.t`."""

# `SessionRecord.end_reason` -> its words. The game writes "completed", "time_cap",
# "therapist", "child_away" (`game.ui.session_events`), "closed" and "source_ended"; the
# engine's own `EndReason` values ("complete", "ended") are mapped too in case one is stored.
END_REASON_KEYS: dict[str, str] = {
    "completed": "end.completed",
    "complete": "end.completed",
    "time_cap": "end.time_cap",
    "therapist": "end.therapist",
    "ended": "end.therapist",
    "child_away": "end.child_away",
    "closed": "end.closed",
    "source_ended": "end.source_ended",
    "stopped": "end.stopped",
}


@dataclass(frozen=True, slots=True)
class ReportText:
    """The report's texts in one language of `game.locales.LANGUAGES` (or an alias)."""

    lang: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", phrases.normalize_language(self.lang))

    @property
    def needs_cjk_font(self) -> bool:
        """True when the report's texts hold CJK letters (the charts then add the shipped
        CJK font)."""
        return any(_CJK.search(entry[self.lang]) for entry in TEXTS.values())

    def t(self, key: str, **fields: object) -> str:
        """The text of `key`, with its fields filled in (KeyError names an unknown key)."""
        template = TEXTS[key][self.lang]
        return template.format(**fields) if fields else template

    def faces(self, count: int) -> str:
        return self.t("faces.one") if count == 1 else self.t("faces.many", n=count)

    def expression(self, value: str) -> str:
        """An expression's name: in English the data's name, capitalised ("Happy",
        "Fearful"); in any other language the word the child hears in the game ("开心",
        "害怕")."""
        if self.lang != DEFAULT_LANGUAGE:
            try:
                return phrases.text(f"expression.{value}", self.lang)
            except KeyError:
                return value
        return value.capitalize()

    def date(self, when: datetime) -> str:
        """A day as the catalogue's `format.date` writes it ("3 Mar 2025", "2025年3月3日")."""
        return self.t("format.date", day=when.day, month=self.t(f"month.{when.month}"),
                      year=when.year)

    def date_only(self, day: calendar_day) -> str:
        """A calendar day (no time of day), as `date` writes it."""
        return self.date(datetime(day.year, day.month, day.day))

    def short_date(self, when: datetime) -> str:
        """Day and month, for chart ticks (`format.short_date`)."""
        return self.t("format.short_date", day=when.day, month=self.t(f"month.{when.month}"))

    def time(self, when: datetime) -> str:
        """Date and time of day, e.g. "3 Mar 2025, 09:30" / "2025年3月3日 09:30"."""
        return self.t("value.time", date=self.date(when), time=f"{when:%H:%M}")

    def end_reason(self, reason: str) -> str:
        """How a session ended, in words; a reason this version does not know reads
        "Ended another way" (never the stored code)."""
        return self.t(END_REASON_KEYS.get(reason, "end.other"))
