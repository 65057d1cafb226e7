"""`facequest voice`: rebuild the pre-rendered voice pack, check Mandarin, try a phrase."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from game.cli import CliError, Subparsers
from game.locales import LANGUAGES

SUBCOMMANDS = ("render", "check", "say")


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "voice", help="rebuild the voice pack, check Mandarin phonemes, or say a phrase",
        description="Speech tools. 'render' rebuilds assets/voice (needs espeak-ng, sox and "
                    "the voice extra: pip install -e '.[voice]').",
    )
    sub = parser.add_subparsers(dest="voice_command", metavar="ACTION", required=True)
    render = sub.add_parser("render", help="render every phrase and level text to the pack")
    render.add_argument("--out", type=Path, default=None,
                        help="pack folder (default: assets/voice)")
    render.add_argument("--levels", type=Path, action="append", default=None,
                        metavar="FOLDER",
                        help="folder of level sets to cover (default: levels/); repeat it to "
                        "add your own sets to the shipped ones: --levels levels --levels "
                        "my-study/ (texts of a folder left out are removed from the pack)")
    render.add_argument("--extra", action="append", default=[], metavar="LANG:TEXT",
                        help="one more text to include, e.g. 'en:Hello Sam!' (repeatable)")
    render.add_argument("--force", action="store_true",
                        help="render everything again instead of reusing recordings")
    render.add_argument("--espeak-english", action="store_true",
                        help="English with espeak-ng instead of the neural Piper voice")
    sub.add_parser("check", help="prove every Mandarin text is read as Mandarin (phonemes)")
    say = sub.add_parser("say", help="speak one text or phrase key through the speakers")
    say.add_argument("text", help="the text, or a phrase key such as hint.raise_brows")
    say.add_argument("--lang", default="en", help=f"{' or '.join(LANGUAGES)} (default en)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.voice_command == "render":
        return _render(args)
    if args.voice_command == "check":
        return _check()
    return _say(args)


def _texts(levels: list[Path] | None, extra: list[str]) -> dict[str, list[str]]:
    from game import phrases
    from game.cli.voice_catalogue import level_texts, shipped_texts
    from game.paths import LEVELS_DIR

    folders = levels or [LEVELS_DIR]
    for folder in folders:
        if not folder.is_dir():
            raise CliError(f"level folder {folder} does not exist")
    try:
        texts = shipped_texts(folders[0])
        for folder in folders[1:]:  # a researcher's own sets beside the shipped ones
            for lang, more in level_texts(folder).items():
                texts[lang] += [t for t in dict.fromkeys(" ".join(m.split()) for m in more)
                                if t not in texts[lang]]
    except ValueError as exc:
        raise CliError(f"a level set does not load: {exc}") from exc
    for item in extra:
        lang, sep, text = item.partition(":")
        if not sep or not text.strip():
            raise CliError(f"--extra needs LANG:TEXT, got {item!r}")
        try:
            texts[phrases.normalize_language(lang)].append(text)
        except KeyError as exc:
            raise CliError(str(exc)) from exc
    return texts


def _render(args: argparse.Namespace) -> int:
    from game.audio.engine import EngineUnavailableError, open_engine
    from game.audio.loudness import TARGET_LUFS, LoudnessUnavailableError, require
    from game.audio.neural import PACK_VOICES, PackEngine, PiperEngine
    from game.audio.pack import DEFAULT_PACK_DIR, render_pack, sox_binary
    from game.audio.voices import VOICES

    texts = _texts(args.levels, args.extra)
    problems = _mandarin_problems(texts.get("zh-CN", []))
    if problems:
        raise CliError(f"{len(problems)} Mandarin text(s) would be read as English, first: "
                       f"{problems[0]!r}; run 'facequest voice check'")
    if sox_binary() is None:
        raise CliError("sox is not installed; it encodes the pack (apt install sox)")
    try:
        require()
    except LoudnessUnavailableError as exc:
        raise CliError(str(exc)) from exc
    try:
        espeak = open_engine()
    except EngineUnavailableError as exc:
        raise CliError(f"no speech engine: {exc} (apt install espeak-ng)") from exc
    voices = dict(PACK_VOICES)
    piper = None
    if args.espeak_english:
        voices["en"] = VOICES["en"]
    else:
        try:
            piper = PiperEngine()
        except EngineUnavailableError as exc:
            raise CliError(f"{exc}; or pass --espeak-english") from exc
    engine = PackEngine(espeak, piper)
    out = args.out if args.out is not None else DEFAULT_PACK_DIR

    def progress(lang: str, text: str) -> None:
        print(f"  {lang}: {text}", file=sys.stderr)

    try:
        report = render_pack(texts, engine, out, progress=progress, force=args.force,
                             voices=voices)
    except (EngineUnavailableError, RuntimeError, OSError) as exc:
        raise CliError(f"rendering failed: {exc}") from exc
    print(f"voice pack {out}: {report.entries} recordings ({report.rendered} rendered, "
          f"{report.reused} reused, {report.removed} removed), "
          f"{report.total_bytes / 1e6:.2f} MB; loudness {report.loudness[0]:.2f} to "
          f"{report.loudness[1]:.2f} LUFS (target {TARGET_LUFS:g})")
    if report.rendered:
        lang, text, loudness = report.quietest
        print(f"quietest new recording: {lang} {text!r} RMS {loudness:.3f}")
    return 0


def _mandarin_problems(texts: list[str]) -> list[str]:
    from game.audio.mandarin import espeak_binary, has_language_switch, phonemes
    from game.audio.voices import voice_for

    if espeak_binary() is None:
        raise CliError("espeak-ng is not installed (apt install espeak-ng)")
    spec = voice_for("zh-CN")
    return [t for t in texts
            if has_language_switch(phonemes(spec.engine_text(t), spec.base_voice))]


def _check() -> int:
    texts = _texts(None, [])["zh-CN"]
    problems = _mandarin_problems(texts)
    for text in problems:
        print(f"read as English: {text}")
    print(f"{len(texts) - len(problems)} of {len(texts)} Mandarin texts read as Mandarin")
    return 1 if problems else 0


def _say(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from game import phrases
    from game.audio.system import AudioSystem

    try:
        lang = phrases.normalize_language(args.lang)
    except KeyError as exc:
        raise CliError(str(exc)) from exc
    text = phrases.text(args.text, lang) if args.text in phrases.PHRASES else args.text
    with AudioSystem() as audio:
        audio.speak(text, lang)
        audio.wait_until_idle(30)
        while audio.is_speaking():  # a command-line tool may wait; the game never does
            time.sleep(0.05)
        result = audio.speech_results()[-1] if audio.speech_results() else None
    print(f"{lang}: {text} ({result.source if result else 'not spoken'})")
    return 0
