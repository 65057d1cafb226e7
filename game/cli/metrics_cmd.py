"""`facequest metrics`: how the face moved in a clip, measured as one trial.

    facequest metrics --source clip.mp4 --target happy --neutral calm.jpg --json
    facequest metrics --source frames/ --target surprised

The clip is treated as one trial prompted at t = 0 and goes through the game's own vision
chain; `--neutral` is the child's calibration (one calm picture); without it the
population's neutral face stands in, and the output says so. The metrics and their units
are defined in docs/metrics.md; `asymmetry` is positive when the person's own left side
moved more (use `--mirror` for a clip recorded as a mirror image, as the game's webcam is).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.cli import CliError, Subparsers, expression_arg
from game.expressions import Expression
from game.motion.metrics_record import NUMBER_FIELDS, MotionMetrics

if TYPE_CHECKING:
    from game.motion.frame import TrialMotion

logger = logging.getLogger(__name__)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help="measure how the face moved in a clip (onset, intensity, asymmetry...)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--source", required=True, action="append",
                        help="a video file (timed by its own frame rate), an image file or a "
                        "folder of images (in name order, 33 ms apart, as 30 fps); "
                        "give it several times to measure several clips of the same person "
                        "(one result each, one JSON line each with --json)")
    parser.add_argument("--target", required=True, type=expression_arg,
                        help="the expression the clip was asked for, e.g. happy")
    parser.add_argument("--neutral", type=Path,
                        help="a picture of the same person's calm face (the calibration)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--mirror", action="store_true",
                        help="the clip is a mirror image (flip it back before measuring)")
    parser.add_argument("--imitation", action="store_true",
                        help="the person was copying the avatar's model face: also measure "
                        "congruence with it")
    parser.add_argument("--landmarker", type=Path, help="another face_landmarker.task to use")
    parser.add_argument("--max-frames", type=int, help="stop after this many frames")
    parser.set_defaults(func=run)



def measure_trial(motion: TrialMotion) -> MotionMetrics:
    """`game.motion.metrics.measure_trial`, imported when a clip is measured: the numerics
    (numpy) stay out of every other command's start."""
    from game.motion.metrics import measure_trial as measure

    return measure(motion)


def metrics_record(metrics: MotionMetrics, source: str, target: Expression) -> dict[str, Any]:
    """The JSON-ready result: source, target and every field of `MotionMetrics`."""
    return {"source": source, "target": target.value, **metrics.to_dict()}


def _lines(record: dict[str, Any]) -> list[str]:
    head = (f"{record['source']}: {record['target']}, {record['measured_frames']} of "
            f"{record['frames']} frames measured, from the "
            f"{'child' if record['neutral'] == 'child' else 'population'}'s neutral face")
    if not record["measurable"]:
        return [head, f"not measurable ({record['reason'].replace('_', ' ')})"]
    lines = [head]
    for name in NUMBER_FIELDS:
        value = record[name]
        lines.append(f"  {name:<22} {'-' if value is None else value}")
    if record["reason"]:
        lines.append(f"  ({record['reason'].replace('_', ' ')})")
    return lines


def run(args: argparse.Namespace) -> int:
    from game.vision.clip_motion import (
        NeutralImageError,
        clip_motion,
        is_still,
        neutral_from_image,
    )
    from game.vision.landmarker_asset import LandmarkerAssetError
    from game.vision.model import ModelError
    from game.vision.pipeline import VisionChain, resolve_model_path
    from game.vision.sources import SourceError, open_source

    if args.max_frames is not None and args.max_frames < 1:
        raise CliError("--max-frames must be at least 1")
    if args.target is Expression.NEUTRAL:
        raise CliError("a neutral face has no movement to measure; give the expression the "
                       "clip was asked for, e.g. --target happy")
    if args.neutral is not None and args.neutral.is_dir():
        raise CliError(f"{args.neutral} is a folder; --neutral takes one picture")
    if args.neutral is not None and not args.neutral.is_file():
        raise CliError(f"the neutral picture {args.neutral} does not exist")
    chains: dict[str, VisionChain] = {}
    try:
        for spec in args.source:
            try:
                source = open_source(spec, paced=False, mirror=args.mirror)
            except SourceError as exc:
                raise CliError(str(exc)) from exc
            mode = "image" if is_still(source) else "video"
            with source:
                chain = chains.get(mode)
                if chain is None:
                    try:
                        chain = VisionChain.create(resolve_model_path(None),
                                                   landmarker=args.landmarker, mode=mode)
                    except (ModelError, LandmarkerAssetError) as exc:
                        raise CliError(str(exc)) from exc
                    except RuntimeError as exc:  # MediaPipe could not load --landmarker
                        raise CliError(f"{args.landmarker} cannot be used as a face "
                                       "landmarker (not a face_landmarker.task bundle)") from exc
                    chains[mode] = chain
                    if args.neutral is not None:  # calibrated as this chain tracks faces
                        try:
                            chain.scorer.set_baseline(neutral_from_image(args.neutral, chain))
                        except NeutralImageError as exc:
                            raise CliError(str(exc)) from exc
                chain.tracker.reset_lock()  # each clip is a trial of its own
                try:
                    motion = clip_motion(source, chain, args.target,
                                         model_face_shown=args.imitation,
                                         max_frames=args.max_frames)
                except SourceError as exc:
                    raise CliError(str(exc)) from exc
            if not motion.frames:
                raise CliError(f"{spec} gave no frames")
            record = metrics_record(measure_trial(motion), str(spec), args.target)
            print(json.dumps(record, ensure_ascii=False) if args.json
                  else "\n".join(_lines(record)), flush=True)
    finally:
        for chain in chains.values():
            chain.close()
    return 0
