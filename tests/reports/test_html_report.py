"""The HTML report: self-contained, escaped, with the charts, tables and notes."""

from __future__ import annotations

import re
import stat
from datetime import datetime
from pathlib import Path

from game.records.store import ProgressStore, memory_store
from game.reports.html_report import headline_sentences, render_report, write_report
from game.reports.summary import summarize_profile
from tests.records.factories import StepClock, make_trial
from tests.reports.conftest import HOSTILE_NAME

NOW = datetime(2025, 4, 1, 12, 0)


def test_report_has_at_least_three_inline_svg_charts(
    filled_store: tuple[ProgressStore, str],
) -> None:
    store, profile_id = filled_store
    html = render_report(store, profile_id, generated_at=NOW)
    assert len(re.findall(r"<figure><svg ", html)) >= 3
    assert html.count("</svg>") >= 3
    assert "Faces made, by expression" in html and "Time to make the face" in html


def test_names_and_notes_are_escaped(filled_store: tuple[ProgressStore, str]) -> None:
    store, profile_id = filled_store
    html = render_report(store, profile_id, generated_at=NOW)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert store.get_profile(profile_id).display_name == HOSTILE_NAME
    assert "<b>quiet</b>" not in html and "&lt;b&gt;quiet&lt;/b&gt; rooms &amp; short" in html
    assert "<img" not in html and "&lt;img src=x&gt;" in html


def test_report_makes_no_external_requests(filled_store: tuple[ProgressStore, str]) -> None:
    store, profile_id = filled_store
    html = render_report(store, profile_id, generated_at=NOW)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    for tag in ("<link", "<img", "<iframe", "<object", "<embed", "@import"):
        assert tag not in html
    urls = re.findall(r"https?://[^\s\"')<]+", html)
    assert set(urls) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", html), "only in-page references"


def test_report_has_tables_notes_definitions_and_print_css(
    filled_store: tuple[ProgressStore, str],
) -> None:
    store, profile_id = filled_store
    html = render_report(store, profile_id, generated_at=NOW)
    assert profile_id in html and "born 2017" in html
    assert "<h2>Sessions</h2>" in html and "<h2>By expression</h2>" in html
    session_rows = re.search(r"<h2>Sessions</h2>.*?<tbody>(.*?)</tbody>", html, re.DOTALL)
    assert session_rows is not None and session_rows.group(1).count("<tr>") == 5
    assert "Clear smile; camera missed it." in html  # the override note
    assert "counted as made" in html
    assert "Engaged well today." in html  # the session note
    assert "@media print" in html and "@page" in html
    assert "Made 1 Apr 2025" in html


def test_parent_sentences_are_plain_and_never_negative() -> None:
    store = memory_store(clock=StepClock())
    child = store.create_profile("Ava")
    for results in ([True, True, False, False], [False, False, False, True]):
        session = store.start_session(child.profile_id, level_set_id="s")
        for index, made in enumerate(results):
            target = "happy" if index % 2 == 0 else "sad"
            store.add_trial(session.session_id, make_trial(index, target=target, success=made))
        store.end_session(session.session_id)
    lines = headline_sentences("Ava", summarize_profile(store, child.profile_id))
    text = " ".join(lines)
    assert "Ava has played 2 sessions" in text
    assert "In the latest session, 1 of 4 faces were made, 1 of them without any help." in text
    assert "In the first session it was 50%." in text
    for word in ("wrong", "fail", "worse", "bad"):
        assert word not in text.lower()


def test_report_for_a_child_without_sessions(tmp_path: Path) -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    html = render_report(store, child.profile_id, generated_at=NOW)
    assert "Ava has not played a session yet." in html
    assert "<svg" not in html
    out = write_report(store, child.profile_id, tmp_path / "r.html", generated_at=NOW)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_one_session_is_counted_in_the_singular(tmp_path: Path) -> None:
    from tests.records.factories import fill_progress

    store = memory_store(StepClock())
    child = store.create_profile("Kim")
    fill_progress(store, child.profile_id, sessions=1, trials_per_session=3, clock=StepClock())
    html = render_report(store, child.profile_id, generated_at=NOW)
    assert "session played" in html and "sessions played" not in html
    fill_progress(store, child.profile_id, sessions=1, trials_per_session=3, clock=StepClock())
    assert "sessions played" in render_report(store, child.profile_id, generated_at=NOW)
