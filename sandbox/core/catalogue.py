"""Catalogue entry types (chips, launch vehicles, power sources, ground stations).

Plugins register entries through the ``sandbox_register_catalogues`` hook; the engine
collects them into one :class:`Catalogues`. All numbers are plain SI floats (the unit is in
each field name); ``sources`` maps a field name to its public reference and ``ranges`` maps
a field name to its (low, high) plausible range for Monte Carlo.
"""

from __future__ import annotations

import math
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

#: Catalogue figures that must be above 0, and why: a chip's board power (zero would give its compute for free), and
#: the divisors of the ledger (a chip's peak rate, a vehicle's payload and volume per flight, storage and generator
#: mass per unit).
POSITIVE_FIELDS: Mapping[str, str] = MappingProxyType({"power_w": "a chip that computes draws power", **dict.fromkeys(
    ("peak_ops_per_s", "payload_kg", "fairing_volume_m3", "specific_energy_wh_per_kg", "specific_power_w_per_kg"),
    "the ledger divides by it")})

#: Catalogue figures that must stay below 1, and why. A power source's yearly loss: the array is sized for the end of
#: its life, A = P / (S eta k (1 - d)^T) (SMAD, Wertz & Larson 1999, sec. 11.4; sandbox.models.power.array_area_m2
#: refuses d >= 1), and a loss of all output each year leaves nothing to size.
BELOW_ONE_FIELDS: Mapping[str, str] = MappingProxyType({
    "degradation_per_year": "the fraction of output lost each year: at 1 nothing is left after the first year, and "
                            "the array, sized by (1 - d)^T, would be infinite"})

#: Catalogue figures bounded on both sides (a ground station's position and horizon mask), with the bounds and why.
#: Height above the WGS84 ellipsoid of a point on Earth's land surface: the lowest dry land, the Dead Sea shore at
#: about -430 m (below mean sea level), less the deepest geoid depression, -106 m (EGM2008, Pavlis et al. 2012), is
#: -536 m; the highest, Everest at 8,849 m (China-Nepal survey, 2020), plus the geoid's highest point, +85 m, is
#: 8,934 m. An elevation is an angle above the local horizon: 0 to 90 deg (a negative mask sees through the ground).
BOUNDED_FIELDS: Mapping[str, tuple[float, float, str]] = MappingProxyType({
    "lat_deg": (-90.0, 90.0, "geodetic latitude, WGS84"),
    "lon_deg": (-180.0, 360.0, "longitude east, WGS84"),
    "alt_m": (-600.0, 9000.0, "height above the WGS84 ellipsoid: Earth's land lies between the Dead Sea shore and "
                              "Everest"),
    "min_elevation_deg": (0.0, 90.0, "an elevation above the local horizon"),
})


def field_problem(fname: str, value: float, unit_text: str = "", *, allow_nan: bool = True,
                  written: str = "") -> str | None:
    """Why ``value`` (a plain number in the unit the name carries) cannot be catalogue field ``fname`` (bare, or
    dotted as ``payload_kg.LEO``), or ``None``: the rules every entry obeys, whether a plugin registers it or a
    scenario's ``[catalogue]`` table changes it. NaN is an entry's "not given" and passes unless ``allow_nan`` is
    false (a value a scenario states must be a number). ``written``: the value as the user wrote it, shown in the
    message instead of ``value``."""
    head = fname.split(".")[0]
    got = written or f"{value:g}"
    shown = f" {unit_text}" if unit_text else ""
    if value != value and allow_nan:
        return None
    if head in BOUNDED_FIELDS:
        lo, hi, why = BOUNDED_FIELDS[head]
        if not (math.isfinite(value) and lo <= value <= hi):
            return f"expected a finite value from {lo:g} to {hi:g}{shown} ({why}), got {got}"
        return None
    if not math.isfinite(value) or value < 0:
        return f"expected a finite value >= 0{shown}, got {got}"
    if value == 0 and head in POSITIVE_FIELDS:
        return f"expected a value > 0{shown} ({POSITIVE_FIELDS[head]}), got {got}"
    if head in BELOW_ONE_FIELDS and value >= 1:
        return f"expected a value in [0, 1){shown} ({BELOW_ONE_FIELDS[head]}), got {got}"
    if head in DIVIDING_FRACTIONS and not 0 < value <= 1:
        # each of these divides a power, an area or an energy: zero has no meaning, only an infinite design
        return f"expected a fraction in (0, 1], got {got}"
    return None


