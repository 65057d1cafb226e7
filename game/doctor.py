"""`facequest doctor`: is this machine ready to play? One finding per checked part.

Checks, in order: the system libraries, the models (each file present and, where FaceQuest
knows it, its SHA-256), the font, the voice pack and a speech voice per language, the
display and the camera. Each `Finding` is one line: what was found and, for a problem, the
fix. The display and font checks use pygame and live in `game.ui.display_check`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from game.paths import MODELS_DIR

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Finding:
    """One checked part: `ok` or a problem, in one line (`text`), with `fix` for a problem."""

    part: str
    ok: bool
    text: str
    fix: str = ""

    def __post_init__(self) -> None:
        if not self.part or not self.text:
            raise ValueError("a finding needs a part and a text")
        if not self.ok and not self.fix:
            raise ValueError(f"the problem with {self.part} needs a fix")

    def line(self) -> str:
        """`ok      models: ...` or `PROBLEM camera: ...; fix: ...` (one line)."""
        if self.ok:
            return f"ok       {self.part}: {self.text}"
        return f"PROBLEM  {self.part}: {self.text}; fix: {self.fix}"


def good(part: str, text: str) -> Finding:
    return Finding(part, True, text)


def problem(part: str, text: str, fix: str) -> Finding:
    return Finding(part, False, text, fix)


REINSTALL = "reinstall FaceQuest (pipx install --force facequest-<version>-py3-none-any.whl)"


def check_libraries() -> Iterator[Finding]:
    """The system libraries face tracking and OpenCV need (Linux)."""
    from game.system_check import apt_line, missing_libraries

    missing = missing_libraries()
    if missing:
        names = ", ".join(sorted({lib.debian_package for lib in missing}))
        yield problem("libraries", f"missing {names}", apt_line(missing))
    else:
        yield good("libraries", "the system libraries for face tracking are present")


def check_models(models_dir: Path = MODELS_DIR) -> Iterator[Finding]:
    """The landmarker and the face network by their known SHA-256; the expression and
    occlusion models by loading them."""
    from game.vision.landmarker_asset import (
        LANDMARKER_SHA256,
        LandmarkerAssetError,
        sha256_of,
    )

    landmarker = models_dir / "face_landmarker.task"
    try:
        if not landmarker.is_file():
            raise LandmarkerAssetError(f"{landmarker} is missing")
        digest = sha256_of(landmarker)
        if digest != LANDMARKER_SHA256:
            raise LandmarkerAssetError(f"{landmarker} has sha256 {digest[:12]}..., "
                                       f"expected {LANDMARKER_SHA256[:12]}...")
        yield good("models", f"face landmarker sha256 {digest[:12]}... as expected")
    except (LandmarkerAssetError, OSError) as exc:
        yield problem("models", f"the face landmarker is unusable: {exc}", REINSTALL)

    from game.vision.face_net import FACE_NET_SHA256

    face_net = models_dir / "face_expression_net.onnx"
    if not face_net.is_file():
        yield problem("models", f"{face_net} is missing", REINSTALL)
    elif (digest := sha256_of(face_net)) != FACE_NET_SHA256:
        yield problem("models", f"{face_net} has sha256 {digest[:12]}..., expected "
                      f"{FACE_NET_SHA256[:12]}...", REINSTALL)
    else:
        yield good("models", f"face-expression network sha256 {digest[:12]}... as expected")

    from game.vision.model import ExpressionModel, ModelError

    for name in ("expression.onnx", "expression_calibrated.onnx"):
        path = models_dir / name
        try:
            model = ExpressionModel.load(path)
        except (ModelError, OSError) as exc:
            yield problem("models", f"{name} does not load ({exc})", REINSTALL)
        else:
            yield good("models", f"{name} loads ({len(model.classes)} expressions, "
                       f"sha256 {sha256_of(path)[:12]}...)")

    from game.vision.occlusion import OcclusionModel, OcclusionModelError

    occlusion = models_dir / "occlusion.json"
    try:
        OcclusionModel.load(occlusion)
    except OcclusionModelError as exc:
        yield problem("models", f"occlusion.json does not load ({exc})", REINSTALL)
    else:
        yield good("models", "occlusion.json loads")


def check_speech(expected: Mapping[str, Iterable[str]]) -> Iterator[Finding]:
    """Per language: how much of `expected` (every text the shipped game says, by language:
    `game.cli.voice_catalogue.shipped_texts()`) the voice pack holds, and whether espeak-ng
    has the voice for everything else (children's names, new level texts)."""
    from game.audio.engine import EngineUnavailableError, Pyttsx3Engine, open_engine
    from game.audio.pack import VoicePack, normalize_text
    from game.audio.voices import voice_for
    from game.phrases import LANGUAGES

    pack = VoicePack.load()
    engine: Pyttsx3Engine | None = None
    engine_error = ""
    try:
        engine = open_engine()
    except EngineUnavailableError as exc:
        engine_error = str(exc)
    for lang in LANGUAGES:
        wanted = {normalize_text(t) for t in expected.get(lang, ())}
        recorded = {t for t in wanted if pack.lookup(lang, t) is not None}
        if len(recorded) < len(wanted):
            # a language the installed pack has no recording of is a catalogue added here,
            # not a damaged install: its pack is rendered, and espeak-ng speaks it until then
            fix = REINSTALL if pack.texts(lang) else (
                "facequest voice render (until then espeak-ng speaks its phrases live)")
            yield problem(f"voice {lang}", f"the voice pack records {len(recorded)} of "
                          f"{len(wanted)} phrases", fix)
        else:
            yield good(f"voice {lang}", f"the voice pack records all {len(wanted)} phrases")
        spec = voice_for(lang)
        if engine is None:
            yield problem(f"speech {lang}", f"no speech engine ({engine_error}); other "
                          "phrases get a chime", "sudo apt-get install -y espeak-ng")
        elif not engine.can_speak(spec):
            yield problem(f"speech {lang}", f"espeak-ng has no {spec.base_voice} voice; other "
                          "phrases get a chime", "sudo apt-get install -y espeak-ng-data")
        else:
            yield good(f"speech {lang}", f"espeak-ng speaks {spec.base_voice}")


def check_camera(index: int = 0) -> Iterator[Finding]:
    """Open webcam `index` and read one frame."""
    from game.vision.sources import CameraUnavailableError, WebcamSource

    try:
        source = WebcamSource(index, reconnect_ms=0)
    except CameraUnavailableError:
        yield problem("camera", f"no webcam at webcam:{index}",
                      "plug a webcam in (and close other programs using it), or play a "
                      "recording with: facequest play --source VIDEO")
        return
    try:
        frame = None
        for _ in range(30):  # a camera may give a few empty reads while it starts
            frame = source.read()
            if frame is not None:
                break
    finally:
        source.close()
    if frame is None:
        yield problem("camera", f"webcam:{index} opens but gives no picture",
                      "check that no other program uses it and that this user may use "
                      "the camera (Linux: the 'video' group)")
    else:
        height, width = frame.rgb.shape[:2]
        yield good("camera", f"webcam:{index} gives {width}x{height} pictures")


def run_checks(
    *, camera: bool = True, display: bool = True, camera_index: int = 0,
    spoken: Mapping[str, Iterable[str]] | None = None,
    ui_checks: Callable[[bool], list[Finding]] | None = None,
) -> list[Finding]:
    """Every check, in order. `spoken`: the texts the voice pack must hold, by language
    (None: the speech check is skipped); `ui_checks(display)` gives the font (and, when
    `display`, the display) findings. The CLI passes `voice_catalogue.shipped_texts()` and
    `game.ui.display_check.ui_findings`."""
    findings: list[Finding] = []
    checks: list[Callable[[], Iterator[Finding]]] = [check_libraries, check_models]
    if spoken is not None:
        checks.append(functools.partial(check_speech, spoken))
    for check in checks:
        try:
            findings.extend(check())
        except Exception as exc:  # a check must report, never crash the doctor
            logger.debug("check failed", exc_info=True)
            name = getattr(check, "__name__", "speech")  # a partial has none
            findings.append(problem(name.removeprefix("check_"),
                                    f"the check itself failed ({exc})", REINSTALL))
    if ui_checks is not None:
        findings.extend(ui_checks(display))
    if camera:
        try:
            findings.extend(check_camera(camera_index))
        except Exception as exc:
            logger.debug("camera check failed", exc_info=True)
            findings.append(problem("camera", f"the camera check failed ({exc})",
                                    "play a recording with: facequest play --source VIDEO"))
    return findings
