"""Catalogue entry types (chips, launch vehicles, power sources, ground stations).

Plugins register entries through the ``sandbox_register_catalogues`` hook; the engine
collects them into one :class:`Catalogues`. All numbers are plain SI floats (the unit is in
each field name); ``sources`` maps a field name to its public reference and ``ranges`` maps
a field name to its (low, high) plausible range for Monte Carlo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from types import MappingProxyType
from typing import Any

_NAN = float("nan")


def _f(default: Any = _NAN, *, unit: str = "", doc: str, factory: Any = None) -> Any:
    """A catalogue field with its ``unit`` (as ``sandbox catalogue`` shows it; ``""`` for plain
    numbers, flags and text) and a one-line ``doc``, kept in the field's metadata."""
    meta = {"unit": unit, "doc": doc}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


#: The precisions a chip's ``peak_ops_per_s`` may name (what ``[workload] precision`` chooses among).
PRECISIONS = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8")
#: Power-source fractions the ledger divides by (cell and storage efficiencies, packing, depth of discharge): in (0, 1].
DIVIDING_FRACTIONS = ("efficiency", "packing_factor", "round_trip_efficiency", "depth_of_discharge")
#: The destinations a launch vehicle's ``payload_kg`` names (a transport's ``destination``).
DESTINATIONS = ("LEO", "SSO", "GTO", "TLI")

_SOURCES_DOC = "field name -> public reference of its value (at least one)"
_RANGES_DOC = "field name -> (low, high) plausible range, in the field's unit (Monte Carlo draws within it)"


