"""The committed voice pack covers every phrase and shipped level text, audibly and small."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pygame.mixer
import pygame.sndarray
import pytest

from game import phrases
from game.audio.loudness import (
    METER,
    TARGET_LUFS,
    TOLERANCE_LU,
    integrated_lufs,
    normalize_loudness,
)
from game.audio.neural import NEURAL_EN
from game.audio.pack import DEFAULT_PACK_DIR, INDEX_NAME, VoicePack, pack_loudness, render_pack
from game.audio.player import start_mixer
from game.cli.voice_catalogue import level_texts, shipped_texts
from game.paths import LEVELS_DIR
from tests.audio.conftest import FakeEngine, needs_espeak, needs_sox

MAX_PACK_BYTES = 6_000_000  # 443 recordings made 5.1 MB (2026-11-29: therapist screens)


@pytest.fixture(scope="module")
def pack() -> VoicePack:
    loaded = VoicePack.load(DEFAULT_PACK_DIR)
    assert len(loaded) > 0, "assets/voice is missing: run 'facequest voice render'"
    return loaded


@pytest.mark.parametrize("lang", phrases.LANGUAGES)
def test_every_phrase_key_is_recorded(pack: VoicePack, lang: str) -> None:
    missing = [k for k in phrases.spoken_keys() if pack.lookup(lang, phrases.text(k, lang)) is None]
    assert not missing, f"{lang}: not in the pack (run 'facequest voice render'): {missing[:5]}"


@pytest.mark.parametrize("lang", phrases.LANGUAGES)
def test_every_shipped_level_text_is_recorded(pack: VoicePack, lang: str) -> None:
    texts = level_texts(LEVELS_DIR)[lang]
    assert texts, "the shipped level sets have no texts?"
    missing = [t for t in texts if pack.lookup(lang, t) is None]
    assert not missing, f"{lang}: not in the pack (run 'facequest voice render'): {missing[:5]}"


def test_pack_holds_nothing_stale_and_is_small(pack: VoicePack) -> None:
    wanted = shipped_texts()
    for lang in phrases.LANGUAGES:
        assert pack.texts(lang) == set(wanted[lang])
    files = list(DEFAULT_PACK_DIR.rglob("*.ogg"))
    assert len(files) == len(pack)
    assert sum(f.stat().st_size for f in files) < MAX_PACK_BYTES


def test_every_recording_decodes_and_is_audible(pack: VoicePack) -> None:
    """Decoded by pygame.mixer itself (what the game uses): non-silent, plausible length."""
    assert start_mixer()
    mixer = pygame.mixer.get_init()
    assert mixer is not None
    rate = mixer[0]
    quiet, clipped = [], []
    for lang in phrases.LANGUAGES:
        for text in pack.texts(lang):
            path = pack.lookup(lang, text)
            assert path is not None
            samples = pygame.sndarray.array(pygame.mixer.Sound(str(path))).astype(np.float64)
            seconds = samples.shape[0] / rate
            loudness = float(np.sqrt(np.mean(np.square(samples / 32768.0))))
            assert 0.2 < seconds < 20.0, (lang, text, seconds)
            if loudness < 0.03:
                quiet.append((lang, text, loudness))
            if float(np.abs(samples).max()) >= 32700:  # at full scale: the clip distorts
                clipped.append((lang, text))
    assert not quiet, quiet[:3]
    assert not clipped, clipped[:3]


def test_index_names_voices_and_engine_texts(pack: VoicePack) -> None:
    index = json.loads((DEFAULT_PACK_DIR / INDEX_NAME).read_text(encoding="utf-8"))
    assert index["voices"]["zh-CN"]["voice"].startswith("cmn-latn-pinyin")
    assert index["voices"]["en"]["voice"] == NEURAL_EN.voice  # English in the neural voice
    assert {v["lufs"] for v in index["voices"].values()} == {TARGET_LUFS}
    assert {v.get("meter") for v in index["voices"].values()} == {METER}  # levelled as measured
    said = index["engine_text"]["zh-CN"][phrases.text("try_another", "zh-CN")]
    assert said.startswith("wo3 men5")


def test_every_recording_lies_within_one_lu_of_the_target_loudness(pack: VoicePack) -> None:
    """EBU R128 integrated loudness of every clip, decoded from the pack's OGG."""
    needs_sox()
    off = []
    for lang in phrases.LANGUAGES:
        for text in pack.texts(lang):
            path = pack.lookup(lang, text)
            assert path is not None
            lufs = pack_loudness(path)
            if abs(lufs - TARGET_LUFS) > TOLERANCE_LU:
                off.append((lang, text, round(lufs, 2)))
    assert not off, f"{len(off)} recordings off the loudness target, e.g. {off[:3]}"


