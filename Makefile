# One entry point for people and CI. Both main targets create the virtual environment when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PVENV  := .venv-poliastro
BIN    := $(VENV)/bin

.PHONY: run test test-main test-poliastro lint clean chromium bench

# Sets everything up and runs the main job: the comparison of the default scenario.
run: $(VENV)/.installed
	$(BIN)/sandbox run scenarios/default.toml

# Sets everything up and runs the whole test suite: lint, all tests (boinor), then the
# trajectory tests again against the original poliastro 0.17 (BRIEF §5).
test: lint test-main test-poliastro

# The example third-party plugin (examples/) is installed too, exactly as a user would install
# a plugin (--no-deps: its dependency, this package, is already installed in editable mode).
$(VENV)/.installed: pyproject.toml examples/sandbox-example-plugin/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps -e examples/sandbox-example-plugin
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check sandbox plugins tests examples benchmarks

# The HTML report is tested by rendering it in headless Chromium (Debian's package).
chromium:
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test-main: $(VENV)/.installed chromium
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q examples/sandbox-example-plugin/tests
	$(BIN)/sandbox plugins --hook sandbox_register_architectures
	$(BIN)/sandbox run examples/sandbox-example-plugin/scenarios/example.toml

# poliastro 0.17.0 declares Python < 3.11 and needs numpy < 2 and astropy < 6: install its
# dependencies pinned, then poliastro itself without its metadata checks.
$(PVENV)/.installed: pyproject.toml
	test -x $(PVENV)/bin/python || $(PYTHON) -m venv $(PVENV)
	$(PVENV)/bin/python -m pip install --quiet --upgrade pip
	$(PVENV)/bin/python -m pip install --quiet "astropy>=5.3,<6" "numpy<2" "numba<0.61" scipy jplephem pluggy click pytest
	$(PVENV)/bin/python -m pip install --quiet --no-deps --ignore-requires-python poliastro==0.17.0
	$(PVENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

test-poliastro: $(PVENV)/.installed
	SANDBOX_ORBIT_LIBRARY=poliastro $(PVENV)/bin/python -m pytest -q tests/test_trajectory.py

# Performance figures of docs/benchmarks.md (not part of the tests: speed is measured, not asserted).
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(PVENV) .pytest_cache
