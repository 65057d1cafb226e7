"""`facequest watch`: run the real vision chain over a webcam or files, one line per frame.

    facequest watch --source webcam --target happy
    facequest watch --source face.jpg --json
    facequest watch --source clips/ --target surprised --max-frames 50

Still images (a file or a folder) are looked at one by one, each on its own: padded with a
white border as the model's training pictures were, the landmarker's IMAGE mode, and no
smoothing, hint or lock carried from one picture to the next (a folder is not a video), so
a picture's line is the one `facequest evaluate` scores. A webcam or a video is tracked
across frames (VIDEO mode) and smoothed as in the game.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.cli import CliError, Subparsers, expression_arg
from game.expressions import QualityFlag

if TYPE_CHECKING:  # the vision chain (cv2, MediaPipe, onnxruntime) loads only in `run`
    from game.vision.calibration import NeutralBaseline
    from game.vision.pipeline import ChainResult

logger = logging.getLogger(__name__)

TOP_BLENDSHAPES = 5


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="print what the camera (or a video, image or folder) shows, frame by frame",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--source",
        default="webcam",
        help="webcam, webcam:N, a video file, an image file or a folder of images "
        "(default: webcam)",
    )
    parser.add_argument("--target", type=expression_arg, help="score this expression, e.g. happy")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--landmarker", type=Path, help="another face_landmarker.task to use")
    parser.add_argument(
        "--model",
        type=Path,
        help="expression model (.onnx); default: the shipped models/expression.onnx if present",
    )
    parser.add_argument(
        "--no-model", action="store_true", help="score from facial actions alone, no model"
    )
    parser.add_argument(
        "--baseline", type=Path, help="the child's neutral baseline (JSON from calibration)"
    )
    parser.add_argument("--max-frames", type=int, help="stop after this many frames")
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="play a video at its own speed (default: as fast as possible)",
    )
    parser.add_argument(
        "--mirror",
        action="store_true",
        default=None,
        help="flip frames left-right (default: only the webcam)",
    )
    parser.set_defaults(func=run)



def _load_baseline(path: Path | None) -> NeutralBaseline | None:
    if path is None:
        return None
    from game.vision.calibration import CalibrationError, NeutralBaseline

    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        return NeutralBaseline.from_dict(data)
    except OSError as exc:
        reason = f"it cannot be read ({exc.strerror or exc})"
    except UnicodeDecodeError:
        reason = "it is not a text file, so not a baseline (JSON from calibration)"
    except json.JSONDecodeError as exc:
        reason = f"it is not valid JSON (damaged at line {exc.lineno}, column {exc.colno})"
    except (TypeError, CalibrationError) as exc:
        reason = str(exc) if isinstance(exc, CalibrationError) and exc.__cause__ is None \
            else "it is not a baseline from calibration (a field is missing or wrong)"
    raise CliError(f"cannot use the baseline {path}: {reason}")


def reading_record(
    result: ChainResult, file: Path | None = None, offset: tuple[int, int] = (0, 0)
) -> dict[str, Any]:
    """The JSON-ready dict printed for one frame; `offset` (x, y px) is the border a still
    was padded with, taken off the face box so it is in the picture's own pixels."""
    obs, reading = result.observation, result.reading
    dx, dy = offset
    box = obs.face_box
    if obs.has_face:
        box = (box[0] - dx, box[1] - dy, box[2] - dx, box[3] - dy)
    top = sorted(
        ((k, v) for k, v in obs.blendshapes.items() if k != "_neutral"),
        key=lambda kv: -kv[1],
    )[:TOP_BLENDSHAPES]
    record: dict[str, Any] = {
        "t_ms": reading.t_ms,
        "face": obs.has_face,
        "faces_seen": obs.faces_seen,
        "face_box": [round(v, 1) for v in box],
        "blendshapes": {k: round(v, 4) for k, v in top},
        "probabilities": {e.value: round(p, 4) for e, p in reading.probabilities.items()},
        "target": reading.target.value if reading.target else None,
        "target_score": round(reading.target_score, 4),
        "raw_score": round(reading.raw_score, 4),
        "actions": {a.action: round(a.level, 3) for a in reading.actions},
        "hint": reading.hint.value if reading.hint else None,
        "flags": sorted(f.value for f in reading.flags),
        "trusted": reading.trusted,
        "head_pose": [round(x, 1) for x in reading.head_pose],
        "vision_ms": round(result.vision_ms, 2),
    }
    if file is not None:
        record["file"] = str(file)
    return record


def reading_line(record: dict[str, Any]) -> str:
    """The human-readable line for one frame."""
    parts = [f"{record['t_ms']:>7d} ms", "face" if record["face"] else "no face"]
    if record["blendshapes"]:
        parts.append(" ".join(f"{k}={v:.2f}" for k, v in list(record["blendshapes"].items())[:3]))
    if record["probabilities"]:
        best = max(record["probabilities"].items(), key=lambda kv: kv[1])
        parts.append(f"looks {best[0]} {best[1]:.2f}")
    if record["target"]:
        parts.append(f"{record['target']} score {record['target_score']:.2f}")
    if record["hint"]:
        parts.append(f"hint {record['hint']}")
    if record["flags"]:
        parts.append("flags " + ",".join(record["flags"]))
    if "file" in record:
        parts.append(Path(record["file"]).name)
    return " | ".join(parts)


def run(args: argparse.Namespace) -> int:
    from game.vision.landmarker_asset import LandmarkerAssetError
    from game.vision.model import ModelError
    from game.vision.pipeline import VisionChain, resolve_model_path
    from game.vision.sources import ImageListSource, SourceError, SourceState, open_source
    from game.vision.stills import pad_offset

    if args.max_frames is not None and args.max_frames < 1:
        raise CliError("--max-frames must be at least 1")
    baseline = _load_baseline(args.baseline)
    try:
        source = open_source(args.source, paced=args.realtime, mirror=args.mirror)
    except SourceError as exc:
        raise CliError(str(exc)) from exc
    still = isinstance(source, ImageListSource)
    model_path = None if args.no_model else resolve_model_path(args.model)
    try:
        chain = VisionChain.create(
            model_path,
            landmarker=args.landmarker,
            mode="image" if still else "video",
            target=args.target,
            baseline=baseline,
        )
    except (ModelError, LandmarkerAssetError) as exc:
        source.close()
        raise CliError(str(exc)) from exc
    if model_path is None:
        logger.warning("no expression model: scores come from facial actions alone")
    count, lost = 0, False
    try:
        with chain, source:
            while args.max_frames is None or count < args.max_frames:
                frame = source.read()
                if frame is None:
                    if source.state is SourceState.ENDED:
                        break
                    if not lost:  # say it once per loss; the source keeps retrying
                        lost = True
                        print(_lost_line(args.json), flush=True)
                    continue
                lost = False
                if still:  # each picture on its own, as `facequest evaluate` scores it
                    path = source.current_path if isinstance(source, ImageListSource) else None
                    offset = pad_offset(frame.rgb.shape[0], frame.rgb.shape[1])
                    record = reading_record(chain.process_still(frame), path, offset)
                else:
                    record = reading_record(chain.process(frame))
                print(json.dumps(record) if args.json else reading_line(record), flush=True)
                count += 1
    except SourceError as exc:
        raise CliError(str(exc)) from exc
    return 0


def _lost_line(as_json: bool) -> str:
    if as_json:
        return json.dumps({"face": False, "flags": [QualityFlag.CAMERA_LOST.value]})
    return "camera lost: waiting for it to come back (Ctrl+C to stop)"
