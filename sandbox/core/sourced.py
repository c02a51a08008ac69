"""A default value that carries its source and, where uncertain, a low/high range.

Every default parameter in the sandbox is a :class:`Sourced`: the shared models, the
catalogues and the architecture plugins all use it, so that the provenance record, the
``--explain`` output and Monte Carlo sampling can read every assumption the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sourced:
    """A nominal value in ``unit`` with its public source and optional low/high range.

    ``unit`` is an astropy unit string (``"W/m2"``, ``"kg"``, ``""`` for dimensionless).
    ``low``/``high`` bound the plausible range for Monte Carlo; ``None`` means the value
    is treated as certain (a physical constant or a definition). ``constant`` marks a physical
    constant or a definition (the speed of light, the standard gravity): not an assumption, so a
    scenario's ``[models]`` table cannot change it. ``catalogue_field`` (``"<kind>.<field>"``) marks a
    reference figure that each catalogue entry holds for itself (a cell's efficiency, a battery's
    specific energy): the engine reads the entry's field, so a scenario sets that field instead.
    ``scenario_key`` (``"<table>.<key>"``) marks the default of a scenario key (the discount rate of
    ``[assumptions]``): the engine reads the scenario's key, so a scenario states it there, once.
    """

    nominal: float
    unit: str
    source: str
    low: float | None = None
    high: float | None = None
    note: str = ""
    constant: bool = False
    catalogue_field: str = ""
    scenario_key: str = ""

    @property
    def settable(self) -> bool:
        """True when a scenario's ``[models]`` table may set it (not a constant, a catalogue entry's figure, or
        the default of a scenario key)."""
        return not self.constant and not self.catalogue_field and not self.scenario_key

    def why_not_settable(self, study: bool = False) -> str:
        """Why a scenario cannot set this default, and what to set instead (``study``: in ``[sweep.params]``);
        ``""`` when it can (:attr:`settable`)."""
        if self.constant:
            return f"a physical constant or a definition ({self.source}), not an assumption: a scenario cannot change it"
        if self.catalogue_field:
            kind, _, fname = self.catalogue_field.partition(".")
            remedy = f"vary catalogue.{kind}.<entry>.{fname}" if study else f"set [catalogue.{kind}.<entry>] {fname}"
            return (f"a figure each {kind} catalogue entry holds, and the engine reads the entry's: {remedy} instead "
                    f"(`sandbox catalogue {kind}` lists the entries)")
        if self.scenario_key:
            table, _, key = self.scenario_key.partition(".")
            remedy = f"vary {self.scenario_key}" if study else f"set [{table}] {key}"
            return f"the default of the scenario's {self.scenario_key}, which the engine reads: {remedy} instead"
        return ""

    def __post_init__(self) -> None:
        if not self.source:
            raise ValueError("every default needs a source")
        if self.low is not None and self.high is not None and not (self.low <= self.nominal <= self.high):
            raise ValueError(f"range must hold the nominal value: {self.low} <= {self.nominal} <= {self.high}")

    @property
    def uncertain(self) -> bool:
        """True when a low/high range is given."""
        return self.low is not None and self.high is not None

    def __float__(self) -> float:
        return float(self.nominal)
