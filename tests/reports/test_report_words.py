"""The report shows words, never stored codes: level-set titles, end reasons, the therapist's
key; every label in Chinese in a Chinese report; local times; trial numbers as the export's."""

from __future__ import annotations

import html as html_lib
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from game.play.events import EndReason
from game.play.trial_record import Override
from game.records.store import ProgressStore, memory_store
from game.reports.export import export_rows
from game.reports.html_report import render_report
from game.reports.level_titles import level_set_title
from game.reports.report_text import END_REASON_KEYS, TEXTS, ReportText
from game.reports.summary import KEY_OVERRIDE_NOTE, summarize_profile
from tests.conftest import REPO_ROOT
from tests.records.factories import StepClock, fill_progress, make_trial

NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
CODES = ("first-faces", "six-feelings", "face-maze", "source_ended", "time_cap", "child_away",
         KEY_OVERRIDE_NOTE, "still open")


def written_end_reasons() -> set[str]:
    """Every end reason the game's code can store (found in its source, so a reason added
    anywhere later is checked too)."""
    reasons = {reason.value for reason in EndReason}
    patterns = (r'reason="([a-z_]+)"', r'end_reason_override = "([a-z_]+)"',
                r'EndReason\.[A-Z_]+: "([a-z_]+)"', r'end_reason="([a-z_]+)"')
    for path in (REPO_ROOT / "game").rglob("*.py"):
        if path.parent.name == "motion":  # MotionMetrics' reason="..." says why a metric is
            continue                      # missing; it is no session's end reason
        source = path.read_text(encoding="utf-8")
        for pattern in patterns:
            reasons.update(re.findall(pattern, source))
    return reasons


def visible_text(page: str) -> str:
    """What a reader sees: no style sheet, no tags, no SVG metadata; entities decoded."""
    page = re.sub(r"<style.*?</style>|<metadata.*?</metadata>|<title>.*?</title>", " ", page,
                  flags=re.DOTALL)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


def chinese_store() -> tuple[ProgressStore, str]:
    """A child whose own texts are Chinese, with every end reason, a set that is not in
    levels/, a therapist-key override, a typed note, and a session with no trials."""
    clock = StepClock()
    store = memory_store(clock=clock)
    child = store.create_profile("小明", birth_year=2018, notes="喜欢安静的房间")
    fill_progress(store, child.profile_id, sessions=3, trials_per_session=8, clock=clock)
    for index, reason in enumerate(sorted(written_end_reasons())):
        session = store.start_session(child.profile_id, level_set_id="six-feelings")
        override = Override.REJECT if index == 0 else None
        note = KEY_OVERRIDE_NOTE if index == 0 else ""
        store.add_trial(session.session_id, make_trial(0, override=override, override_note=note))
        store.end_session(session.session_id, reason=reason)
    store.start_session(child.profile_id, level_set_id="face-maze")  # never ended, no trials
    return store, child.profile_id


@pytest.fixture
def local_zone() -> Iterator[str]:
    """This computer's time zone set to New York for the test (EST, UTC-5 in early March)."""
    before = time.tzname
    import os

    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield "America/New_York"
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()
        assert time.tzname == before


def test_every_end_reason_the_game_writes_has_words_in_both_languages() -> None:
    reasons = written_end_reasons()
    assert {"completed", "time_cap", "therapist", "child_away", "closed", "source_ended"} <= reasons
    for reason in reasons:
        assert reason in END_REASON_KEYS, f"say {reason!r} in words in report_text"
        for lang in ("en", "zh-CN"):
            words = ReportText(lang).end_reason(reason)
            assert words != reason and "_" not in words
    assert ReportText("en").end_reason("source_ended") == "The video ended"
    assert ReportText("en").end_reason("a-future-code") == "Ended another way"


def test_the_report_shows_titles_and_words_never_codes() -> None:
    store, profile_id = chinese_store()
    for lang in ("en", "zh-CN"):
        text = visible_text(render_report(store, profile_id, generated_at=NOW, lang=lang))
        for code in CODES:
            assert code not in text, f"{code!r} is shown in the {lang} report"
    english = visible_text(render_report(store, profile_id, generated_at=NOW, lang="en"))
    assert "My first faces" in english and "Six feelings" in english
    assert "The video ended" in english and "The program was closed" in english
    assert "not counted (with the therapist's key)" in english
    assert "Not ended (the game stopped)" in english
    chinese = visible_text(render_report(store, profile_id, generated_at=NOW, lang="zh-CN"))
    assert "我的第一组表情" in chinese and "六种心情" in chinese and "视频结束了" in chinese
    assert "不算做到（治疗师按键判定）" in chinese


def test_an_unknown_level_set_is_shown_by_its_id_and_a_known_one_by_its_title() -> None:
    assert level_set_title("first-faces", "en") == "My first faces"
    assert level_set_title("first-faces", "zh-CN") == "我的第一组表情"
    assert level_set_title("site-b-pilot", "en") == "site-b-pilot"
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="site-b-pilot")
    store.add_trial(session.session_id, make_trial(0))
    store.end_session(session.session_id, reason="completed")
    page = render_report(store, child.profile_id, generated_at=NOW, lang="en")
    assert "site-b-pilot" in visible_text(page)


def test_no_english_label_is_left_in_the_chinese_report() -> None:
    store, profile_id = chinese_store()
    page = render_report(store, profile_id, generated_at=NOW, lang="zh-CN")
    english_words = {
        word.lower()
        for en in (entry["en"] for entry in TEXTS.values())
        for word in re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[a-z_]+\}|&\w+;", " ", en))
    } - {"facequest"}
    # the one English text is data, not a label: the factory's typed override reason
    text = visible_text(page).replace("Clear smile; camera missed it.", "")
    # the child's code (C- and six random hex digits) is data too: "C-4BE9A1" holds "be"
    text = re.sub(r"\bC-[0-9A-F]{6}\b", " ", text)
    # column names such as trial_number are quoted as they are written in the export
    words = {w.lower() for w in re.findall(r"[A-Za-z_]{2,}", text) if "_" not in w}
    left = sorted(words & english_words)
    assert not left, f"English left in the Chinese report: {left}"
    assert "治疗师" in text and "题目编号" in text


def test_times_are_in_the_local_time_zone_of_the_computer(local_zone: str) -> None:
    clock = StepClock(datetime(2025, 3, 6, 9, 30, tzinfo=timezone(timedelta(hours=1))))
    store = memory_store(clock=clock)
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, make_trial(0))
    store.end_session(session.session_id, reason="completed")
    # 09:30 at +01:00 is 03:30 in New York (EST); the stored text keeps its own offset
    assert store.sessions_for(child.profile_id)[0].started_at.startswith("2025-03-06T09:30")
    text = visible_text(render_report(store, child.profile_id, generated_at=NOW, lang="en"))
    assert re.search(r"6 Mar 2025\s+03:30", text), text[:2000]
    assert "09:30" not in text


def test_report_trial_numbers_are_the_exports_trial_number(
    filled_store: tuple[ProgressStore, str],
) -> None:
    store, profile_id = filled_store
    summary = summarize_profile(store, profile_id)
    rows = export_rows(store, [profile_id])
    checked = 0
    for note in summary.notes:
        if note.trial_number is None:
            continue
        session_id = summary.sessions[note.session_number - 1].session.session_id
        (row,) = [r for r in rows if r["session_id"] == session_id
                  and r["trial_number"] == note.trial_number]
        assert row["target"] == note.target
        checked += 1
    assert checked >= 2
    page = render_report(store, profile_id, generated_at=NOW, lang="en")
    assert "numbered from 1" in page and "trial_number" in page