@dataclass(frozen=True)
class _Entry:
    name: str = field(metadata={"unit": "", "doc": "the entry's name: what scenarios, parameters and designs refer to"})

    def check(self) -> None:
        """Raise ``ValueError`` when a numeric field is negative or a source is missing."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and value < 0:
                raise ValueError(f"{type(self).__name__} {self.name!r}: {f.name} must be >= 0, got {value}")
        label = f"{type(self).__name__} {self.name!r}"
        sources = getattr(self, "sources", None)
        if not sources:
            raise ValueError(f"{label}: needs at least one source")
        names = {f.name for f in fields(self)} - {"name", "sources", "ranges"}
        for key, text in sources.items():
            if str(key).partition(".")[0] not in names:
                raise ValueError(f"{label}: sources names {key!r}, which is not a field (fields: {', '.join(sorted(names))})")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{label}: the source of {key} is empty (give the public reference of its value)")
        for key, (low, high) in (getattr(self, "ranges", None) or {}).items():
            head, _, sub = key.partition(".")
            value = getattr(self, head, None)
            value = value.get(sub) if sub and isinstance(value, Mapping) else value
            if key not in sources and head not in sources:
                raise ValueError(f"{label}: ranges.{key} has no source: a range is a claim about the value, cite it")
            if isinstance(value, float) and value != value:
                raise ValueError(f"{label}: ranges.{key} is given, but {key} has no value (NaN)")
            if not low <= high:
                raise ValueError(f"{label}: ranges.{key}: high {high:g} is below low {low:g}")
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and not low <= value <= high:
                # Monte Carlo's mode and sensitivity's nominal is the value: a range must hold it
                raise ValueError(f"{label}: ranges.{key} = [{low:g}, {high:g}] "
                                 f"does not contain the value {value:g}")


def entry_fields(entry_type: type) -> list[Field]:
    """The fields of a catalogue entry type, each with ``metadata["unit"]`` and ``metadata["doc"]``."""
    return list(fields(entry_type))


@dataclass(frozen=True)
class Chip(_Entry):
    """A compute device (one package/module as it would fly or sit in a rack).

    ``peak_ops_per_s`` maps a precision (``"fp64"``, ``"fp32"``, ``"bf16"``, ``"fp16"``,
    ``"fp8"``, ``"int8"``) to dense peak operations per second (FLOP/s, or OP/s for int8).
    ``power_w`` is the board/TDP power in W, ``mass_kg`` the module mass in kg, ``cost_usd``
    the unit price in US dollars, ``tid_krad`` the total-ionising-dose tolerance in krad(Si)
    (``0`` if unknown/commercial untested), ``rad_hard`` whether it is radiation-hardened by design,
    ``see_cross_section_cm2`` the per-chip cross-section (cm²) for single events that stop or corrupt
    work, from a beam test (``0`` if not characterised: the radiation model's COTS default applies,
    see ``sandbox.models.radiation.effective_see_cross_section_cm2``).

    The host server each accelerator needs (CPUs, memory, NICs, switches, power shelves, chassis,
    cold plates), per accelerator: ``host_power_w`` (W on top of ``power_w``), ``host_mass_kg``
    (kg besides the module's own ``mass_kg``) and ``host_cost_usd`` (US dollars besides
    ``cost_usd``); 0 for a module that is a complete computer (an edge SoC, a rad-hard board).
    """

    peak_ops_per_s: Mapping[str, float] = _f(
        unit="FLOP/s", factory=dict,
        doc="precision (fp64, fp32, tf32, bf16, fp16, fp8, int8) -> dense peak operations per second (OP/s for int8)")
    power_w: float = _f(unit="W", doc="board power (TDP) of one chip or module")
    mass_kg: float = _f(unit="kg", doc="mass of one chip module as installed (board, heat spreader)")
    cost_usd: float = _f(unit="USD", doc="unit price of one chip or module")
    tid_krad: float = _f(0.0, unit="krad(Si)", doc="total ionising dose tolerated; 0 = unknown or untested (COTS)")
    rad_hard: bool = _f(False, doc="radiation-hardened by design")
    host_power_w: float = _f(0.0, unit="W", doc="host server power per accelerator (CPUs, memory, NICs, switches), on top of power_w")
    host_mass_kg: float = _f(0.0, unit="kg", doc="host server mass per accelerator, besides the module's own mass_kg")
    host_cost_usd: float = _f(0.0, unit="USD", doc="host server cost per accelerator, besides cost_usd")
    year: int = _f(0, unit="", doc="year of first availability (0 = not given)")
    sources: Mapping[str, str] = _f(factory=dict, doc=_SOURCES_DOC)
    ranges: Mapping[str, tuple[float, float]] = _f(factory=dict, doc=_RANGES_DOC)
    see_cross_section_cm2: float = _f(  # last, so positional construction keeps working
        0.0, unit="cm2", doc="per-chip cross-section for single events that stop or corrupt work (0 = not characterised)")

    def check(self) -> None:
        """As :meth:`_Entry.check`, and a chip draws power: ``power_w`` 0 would give compute for free."""
        if self.power_w == 0:
            raise ValueError(f"Chip {self.name!r}: power_w must be > 0 W (a chip that computes draws power), got 0")
        super().check()

    def ops(self, precision: str) -> float:
        """Peak operations per second at ``precision``; ``KeyError`` names what exists."""
        try:
            return float(self.peak_ops_per_s[precision])
        except KeyError:
            have = ", ".join(sorted(self.peak_ops_per_s)) or "none"
            raise KeyError(f"chip {self.name!r} has no {precision!r} figure (has: {have})") from None


@dataclass(frozen=True)
class LaunchVehicle(_Entry):
    """A launch vehicle.

    ``payload_kg`` maps a destination (``"LEO"``, ``"SSO"``, ``"GTO"``, ``"TLI"``) to payload
    mass in kg; ``fairing_volume_m3`` is the usable payload volume in m³; ``price_usd`` the
    price of one flight in US dollars; ``co2_t_per_flight`` the CO₂-equivalent emitted per flight
    in tonnes; ``leo_altitude_m`` the reference circular orbit altitude (m) its LEO figure is for;
    ``reusable`` whether the vehicle can be refuelled in orbit (propellant transfer);
    ``expendable_price_usd`` the price of a flight whose vehicle is not recovered (NaN: unknown).
    """

    payload_kg: Mapping[str, float] = _f(
        unit="kg", factory=dict, doc="destination (LEO, SSO, GTO, TLI) -> payload mass one flight delivers there")
    fairing_volume_m3: float = _f(unit="m3", doc="usable payload volume under the fairing")
    price_usd: float = _f(unit="USD", doc="price of one flight")
    co2_t_per_flight: float = _f(unit="t", doc="CO2-equivalent emitted per flight")
    leo_altitude_m: float = _f(400e3, unit="m", doc="altitude of the circular orbit the LEO payload figure is for")
    reusable: bool = _f(False, doc="can be refuelled in orbit (propellant transfer by tanker flights)")
    expendable_price_usd: float = _f(unit="USD", doc="price of a flight whose vehicle is not recovered (NaN: unknown)")
    year: int = _f(0, unit="", doc="year of first flight or of the figures (0 = not given)")
    sources: Mapping[str, str] = _f(factory=dict, doc=_SOURCES_DOC)
    ranges: Mapping[str, tuple[float, float]] = _f(factory=dict, doc=_RANGES_DOC)

    def payload(self, destination: str) -> float:
        """Payload mass (kg) to ``destination``; ``KeyError`` names what exists."""
        try:
            return float(self.payload_kg[destination])
        except KeyError:
            have = ", ".join(sorted(self.payload_kg)) or "none"
            raise KeyError(f"launch vehicle {self.name!r} has no payload figure for {destination!r} (has: {have})") from None


@dataclass(frozen=True)
class PowerSource(_Entry):
    """A power generation or storage technology.

    ``kind`` is one of ``"solar"`` (array), ``"storage"`` (battery or regenerative fuel cell),
    ``"fission"``, ``"radioisotope"``, ``"grid"``, ``"beamed"``, ``"fuel"`` (a plant that burns a fuel
    bought over its life, e.g. a gas turbine). Fields that do not apply stay NaN.

    - solar: ``efficiency`` (cell, 0–1, at 1 AU AM0), ``packing_factor`` (0–1),
      ``areal_density_kg_m2`` (array incl. substrate), ``degradation_per_year`` (fraction/yr),
      ``cost_usd_per_w`` (per W at beginning of life).
    - storage: ``specific_energy_wh_per_kg`` (system level), ``round_trip_efficiency`` (0–1),
      ``depth_of_discharge`` (0–1), ``cost_usd_per_kwh``.
    - fission / radioisotope / beamed / fuel: ``specific_power_w_per_kg`` (electrical, system level;
      needed only off the ground), ``cost_usd_per_w``, ``degradation_per_year``; fuel also
      ``fuel_usd_per_kwh`` (fuel and variable operation per kWh generated) and ``co2_kg_per_kwh``.
    - grid: ``price_usd_per_kwh``, ``co2_kg_per_kwh``.
    """

    kind: str = _f("solar", doc="solar, storage, fission, radioisotope, grid, beamed or fuel")
    efficiency: float = _f(unit="", doc="solar: cell efficiency at 1 AU, AM0 (0-1)")
    packing_factor: float = _f(unit="", doc="solar: fraction of the array area covered by cells (0-1)")
    areal_density_kg_m2: float = _f(unit="kg/m2", doc="solar: array mass per m2, substrate and deployment included")
    degradation_per_year: float = _f(0.0, unit="1/yr", doc="fraction of output lost per year (solar cells, isotope decay)")
    specific_energy_wh_per_kg: float = _f(unit="Wh/kg", doc="storage: energy stored per kg, system level")
    round_trip_efficiency: float = _f(unit="", doc="storage: energy out / energy in (0-1)")
    depth_of_discharge: float = _f(unit="", doc="storage: usable fraction of the stored energy per cycle (0-1)")
    specific_power_w_per_kg: float = _f(unit="W/kg", doc="fission, radioisotope, beamed: electrical power per kg, system level")
    cost_usd_per_w: float = _f(unit="USD/W", doc="solar, fission, radioisotope, beamed: cost per W (beginning of life)")
    cost_usd_per_kwh: float = _f(unit="USD/kWh", doc="storage: cost per kWh of capacity")
    price_usd_per_kwh: float = _f(unit="USD/kWh", doc="grid: price of electricity delivered")
    co2_kg_per_kwh: float = _f(unit="kg/kWh", doc="grid: CO2-equivalent emitted per kWh delivered")
    fuel_usd_per_kwh: float = _f(unit="USD/kWh", doc="fuel: fuel cost per kWh of electricity generated")
    sources: Mapping[str, str] = _f(factory=dict, doc=_SOURCES_DOC)
    ranges: Mapping[str, tuple[float, float]] = _f(factory=dict, doc=_RANGES_DOC)

    KINDS = ("solar", "storage", "fission", "radioisotope", "grid", "beamed", "fuel")

    def check(self) -> None:
        super().check()
        for fname in DIVIDING_FRACTIONS:
            value = getattr(self, fname)
            if value > 1:  # NaN (not given) passes: the fields that do not apply to the kind stay NaN
                raise ValueError(f"power source {self.name!r}: {fname} is a fraction of one, got {value}")
        if self.kind not in self.KINDS:
            raise ValueError(f"power source {self.name!r}: kind must be one of {', '.join(self.KINDS)}, got {self.kind!r}")


@dataclass(frozen=True)
class GroundStation(_Entry):
    """A ground station: geodetic ``lat_deg``/``lon_deg`` (degrees, WGS84), ``alt_m`` (m),
    ``min_elevation_deg`` (degrees above the horizon for a usable pass), ``network`` (operator)."""

    lat_deg: float = _f(unit="deg", doc="geodetic latitude (WGS84), -90 to 90")
    lon_deg: float = _f(unit="deg", doc="longitude east (WGS84), -180 to 360")
    alt_m: float = _f(0.0, unit="m", doc="height above the WGS84 ellipsoid")
    min_elevation_deg: float = _f(10.0, unit="deg", doc="lowest elevation above the local horizon of a usable pass")
    network: str = _f("", doc="operator or network the station belongs to")
    sources: Mapping[str, str] = _f(factory=dict, doc=_SOURCES_DOC)

    def check(self) -> None:
        if not (-90 <= self.lat_deg <= 90 and -180 <= self.lon_deg <= 360):
            raise ValueError(f"ground station {self.name!r}: latitude/longitude out of range")
        if not self.sources:
            raise ValueError(f"ground station {self.name!r}: needs at least one source")


CatalogueEntry = Chip | LaunchVehicle | PowerSource | GroundStation

#: Catalogues whose entries have a ``kind`` a parameter can restrict (``Param(kinds=...)``), with the kinds.
ENTRY_KINDS: dict[str, tuple[str, ...]] = {"power_sources": PowerSource.KINDS}

_KIND_OF = {Chip: "chips", LaunchVehicle: "launch_vehicles", PowerSource: "power_sources", GroundStation: "ground_stations"}
#: The catalogue kinds (table names), and the entry type of each.
KINDS = tuple(_KIND_OF.values())
ENTRY_TYPES = {kind: cls for cls, kind in _KIND_OF.items()}


#: Units of catalogue fields, by the end of the field name (catalogue fields carry the unit in the name).
_FIELD_UNITS = (("payload_kg", "kg"), ("_usd_per_kwh", "USD/kWh"), ("_usd_per_w", "USD/W"),
                ("_wh_per_kg", "Wh/kg"), ("_w_per_kg", "W/kg"), ("_kg_m2", "kg/m2"), ("_kg_per_kwh", "kg/kWh"),
                ("_t_per_flight", "t"), ("_per_year", "1/yr"), ("_usd", "USD"), ("_kg", "kg"), ("_w", "W"),
                ("_m3", "m3"), ("_m", "m"), ("_krad", "krad"), ("_deg", "deg"))


def field_unit(name: str) -> str:
    """Unit of catalogue field ``name`` (``"cost_usd_per_w"`` → ``"USD/W"``); ``""`` for fractions.
    A chip's peak rate is in FLOP/s, or OP/s for the integer precision (``peak_ops_per_s.int8``)."""
    if name.startswith("peak_ops_per_s"):
        return "OP/s" if name.endswith(".int8") else "FLOP/s"
    for suffix, unit in _FIELD_UNITS:
        if name.startswith(suffix) or name.rsplit(".", 1)[0].endswith(suffix):
            return unit
    return ""


