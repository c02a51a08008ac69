"""SANDBOX_ORBIT_LIBRARY: a value naming no usable orbit library is refused once, at start-up.

Without the check every architecture that computes an orbit failed on its own (exit 1, one line per
architecture) after ``sandbox validate`` had called the scenario valid. Now the command line exits 2
with one line naming the variable before anything runs; commands that never compute an orbit (plugins,
schema, catalogue) still run.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.trajectory import library

cli_main = importlib.import_module("sandbox.cli.main")  # the module (``sandbox.cli.main`` the attribute is its main())

ROOT = Path(__file__).resolve().parent.parent
BOGUS = ("error: environment variable SANDBOX_ORBIT_LIBRARY='bogus': choose one of boinor, poliastro, or unset it "
         "to use the one installed")


def sandbox(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, **env), timeout=300)


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_bad_library_name_is_one_line_and_exit_2_before_anything_runs(command):
    done = sandbox(command, "scenarios/default.toml", SANDBOX_ORBIT_LIBRARY="bogus")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [BOGUS]


def test_commands_that_compute_no_orbit_still_run():
    done = sandbox("plugins", SANDBOX_ORBIT_LIBRARY="bogus")
    assert done.returncode == 0, done.stderr
    assert "moonbase" in done.stdout
    done = sandbox("run", "--help", SANDBOX_ORBIT_LIBRARY="bogus")  # help runs nothing
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python -m sandbox run [OPTIONS] SCENARIO")


def test_a_supported_library_that_is_not_installed(monkeypatch):
    monkeypatch.setenv(library.ENV_LIBRARY, "poliastro")
    monkeypatch.setattr(library.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(library.OrbitLibraryNotInstalled) as err:
        library.requested_library()
    assert str(err.value) == ("environment variable SANDBOX_ORBIT_LIBRARY='poliastro': 'poliastro' is not installed; "
                              "install it, or unset the variable to use the one installed")
    assert isinstance(err.value, ImportError) and isinstance(err.value, library.OrbitLibraryError)


def test_the_variable_is_read_as_the_adapter_reads_it(monkeypatch):
    assert cli_main.ORBIT_LIBRARY_ENV == library.ENV_LIBRARY  # the CLI names it without importing the adapter
    monkeypatch.setattr(library.importlib.util, "find_spec", lambda name: object())  # installed, whichever it is
    monkeypatch.setenv(library.ENV_LIBRARY, "  BOINOR ")
    assert library.requested_library() == "boinor"
    monkeypatch.setenv(library.ENV_LIBRARY, "")
    assert library.requested_library() is None
    monkeypatch.setenv(library.ENV_LIBRARY, "bogus")
    with pytest.raises(library.OrbitLibraryError) as err:
        library.library_name()  # where the library is selected: the same error, for callers of the API
    assert f"error: {err.value}" == BOGUS
