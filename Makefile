# The two commands a newcomer needs: `make play` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: play test lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## play: install what is missing, then start the game
play: $(STAMP)
	scripts/system-packages.sh
	$(BIN)/facequest play $(ARGS)

## test: install what is missing, then run ruff, mypy and pytest
test: $(STAMP)
	scripts/system-packages.sh --test
	$(BIN)/ruff check game tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
