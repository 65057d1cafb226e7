"""From a face to a score for the target expression, a per-action breakdown and one hint.

Two parts make the target score (EXPRESSIONS.md, "From features to a target score"):

1. the model's probability of the target (`ExpressionModel`): the raw model before the
   child is calibrated, the calibrated ("delta") model once a baseline is set, when one is
   shipped beside the raw model; and
2. the action check: each prototype action of the target (game.expressions.PROTOTYPES),
   measured as the change of its features from the child's neutral baseline, 0 (not made)
   to 1 (its `full_change` reached). Without a calibrated baseline the population's neutral
   medians stand in and the reading carries NOT_CALIBRATED. The action check drives the
   hint and adds a bonus to the model's evidence (`game.vision.score_map`: a per-model,
   per-target monotone map fitted so that the default threshold 0.6 means about 4% false
   alarms).

`score_target` and `check_actions` are pure and unsmoothed; `Scorer` applies them to a
stream, with quality flags, smoothing and a steady hint. `Scorer.target_scores` is the one
unsmoothed score of every target that `facequest evaluate` and `facequest robustness` read
(the reading's `raw_score` is the same number for its target), and `Scorer.forget` lets a
still picture be scored on its own (no smoothing or hint carried over).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from game.expressions import Expression, HintKey, QualityFlag, all_actions, prototype_parts
from game.vision.calibration import NeutralBaseline
from game.vision.face_net import FaceNet, default_face_net
from game.vision.features import extract_features, head_pose_degrees
from game.vision.model import ExpressionModel, fuse_log_mean
from game.vision.motion_sample import face_motion
from game.vision.population import population_baseline
from game.vision.quality import quality_flags
from game.vision.records import ActionCheck, ExpressionReading, FaceObservation, FeatureVector
from game.vision.score_map import ScoreMap
from game.vision.smoothing import ScoreSmoother, SmoothingSettings

logger = logging.getLogger(__name__)

FIRST_ACTION_WEIGHT = 1.0  # the defining action of an expression (e.g. lip corners for happy)
OTHER_ACTION_WEIGHT = 0.5
HINT_DONE_LEVEL = 0.8  # no hint once every action is made at least this much
HINT_SWITCH_MARGIN = 0.15  # a new hint must need this much more work than the current one
RELAXED_ACTION = "relaxed"


def _action_weight(position: int) -> float:
    return FIRST_ACTION_WEIGHT if position == 0 else OTHER_ACTION_WEIGHT


def check_actions(
    features: FeatureVector, baseline: NeutralBaseline | None, target: Expression
) -> tuple[ActionCheck, ...]:
    """How far each prototype action of `target` is made, relative to `baseline`.

    With no baseline the population's neutral face is used. For NEUTRAL the single check
    "relaxed" is 1 minus the strongest action of any expression (hint: relax the face).
    """
    base = baseline if baseline is not None else population_baseline()
    # by name, not through `features.as_dict()`: the actions read a few of the first names,
    # and a dict of every feature cost 1-2 ms a frame once spec 6 made them 22,590
    value = features.get

    def measure(name: str) -> tuple[float, float]:
        act = next(a for a in all_actions() if a.name == name)
        change = act.direction * float(np.mean([value(f) - base.median(f) for f in act.features]))
        return change, min(1.0, max(0.0, change / act.full_change))

    if target is Expression.NEUTRAL:
        strongest = max((measure(a.name) for a in all_actions()), key=lambda cl: cl[1])
        return (ActionCheck(RELAXED_ACTION, 1.0 - strongest[1], strongest[0], HintKey.RELAX_FACE),)
    checks = []
    for part in prototype_parts(target):  # of alternatives, the one made most counts
        measured = [(act, *measure(act.name)) for act in part]
        act, change, level = max(measured, key=lambda m: m[2])
        checks.append(ActionCheck(act.name, level, change, act.hint))
    return tuple(checks)


def action_score(actions: tuple[ActionCheck, ...]) -> float:
    """Weighted mean level of the actions, the first (defining) one counting double."""
    if not actions:
        return 0.0
    weights = [_action_weight(i) for i in range(len(actions))]
    return sum(w * a.level for w, a in zip(weights, actions, strict=True)) / sum(weights)


def score_target(
    probabilities: Mapping[Expression, float],
    actions: tuple[ActionCheck, ...],
    target: Expression,
    score_map: ScoreMap | None = None,
) -> float:
    """The unsmoothed target score in [0, 1].

    `score_map` (the model's fitted map; None: `ScoreMap.default()`) turns the model's
    probability of the target plus the action bonus into the score. When the model has no
    such class (or there is no model) the action score decides alone; with no actions
    (never for a real target) the model decides alone.
    """
    p = probabilities.get(target)
    if p is None:
        score = action_score(actions)
    else:
        mapping = score_map if score_map is not None else ScoreMap.default()
        score = mapping.score(p, action_score(actions) if actions else None, target)
    return min(1.0, max(0.0, float(score)))


def _deficit(actions: tuple[ActionCheck, ...], position: int) -> float:
    return _action_weight(position) * (1.0 - actions[position].level)


def choose_hint(actions: tuple[ActionCheck, ...]) -> HintKey | None:
    """The hint of the action that most needs work (importance x missing level), or None
    when every action is made at least HINT_DONE_LEVEL. Ties go to the more important one."""
    if not actions or all(a.level >= HINT_DONE_LEVEL for a in actions):
        return None
    best = max(range(len(actions)), key=lambda i: (_deficit(actions, i), -i))
    return actions[best].hint


class HintSelector:
    """`choose_hint` with hysteresis: the hint changes only when another action clearly
    needs more work (HINT_SWITCH_MARGIN), so the child is not told two things in a second."""

    def __init__(self) -> None:
        self.current: HintKey | None = None

    def reset(self) -> None:
        self.current = None

    def update(self, actions: tuple[ActionCheck, ...]) -> HintKey | None:
        candidate = choose_hint(actions)
        if candidate is None or self.current is None or candidate == self.current:
            self.current = candidate
            return candidate
        deficits = {a.hint: _deficit(actions, i) for i, a in reversed(list(enumerate(actions)))}
        if self.current not in deficits or (
            deficits[candidate] >= deficits[self.current] + HINT_SWITCH_MARGIN
        ):
            self.current = candidate
        return self.current


class Scorer:
    """Turns each FaceObservation into an ExpressionReading for the current target.

    `model` scores faces before calibration; `calibrated_model` (a "delta" model, optional)
    takes over while a baseline is set (`set_baseline` switches), since it was trained on
    changes from each person's own neutral. Each model scores through its own `ScoreMap`
    (`ScoreMap.for_model` of its file unless given).

    Not thread-safe: the vision worker owns it (VisionPipeline forwards set_target /
    set_baseline to its thread).
    """

    def __init__(
        self,
        model: ExpressionModel | None,
        target: Expression | None = None,
        baseline: NeutralBaseline | None = None,
        smoothing: SmoothingSettings | None = None,
        calibrated_model: ExpressionModel | None = None,
        score_maps: Mapping[str, ScoreMap] | None = None,
        face_net: FaceNet | None = None,
    ) -> None:
        if calibrated_model is not None and calibrated_model.input_kind != "delta":
            raise ValueError("calibrated_model must take 'delta' features")
        if (calibrated_model is not None and calibrated_model.fuse_with_raw
                and (model is None or set(model.classes) != set(calibrated_model.classes))):
            raise ValueError("a calibrated model fused with its raw twin needs that raw model "
                             "(same classes)")
        self.raw_model = model
        self.calibrated_model = calibrated_model
        self._maps: dict[str, ScoreMap] = dict(score_maps or {})
        for m in (model, calibrated_model):
            if m is not None and str(m.path) not in self._maps:
                self._maps[str(m.path)] = ScoreMap.for_model(m.path)
        self._target = target
        self._baseline = baseline
        self._values_cache: tuple[NeutralBaseline, tuple[str, ...], np.ndarray] | None = None
        self._smoother = ScoreSmoother(smoothing)
        self._hints = HintSelector()
        # Loaded here, with the models, not on the first face.
        self._face_net = face_net or default_face_net()
        # The source shows the child as a mirror (webcam): the motion record swaps the sides
        # back (game.vision.motion_sample); set by whoever owns the source.
        self.mirrored = False

    @property
    def model(self) -> ExpressionModel | None:
        """The model scoring now: the calibrated one while a baseline is set (if shipped)."""
        if self._baseline is not None and self.calibrated_model is not None:
            return self.calibrated_model
        return self.raw_model

    @property
    def score_map(self) -> ScoreMap:
        """The score map of the model scoring now."""
        model = self.model
        return ScoreMap.default() if model is None else self._maps[str(model.path)]

    @property
    def target(self) -> Expression | None:
        return self._target

    @property
    def baseline(self) -> NeutralBaseline | None:
        return self._baseline

    def set_target(self, target: Expression | None) -> None:
        if target != self._target:
            self._target = target
            self._smoother.reset()
            self._hints.reset()

    def set_baseline(self, baseline: NeutralBaseline | None) -> None:
        self._baseline = baseline
        self._values_cache = None
        self._smoother.reset()

    def forget(self) -> None:
        """Forget the smoothing and hint history: the next reading stands alone (a still
        picture is not the next frame of a video)."""
        self._smoother.reset()
        self._hints.reset()

    def target_scores(
        self,
        features: FeatureVector,
        probabilities: Mapping[Expression, float],
        targets: tuple[Expression, ...] | None = None,
    ) -> dict[Expression, float]:
        """The unsmoothed target score in [0, 1] of each of `targets` (None: every
        expression) for one face: the model's `probabilities` (from `probabilities()`) and
        the action check against the current baseline (the population's without one),
        through the score map of the model scoring now. It is the `raw_score` a reading for
        that target carries. Quality flags are not applied here: an untrusted reading
        earns no credit, whatever these scores are."""
        chosen = tuple(Expression) if targets is None else targets
        return {t: self._raw_score(features, probabilities, t) for t in chosen}

    def _raw_score(
        self,
        features: FeatureVector,
        probabilities: Mapping[Expression, float],
        target: Expression,
    ) -> float:
        actions = check_actions(features, self._baseline, target)
        return score_target(probabilities, actions, target, self.score_map)

    def _baseline_values(self, model: ExpressionModel) -> np.ndarray:
        """The baseline's medians in the model's feature order (the population's without a
        baseline), computed once per baseline: looking up 10,170 names took 1.4 ms a frame."""
        base = self._baseline or population_baseline()
        cached = self._values_cache
        if cached is None or cached[0] is not base or cached[1] != model.feature_names:
            cached = (base, model.feature_names, base.values_for(model.feature_names))
            self._values_cache = cached
        return cached[2]

    def probabilities(self, features: FeatureVector) -> dict[Expression, float]:
        """The model's probabilities ({} without a model), calibrated by the temperature of
        the scoring model's map (`ScoreMap.calibrate`; fitted out of fold, 1.0 when its file
        has none). A calibrated model marked `fuse_with_raw` is fused with the raw model
        (`fuse_log_mean`) first, as it was measured. Every reading and target score of the
        game, `watch`, `evaluate` and `robustness` reads these."""
        model = self.model
        if model is None:
            return {}
        baseline_values = self._baseline_values(model) if model.input_kind == "delta" else None
        found = model.probabilities(features, baseline_values)
        raw = self.raw_model
        if model.fuse_with_raw and raw is not None and raw is not model:
            twin = raw.probabilities(features)
            columns = list(model.classes)
            fused = fuse_log_mean([
                np.array([found[c] for c in columns]), np.array([twin[c] for c in columns])
            ])
            found = {c: float(p) for c, p in zip(columns, fused, strict=True)}
        return self.score_map.calibrate(found)

    def score(
        self, observation: FaceObservation, latency_ms: float = 0.0
    ) -> tuple[ExpressionReading, FeatureVector | None]:
        """The reading for one observation, and its features (None when not extracted)."""
        if not observation.has_face:
            return self.score_extracted(observation, None, latency_ms), None
        features = extract_features(observation, self._face_net)
        return self.score_extracted(observation, features, latency_ms), features

    def score_extracted(
        self,
        observation: FaceObservation,
        features: FeatureVector | None,
        latency_ms: float = 0.0,
    ) -> ExpressionReading:
        """`score` for an observation whose features were already extracted from it
        (`extract_features(observation)`; None when it has no face), so that a tool scoring
        one face under several baselines extracts them once."""
        flags = set(quality_flags(observation))
        if self._baseline is None:
            flags.add(QualityFlag.NOT_CALIBRATED)
        frozen = frozenset(flags)
        t_ms = observation.t_ms
        if not observation.has_face or features is None:
            self._smoother.reset()
            self._hints.reset()
            return ExpressionReading.untrusted(t_ms, frozen, self._target, latency_ms)
        probabilities = self.probabilities(features)
        pose = head_pose_degrees(observation.transform)
        box = _fractional_box(observation)
        # the face's movement, for the trial's motion record (only while a target is set)
        motion = None if self._target is None else face_motion(
            features, self._baseline or population_baseline(), observation,
            mirrored=self.mirrored)
        reading = ExpressionReading(
            t_ms=t_ms,
            probabilities=probabilities,
            target=self._target,
            flags=frozen,
            latency_ms=latency_ms,
            head_pose=pose,
            face_box=box,
            motion=motion,
        )
        if self._target is None or not reading.trusted:
            self._smoother.reset()
            self._hints.reset()
            return reading
        actions = check_actions(features, self._baseline, self._target)
        raw = score_target(probabilities, actions, self._target, self.score_map)
        smoothed = self._smoother.update(raw, t_ms)
        hint = self._hints.update(actions)
        return replace(reading, target_score=smoothed, raw_score=raw, actions=actions,
                       hint=hint)


def _fractional_box(observation: FaceObservation) -> tuple[float, float, float, float]:
    """The face box as fractions of the frame's width and height."""
    w, h = observation.frame_size
    x0, y0, x1, y1 = observation.face_box
    return (x0 / w, y0 / h, x1 / w, y1 / h) if w and h else (0.0, 0.0, 0.0, 0.0)