def test_every_english_clip_is_within_one_lu_on_a_plain_meter(pack: VoicePack) -> None:
    """The English pack measured by pyloudnorm directly on each decoded clip, as it is (no
    silence added): a clip of 0.4-0.6 s was once levelled with silence after it and came
    out 1.4 LU too loud. Clips under one 400 ms block are read repeated end to end."""
    needs_sox()
    import pyloudnorm

    from game.audio.loudness import decode_to_samples
    from game.audio.pack import PACK_RATE

    meter = pyloudnorm.Meter(PACK_RATE)
    worst = (0.0, "")
    for text in pack.texts("en"):
        path = pack.lookup("en", text)
        assert path is not None
        samples, _ = decode_to_samples(path, PACK_RATE)
        data = np.asarray(samples, np.float64)
        if data.size <= int(0.4 * PACK_RATE):
            data = np.tile(data, -(-int(0.6 * PACK_RATE) // data.size))
        off = abs(float(meter.integrated_loudness(data)) - TARGET_LUFS)
        worst = max(worst, (off, text))
    assert worst[0] <= TOLERANCE_LU, f"worst English clip {worst[0]:.2f} LU off: {worst[1]!r}"


def test_loudness_normalising_brings_loud_and_quiet_speech_together() -> None:
    rate = 16000
    t = np.arange(rate) / rate
    voice_like = np.sin(2 * np.pi * 220 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    quiet, loud = 0.02 * voice_like, 0.9 * voice_like
    assert integrated_lufs(loud, rate) - integrated_lufs(quiet, rate) > 30
    for samples in (quiet, loud, quiet[: rate // 5]):  # a short "OK" too
        levelled = normalize_loudness(samples, rate)
        assert abs(integrated_lufs(levelled, rate) - TARGET_LUFS) < 0.2
        assert np.max(np.abs(levelled)) < 1.0


def test_render_reuses_adds_and_removes(tmp_path: Path) -> None:
    needs_sox()
    engine = FakeEngine()
    out = tmp_path / "voice"
    first = render_pack({"en": ["One", "Two"], "zh-CN": ["一"]}, engine, out)
    assert (first.entries, first.rendered, first.reused) == (3, 3, 0)
    second = render_pack({"en": ["One", "Three"], "zh-CN": ["一"]}, engine, out)
    assert (second.rendered, second.reused, second.removed) == (1, 2, 1)
    loaded = VoicePack.load(out)
    assert loaded.lookup("en", "Three") is not None
    assert loaded.lookup("en", "Two") is None
    assert len(list(out.rglob("*.ogg"))) == 3


def test_render_with_the_real_engine(tmp_path: Path) -> None:
    needs_espeak()
    needs_sox()
    from game.audio.engine import open_engine

    report = render_pack({"zh-CN": ["你好！"]}, open_engine(), tmp_path)
    assert report.rendered == 1 and report.quietest[2] > 0.05
    assert abs(report.loudness[0] - TARGET_LUFS) <= TOLERANCE_LU


def test_a_broken_index_gives_an_empty_pack(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_PACK_DIR / "en", tmp_path / "en")
    (tmp_path / INDEX_NAME).write_text("{not json", encoding="utf-8")
    assert len(VoicePack.load(tmp_path)) == 0
    assert len(VoicePack.load(tmp_path / "absent")) == 0
