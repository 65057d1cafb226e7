"""The backups' keeping rule, with a fake clock (issue 25: backups vanished in minutes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from game.records.retention import backups_to_keep

NOW = datetime(2026, 12, 6, 18, 0)


def test_five_edits_in_ten_seconds_keep_yesterday_s_backup() -> None:
    yesterday = NOW - timedelta(days=1)
    backups = [("yesterday", yesterday)] + [
        (f"edit{n}", NOW - timedelta(seconds=10 - 2 * n)) for n in range(5)]
    kept = backups_to_keep(backups, NOW)
    assert "yesterday" in kept and all(f"edit{n}" in kept for n in range(5))


def test_one_a_day_for_14_days_one_a_week_for_8_weeks_and_the_last_5() -> None:
    # a backup every 6 hours for 100 days
    backups = [(n, NOW - timedelta(hours=6 * n)) for n in range(400)]
    kept = backups_to_keep(backups, NOW)
    times = {n: when for n, when in backups}
    assert set(range(5)) <= kept
    days = {times[n].date() for n in kept}
    for back in range(14):
        assert (NOW - timedelta(days=back)).date() in days
    weeks = {times[n].isocalendar()[:2] for n in kept}
    for back in range(8):  # one in each of the last 8 calendar weeks
        assert (NOW - timedelta(weeks=back)).isocalendar()[:2] in weeks
    oldest = min(times[n] for n in kept)
    assert timedelta(weeks=7) <= NOW - oldest < timedelta(weeks=8)
    assert len(kept) <= 5 + 14 + 8


def test_nothing_older_than_the_rule_is_kept_beyond_the_last_five() -> None:
    old = [(n, NOW - timedelta(weeks=20, hours=n)) for n in range(8)]
    kept = backups_to_keep(old, NOW)
    assert kept == {0, 1, 2, 3, 4}  # the last 5 changes, however old
