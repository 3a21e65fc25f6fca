# The commands the README shows. Only Python 3.11+ is needed; everything else installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
PYTEST_FLAGS ?=

.PHONY: run test bench lint format check-python clean

run: $(VENV)/.installed  ## Install into .venv and serve the app on http://localhost:$(PORT)
	@mkdir -p data
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.dev-installed  ## Install the dev requirements and run lint, types and the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_FLAGS)

bench: $(VENV)/.dev-installed  ## Measure: estimator error against published results, speed
	$(BIN)/python -m bench

lint: $(VENV)/.dev-installed  ## Lint, type-check and check the layers only
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed  ## Rewrite the code in the house format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11")'

$(VENV)/.installed: requirements.txt | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
