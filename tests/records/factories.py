"""Build realistic trial records and filled stores for records and reports tests."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from game.expressions import HintKey, QualityFlag
from game.play.trial_record import Override, TrialOutcome, TrialRecord
from game.records.store import ProgressStore

TARGETS = ("happy", "sad", "surprised", "angry")
PROMPTS = ("independent", "voice_repeat", "model", "part_hint")


def make_trial(
    index: int,
    *,
    target: str = "happy",
    success: bool = True,
    prompt_level: int = 0,
    latency_ms: int | None = 1800,
    peak_score: float = 0.8,
    override: Override | None = None,
    override_note: str = "",
    outcome: TrialOutcome | None = None,
) -> TrialRecord:
    """One trial as the rules engine would record it."""
    started = 10_000 * index
    if outcome is None:
        outcome = TrialOutcome.SUCCESS if success else TrialOutcome.TIMEOUT
    return TrialRecord(
        trial_index=index,
        level_id="mimic-1",
        mode="mimic",
        target=target,
        outcome=outcome,
        success=success,
        machine_success=success if override is None else not success,
        started_ms=started,
        ended_ms=started + 6_000,
        prompt_level=prompt_level,
        prompt_name=PROMPTS[min(prompt_level, len(PROMPTS) - 1)],
        latency_ms=latency_ms if success else None,
        hold_ms=1_000 if success else 300,
        hold_required_ms=1_000,
        threshold=0.6,
        peak_score=peak_score,
        mean_score=peak_score * 0.7,
        reward=2 if success and prompt_level == 0 else (1 if success else 0),
        paused_ms=0,
        hints_given=("smile_wider",) if prompt_level >= 3 else (),
        override=override,
        override_note=override_note,
        quality={"head_turned": 0.1} if index % 3 == 0 else {},
    )


class StepClock:
    """A wall clock that moves on a fixed step each time it is read."""

    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(seconds=7)):
        self.now = start or datetime(2025, 3, 3, 9, 30, tzinfo=timezone(timedelta(hours=1)))
        self.step = step

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current

    def jump(self, delta: timedelta) -> None:
        self.now += delta


def fill_progress(
    store: ProgressStore,
    profile_id: str,
    *,
    sessions: int = 5,
    trials_per_session: int = 12,
    seed: int = 3,
    clock: StepClock | None = None,
) -> None:
    """Several sessions in which a child slowly improves: more successes, less help."""
    rng = random.Random(seed)
    for number in range(sessions):
        if clock is not None:
            clock.jump(timedelta(days=3))
        session = store.start_session(profile_id, level_set_id="first-faces", model_hash="ab12")
        skill = 0.35 + 0.5 * number / max(1, sessions - 1)
        for index in range(trials_per_session):
            target = TARGETS[index % len(TARGETS)]
            ease = skill + (0.15 if target == "happy" else 0.0) - (0.1 if target == "angry" else 0)
            success = rng.random() < ease
            level = 0 if rng.random() < skill else rng.randint(1, 3)
            override = None
            note = ""
            if number == 1 and index == 2:
                override, note, success = Override.ACCEPT, "Clear smile; camera missed it.", True
            trial = make_trial(
                index,
                target=target,
                success=success,
                prompt_level=level,
                latency_ms=int(4_000 - 2_500 * skill + rng.randint(-300, 300)),
                peak_score=min(1.0, 0.4 + 0.5 * skill + rng.uniform(-0.1, 0.1)),
                override=override,
                override_note=note,
            )
            store.add_trial(session.session_id, trial)
        store.end_session(
            session.session_id,
            reason="completed",
            notes="Engaged well today." if number == sessions - 1 else "",
        )


@dataclass(frozen=True, slots=True)
class ScriptedReading:
    """The fields the rules engine reads from a vision reading (`game.play.readings.Reading`)."""

    t_ms: int
    target_score: float
    hint: HintKey | None = None
    flags: frozenset[QualityFlag] = frozenset()
    trusted: bool = True
    face_present: bool = True
    motion: None = None


def play_scripted_session(
    store: ProgressStore,
    profile_id: str,
    level_set_path: Path,
    *,
    seed: int = 1,
    skill: float = 0.6,
    max_frames: int = 60_000,
    plan_id: str = "",
) -> str:
    """Play a whole level set headless with the real rules engine, storing each trial as the
    game does (`add_trial` on every `TrialRecorded`, `replace_trial` on every
    `TrialAmended`). Returns the session id.

    Per trial, the simulated child makes the face (score 0.95) with probability `skill`,
    otherwise shows only a weak one (0.2) until the trial times out. One trial is accepted by
    the therapist with a note.
    """
    from game.play.events import TrialAmended, TrialRecorded
    from game.play.level_loader import load_level_set
    from game.play.session import Session, SessionState

    rng = random.Random(seed)
    level_set = load_level_set(level_set_path)
    session = Session(level_set, random.Random(seed))
    record = store.start_session(profile_id, level_set_id=level_set.id, model_hash="cafe01",
                                 plan_id=plan_id)
    now = 1_000
    events = session.start(now)
    trying = rng.random() < skill
    last_trial = -1
    overridden = False
    for frame in range(max_frames):
        for event in events:
            if isinstance(event, TrialRecorded):
                store.add_trial(record.session_id, event.record)
            elif isinstance(event, TrialAmended):
                store.replace_trial(record.session_id, event.record)
        if session.state is SessionState.ENDED:
            break
        if session.trial is not None and session.trial.spec.index != last_trial:
            last_trial = session.trial.spec.index
            trying = rng.random() < skill
        now += 40
        if session.state is SessionState.BETWEEN and not overridden and not trying:
            events = session.accept(now, "Made it; the camera was slow.")
            overridden = True
            continue
        score = 0.95 if trying and frame % 50 > 10 else 0.2
        events = session.update(ScriptedReading(frame, score), now)
    store.end_session(record.session_id, reason=str(session.end_reason or "completed"))
    return record.session_id


def add_profile_directly(data_dir: Path, name: str, profile_id: str) -> str:
    """Write a profile straight into a closed `progress.json`, as records kept before names
    had to differ may hold it (the store now refuses a second child of the same name)."""
    import json

    path = data_dir / "progress.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    profiles = document["profiles"]
    doc_id = str(max((int(k) for k in profiles), default=0) + 1)
    profiles[doc_id] = {
        "profile_id": profile_id, "display_name": name,
        "created_at": "2025-01-01T09:00:00+01:00", "updated_at": "2025-01-01T09:00:00+01:00",
        "birth_year": None, "notes": "", "baseline": None, "settings": {},
        "allow_camera_images": False, "allow_frame_traces": False,
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return profile_id
