"""The report in the child's language: English or Simplified Chinese, texts and charts."""

from __future__ import annotations

import re
import string
from datetime import datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from game.cli import main
from game.records.store import ProgressStore, open_store
from game.reports.charts import CJK_FONT_FILE, chart_svg
from game.reports.html_report import render_report, report_language
from game.reports.report_text import TEXTS, ReportText
from game.reports.summary import summarize_profile

NOW = datetime(2025, 4, 1, 12, 0)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_has_both_languages_with_the_same_fields() -> None:
    for key, entry in TEXTS.items():
        en, zh = entry["en"], entry["zh-CN"]
        assert en.strip() and zh.strip(), key
        assert _fields(en) == _fields(zh), key
        assert not re.search(r"[\u4e00-\u9fff]", en), key


def test_the_shipped_cjk_font_draws_every_chinese_report_text() -> None:
    cmap = TTFont(str(CJK_FONT_FILE), fontNumber=0).getBestCmap()
    missing = {
        ch for entry in TEXTS.values() for ch in entry["zh-CN"]
        if not ch.isspace() and ord(ch) not in cmap
    }
    assert not missing, "".join(sorted(missing))


def test_chinese_report_has_chinese_texts_charts_and_still_escapes(
    filled_store: tuple[ProgressStore, str],
) -> None:
    store, profile_id = filled_store
    html = render_report(store, profile_id, generated_at=NOW, lang="zh-CN")
    assert '<html lang="zh-CN">' in html
    assert "FaceQuest 进步报告" in html and "<h2>按表情</h2>" in html
    assert "生成于2025年4月1日" in html and "2017年出生" in html
    assert "各表情做到的比例" in html  # a chart title, drawn as SVG text
    assert "算作做到" in html  # the therapist's override, in Chinese
    for english in ("By expression", "Sessions</h2>", "How the numbers are counted", "Made 1"):
        assert english not in html
    assert "<script" not in html.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_language_follows_the_child_unless_asked(filled_dir: tuple[Path, str]) -> None:
    data_dir, profile_id = filled_dir
    with open_store(data_dir) as store:
        assert report_language(store.get_profile(profile_id)) == "en"
        chinese = store.update_profile(profile_id, settings={"language": "zh-CN"})
        assert report_language(chinese) == "zh-CN"
        assert report_language(chinese, "en") == "en"
        assert '<html lang="zh-CN">' in render_report(store, profile_id, generated_at=NOW)
        english = render_report(store, profile_id, generated_at=NOW, lang="en")
        assert '<html lang="en">' in english


def test_chart_texts_follow_the_language(filled_store: tuple[ProgressStore, str]) -> None:
    store, profile_id = filled_store
    summary = summarize_profile(store, profile_id)
    svg = chart_svg("without_help", summary, lang="zh-CN")
    assert 'aria-label="没有用帮助做到的表情"' in svg
    assert "用了帮助做到" in svg and "练习" in svg
    assert "made with help" not in svg
    assert ReportText("zh").expression("fearful") == "害怕"
    assert ReportText("en").expression("fearful") == "Fearful"


def test_report_command_takes_a_language(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_store(data) as store:
        child = store.create_profile("Mei")
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        store.end_session(session.session_id)
    out = tmp_path / "mei.html"
    args = ["report", "Mei", "--data-dir", str(data), "--out", str(out)]
    assert main([*args, "--lang", "zh-CN"]) == 0
    assert "Mei在" in out.read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        main([*args, "--lang", "fr"])
