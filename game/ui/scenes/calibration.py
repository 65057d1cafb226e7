"""Calibration: a friendly ~3 s "calm face" capture with a filling ring.

The vision pipeline collects the neutral frames on its own thread
(`pipeline.start_calibration(duration_ms)`, `pipeline.calibration_status()`); this scene
only shows the progress, speaks the instructions and hands the result to
`ctx.flow.calibration_finished(baseline_or_None)`. A failed capture is retried once with
"let's try that again"; after that play goes on with the population neutral (scores are
then absolute, which the vision engine flags as advisory only). A capture that gives no
result within `CAPTURE_TIMEOUT_MS` counts as failed, and when the frame source has ended
(the pipeline is finished: no frame will ever come) play goes on at once, so a session
always starts. With `ctx.options.calibrate` False (pictures, see `game.ui.live_source`)
the scene hands over at once and play uses the population neutral.
"""

from __future__ import annotations

import logging
import math

import pygame

from game.expressions import QualityFlag
from game.phrases import quality_key
from game.ui.avatar import draw_avatar
from game.ui.avatar_params import NEUTRAL_FACE
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import fitting_size, layout_probe
from game.vision.calibration import CalibrationState, CalibrationStatus, NeutralBaseline
from game.vision.records import ExpressionReading

logger = logging.getLogger(__name__)

# Where to sit: a face this wide (fraction of the camera frame's width) or wider scores
# well (about 60 px or more at 640x480, `game.vision.quality.MIN_FACE_WIDTH_PX`); the
# guide's circle shows a comfortable size, arm's length from a laptop.
GUIDE_FACE_WIDTH = 0.28
GUIDE_SIZE = (200, 150)  # px of the small camera-frame picture (4:3)
CAPTION_GAP = 8  # px between the box, its caption and the big message below

DURATION_MS = 3000
RETRY_PAUSE_MS = 1800
MAX_ATTEMPTS = 2
INTRO_MS = 1200  # time to hear the instruction before capturing starts
CAPTURE_TIMEOUT_MS = DURATION_MS + 5000  # no result by then: the frames stopped coming


