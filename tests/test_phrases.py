"""The phrase catalogue: every key in both languages, every vocabulary item covered."""

from __future__ import annotations

import re

import pytest

from game import phrases
from game.expressions import Expression, FacePart, HintKey, QualityFlag

HANZI = re.compile(r"[\u4e00-\u9fff]")


def test_every_key_has_non_empty_text_in_every_language() -> None:
    for key, entry in phrases.PHRASES.items():
        assert set(entry) == set(phrases.LANGUAGES), key
        for lang in phrases.LANGUAGES:
            assert phrases.text(key, lang).strip(), (key, lang)


def test_chinese_texts_are_chinese_and_english_texts_are_not() -> None:
    latin_ok = {"ui.title", "ui.language.en"}
    for key in phrases.all_keys():
        if key in latin_ok:
            continue
        assert HANZI.search(phrases.text(key, "zh-CN")), key
        assert not HANZI.search(phrases.text(key, "en")), key


def test_simplified_characters_only() -> None:
    traditional = set("們說個這來嗎開體點讓聲門寶頭臉眾難過驚訝")
    for key in phrases.all_keys():
        found = traditional & set(phrases.text(key, "zh-CN"))
        assert not found, (key, found)


@pytest.mark.parametrize("expression", list(Expression), ids=str)
def test_every_expression_has_a_name_and_a_prompt(expression: Expression) -> None:
    name = phrases.text(phrases.expression_name_key(expression), "en")
    prompt = phrases.text(phrases.show_me_key(expression), "en")
    assert name in prompt and prompt.startswith("Show me")
    zh_name = phrases.text(phrases.expression_name_key(expression), "zh-CN")
    assert zh_name in phrases.text(phrases.show_me_key(expression), "zh-CN")


def test_articles_are_right() -> None:
    assert phrases.text("prompt.show_me.angry") == "Show me an angry face!"
    assert phrases.text("prompt.show_me.happy") == "Show me a happy face!"


@pytest.mark.parametrize("hint", list(HintKey), ids=str)
def test_every_hint_has_a_phrase(hint: HintKey) -> None:
    assert phrases.text(phrases.hint_key(hint), "en").endswith("!")
    assert phrases.text(phrases.hint_key(hint), "zh-CN")


def test_every_quality_flag_and_face_part_has_a_phrase() -> None:
    for flag in QualityFlag:
        assert phrases.text(phrases.quality_key(flag), "zh-CN")
    for part in FacePart:
        assert phrases.text(phrases.part_key(part), "en")


def test_praise_is_graded_and_plentiful() -> None:
    independent = phrases.praise_keys(independent=True)
    prompted = phrases.praise_keys(independent=False)
    assert len(independent) >= 3 and len(prompted) >= 3
    assert independent[0] == "praise.independent.1"
    assert not set(independent) & set(prompted)


def test_required_contract_keys_exist() -> None:
    for key in ("try_another", "cant_see_you", "copy_my_face", "break.suggest", "session_end",
                "calibration.instruction", "calibration.done", "calibration.retry",
                "maze.instructions", "story.instructions", "ui.start", "ui.settings",
                "ui.volume", "ui.palette.calm", "ui.palette.high_contrast", "ui.language",
                "ui.reduced_motion", "ui.text_size", "ui.therapist", "ui.quiet_mode"):
        assert key in phrases.PHRASES, key


def test_never_negative_words_in_child_facing_speech() -> None:
    for key in phrases.spoken_keys():
        if key.startswith("ui."):
            continue
        en = phrases.text(key, "en").lower()
        assert not re.search(r"\b(wrong|bad|no|fail\w*|incorrect)\b", en), key
        assert "错了" not in phrases.text(key, "zh-CN"), key


def test_unknown_key_raises_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match=r"no phrase with key 'hint\.nope'"):
        phrases.text("hint.nope", "en")
    with pytest.raises(KeyError, match="unsupported language 'fr'"):
        phrases.text("try_another", "fr")


def test_language_aliases_and_fields() -> None:
    assert phrases.text("try_another", "zh") == phrases.text("try_another", "zh-CN")
    assert phrases.text("ui.level_number", "zh_CN", number=3) == "第3关"
    assert phrases.has_fields("ui.level_number")
    assert "ui.level_number" not in phrases.spoken_keys()
    assert "try_another" in phrases.spoken_keys()


def test_replay_texts_are_shown_only_and_every_action_has_a_name() -> None:
    from game.motion.vocabulary import ACTION_NAMES

    for action in ACTION_NAMES:
        assert phrases.text(phrases.action_key(action), "zh-CN")
    spoken = set(phrases.spoken_keys())
    assert "ui.replay.keys" not in spoken and "action.jaw_drop" not in spoken
    assert "ui.admin.keys" in spoken  # the other therapist texts stay in the pack
