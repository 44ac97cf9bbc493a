"""Parse unit strings such as ``"20 ms"``; descriptions carry the result as Brian2 quantities.

A model file is validated without Brian2 (importing it costs about two CPU
seconds, too much for an error message): :func:`parse_value` checks a string
against a table of Brian2's unit names and returns a :class:`Value`, an SI
magnitude with its dimension. A finished description holds Brian2 quantities
(:func:`to_brian2`, see :mod:`spikehebb.model.schema`); only Brian2's unit
system is used here, never a backend.
"""
import re
import sys
from collections.abc import Mapping

import numpy as np

from .errors import ModelError

#: exponents of metre, kilogram, second, ampere, kelvin, mole and candela (Brian2's order)
_DIMENSIONLESS = (0, 0, 0, 0, 0, 0, 0)

#: Brian2's units (``brian2.units.allunits``): names, power of ten of the unprefixed unit, dimension
_BASE_UNITS = (
    (("metre", "meter", "m"), 0, (1, 0, 0, 0, 0, 0, 0)),
    (("gram", "gramme", "g"), -3, (0, 1, 0, 0, 0, 0, 0)),
    (("second", "s"), 0, (0, 0, 1, 0, 0, 0, 0)),
    (("amp", "ampere", "A"), 0, (0, 0, 0, 1, 0, 0, 0)),
    (("mole", "mol"), 0, (0, 0, 0, 0, 0, 1, 0)),
    (("candle", "cd", "lumen", "lm"), 0, (0, 0, 0, 0, 0, 0, 1)),
    (("radian", "rad", "steradian", "sr"), 0, _DIMENSIONLESS),
    (("hertz", "Hz", "becquerel", "Bq"), 0, (0, 0, -1, 0, 0, 0, 0)),
    (("newton", "N"), 0, (1, 1, -2, 0, 0, 0, 0)),
    (("pascal", "Pa"), 0, (-1, 1, -2, 0, 0, 0, 0)),
    (("joule", "J"), 0, (2, 1, -2, 0, 0, 0, 0)),
    (("watt", "W"), 0, (2, 1, -3, 0, 0, 0, 0)),
    (("coulomb", "C"), 0, (0, 0, 1, 1, 0, 0, 0)),
    (("volt", "V"), 0, (2, 1, -3, -1, 0, 0, 0)),
    (("farad", "F"), 0, (-2, -1, 4, 2, 0, 0, 0)),
    (("ohm",), 0, (2, 1, -3, -2, 0, 0, 0)),  # its symbol is not ASCII
    (("siemens", "S"), 0, (-2, -1, 3, 2, 0, 0, 0)),
    (("weber", "Wb"), 0, (2, 1, -2, -1, 0, 0, 0)),
    (("tesla", "T"), 0, (0, 1, -2, -1, 0, 0, 0)),
    (("henry", "H"), 0, (2, 1, -2, -2, 0, 0, 0)),
    (("lux", "lx"), 0, (-2, 0, 0, 0, 0, 0, 1)),
    (("gray", "Gy", "sievert", "Sv"), 0, (2, 0, -2, 0, 0, 0, 0)),
    (("katal", "kat"), 0, (0, 0, -1, 0, 0, 1, 0)),
    (("litre", "liter", "l"), -3, (3, 0, 0, 0, 0, 0, 0)),
    (("molar", "M"), 3, (-3, 0, 0, 0, 0, 1, 0)),
)
_PREFIXES = {"y": -24, "z": -21, "a": -18, "f": -15, "p": -12, "n": -9, "u": -6, "m": -3, "c": -2, "d": -1,
             "": 0, "da": 1, "h": 2, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18, "Z": 21, "Y": 24}
#: unit name -> (power of ten, dimension); tests/test_fast_start.py checks it against Brian2's
UNITS = {prefix + name: (scale + power, dims) for names, scale, dims in _BASE_UNITS for name in names
         for prefix, power in _PREFIXES.items()}
UNITS.update({name: (0, dims) for name, dims in (("kelvin", (0, 0, 0, 0, 1, 0, 0)), ("K", (0, 0, 0, 0, 1, 0, 0)),
                                                 ("kilogram", (0, 1, 0, 0, 0, 0, 0)),
                                                 ("kilogramme", (0, 1, 0, 0, 0, 0, 0)))})

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_FACTOR = re.compile(r"^([A-Za-z]+)(?:\^(-?\d+))?$")

