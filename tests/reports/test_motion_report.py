"""The report's "How the face moved": per-session medians, Theil-Sen trends in words, the
not-measurable tries counted (never plotted), and a strip per best try from the record."""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from game.motion.metrics import MotionMetrics
from game.play.trial_record import TrialRecord
from game.records.motion_log import encode_session
from game.records.store import ProgressStore, memory_store, open_store
from game.reports.html_report import render_report
from game.reports.motion_summary import (
    MetricPoint,
    summarize_motion,
    theil_sen,
    trend_of,
)
from game.reports.report_text import TEXTS
from game.reports.summary import summarize_profile
from tests.records.factories import StepClock, make_trial
from tests.reports.motion_factories import metrics, smile_motion
from tests.reports.test_report_words import visible_text

NOW = datetime(2025, 6, 1, 12, 0)


def _points(values: list[float], weeks: list[float] | None = None) -> list[MetricPoint]:
    weeks = weeks or [float(i) for i in range(len(values))]
    return [MetricPoint(i + 1, w, v, 2) for i, (w, v) in enumerate(zip(weeks, values,
                                                                         strict=True))]


def test_theil_sen_is_the_median_slope_and_ignores_one_outlier() -> None:
    assert theil_sen([0, 1, 2, 3], [1.0, 2.0, 3.0, 4.0]) == (1.0, 1.0)
    slope, _ = theil_sen([0, 1, 2, 3, 4], [0.1, 0.2, 5.0, 0.4, 0.5]) or (0, 0)
    assert slope == pytest.approx(0.1)  # least squares would be pulled up by the 5.0
    assert theil_sen([2, 2, 2], [1.0, 2.0, 3.0]) is None  # one day: no slope


def test_trend_words_use_the_fitted_change_over_the_weeks_shown() -> None:
    rising = trend_of(_points([0.3, 0.4, 0.5, 0.6]), "peak_intensity")
    assert rising.direction == "rising" and rising.slope_per_week == pytest.approx(0.1)
    assert trend_of(_points([0.5, 0.52, 0.49, 0.51]), "peak_intensity").direction == "steady"
    assert trend_of(_points([1500, 1200, 1000, 700]), "onset_latency_ms").direction == "falling"
    assert trend_of(_points([1500, 1480, 1460]), "onset_latency_ms").direction == "steady"
    # a change of 0.04 a week over 3 weeks is 0.12: rising; the same over 2 sessions: unknown
    assert trend_of(_points([0.0, 0.04, 0.08, 0.12]), "asymmetry").direction == "rising"
    assert trend_of(_points([0.3, 0.6]), "peak_intensity").direction == ""
    # three sessions in one afternoon: a steep slope per week, but a change of 0.02 in all
    same_day = trend_of(_points([0.5, 0.51, 0.52], [0.0, 0.01, 0.02]), "coordination")
    assert same_day.slope_per_week == pytest.approx(1.0) and same_day.direction == "steady"


def _trial(index: int, target: str, motion: MotionMetrics | None,
           success: bool = True) -> TrialRecord:
    return dataclasses.replace(make_trial(index, target=target, success=success),
                               motion=motion)


def _store_with_motion(data_dir: Path | None = None) -> tuple[ProgressStore, str]:
    """4 weekly sessions: happy rising in peak (0.4 -> 0.7), one not-measurable and one
    pre-motion happy try per session, sad made once per session, a neutral try."""
    clock = StepClock()
    store = open_store(data_dir, clock=clock) if data_dir else memory_store(clock=clock)
    child = store.create_profile("Mia Rossi", allow_frame_traces=True)
    for number in range(4):
        clock.jump(timedelta(days=7))
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        peak = 0.4 + 0.1 * number
        trials = [
            _trial(0, "happy", metrics(peak, onset=1200 - 100 * number)),
            _trial(1, "happy", metrics(peak + 0.2), success=False),  # strongest, not made
            _trial(2, "happy", metrics(measurable=False)),
            _trial(3, "happy", None),  # recorded before motion was measured
            _trial(4, "sad", metrics(0.5)),
            _trial(5, "neutral", MotionMetrics(reason="neutral_target")),
        ]
        for trial in trials:
            store.add_trial(session.session_id, trial)
        path = store.motion_path(session.session_id)
        if path is not None and number != 2:  # session 3: the record was not kept
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode_session([(0, smile_motion("happy", strength=peak)),
                                             (1, smile_motion("happy", strength=peak + 0.2)),
                                             (4, smile_motion("sad"))]))
        store.end_session(session.session_id, reason="completed")
    return store, child.profile_id


