"""A bundle of many sessions made by a script (for the import's time and memory test and
its measurement): sessions and trials as a home installation would store them, sealed with
a paired installation's real key."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from game import __version__
from game.home.bundle import BundleContent, pack, seal
from game.home.install import find_installation
from game.home.keys import parse_clinic_key
from game.records.models import SessionRecord, StoredTrial
from tests.home.helpers import Pair
from tests.records.factories import make_trial


def big_bundle(pair: Pair, sessions: int, trials_per_session: int = 3) -> bytes:
    inst = find_installation(pair.home)
    assert inst is not None
    start = datetime(2026, 1, 5, 17, 0, tzinfo=timezone(timedelta(hours=1)))
    session_docs, lines = [], []
    for n in range(sessions):
        began = start + timedelta(hours=8 * n)
        session = SessionRecord(
            session_id=f"S-{n:08X}", profile_id=pair.profile_id,
            started_at=began.isoformat(timespec="seconds"), level_set_id="first-faces",
            app_version=__version__, ended_at=(began + timedelta(minutes=18)).isoformat(
                timespec="seconds"), end_reason="completed", place="home",
            plan_id=pair.plan_id)
        session_docs.append(session.to_dict())
        for index in range(trials_per_session):
            stored = StoredTrial(session_id=session.session_id, profile_id=pair.profile_id,
                                 recorded_at=began.isoformat(timespec="seconds"),
                                 trial=make_trial(index, success=index % 2 == 0))
            lines.append(json.dumps(stored.to_dict(), ensure_ascii=False,
                                    allow_nan=False).encode())
    content = BundleContent(profile_id=pair.profile_id, plan_id=pair.plan_id, seq=1,
                            made_at=start.isoformat(), app_version=__version__,
                            sessions=session_docs, trial_lines=lines)
    return seal(pack(content), inst.key(), parse_clinic_key(inst.plan.clinic_key))