#: Dimensions of the physical kinds a field may ask for, by name.
DIMENSIONS = {
    "time": (0, 0, 1, 0, 0, 0, 0),
    "voltage": (2, 1, -3, -1, 0, 0, 0),
    "rate": (0, 0, -1, 0, 0, 0, 0),
    "current": (0, 0, 0, 1, 0, 0, 0),
    "conductance": (-2, -1, 3, 2, 0, 0, 0),
    "resistance": (2, 1, -3, -2, 0, 0, 0),
    "capacitance": (-2, -1, 4, 2, 0, 0, 0),
}
_SI_UNITS = {"time": "second", "voltage": "volt", "rate": "hertz", "current": "amp", "conductance": "siemens",
             "resistance": "ohm", "capacitance": "farad"}
_EXAMPLES = {"time": "20 ms", "voltage": "-70 mV", "rate": "15 Hz", "current": "200 pA",
             "conductance": "0.5 nS", "resistance": "100 Mohm", "capacitance": "200 pF"}


class _BrianUnits(Mapping):
    """Physical kind -> Brian2's SI unit of it (``KINDS["current"]`` is ``amp``).

    For code that computes with Brian2 quantities. Brian2 is imported at the
    first lookup, not with this module (a task imports KINDS long before it
    builds anything).
    """

    def __getitem__(self, kind):
        name = _SI_UNITS[kind]
        from brian2.units import allunits
        return getattr(allunits, name)

    def __contains__(self, kind):
        return kind in _SI_UNITS

    def __iter__(self):
        return iter(_SI_UNITS)

    def __len__(self):
        return len(_SI_UNITS)


#: Brian2's unit of each physical kind a field may ask for (see :data:`DIMENSIONS`).
KINDS = _BrianUnits()


class Value:
    """A validated physical value: an SI magnitude (float or float array) and its dimension.

    What a description holds while it is validated; :func:`to_brian2` makes the
    Brian2 quantity it holds afterwards. It computes as far as validation
    needs: comparisons, ``+ - * /`` (checking dimensions), ``float``,
    ``len``, indexing and :func:`numpy.asarray` (the SI values).

    Parameters
    ----------
    si : float or numpy.ndarray
        The magnitude in SI units.
    dims : tuple of int
        Exponents of metre, kilogram, second, ampere, kelvin, mole, candela.
    """

    __slots__ = ("si", "dims")
    __array_ufunc__ = None  # numpy operators defer to ours (they would drop the dimension)
    __hash__ = None

    def __init__(self, si, dims):
        self.si, self.dims = si, tuple(dims)

    @classmethod
    def of(cls, q):
        """The :class:`Value` of a Brian2 quantity."""
        si = np.asarray(q) if np.ndim(q) else float(q)
        return cls(si, [int(d) if float(d).is_integer() else float(d) for d in q.dim._dims])

    def _same(self, other, what):
        """SI magnitude of ``other``, which must have this dimension (plain numbers: dimensionless)."""
        o_si, o_dims = _split(other)
        if o_dims != self.dims and not (np.all(np.asarray(o_si) == 0) and o_dims == _DIMENSIONLESS):
            raise TypeError(f"cannot {what} values of different dimensions {self.dims} and {o_dims}")
        return o_si

    def __array__(self, dtype=None, copy=None):
        return np.array(self.si, dtype=dtype)

    def __float__(self):
        return float(self.si)

    def __bool__(self):
        return bool(self.si)

    def __len__(self):
        return len(self.si)

    def __getitem__(self, index):
        return Value(np.asarray(self.si)[index], self.dims)

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    ndim = property(lambda self: np.ndim(self.si))
    shape = property(lambda self: np.shape(self.si))
    size = property(lambda self: np.size(self.si))

    def __lt__(self, other):
        return self.si < self._same(other, "compare")

    def __le__(self, other):
        return self.si <= self._same(other, "compare")

    def __gt__(self, other):
        return self.si > self._same(other, "compare")

    def __ge__(self, other):
        return self.si >= self._same(other, "compare")

    def __eq__(self, other):
        o_si, o_dims = _split(other)
        return self.si == o_si if o_dims == self.dims else False

    def __ne__(self, other):
        return np.logical_not(self == other)

    def __add__(self, other):
        return Value(self.si + self._same(other, "add"), self.dims)

    __radd__ = __add__

    def __sub__(self, other):
        return Value(self.si - self._same(other, "subtract"), self.dims)

    def __rsub__(self, other):
        return Value(self._same(other, "subtract") - self.si, self.dims)

    def __neg__(self):
        return Value(-self.si, self.dims)

    def __abs__(self):
        return Value(abs(self.si), self.dims)

    def __mul__(self, other):
        o_si, o_dims = _split(other)
        return _make(self.si * o_si, [a + b for a, b in zip(self.dims, o_dims)])

    __rmul__ = __mul__

    def __truediv__(self, other):
        o_si, o_dims = _split(other)
        return _make(self.si / o_si, [a - b for a, b in zip(self.dims, o_dims)])

    def __rtruediv__(self, other):
        o_si, o_dims = _split(other)
        return _make(o_si / self.si, [b - a for a, b in zip(self.dims, o_dims)])

    def __pow__(self, power):
        return _make(self.si ** power, [d * power for d in self.dims])

    @property
    def dim(self):
        """Brian2's dimension object (what Brian2 asks of an operand); imports Brian2."""
        return to_brian2(self).dim

    def __repr__(self):
        return f"Value({self.si!r}, {self.dims})"

    def __str__(self):
        return str(to_brian2(self))