def test_session_medians_not_measurable_counts_and_best_tries() -> None:
    store, profile_id = _store_with_motion()
    summary = summarize_profile(store, profile_id)
    motion = summarize_motion(summary.sessions, store.trials_for(profile_id))
    assert [e.expression for e in motion.expressions] == ["happy", "sad"]  # no neutral
    happy = motion.expressions[0]
    assert happy.measured == 8 and happy.not_measurable == 8  # 1 + 1 per session
    peaks = [p.value for p in happy.points["peak_intensity"]]
    assert peaks == pytest.approx([0.5, 0.6, 0.7, 0.8])  # median of 2 measured tries
    assert [p.tries for p in happy.points["peak_intensity"]] == [2, 2, 2, 2]
    assert happy.trends["peak_intensity"].direction == "rising"
    assert happy.trends["peak_intensity"].slope_per_week == pytest.approx(0.1, rel=1e-3)
    assert motion.expressions[1].trends["peak_intensity"].direction == "steady"
    first = summary.sessions[0].session.session_id
    best = {b.expression: b for b in motion.best[first]}
    assert best["happy"].trial_index == 0  # made beats the stronger try that was not made
    assert best["sad"].trial_index == 4


def _visible(page: str) -> str:
    page = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", page, flags=re.DOTALL)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("How the face moved", "Peak intensity: rising", "8 tries measured",
                "8 tries not measurable", "Theil-Sen", "No motion record was kept")),
        ("zh-CN", ("面部是怎样动的", "最大强度：上升", "测量了8次尝试", "8次尝试无法测量",
                   "泰尔-森", "这次练习没有保存动作记录")),
    ],
)
def test_the_section_appears_in_both_languages(
    lang: str, words: tuple[str, ...], tmp_path: Path
) -> None:
    store, profile_id = _store_with_motion(tmp_path / "data")
    page = render_report(store, profile_id, generated_at=NOW, lang=lang)
    text = _visible(page)
    for word in words:
        assert word in text, (lang, word)
    section = page.split('<section class="motion">', 1)[1].split("</section>", 1)[0]
    # two expressions' trend charts and a strip for each best try of 3 kept records
    assert section.count('<svg role="img"') == 2 + 3 * 2
    assert len(set(re.findall(r'\bid="([^"]+)"', page))) == len(re.findall(r'\bid="', page))
    if lang == "zh-CN":  # chart labels and action names too (the SVG text is kept as text)
        english = {w.lower() for en in (entry["en"] for entry in TEXTS.values())
                   for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[a-z_]+\}|&\w+;", " ", en))}
        shown = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", visible_text(section))}
        assert not shown & (english - {"facequest"})


def test_not_measurable_tries_are_counted_not_plotted() -> None:
    store, profile_id = _store_with_motion()
    page = render_report(store, profile_id, generated_at=NOW, lang="en")
    happy = page.split('<section class="motion">', 1)[1].split("</figure>", 1)[0]
    # one dot per session and the trend line: the points are the medians of measured tries
    svg = happy[happy.index("<svg"):]
    assert svg.count("<svg") == 1
    summary = summarize_profile(store, profile_id)
    motion = summarize_motion(summary.sessions, store.trials_for(profile_id))
    assert all(p.tries == 2 for p in motion.expressions[0].points["onset_latency_ms"])
    assert "8 tries not measurable" in _visible(happy)
    # a memory store keeps no motion record: every session says so in one line
    assert _visible(page).count("No motion record was kept for this session") == 4


def test_records_from_before_motion_metrics_leave_the_section_out() -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, make_trial(0))
    store.end_session(session.session_id, reason="completed")
    page = render_report(store, child.profile_id, generated_at=NOW)
    assert 'class="motion"' not in page and "How the face moved" not in page


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "1 measured before a calm-face calibration"),
    ("zh-CN", "其中1次是在校准平静表情之前测量的"),
])
def test_tries_measured_before_calibration_are_said_so(lang: str, words: str) -> None:
    clock = StepClock()
    store = memory_store(clock=clock)
    child = store.create_profile("Ola")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, _trial(0, "happy", dataclasses.replace(
        metrics(0.6), neutral="population")))
    store.add_trial(session.session_id, _trial(1, "happy", metrics(0.7)))
    store.end_session(session.session_id, reason="completed")
    summary = summarize_profile(store, child.profile_id)
    motion = summarize_motion(summary.sessions, store.trials_for(child.profile_id))
    assert motion.expressions[0].from_population == 1
    assert words in _visible(render_report(store, child.profile_id, generated_at=NOW, lang=lang))


def test_tries_measured_by_an_earlier_metric_version_are_left_out_of_the_trends() -> None:
    """Version 2 changed what peak, rise and coordination mean (docs/metrics.md): a trend
    never mixes the two, so older tries count as not measurable."""
    from game.reports.motion_summary import measured

    current = dataclasses.replace(make_trial(0), motion=metrics())
    older = dataclasses.replace(make_trial(1),
                                motion=dataclasses.replace(metrics(), metric_version="1"))
    assert measured(current) is not None
    assert measured(older) is None
