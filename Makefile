# The two commands a newcomer needs: `make play` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: play test wheel-check lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## play: install what is missing, then start the game
play: $(STAMP)
	scripts/system-packages.sh
	$(BIN)/facequest play $(ARGS)

## test: install what is missing, then run ruff, mypy and pytest, and (alongside pytest,
## as it mostly waits on downloads) the wheel check: build the wheel, install it in a clean
## venv outside the checkout and play from there (scripts/wheel-check.sh)
test: $(STAMP)
	scripts/system-packages.sh --test
	$(BIN)/ruff check game tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	@log=$$(mktemp); PYTHON=$(PYTHON) scripts/wheel-check.sh >"$$log" 2>&1 & pid=$$!; \
	$(BIN)/pytest $(PYTEST_ARGS); tests=$$?; \
	wait $$pid; wheel=$$?; cat "$$log"; rm -f "$$log"; \
	test $$tests -eq 0 && test $$wheel -eq 0

## wheel-check: only the wheel check (see scripts/wheel-check.sh)
wheel-check:
	PYTHON=$(PYTHON) scripts/wheel-check.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
