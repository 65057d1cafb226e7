"""The pre-rendered voice pack under assets/voice/: an index mapping (lang, text) -> file.

The pack lets the game speak every shipped prompt, hint and praise even where no speech
engine is installed. `facequest voice render` rebuilds it (see `render_pack`); at run time
`VoicePack.lookup(lang, text)` is consulted before the runtime speech cache.

index.json:
    {"format": 1, "sample_rate": 16000, "codec": "ogg/vorbis",
     "voices": {"en": {"voice": ..., "rate": ..., "lufs": -20.0, "meter": ...}, ...},
     "entries": {"en": {"<text>": "en/<hash>.ogg", ...}, "zh-CN": {...}},
     "engine_text": {"zh-CN": {"<text>": "<numbered pinyin given to espeak-ng>", ...}, ...}}

A recording is re-rendered when its voice, rate, loudness target or engine text changed.
Each language is rendered with its pack voice (`game.audio.neural.PACK_VOICES`: English in
the neural Piper voice, Mandarin with espeak-ng through pinyin) and every recording is
brought to one integrated loudness (EBU R128, `game.audio.loudness.TARGET_LUFS`), measured
again after encoding, so every clip of the pack lies within 1 LU of the target.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from game.audio.engine import SpeechEngine
from game.audio.voices import VoiceSpec, voice_for
from game.audio.wavtools import read_wav, rms, write_wav
from game.paths import ASSETS_DIR
from game.phrases import LANGUAGES, normalize_language

logger = logging.getLogger(__name__)

DEFAULT_PACK_DIR = ASSETS_DIR / "voice"
INDEX_NAME = "index.json"
PACK_FORMAT = 1
PACK_RATE = 16000
VORBIS_QUALITY = "1"  # sox -C: ~45 kbit/s nominal; plenty for 16 kHz speech
MIN_RMS = 0.02  # a rendered phrase quieter than this is treated as broken


def normalize_text(text: str) -> str:
    """The lookup form of a text: whitespace collapsed and stripped."""
    return " ".join(text.split())


def pack_file_name(lang: str, text: str) -> str:
    digest = hashlib.sha1(f"{lang}\n{normalize_text(text)}".encode()).hexdigest()[:16]
    return f"{lang}/{digest}.ogg"


@dataclass(slots=True)
class VoicePack:
    """A loaded pack (possibly empty). Lookups are plain dict reads, safe from any thread."""

    root: Path
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    voices: dict[str, dict[str, object]] = field(default_factory=dict)
    engine_texts: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path = DEFAULT_PACK_DIR) -> VoicePack:
        """Read `root/index.json`; an absent or broken index gives an empty pack (logged)."""
        index = root / INDEX_NAME
        if not index.is_file():
            logger.info("no voice pack at %s", root)
            return cls(root)
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            if data.get("format") != PACK_FORMAT:
                raise ValueError(f"pack format {data.get('format')!r}, expected {PACK_FORMAT}")
            entries = {str(lang): {normalize_text(t): str(f) for t, f in table.items()}
                       for lang, table in data["entries"].items()}
        except (OSError, ValueError, KeyError, AttributeError) as exc:
            logger.warning("ignoring the voice pack at %s: %s", root, exc)
            return cls(root)
        engine_texts = {str(lang): {normalize_text(t): str(e) for t, e in table.items()}
                        for lang, table in data.get("engine_text", {}).items()}
        return cls(root, entries, dict(data.get("voices", {})), engine_texts)

    def lookup(self, lang: str, text: str) -> Path | None:
        """The recording of `text` in `lang`, or None when the pack lacks it."""
        name = self.entries.get(normalize_language(lang), {}).get(normalize_text(text))
        if name is None:
            return None
        path = self.root / name
        return path if path.is_file() else None

    def texts(self, lang: str) -> frozenset[str]:
        return frozenset(self.entries.get(normalize_language(lang), {}))

    def __len__(self) -> int:
        return sum(len(t) for t in self.entries.values())


def sox_binary() -> str | None:
    return shutil.which("sox")


def encode_ogg(wav: Path, ogg: Path) -> None:
    """WAV -> mono OGG Vorbis at PACK_RATE with sox (raises when sox fails or is missing)."""
    sox = sox_binary()
    if sox is None:
        raise FileNotFoundError("sox is not installed (needed to encode the voice pack)")
    ogg.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sox, str(wav), "-c", "1", "-C", VORBIS_QUALITY, str(ogg), "rate", "-h", str(PACK_RATE)],
        check=True, capture_output=True, timeout=60,
    )


@dataclass(frozen=True, slots=True)
class PackReport:
    """What a render did: counts, bytes, and the quietest recording."""

    entries: int
    rendered: int
    reused: int
    removed: int
    total_bytes: int
    quietest: tuple[str, str, float]  # (lang, text, rms)
    loudness: tuple[float, float] = (0.0, 0.0)  # lowest and highest LUFS in the pack


def render_pack(
    texts: Mapping[str, Iterable[str]],
    engine: SpeechEngine,
    out_dir: Path = DEFAULT_PACK_DIR,
    progress: Callable[[str, str], None] | None = None,
    force: bool = False,
    voices: Mapping[str, VoiceSpec] | None = None,
) -> PackReport:
    """Render every (lang, text) into `out_dir`, write the index, delete stale recordings.

    `voices` names each language's pack voice (default: the live espeak-ng voices).
    A recording already in the pack with the same voice settings is reused unless `force`.
    Needs pyloudnorm (the `voice` extra) for the loudness.

    Raises:
        RuntimeError: a rendered phrase is silent (RMS below MIN_RMS).
    """
    from game.audio.loudness import METER, TARGET_LUFS

    def spec_of(lang: str) -> VoiceSpec:
        return voices[lang] if voices is not None and lang in voices else voice_for(lang)

    old = VoicePack.load(out_dir)
    wanted: dict[str, list[str]] = {}
    for lang, items in texts.items():
        key = normalize_language(lang)
        wanted.setdefault(key, [])
        for text in items:
            t = normalize_text(text)
            if t and t not in wanted[key]:
                wanted[key].append(t)
    settings = {lang: {"voice": spec_of(lang).voice, "rate": spec_of(lang).rate,
                       "lufs": TARGET_LUFS, "meter": METER} for lang in wanted}
    entries: dict[str, dict[str, str]] = {lang: {} for lang in wanted}
    engine_texts: dict[str, dict[str, str]] = {lang: {} for lang in wanted}
    rendered = reused = 0
    quietest = ("", "", float("inf"))
    with tempfile.TemporaryDirectory() as tmp:
        for lang, items in wanted.items():
            spec = spec_of(lang)
            same_voice = old.voices.get(lang) == settings[lang]
            for text in sorted(items):
                name = pack_file_name(lang, text)
                target = out_dir / name
                said = spec.engine_text(text)
                engine_texts[lang][text] = said
                unchanged = same_voice and old.engine_texts.get(lang, {}).get(text) == said
                if not force and unchanged and old.lookup(lang, text) == target:
                    reused += 1
                else:
                    if progress is not None:
                        progress(lang, text)
                    wav = Path(tmp) / "phrase.wav"
                    engine.render(text, spec, wav)
                    loudness = rms(read_wav(wav)[0])
                    if loudness >= MIN_RMS:
                        encode_at_loudness(wav, target, TARGET_LUFS)
                    rendered += 1
                    if loudness < MIN_RMS:
                        raise RuntimeError(f"silent recording ({loudness:.4f} RMS): {text!r}")
                    if loudness < quietest[2]:
                        quietest = (lang, text, loudness)
                entries[lang][text] = name
    index = {"format": PACK_FORMAT, "sample_rate": PACK_RATE, "codec": "ogg/vorbis",
             "voices": settings, "entries": entries, "engine_text": engine_texts}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / INDEX_NAME).write_text(
        json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    keep = {out_dir / n for table in entries.values() for n in table.values()}
    removed = 0
    for lang in LANGUAGES:
        for stale in sorted((out_dir / lang).glob("*.ogg")):
            if stale not in keep:
                stale.unlink()
                removed += 1
    total = sum(p.stat().st_size for p in keep) + (out_dir / INDEX_NAME).stat().st_size
    measured = [pack_loudness(p) for p in sorted(keep)]
    spread = (min(measured), max(measured)) if measured else (0.0, 0.0)
    return PackReport(len(keep), rendered, reused, removed, total, quietest, spread)


def pack_loudness(ogg: Path) -> float:
    """Integrated loudness (LUFS) of one pack recording, decoded as the game plays it."""
    from game.audio.loudness import decode_to_samples, integrated_lufs

    samples, rate = decode_to_samples(ogg, PACK_RATE)
    return integrated_lufs(samples, rate)


CLIP_PEAK = 0.995  # a decoded sample this close to full scale distorts (pygame.mixer's check)


def encoded_peak(ogg: Path) -> float:
    """The largest absolute sample of the encoded recording, decoded as the game decodes it
    (fraction of full scale)."""
    from game.audio.loudness import decode_to_samples

    samples, _ = decode_to_samples(ogg, PACK_RATE)
    return float(np.abs(samples).max()) if samples.size else 0.0


def encode_at_loudness(wav: Path, ogg: Path, target: float) -> None:
    """Normalise `wav` to `target` LUFS and encode it; measure the encoded file again and
    correct the gain (Vorbis moves loudness a little) until it is within 0.3 LU."""
    from game.audio.loudness import normalize_loudness

    samples, rate = read_wav(wav)
    aim, headroom = target, 1.0
    for _ in range(6):
        levelled = normalize_loudness(samples, rate, aim, headroom=headroom)
        write_wav(wav, levelled, rate)
        encode_ogg(wav, ogg)
        if encoded_peak(ogg) >= CLIP_PEAK and headroom > 0.6:
            headroom -= 0.1  # the encoding overshot full scale: round the peaks off lower
            continue
        error = target - pack_loudness(ogg)
        if abs(error) <= 0.3:
            return
        aim += error
    logger.warning("%s: loudness still %.2f LU from the target", ogg.name, -error)


__all__ = ["DEFAULT_PACK_DIR", "PackReport", "VoicePack", "render_pack"]
