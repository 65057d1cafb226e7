"""The recipe's own words (the model card's "Method") follow its members."""

from __future__ import annotations

from dataclasses import replace

from game.training.recipe import Recipe


def test_the_recipe_says_how_many_models_each_input_fuses() -> None:
    assert Recipe().mouth_inputs == ("raw", "delta")  # the mouth member in both models
    assert "fusion (log-probabilities averaged) of four models:" in Recipe().describe()
    assert "in the raw and calibrated (delta) model also" in Recipe().describe()
    calibrated_only = replace(Recipe(), mouth_inputs=("delta",))
    assert "of three models (four in the calibrated (delta) model):" in calibrated_only.describe()
    none = replace(Recipe(), mouth_inputs=()).describe()
    assert "of three models:" in none and "mouth crop" not in none
