"""Parse unit strings such as ``"20 ms"`` into Brian2 quantities.

Only Brian2's unit system is used here (``brian2.units``), never a backend:
quantities are how descriptions carry physical values.
"""
import re

import numpy as np
from brian2.units import allunits, fundamentalunits
from brian2.units.fundamentalunits import DIMENSIONLESS, Quantity, get_dimensions

from .errors import ModelError

_UNITS = {u.dispname: u for u in allunits.all_units}
_UNITS.update({name: getattr(allunits, name) for name in dir(allunits)
               if isinstance(getattr(allunits, name), fundamentalunits.Unit)})
_UNITS.update({"Mohm": allunits.Mohm, "Hz": allunits.hertz, "kHz": allunits.khertz})

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_FACTOR = re.compile(r"^([A-Za-z]+)(?:\^(-?\d+))?$")

#: Dimensions of the physical kinds a field may ask for, by name.
KINDS = {
    "time": allunits.second,
    "voltage": allunits.volt,
    "rate": allunits.hertz,
    "current": allunits.amp,
    "conductance": allunits.siemens,
    "resistance": allunits.ohm,
    "capacitance": allunits.farad,
}
_EXAMPLES = {"time": "20 ms", "voltage": "-70 mV", "rate": "15 Hz", "current": "200 pA",
             "conductance": "0.5 nS", "resistance": "100 Mohm", "capacitance": "200 pF"}


def _parse_unit(text, where):
    unit = 1.0
    # "mV/ms" or "nA*Mohm": a product of factors, each with an optional integer power
    for op, token in re.findall(r"([*/]?)\s*([^*/\s]+)", text):
        m = _FACTOR.match(token)
        if not m or m.group(1) not in _UNITS:
            raise ModelError(where, f"unknown unit {token!r}")
        factor = _UNITS[m.group(1)] ** int(m.group(2) or 1)
        unit = unit / factor if op == "/" else unit * factor
    return unit


def parse_quantity(value, kind, where):
    """Return a Brian2 quantity of the given physical ``kind`` from ``"20 ms"``.

    Raises
    ------
    ModelError
        If ``value`` is not a string with a number and a unit, or the unit's
        dimension is not that of ``kind``.
    """
    example = _EXAMPLES[kind]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ModelError(where, f"expected a {kind} such as {example!r}, got {value!r}")
    if isinstance(value, (int, float)):
        raise ModelError(where, f"missing unit: expected a {kind} such as {example!r}, got {value!r}")
    m = _NUMBER.match(value)
    if not m:
        raise ModelError(where, f"expected a {kind} such as {example!r}, got {value!r}")
    if not m.group(2):
        raise ModelError(where, f"missing unit: expected a {kind} such as {example!r}, got {value!r}")
    number = float(m.group(1))
    if not np.isfinite(number):  # "1e999 ms" overflows to inf
        raise ModelError(where, f"expected a finite {kind} such as {example!r}, got {value!r}")
    q = number * _parse_unit(m.group(2), where)
    if get_dimensions(q) != get_dimensions(KINDS[kind]):
        raise ModelError(where, f"wrong unit: expected a {kind} such as {example!r}, got {value!r}")
    return q


def to_si(q):
    """SI float (or float array) of a quantity; plain numbers pass through."""
    if isinstance(q, Quantity):
        return np.asarray(q).astype(float) if np.ndim(q) else float(q)
    return q


def format_quantity(q):
    """Inverse of :func:`parse_quantity` for scalars: a string that parses back."""
    if isinstance(q, Quantity) and get_dimensions(q) is not DIMENSIONLESS:
        best = q.get_best_unit()
        return f"{float(q / best):.12g} {best}"
    return q
