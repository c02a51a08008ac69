"""Parameter declarations and value checking (units at the edges)."""

from __future__ import annotations

import astropy.units as u
import pytest

from sandbox.core.params import Param, Params, check_value, from_sourced
from sandbox.core.sourced import Sourced

ALT = Param("altitude", "550 km", "Orbit altitude.", unit="km", source="Starlink shell 1 (FCC filing SAT-MOD-20200417-00037)",
            minimum=100.0, maximum=50_000.0)


def test_quantity_converts_to_declared_unit():
    # 0.55 Mm = 550 km; 1 AU = 149,597,870.7 km exactly (IAU 2012 Resolution B2).
    assert check_value(ALT, "0.55 Mm").to_value(u.km) == pytest.approx(550.0)
    big = Param("distance", "1 AU", "d", unit="km", source="IAU 2012 B2")
    assert check_value(big, "1 AU").to_value(u.km) == pytest.approx(149_597_870.7)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("550 kg", "expected a length, got '550 kg'"),
        (550, "expected a length with a unit"),
        ("550", "expected a length with a unit"),
        ("nan km", "NaN"),
        ("inf km", "finite"),
        ("50 km", "expected a value >= 100 km"),
        ("1e30 km", "expected a value <= 50000 km"),
        (True, "expected a length"),
        ("1.5.3 km", "not a number followed by a unit"),  # astropy refuses it too (not 1.5 x "0.3 km")
        ("5-3 km", "not a number followed by a unit"),
        ("[600, 700] km", "not a number followed by a unit"),  # one value per parameter
        ("km 550", "not a number followed by a unit"),
    ],
)
def test_quantity_refusals(raw, message):
    with pytest.raises(ValueError, match=message):
        check_value(ALT, raw)


@pytest.mark.parametrize(
    ("raw", "km"),
    [
        ("550 km", 550.0),
        ("  5.5e2   km ", 550.0),
        ("+.55 Mm", 550.0),          # 1 Mm = 1,000 km
        ("550000 m", 550.0),
        ("550E+3m", 550.0),          # no space between number and unit
        ("1 AU", 149_597_870.7),     # IAU 2012 Resolution B2: 149,597,870,700 m exactly
        ("5.5e7 cm", 550.0),
        ("340 mi", 547.17696),       # international mile: 1,609.344 m exactly (1959 international yard and pound)
        ("297 nmi", 550.044),        # nautical mile: 1,852 m exactly (International Hydrographic Conference, 1929)
    ],
)
def test_quantity_text_reads_as_astropy_reads_it(raw, km):
    """The number is read by a regular expression and only the unit text goes through astropy's
    grammar (once per distinct unit): the value is the one astropy's own parse gives, to the bit."""
    got = check_value(ALT if km <= 50_000 else Param("d", "1 AU", "d", unit="km", source="IAU 2012 B2"), raw)
    assert got.unit == u.km
    assert got.value == u.Quantity(raw.strip()).to_value(u.km)
    assert got.value == pytest.approx(km, rel=1e-15)


def test_numeric_default_needs_source():
    with pytest.raises(ValueError, match="needs a source"):
        Param("pue", 1.2, "PUE")


def test_invalid_default_is_refused_at_declaration():
    with pytest.raises(ValueError, match=">= 100"):
        Param("altitude", "10 km", "x", unit="km", source="s", minimum=100.0)


def test_from_sourced_carries_range_and_source():
    s = Sourced(1.58, "", "Uptime Institute Global Data Center Survey 2023 (average PUE 1.58)", low=1.1, high=2.0)
    p = from_sourced("pue", s, "Power usage effectiveness", minimum=1.0)
    assert (p.default, p.low, p.high, p.kind) == (1.58, 1.1, 2.0, "number")
    q = from_sourced("flux", Sourced(1361.0, "W/m2", "Kopp & Lean 2011", 1360.3, 1361.3), "TSI")
    assert q.kind == "quantity" and check_value(q, q.default).to_value(u.W / u.m**2) == 1361.0


def test_from_sourced_takes_a_narrower_range_or_another_source_from_its_caller():
    """from_sourced(..., low=, high=) raised "Param() got multiple values for keyword argument 'low'": a plugin could
    not narrow a shared default's range (a radiator kept above a 302 K sink). The caller's fields win; the default's
    value, unit and name in the shared model stay (a [models] override still reaches the parameter)."""
    s = Sourced(330.0, "K", "Gilmore, Spacecraft Thermal Control Handbook (2002)", 300.0, 350.0)
    p = from_sourced("radiator_temperature", s, "Radiator temperature", low="310 K", high="345 K")
    assert (p.default, p.low, p.high, p.unit, p.source) == ("330.0 K", "310 K", "345 K", "K", s.source)
    q = from_sourced("pue", Sourced(1.58, "", "Uptime 2023", low=1.1, high=2.0), "PUE", source="Own survey", low=1.2,
                     high=1.9, minimum=1.0)
    assert (q.default, q.low, q.high, q.source) == (1.58, 1.2, 1.9, "Own survey")