_SOURCES_DOC = "field name -> public reference of its value (at least one)"
_RANGES_DOC = "field name -> (low, high) plausible range, in the field's unit (Monte Carlo draws within it)"


@dataclass(frozen=True)
class _Entry:
    name: str = field(metadata={"unit": "", "doc": "the entry's name: what scenarios, parameters and designs refer to"})

    #: Fields every design reads from an entry of this type: NaN (or an empty table) is refused.
    REQUIRED = ()

    def check(self) -> None:
        """Raise ``ValueError`` when a number breaks its field's rule (:func:`field_problem`: none negative or
        infinite, divisors above 0, fractions and bounded fields within their bounds) or a source is missing."""
        label = f"{type(self).__name__} {self.name!r}"
        missing = [f for f in self.REQUIRED if getattr(self, f) != getattr(self, f) or getattr(self, f) == {}]
        if missing:
            raise ValueError(f"{label}: missing {', '.join(missing)} (every design reads them)")
        for f in fields(self):
            value = getattr(self, f.name)
            numbers = value.items() if isinstance(value, Mapping) and f.name not in ("sources", "ranges") else (
                [("", value)] if isinstance(value, (int, float)) and not isinstance(value, bool) else [])
            for sub, number in numbers:
                key = f"{f.name}.{sub}" if sub else f.name
                if isinstance(number, bool) or not isinstance(number, (int, float)):
                    raise ValueError(f"{label}: {key} must be a number, got {number!r}")
                why = field_problem(key, float(number), f.metadata.get("unit", ""))
                if why:
                    raise ValueError(f"{label}: {key}: {why}")
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

    REQUIRED = ("peak_ops_per_s", "power_w", "mass_kg", "cost_usd")

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

    REQUIRED = ("payload_kg", "price_usd", "co2_t_per_flight")

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
    #: kind → the fields every element this source supplies (or stores for) reads, on the ground and in space;
    #: a scenario's new entry must give them. The mass figures (``areal_density_kg_m2``,
    #: ``specific_power_w_per_kg``, ``specific_energy_wh_per_kg``) are read off the ground only, and asked for
    #: by the ledger when an element in space uses the source. Installed entries may leave a figure out (the
    #: catalogue's ``RFC`` has no public cost): a run that uses one names the entry and the field.
    NEEDS = {
        "solar": ("efficiency", "packing_factor", "cost_usd_per_w"),
        "storage": ("round_trip_efficiency", "depth_of_discharge", "cost_usd_per_kwh"),
        "fission": ("cost_usd_per_w",), "radioisotope": ("cost_usd_per_w",), "beamed": ("cost_usd_per_w",),
        "fuel": ("cost_usd_per_w", "fuel_usd_per_kwh"),
        "grid": ("price_usd_per_kwh",),
    }

    def check(self) -> None:
        super().check()
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
        """As :meth:`_Entry.check`; a station has a position, so ``lat_deg`` and ``lon_deg`` are required."""
        missing = [f for f in ("lat_deg", "lon_deg") if getattr(self, f) != getattr(self, f)]
        if missing:
            raise ValueError(f"GroundStation {self.name!r}: {' and '.join(missing)} not given (a station has a position)")
        super().check()


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
                ("_m3", "m3"), ("_cm2", "cm2"), ("_m", "m"), ("_krad", "krad"), ("_deg", "deg"))


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
    #: Entries a plugin registered with ``replace=True`` over another plugin's: ``"kind.name"`` → (new owner,
    #: previous owner). Every architecture reads the replacement, so runs record it (provenance, a warning).
    replaced: dict[str, tuple[str, str]] = field(default_factory=dict)

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
        twin = next((n for n in table if n != entry.name and n.casefold() == entry.name.casefold()), None)
        if twin is not None:  # a design or scenario naming one of the two would get the other by a typo of case
            raise CatalogueError(f"plugin {plugin!r} registered {kind[:-1].replace('_', ' ')} {entry.name!r}, which "
                                 f"differs only by case from {twin!r} of plugin {self.owner[(kind, twin)]!r}")
        if entry.name in table and not replace:
            raise CatalogueError(
                f"plugin {plugin!r} registered {kind[:-1].replace('_', ' ')} {entry.name!r}, "
                f"already registered by plugin {self.owner[key]!r} (pass replace=True to override)"
            )
        for f in fields(entry):  # entries are shared by every architecture: make them deeply read-only
            value = getattr(entry, f.name)
            if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
                object.__setattr__(entry, f.name, MappingProxyType(dict(value)))
        if entry.name in table and self.owner[key] != plugin:
            self.replaced[f"{kind}.{entry.name}"] = (plugin, self.replaced.get(f"{kind}.{entry.name}",
                                                                           (None, self.owner[key]))[1])
        table[entry.name] = entry
        self.owner[key] = plugin

    def usable(self, kind: str, kinds: tuple[str, ...] = ()) -> list[str]:
        """The names of catalogue ``kind``'s entries (of ``kinds`` when given), sorted."""
        return sorted(n for n, e in getattr(self, kind).items() if not kinds or getattr(e, "kind", None) in kinds)

    def problem(self, kind: str, name: object, kinds: tuple[str, ...] = ()) -> str | None:
        """Why ``name`` cannot be used as an entry of catalogue ``kind`` (restricted to entries of
        ``kinds`` when given), as one line with a did-you-mean; ``None`` when it can."""
        import difflib

        table = getattr(self, kind)
        label = kind[:-1].replace("_", " ")
        if not isinstance(name, str):
            return f"expected a {label}'s name (a string), got {name!r}"
        allowed = self.usable(kind, kinds)
        wanted = f" of kind {' or '.join(repr(k) for k in kinds)}" if kinds else ""
        if name in table and name in allowed:
            return None
        if not allowed and name not in table:  # a plugin set without the catalogue: the set's fault, not the name's
            return (f"no {label} named {name!r}: no plugin loaded registers any {label}{wanted} (the built-in "
                    "entries come with plugin 'catalogue'; is it left out of SANDBOX_PLUGINS?)")
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

    def read_only(self, seen: set[tuple[str, str]] | None = None) -> CatalogueView:
        """A view of every table that cannot be changed (what design functions receive). With ``seen``, the
        view adds ``(kind, name)`` to it for each entry read through it, and ``(kind, "*")`` when a table is
        iterated (every entry may have been read): what the engine warns of a ``[catalogue]`` change nothing
        read by (:func:`sandbox.ledger.engine.unread_overrides`)."""
        return CatalogueView(self, seen)

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

    def __init__(self, catalogues: Catalogues, seen: set[tuple[str, str]] | None = None):
        self._c = catalogues
        self._seen = seen

        def table(kind: str) -> Mapping[str, Any]:
            live = getattr(catalogues, kind)
            return MappingProxyType(live) if seen is None else _ReadTable(kind, live, seen)

        self.chips = table("chips")
        self.launch_vehicles = table("launch_vehicles")
        self.power_sources = table("power_sources")
        self.ground_stations = table("ground_stations")
        self.owner = MappingProxyType(catalogues.owner)

    def get(self, kind: str, name: str) -> CatalogueEntry:
        """Entry ``name`` of ``kind``; ``KeyError`` lists close names (as :meth:`Catalogues.get`)."""
        entry = self._c.get(kind, name)
        if self._seen is not None:
            self._seen.add((kind, name))
        return entry


class _ReadTable(Mapping):
    """One catalogue table, read-only, that records the entries read through it (:meth:`Catalogues.read_only`):
    an entry looked up by name is recorded as ``(kind, name)``; iterating the table records ``(kind, "*")``;
    asking whether a name is in it records nothing."""

    def __init__(self, kind: str, table: Mapping[str, Any], seen: set[tuple[str, str]]):
        self._kind, self._table, self._seen = kind, table, seen

    def __getitem__(self, name: str) -> Any:
        entry = self._table[name]
        self._seen.add((self._kind, name))
        return entry

    def __contains__(self, name: object) -> bool:
        return name in self._table

    def __iter__(self) -> Any:
        self._seen.add((self._kind, "*"))
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"<read-only catalogue table {self._kind}: {len(self._table)} entries>"
