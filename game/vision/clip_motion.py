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

from game.expressions import Expression
from game.motion.frame import MarkKind, MotionFrame, MotionMark, TrialMotion
from game.vision.calibration import NeutralBaseline
from game.vision.pipeline import VisionChain
from game.vision.records import Frame
from game.vision.sources import FrameSource, ImageListSource, SourceError, SourceState, read_image


class NeutralImageError(ValueError):
    """The neutral picture cannot be used (no face in it, or it cannot be read)."""


def neutral_from_image(path: Path, chain: VisionChain) -> NeutralBaseline:
    """The calibration made from one neutral picture, through `chain`'s tracker and features.

    Raises NeutralImageError (one sentence) when the file cannot be read or shows no usable
    face.
    """
    try:
        rgb = read_image(path)
    except SourceError as exc:
        raise NeutralImageError(str(exc)) from exc
    saved = chain.scorer.target
    chain.scorer.set_target(None)
    try:
        result = chain.process(Frame(0, rgb))
    finally:
        chain.scorer.set_target(saved)
    if result.features is None or not result.reading.trusted:
        flags = ", ".join(sorted(f.value for f in result.reading.flags)) or "no face"
        raise NeutralImageError(f"{path} cannot be used as the neutral face ({flags})")
    return NeutralBaseline.from_vectors([result.features])


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