def _make(si, dims):
    """A :class:`Value`, or the plain number when the dimensions cancel."""
    return Value(si, dims) if any(dims) else si


def _split(x):
    """``(SI magnitude, dimension)`` of a :class:`Value`, a Brian2 quantity or a plain number."""
    if isinstance(x, Value):
        return x.si, x.dims
    if is_brian2_quantity(x):
        v = Value.of(x)
        return v.si, v.dims
    return x, _DIMENSIONLESS


def is_brian2_quantity(x):
    """Whether ``x`` is a Brian2 quantity (never imports Brian2: without it, none exists)."""
    module = sys.modules.get("brian2.units.fundamentalunits")
    return module is not None and isinstance(x, module.Quantity)


def is_quantity(x):
    """Whether ``x`` carries a unit: a :class:`Value` or a Brian2 quantity."""
    return isinstance(x, Value) or is_brian2_quantity(x)


def dimensions_of(x):
    """Dimension exponents of a :class:`Value`, a Brian2 quantity or a plain number (none)."""
    return _split(x)[1]


def _parse_unit(text, where):
    """``(SI factor, dimension)`` of ``"mV/ms"`` or ``"nA*Mohm"``: a product of factors, each with an
    optional integer power; the factor is computed as Brian2 computes it (the same floats)."""
    factor, dims = 1.0, _DIMENSIONLESS
    for op, token in re.findall(r"([*/]?)\s*([^*/\s]+)", text):
        m = _FACTOR.match(token)
        if not m or m.group(1) not in UNITS:
            raise ModelError(where, f"unknown unit {token!r}")
        scale, unit_dims = UNITS[m.group(1)]
        power = int(m.group(2) or 1)
        sign = -1 if op == "/" else 1
        f = 10.0 ** (scale * power)
        factor = factor / f if op == "/" else factor * f
        dims = tuple(d + sign * power * u for d, u in zip(dims, unit_dims))
    return factor, dims


def parse_value(value, kind, where):
    """Check ``value`` (``"20 ms"``) against the physical ``kind``; return its :class:`Value`.

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
    factor, dims = _parse_unit(m.group(2), where)
    if dims != DIMENSIONS[kind]:
        raise ModelError(where, f"wrong unit: expected a {kind} such as {example!r}, got {value!r}")
    return Value(number * factor, dims)


def parse_quantity(value, kind, where):
    """Return a Brian2 quantity of the given physical ``kind`` from ``"20 ms"`` (see :func:`parse_value`)."""
    return to_brian2(parse_value(value, kind, where))


def to_brian2(x):
    """The Brian2 quantity of a :class:`Value`; anything else is returned as it is."""
    if not isinstance(x, Value):
        return x
    from brian2.units.fundamentalunits import Quantity, get_or_create_dimension
    return Quantity(x.si, dim=get_or_create_dimension(x.dims))


def to_si(q):
    """SI float (or float array) of a quantity; plain numbers pass through."""
    if is_quantity(q):
        return np.asarray(q).astype(float) if np.ndim(q) else float(q)
    return q


def format_quantity(q):
    """Inverse of :func:`parse_quantity` for scalars: a string that parses back."""
    if is_quantity(q) and any(dimensions_of(q)):
        q = to_brian2(q)  # Brian2 picks the unit
        best = q.get_best_unit()
        return f"{float(q / best):.12g} {best}"
    return q
