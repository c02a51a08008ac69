# One entry point for people and CI. Both main targets create the virtual environment when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PVENV  := .venv-poliastro
BIN    := $(VENV)/bin

.PHONY: run test test-main test-poliastro lint clean chromium bench validation

# Sets everything up and runs the main job: the comparison of the default scenario.
run: $(VENV)/.installed
	$(BIN)/sandbox run scenarios/default.toml

# Sets everything up and runs the whole test suite: lint, all tests (boinor), then the
# trajectory tests again against the original poliastro 0.17 (the API boinor forked; both must agree).
test: lint test-main test-poliastro

# setuptools (>= 70) prints an informational notice for every editable install of a project that
# is not in a src/ layout ("Editable installation. Please be careful with folders in your working
# directory with the same name as your package ..."). It concerns the editable mechanism, not this
# project; the filter hides exactly that message and nothing else.
QUIET_EDITABLE := PYTHONWARNINGS="ignore:Editable installation:UserWarning"

# The example third-party plugins (examples/) are installed exactly as a user installs a plugin:
# `pip install <distribution>`, not editable (--no-deps: their dependency, this package, is this
# checkout, installed in editable mode just before). Editing an example reinstalls it.
EXAMPLES := examples/sandbox-example-plugin examples/sandbox-mars-relay
EXAMPLE_FILES := $(wildcard $(addsuffix /pyproject.toml,$(EXAMPLES)) $(addsuffix /*/*.py,$(EXAMPLES)))

$(VENV)/.installed-core: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed: $(VENV)/.installed-core $(EXAMPLE_FILES)
	$(BIN)/python -m pip install --quiet --no-deps --force-reinstall $(EXAMPLES)
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check sandbox plugins tests examples benchmarks

# The HTML report is tested by rendering it in headless Chromium (Debian's package).
chromium:
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test-main: $(VENV)/.installed chromium
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q examples/sandbox-example-plugin/tests
	$(BIN)/python -m pytest -q examples/sandbox-mars-relay/tests
	$(BIN)/sandbox plugins --hook sandbox_register_architectures
	$(BIN)/sandbox run examples/sandbox-example-plugin/scenarios/example.toml
	$(BIN)/sandbox run examples/sandbox-mars-relay/scenarios/mars_relay.toml

# poliastro 0.17.0 declares Python < 3.11 and needs numpy < 2 and astropy < 6: install its
# dependencies pinned, then poliastro itself without its metadata checks.
$(PVENV)/.installed: pyproject.toml
	test -x $(PVENV)/bin/python || $(PYTHON) -m venv $(PVENV)
	$(PVENV)/bin/python -m pip install --quiet --upgrade pip
	$(PVENV)/bin/python -m pip install --quiet "astropy>=5.3,<6" "numpy<2" "numba<0.61" scipy jplephem pluggy click pytest
	$(PVENV)/bin/python -m pip install --quiet --no-deps --ignore-requires-python poliastro==0.17.0
	$(QUIET_EDITABLE) $(PVENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

# The trajectory tests, and the trajectory example of docs/plugins.md, against poliastro 0.17.
test-poliastro: $(PVENV)/.installed
	SANDBOX_ORBIT_LIBRARY=poliastro $(PVENV)/bin/python -m pytest -q tests/test_trajectory.py tests/test_plugin_docs.py -k trajectory

# Performance figures of docs/benchmarks.md (not part of the tests: speed is measured, not asserted).
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks

# docs/validation.md: every published claim in scenarios/claims/ reproduced with its own inputs, and the
# bridge from the default comparison (tests/test_claims.py fails when the page is stale).
validation: $(VENV)/.installed
	$(BIN)/sandbox claims scenarios/claims/*.toml --write docs/validation.md

clean:
	rm -rf $(VENV) $(PVENV) .pytest_cache
