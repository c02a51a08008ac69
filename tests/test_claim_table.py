"""The ``[claim]`` table's figures (sandbox.core.claim): a claimed figure and its band are finite and >= 0, since
every metric the ledger reports (a cost, a mass, a power, a time, a rate, a count, a ratio) is; a bad one stops
`sandbox validate` and `sandbox run` with one line naming the file and key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox.cli import cli

HEAD = """[study]
name = "claim table"

[architectures.leo]

[claim]
title = "a toy claim"
source = "a test"

[[claim.figures]]
architecture = "leo"
metric = "capex.launch"
"""
NEGATIVE = ("expected a figure >= 0 (every metric the ledger reports, a cost, a mass, a power, a time, a rate, "
            "a count or a ratio, is >= 0), got ")
NOT_FINITE = "expected a finite number (in the metric's display unit) or a quantity string, got "


@pytest.mark.parametrize(("figure", "key", "message"), [
    ("claimed = -5\n", "claimed", NEGATIVE + "-5"),
    ('claimed = "-5 MUSD"\n', "claimed", NEGATIVE + "'-5 MUSD'"),
    ('claimed = "5 MUSD"\nlow = "-1 MUSD"\nhigh = "6 MUSD"\n', "low", NEGATIVE + "'-1 MUSD'"),
    ("claimed = nan\n", "claimed", NOT_FINITE + "nan"),
    ('claimed = "inf MUSD"\n', "claimed", NOT_FINITE + "'inf MUSD'"),
])
def test_a_negative_or_infinite_claimed_figure_is_refused(tmp_path: Path, figure: str, key: str, message: str):
    path = tmp_path / "claim.toml"
    path.write_text(HEAD + figure, encoding="utf-8")
    for command in ("validate", "run"):
        r = CliRunner().invoke(cli, [command, str(path)], obj={})
        assert r.exit_code == 2, (command, r.output)
        assert r.stdout == ""
        assert r.stderr.strip().splitlines() == [f"error: {path}: claim.figures[0].{key}: {message}"], command


def test_the_bounds_of_a_figure_are_kept_as_written(tmp_path: Path):
    """0 is >= 0 (a claim of a free launch is a figure), and a band from 0 is a band: both are kept as written."""
    from sandbox.core.registry import default_registry
    from sandbox.core.scenario import load_scenario

    path = tmp_path / "claim.toml"
    path.write_text(HEAD + 'claimed = 0\nlow = "0 MUSD"\nhigh = "1 MUSD"\n', encoding="utf-8")
    claim = load_scenario(path, default_registry()).claim
    assert claim is not None
    (figure,) = claim.figures
    assert (figure.claimed, figure.low, figure.high) == (0, "0 MUSD", "1 MUSD")
