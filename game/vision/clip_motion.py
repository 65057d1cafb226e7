"""A clip measured as one trial: the motion record of a video, image or folder of frames.

`facequest metrics` and the metric validation use this: every frame of the clip goes through
the game's own vision chain (tracker, features, model, action check, smoothing) with the
target set from the first frame, as if the prompt had been shown at t = 0, and becomes a
`MotionFrame` at the frame's own time in the clip. `neutral_from_image` makes the child's
calibration from one neutral picture (the game calibrates on about 3 s of a calm face; one
still is its shortest form).
"""

from __future__ import annotations

from pathlib import Path

from game.expressions import ADVISORY_FLAGS, Expression
from game.motion.frame import MarkKind, MotionFrame, MotionMark, TrialMotion
from game.vision.calibration import NeutralBaseline
from game.vision.pipeline import VisionChain
from game.vision.records import Frame
from game.vision.sources import FrameSource, ImageListSource, SourceError, SourceState, read_image


class NeutralImageError(ValueError):
    """The neutral picture cannot be used (no face in it, or it cannot be read)."""


NEUTRAL_FRAMES = 12  # the still shown this many times, as the game's calibration sees a face
NEUTRAL_SETTLE = 2   # frames left out while the tracker settles on the face's region


def neutral_from_image(path: Path, chain: VisionChain) -> NeutralBaseline:
    """The calibration made from one neutral picture, through `chain` (the chain that will
    measure the clip, so the face is tracked as in the clip): the picture is shown
    `NEUTRAL_FRAMES` times, the first `NEUTRAL_SETTLE` left out, and the median of the rest
    taken, as the game's calibration does over about 3 s of a calm face. The chain's lock is
    reset afterwards.

    Raises NeutralImageError (one sentence) when the file cannot be read or shows no usable
    face.
    """
    try:
        rgb = read_image(path)
    except SourceError as exc:
        raise NeutralImageError(str(exc)) from exc
    saved = chain.scorer.target
    chain.scorer.set_target(None)
    vectors = []
    flags: set[str] = set()
    try:
        for i in range(NEUTRAL_FRAMES):
            result = chain.process(Frame(i * 33, rgb))
            if i < NEUTRAL_SETTLE:
                continue
            if result.features is not None and result.reading.trusted:
                vectors.append(result.features)
            else:
                flags.update(f.value for f in result.reading.flags - ADVISORY_FLAGS)
    finally:
        chain.scorer.set_target(saved)
        chain.tracker.reset_lock()
    if len(vectors) < (NEUTRAL_FRAMES - NEUTRAL_SETTLE) // 2:
        why = ", ".join(sorted(f.replace("_", " ") for f in flags)) or "no face"
        raise NeutralImageError(f"{path} cannot be used as the neutral face ({why})")
    return NeutralBaseline.from_vectors(vectors)


def clip_motion(
    source: FrameSource,
    chain: VisionChain,
    target: Expression,
    *,
    mode: str = "clip",
    model_face_shown: bool = False,
    max_frames: int | None = None,
) -> TrialMotion:
    """Run every frame of `source` through `chain` scoring `target`; the trial's record.

    Times are the frames' own (ms since the clip's first frame). The source is read to its
    end (or `max_frames`); a webcam's lost frames are waited for.
    """
    chain.scorer.set_target(None)  # a trial of its own: no smoothing carried over
    chain.scorer.set_target(target)
    chain.scorer.mirrored = source.mirror
    frames: list[MotionFrame] = []
    first: int | None = None
    while max_frames is None or len(frames) < max_frames:
        frame = source.read()
        if frame is None:
            if source.state is SourceState.ENDED:
                break
            continue
        if first is None:
            first = frame.t_ms
        reading = chain.process(frame).reading
        frames.append(MotionFrame(frame.t_ms - first, reading.motion, reading.flags,
                                  reading.trusted, reading.target_score))
    return TrialMotion(target=target.value, mode=mode, frames=tuple(frames),
                       marks=(MotionMark(0, MarkKind.PROMPT),),
                       model_face_shown=model_face_shown)


def is_still(source: FrameSource) -> bool:
    """Pictures (a file or a folder) are looked at one by one (the landmarker's IMAGE mode)."""
    return isinstance(source, ImageListSource)
