"""The shipped population neutral face fits the features this game extracts."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from game.vision import population
from game.vision.calibration import NeutralBaseline
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION


def test_shipped_population_baseline_is_the_current_feature_spec(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stored = NeutralBaseline.from_dict(json.loads(population.POPULATION_PATH.read_text("utf-8")))
    assert stored.spec_version == FEATURE_SPEC_VERSION
    assert stored.names == FEATURE_NAMES
    assert stored.source == "population" and stored.frames >= 100
    population.population_baseline.cache_clear()
    with caplog.at_level(logging.WARNING, logger=population.__name__):
        loaded = population.population_baseline()
    assert not caplog.records
    assert loaded.medians == stored.medians


def test_an_outdated_population_file_gives_one_short_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    old = {
        "spec_version": "1",
        "frames": 3,
        "source": "population",
        "features": {"jawOpen": [0.1, 0.02], "retired_feature": [1.0, 0.5]},
    }
    path = tmp_path / "population_neutral.json"
    path.write_text(json.dumps(old), "utf-8")
    monkeypatch.setattr(population, "POPULATION_PATH", path)
    population.population_baseline.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=population.__name__):
            baseline = population.population_baseline()
    finally:
        population.population_baseline.cache_clear()
    assert baseline.names == FEATURE_NAMES and baseline.median("jawOpen") == 0.1
    assert baseline.median("browInnerUp") == 0.0
    (record,) = caplog.records
    message = record.getMessage()
    assert "\n" not in message and len(message) < 200
    assert f"lacks {len(FEATURE_NAMES) - 1} of {len(FEATURE_NAMES)}" in message