class CalibrationScene(GameScene):
    """Capture the child's calm face once per session."""

    name = "calibration"

    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self.attempt = 0
        self.phase = "intro"  # intro | collecting | retry | done
        self.phase_ms = 0
        self.progress = 0.0
        self.message_key = "calibration.instruction"
        self.status: CalibrationStatus | None = None

    def enter(self) -> None:
        self.say("calibration.intro")

    def _start_capture(self) -> None:
        self.attempt += 1
        self.phase, self.phase_ms, self.progress = "collecting", 0, 0.0
        self.message_key = "calibration.hold_still"
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.start_calibration(DURATION_MS)
        self.say("calibration.instruction")

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.phase_ms += dt_ms
        if self.phase == "intro" and not self.ctx.options.calibrate:
            logger.info("pictures are not calibrated: scoring uses the population neutral")
            self._hand_over(None, use_stored=False)
        elif self.phase == "intro" and self.phase_ms >= INTRO_MS:
            self._start_capture()
        elif self.phase == "collecting":
            self._poll()
            if self.phase == "collecting":
                self._check_stalled()
        elif self.phase == "retry" and self.phase_ms >= RETRY_PAUSE_MS:
            self._start_capture()
        elif self.phase == "done" and self.phase_ms >= 900:
            self._hand_over(self.status.baseline if self.status is not None else None)

    def _hand_over(self, baseline: NeutralBaseline | None, use_stored: bool = True) -> None:
        self.phase = "handed_over"
        flow = self.ctx.flow
        if flow is None:
            return
        if use_stored:
            flow.calibration_finished(baseline)
        else:
            flow.calibration_finished(baseline, use_stored=False)

    def _poll(self) -> None:
        pipeline = self.ctx.pipeline
        status = pipeline.calibration_status() if pipeline is not None else None
        if status is None:
            return
        self.status = status
        self.progress = float(status.progress)
        state = status.state
        if state == CalibrationState.DONE:
            self.phase, self.phase_ms, self.progress = "done", 0, 1.0
            self.message_key = "calibration.done"
            self.say("calibration.done")
            self.effect("chime")
        elif state == CalibrationState.FAILED:
            self._attempt_failed(str(status.message), retry=True)
        elif self.progress >= 0.7 and self.message_key != "calibration.almost":
            self.message_key = "calibration.almost"

    def _check_stalled(self) -> None:
        """No result although the capture should be over: the frames stopped coming."""
        pipeline = self.ctx.pipeline
        if pipeline is not None and pipeline.finished is True:
            self._attempt_failed("the frame source has ended", retry=False)
        elif self.phase_ms >= CAPTURE_TIMEOUT_MS:
            self._attempt_failed(f"no result after {self.phase_ms} ms", retry=True)

    def _attempt_failed(self, reason: str, *, retry: bool) -> None:
        """Try once more (when it can help), else go on with the population neutral."""
        logger.info("calibration attempt %d failed: %s", self.attempt, reason)
        if self.attempt >= MAX_ATTEMPTS or not retry:
            self.phase, self.phase_ms = "done", 0
            self.message_key = "calibration.done"
            self.status = None
        else:
            self.phase, self.phase_ms = "retry", 0
            self.message_key = "calibration.retry"
            self.say("calibration.retry")

    def handle(self, event: InputEvent) -> bool:
        if event.action is Action.SKIP and self.phase != "handed_over":
            self._hand_over(None)
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        center = (w // 2, h // 2 - 40)
        radius = 150
        pygame.draw.circle(surface, p.surface_alt, center, radius + 18)
        if self.progress > 0:
            rect = pygame.Rect(0, 0, 2 * radius + 36, 2 * radius + 36)
            rect.center = center
            end = -math.pi / 2 + 2 * math.pi * min(self.progress, 0.999)
            pygame.draw.arc(surface, p.success, rect, -end, math.pi / 2, width=18)
        face_rect = pygame.Rect(0, 0, 2 * radius - 20, 2 * radius - 20)
        face_rect.center = center
        draw_avatar(surface, face_rect, NEUTRAL_FACE, self.theme, look=self.avatar_look)
        said = self.draw_text(surface, self.t(self.message_key), (w // 2, h - 110),
                              size="title", max_width=w - 160)
        guide = pygame.Rect((0, 0), GUIDE_SIZE)
        guide.midleft = (center[0] + radius + 60, center[1])
        if guide.right <= w - 10:
            self._draw_seat_guide(surface, guide, said.top)

    def _draw_seat_guide(self, surface: pygame.Surface, frame: pygame.Rect,
                         floor: int) -> None:
        """Where to sit: the camera's view in small, a circle where the face should be, and
        a dot where the child's face is (from the latest reading's face box); its caption
        goes under the box, above `floor` (the top of the big message), at a size that fits
        between the two."""
        p = self.palette
        pygame.draw.rect(surface, p.surface_alt, frame, border_radius=12)
        pygame.draw.rect(surface, p.text_muted, frame, width=2, border_radius=12)
        layout_probe.note("shape", (frame.x, frame.y, frame.width, frame.height), "camera box")
        target = int(frame.width * GUIDE_FACE_WIDTH / 2)
        pygame.draw.circle(surface, p.success, frame.center, target, width=3)
        reading: ExpressionReading | None = self.ctx.reading
        box = reading.face_box if reading is not None else (0.0, 0.0, 0.0, 0.0)
        if box[2] > box[0]:
            # Mirrored, like a selfie view: the dot moves the way the child moves.
            cx = frame.right - (box[0] + box[2]) / 2 * frame.width
            cy = frame.top + (box[1] + box[3]) / 2 * frame.height
            r = max(4, int((box[2] - box[0]) * frame.width / 2))
            pygame.draw.circle(surface, p.accent, (int(cx), int(cy)), r)
        too_small = reading is not None and QualityFlag.FACE_TOO_SMALL in reading.flags
        key = quality_key(QualityFlag.FACE_TOO_SMALL) if too_small else "calibration.sit_here"
        caption = self.t(key)
        top = frame.bottom + CAPTION_GAP
        size = fitting_size(caption, self.theme, frame.width + 80, floor - CAPTION_GAP - top,
                            ("small", 20, 18, 16, 14))
        self.draw_text(surface, caption, (frame.centerx, top), size=size, anchor="midtop",
                       max_width=frame.width + 80)