def test_params_si_access():
    p = Params({"altitude": 550 * u.km, "count": 12})
    assert p.si("altitude") == 550_000.0
    assert p.altitude.to_value(u.m) == 550_000.0 and p["count"] == 12


def test_choices_suggest():
    p = Param("orbit", "sso", "Orbit family", choices=("sso", "leo", "geo"))
    with pytest.raises(ValueError, match="did you mean 'geo'"):
        check_value(p, "gao")


def test_a_dose_may_be_written_in_rad_or_gray():
    """astropy reads "rad" as the radian; where a dose (rate) in grays is expected, "krad" is the rad of dose:
    1 rad = 0.01 Gy (NIST SP 811, 2008, Table 10), so 2 krad = 2,000 rad = 20 Gy and 0.2 krad/yr = 2 Gy/yr. Elsewhere
    a radian stays an angle, and a dose unit is refused for a specific energy (same dimension, J/kg)."""
    from sandbox.core.units import parse_quantity, unit_of

    dose, rate = unit_of("10 Gy"), unit_of("10 Gy/yr")
    # a declared unit "krad" (what the radiation defaults carry, and what every table shows) is the rad of dose,
    # not astropy's kilo-radian: 1 krad = 10 Gy
    assert unit_of("krad") == dose and unit_of("krad/yr") == rate
    from sandbox.models.radiation import DEFAULTS

    assert DEFAULTS["cots_tid_krad"].unit == "krad"
    for text in ("2 krad", "2000 rad", "20 Gy", "2000 cGy"):
        assert parse_quantity(text, dose).to_value(u.Gy) == pytest.approx(20.0, rel=1e-12), text
    assert parse_quantity("0.2 krad/yr", rate).to_value(u.Gy / u.yr) == pytest.approx(2.0, rel=1e-12)
    assert parse_quantity("0.5 rad", unit_of("deg")).to_value(u.deg) == pytest.approx(28.6478897565, rel=1e-10)
    with pytest.raises(ValueError, match=r"expected a radiation dose \(e.g. \"2 krad\" or \"20 Gy\"\), got '5 km'"):
        parse_quantity("5 km", dose)
    with pytest.raises(ValueError, match="expected a radiation dose rate"):
        parse_quantity("2 krad", rate)
    with pytest.raises(ValueError, match="expected a specific energy, got '2 krad'"):
        parse_quantity("2 krad", unit_of("W h/kg"))


def test_an_angle_other_than_the_radian_is_never_a_dose():
    """Only the radian is read as the rad of dose: "2 deg", "2 arcmin" or "2 cycle" are angles, and were read as
    2 × (π/180) rad of dose, a LEO life of 8.3e-5 yr. "krad(Si)", the dose in silicon as datasheets write it
    (e.g. BAE Systems RAD750 product literature), is the same rad: 0.5 krad(Si) = 5 Gy (NIST SP 811, 2008, Table 10)."""
    from sandbox.core.units import parse_quantity, unit_of

    dose, rate = unit_of("10 Gy"), unit_of("10 Gy/yr")
    for text, unit in (("2 deg", dose), ("2 arcmin", dose), ("2 cycle", dose), ("1 deg/yr", rate)):
        with pytest.raises(ValueError, match="expected a radiation dose"):
            parse_quantity(text, unit)
    assert parse_quantity("0.5 krad(Si)", dose).to_value(u.Gy) == pytest.approx(5.0, rel=1e-12)
    assert parse_quantity("1 krad(Si)/yr", rate).to_value(u.Gy / u.yr) == pytest.approx(10.0, rel=1e-12)
    assert parse_quantity("2 Mrad", dose).to_value(u.Gy) == pytest.approx(20_000.0, rel=1e-12)


def test_imperial_units_that_prices_are_quoted_in_and_no_ambiguous_ton():
    """Launch prices are often quoted per pound: 1,500 USD/lb = 1,500 / 0.45359237 USD/kg (the international pound,
    0.45359237 kg exactly). "ton" stays refused: the imperial short ton (907 kg) would silently stand for a tonne (t).
    A temperature in Celsius is refused with its value in kelvin."""
    from sandbox.core.units import parse_quantity

    assert parse_quantity("1500 USD/lb", u.Unit("USD/kg")).to_value("USD/kg") == pytest.approx(1500 / 0.45359237, rel=1e-15)
    with pytest.raises(ValueError, match=r"expected a mass, got '1 ton' \(not a number followed by a unit\)"):
        parse_quantity("1 ton", u.kg)
    with pytest.raises(ValueError, match=r"expected a temperature, got '20 deg_C' \(write it in kelvin: 293.15 K\)"):
        parse_quantity("20 deg_C", u.K)
