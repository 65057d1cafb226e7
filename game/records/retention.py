"""Which backups to keep: one per day for 14 days, one per week for 8 weeks, and the last 5.

Pure: the backups' times and the present are passed in (no clock is read), so the rule is
tested with a fake clock. A backup is written only when the records changed (the caller
compares content), so "the last 5" are the last 5 changes.

The rule, for backups taken at times t (and `now`):
- the `KEEP_LAST` newest are kept, however close together;
- for each of the `DAILY_DAYS` calendar days ending today, the newest backup of that day;
- for each of the `WEEKLY_WEEKS` calendar weeks (Monday to Sunday) ending this week, the
  oldest backup of that week (so the copies reach as far back as the rule allows; a
  calendar week's oldest stays its oldest, so a kept copy is never pushed out early).
Everything else may go. With the records opened every day, a restore can therefore reach
back 7 to 8 weeks (to the Monday of the 8th week back), and day by day over the last 14
days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TypeVar

KEEP_LAST = 5
DAILY_DAYS = 14
WEEKLY_WEEKS = 8

T = TypeVar("T")


def backups_to_keep(backups: Iterable[tuple[T, datetime]], now: datetime, *,
                    keep_last: int = KEEP_LAST) -> set[T]:
    """The backups (any hashable handle, e.g. a path) the rule keeps.

    Args:
        backups: (handle, when taken) pairs, in any order; times in the same time zone as
            `now` (both aware, or both naive local time).
        now: the present.
        keep_last: how many of the newest are kept whatever their age.
    """
    ordered = sorted(backups, key=lambda item: item[1], reverse=True)
    keep = {handle for handle, _ in ordered[:max(1, keep_last)]}
    today = now.date()
    first_day = today - timedelta(days=DAILY_DAYS - 1)
    days_seen: set[date] = set()
    oldest_in_week: dict[int, T] = {}
    for handle, when in ordered:  # newest first: the first seen of a day is its newest
        day = when.date()
        if first_day <= day <= today and day not in days_seen:
            days_seen.add(day)
            keep.add(handle)
        week = (_monday(now) - _monday(when)).days // 7
        if 0 <= week < WEEKLY_WEEKS:
            oldest_in_week[week] = handle  # overwritten until the oldest of the week
    keep.update(oldest_in_week.values())
    return keep


def stamp_time(name: str) -> datetime | None:
    """The time in a stamped backup name (`<stem>.backup-YYYYmmdd-HHMMSS[...]`), naive local
    time, or None when the name holds none (the caller falls back to the file's time)."""
    marker = name.find(".backup-")
    if marker < 0:
        return None
    try:
        return datetime.strptime(name[marker + 8:marker + 23], "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def _monday(when: datetime) -> date:
    """The Monday that starts `when`'s calendar week."""
    return when.date() - timedelta(days=when.weekday())
