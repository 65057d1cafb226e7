"""How the face moves: the per-frame motion record of a trial and the metrics over it.

Pure code (the standard library, numpy and `game.expressions`; no pygame, no camera, no
clock read), so the rules engine, `facequest metrics`, the records layer, reports and the
replay all use one definition:

- `game.motion.vocabulary`: which facial actions are measured on each side of the face, and
  which belong to the upper and the lower face;
- `game.motion.frame`: `FaceMotion` (one face's movement in one frame, no image, no
  landmark coordinates), `MotionFrame` (a trial's frame: time since the prompt, the face,
  flags, score), `MotionMark` (prompt, hints, hold, reward) and `TrialMotion` (a trial's
  frames and marks);
- `game.motion.metrics`: `MotionMetrics` and `measure_trial` (definitions in
  docs/metrics.md).
"""