class CatalogueError(ValueError):
    """A catalogue entry is invalid or clashes with another plugin's entry."""


@dataclass
class Catalogues:
    """All registered catalogue entries, by kind and name, with the plugin that gave each."""

    chips: dict[str, Chip] = field(default_factory=dict)
    launch_vehicles: dict[str, LaunchVehicle] = field(default_factory=dict)
    power_sources: dict[str, PowerSource] = field(default_factory=dict)
    ground_stations: dict[str, GroundStation] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, entry: CatalogueEntry, plugin: str, replace: bool = False) -> None:
        """Add ``entry`` registered by ``plugin``.

        A name already registered by another plugin is an error unless ``replace=True``,
        in which case the replacement is recorded as owned by ``plugin``.
        """
        kind = _KIND_OF.get(type(entry))
        if kind is None:
            raise CatalogueError(f"plugin {plugin!r} registered a {type(entry).__name__}, not a catalogue entry")
        try:
            entry.check()
        except ValueError as exc:
            raise CatalogueError(f"plugin {plugin!r}: {exc}") from None
        table = getattr(self, kind)
        key = (kind, entry.name)
        if entry.name in table and not replace:
            raise CatalogueError(
                f"plugin {plugin!r} registered {kind[:-1].replace('_', ' ')} {entry.name!r}, "
                f"already registered by plugin {self.owner[key]!r} (pass replace=True to override)"
            )
        for f in fields(entry):  # entries are shared by every architecture: make them deeply read-only
            value = getattr(entry, f.name)
            if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
                object.__setattr__(entry, f.name, MappingProxyType(dict(value)))
        table[entry.name] = entry
        self.owner[key] = plugin

    def problem(self, kind: str, name: object, kinds: tuple[str, ...] = ()) -> str | None:
        """Why ``name`` cannot be used as an entry of catalogue ``kind`` (restricted to entries of
        ``kinds`` when given), as one line with a did-you-mean; ``None`` when it can."""
        import difflib

        table = getattr(self, kind)
        label = kind[:-1].replace("_", " ")
        if not isinstance(name, str):
            return f"expected a {label}'s name (a string), got {name!r}"
        allowed = sorted(n for n, e in table.items() if not kinds or getattr(e, "kind", None) in kinds)
        wanted = f" of kind {' or '.join(repr(k) for k in kinds)}" if kinds else ""
        if name in table and name in allowed:
            return None
        if name in table:
            entry_kind = getattr(table[name], "kind", "?")
            if not allowed:
                return f"{name!r} is a {entry_kind} {label}; this parameter takes a {label}{wanted}, and none is installed"
            best = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.0)[0]
            others = f" ({label}s{wanted}: {', '.join(allowed)})" if len(allowed) > 1 else ""
            return (f"{name!r} is a {entry_kind} {label}, but this parameter takes only a {label}{wanted}; "
                    f"did you mean {best!r}?{others}")
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known{wanted}: {', '.join(allowed) or 'none'}"
        return f"no {label} named {name!r} in the catalogues{hint}"

    def read_only(self) -> CatalogueView:
        """A view of every table that cannot be changed (what design functions receive)."""
        return CatalogueView(self)

    def get(self, kind: str, name: str) -> CatalogueEntry:
        """Entry ``name`` of ``kind`` (``"chips"``, ...); ``KeyError`` lists close names."""
        table = getattr(self, kind)
        if name not in table:
            import difflib

            close = difflib.get_close_matches(name, list(table), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else f"; known: {', '.join(sorted(table)) or 'none'}"
            raise KeyError(f"no {kind[:-1].replace('_', ' ')} named {name!r}{hint}")
        return table[name]


class CatalogueView:
    """Read-only access to :class:`Catalogues`: the same tables as mappings that refuse writes.

    Entries themselves are frozen dataclasses whose mapping fields are read-only too, so a design
    function cannot change a number that another architecture then reads.
    """

    def __init__(self, catalogues: Catalogues):
        self._c = catalogues
        self.chips = MappingProxyType(catalogues.chips)
        self.launch_vehicles = MappingProxyType(catalogues.launch_vehicles)
        self.power_sources = MappingProxyType(catalogues.power_sources)
        self.ground_stations = MappingProxyType(catalogues.ground_stations)
        self.owner = MappingProxyType(catalogues.owner)

    def get(self, kind: str, name: str) -> CatalogueEntry:
        """Entry ``name`` of ``kind``; ``KeyError`` lists close names (as :meth:`Catalogues.get`)."""
        return self._c.get(kind, name)
