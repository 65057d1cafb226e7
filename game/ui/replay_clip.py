"""A trial's replay as a video clip (MP4 or GIF), drawn off-screen: `facequest replay --out`.

Every clip frame is `game.ui.replay_view.draw_replay` (what the replay screen shows) at the
record's own timing, resampled to `fps` frames a second: frame k shows the trial at k / fps
seconds, up to the trial's end, so a clip has floor(duration * fps) + 1 frames. Above the
replay a title names the trial and the face asked for; the child's name is never drawn (a
clip may be given to a parent). The file is written to a temporary name beside the target
and renamed, so a failed run leaves no half-written clip.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame

from game.motion.frame import TrialMotion
from game.records.fileio import temp_file_in
from game.ui.avatar_params import DEFAULT_LOOK, AvatarLook, look_named
from game.ui.replay_view import ReplayTrack, draw_replay
from game.ui.theme import DEFAULT_THEME, Theme
from game.ui.widgets import draw_text, fitting_size

logger = logging.getLogger(__name__)

CLIP_SIZE = (960, 640)  # even sides (MPEG-4)
CLIP_FPS = 15
FORMATS = (".mp4", ".gif")
TITLE_H = 52
MARGIN = 20


def clip_times(duration_ms: int, fps: float) -> list[float]:
    """The trial time (ms) of each clip frame: 0, 1/fps s, ... up to the trial's end."""
    count = int(duration_ms * fps // 1000) + 1
    return [i * 1000.0 / fps for i in range(count)]


def draw_clip_frame(surface: pygame.Surface, track: ReplayTrack, t_ms: float, lang: str,
                    theme: Theme, title: str, look: AvatarLook = DEFAULT_LOOK) -> None:
    """One frame of the clip: the title, then the replay at `t_ms` (the avatar in `look`)."""
    w, h = surface.get_size()
    surface.fill(theme.palette.background)
    size = fitting_size(title, theme, w - 2 * MARGIN, TITLE_H - 8, ("body", "small", 18),
                        bold=True)
    draw_text(surface, title, theme, (w // 2, TITLE_H // 2 + 4), size=size, bold=True,
              max_width=w - 2 * MARGIN)
    area = pygame.Rect(MARGIN, TITLE_H + 6, w - 2 * MARGIN, h - TITLE_H - 6 - MARGIN)
    draw_replay(surface, area, track, t_ms, lang, theme, look)


def clip_frames(track: ReplayTrack, lang: str, title: str, *, fps: float = CLIP_FPS,
                size: tuple[int, int] = CLIP_SIZE,
                theme: Theme = DEFAULT_THEME,
                look: AvatarLook = DEFAULT_LOOK) -> Iterator[np.ndarray]:
    """The clip's frames as (h, w, 3) uint8 RGB arrays, one per `clip_times`."""
    surface = pygame.Surface(size)
    for t_ms in clip_times(track.duration_ms, fps):
        draw_clip_frame(surface, track, t_ms, lang, theme, title, look)
        yield np.transpose(pygame.surfarray.array3d(surface), (1, 0, 2)).copy()


def write_clip(track: ReplayTrack, out: Path, lang: str, title: str, *,
               fps: float = CLIP_FPS, size: tuple[int, int] = CLIP_SIZE,
               theme: Theme = DEFAULT_THEME, look: AvatarLook = DEFAULT_LOOK) -> int:
    """Write the replay of `track` to `out` (.mp4 or .gif, by its suffix), the avatar in the
    child's `look`; returns the frame count. Written to a temporary file beside `out`, then
    renamed.

    Raises:
        ValueError: `out` is neither .mp4 nor .gif.
        OSError: the file cannot be written (a folder that refuses the temporary file is
            the error's file name).
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"a clip is .mp4 or .gif, not {out.name}")
    frames = clip_frames(track, lang, title, fps=fps, size=size, theme=theme, look=look)
    handle, temp = temp_file_in(out.parent, f".{out.stem}.", suffix)
    os.close(handle)
    try:
        if suffix == ".mp4":
            from game.vision.video_out import write_mp4

            count = write_mp4(temp, frames, fps)
        else:
            count = _write_gif(temp, frames, fps)
        os.replace(temp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    logger.info("wrote a %d-frame replay clip to %s", count, out)
    return count


def _write_gif(path: Path, frames: Iterator[np.ndarray], fps: float) -> int:
    """An endlessly looping GIF (Pillow), each frame shown 1/fps s: a GIF counts in
    hundredths of a second, so at 15 fps frames alternate 70 and 60 ms and the clip's
    time stays within 10 ms of the record's."""
    from PIL import Image

    images = [Image.fromarray(frame).quantize(colors=128, method=Image.Quantize.MEDIANCUT)
              for frame in frames]
    if not images:
        raise ValueError("a clip needs at least one frame")
    ends = [round((k + 1) * 100 / fps) * 10 for k in range(len(images))]
    durations = [b - a for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=0, optimize=False)
    return len(images)


def export_trial_clip(motion: TrialMotion, number: int, out: Path, lang: str,
                      look: str = "") -> tuple[int, int]:
    """Write trial `number`'s replay (its `TrialMotion`) to `out` (.mp4 or .gif), the avatar
    in the child's look (`Profile.avatar`; "" for the default), with the
    fonts started and stopped here, off-screen (no window: the SDL dummy driver unless one is
    set). Returns (frames written, the trial's duration in ms).

    Raises OSError when the file cannot be written (nothing is left behind)."""
    from game import phrases
    from game.ui.replay_view import expression_name
    from game.ui.runner import forget_fonts

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.font.init()
    try:
        track = ReplayTrack.from_motion(motion)
        title = phrases.text("ui.replay.clip_title", lang, number=number,
                             expression=expression_name(track.target, lang))
        count = write_clip(track, out, lang, title, fps=CLIP_FPS, look=look_named(look))
    finally:
        forget_fonts()  # they die with the font module
        pygame.font.quit()
    return count, track.duration_ms
