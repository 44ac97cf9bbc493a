"""Declarative, validated parameter sets: the base of every description.

A description class lists its parameters as :class:`Field` objects; building
one (from a model file table or from Python) checks names, units, signs and
choices, and fails with a :class:`~spikehebb.model.errors.ModelError` that
names the key.

Validation needs no Brian2: physical values are checked and compared as
:class:`~spikehebb.model.units.Value` objects. Only when the outermost
description (or :func:`parse_fields` call) is complete, and nothing in it can
fail any more, are they turned into the Brian2 quantities that descriptions
hold (:func:`materialize`). So a bad model file is reported without
importing Brian2, and a valid one gives the objects it always gave.
"""
import contextlib
import contextvars

import numpy as np

from ..registry import Registry  # noqa: F401  descriptions' type registries (POPULATIONS, RULES, ...)
from .errors import ModelError
from .units import DIMENSIONS, Value, dimensions_of, format_quantity, is_quantity, parse_value, to_brian2

REQUIRED = object()

#: how many descriptions (or parse_fields calls) are being validated, one inside the other
_DEPTH = contextvars.ContextVar("spikehebb_validation_depth", default=0)


@contextlib.contextmanager
def _validating():
    """Marks a validation in progress; yields True for the outermost one."""
    token = _DEPTH.set(_DEPTH.get() + 1)
    try:
        yield _DEPTH.get() == 1
    finally:
        _DEPTH.reset(token)


def materialize(obj, _seen=None):
    """Turn every :class:`~spikehebb.model.units.Value` in ``obj`` into a Brian2 quantity, in place.

    Walks descriptions' attributes, dicts, lists and tuples (a tuple is rebuilt);
    returns ``obj`` (or the rebuilt tuple, or the quantity for a lone Value).
    """
    if isinstance(obj, Value):
        return to_brian2(obj)
    _seen = set() if _seen is None else _seen
    if id(obj) in _seen:
        return obj
    if isinstance(obj, Description):
        _seen.add(id(obj))
        for name, value in vars(obj).items():
            new = materialize(value, _seen)
            if new is not value:
                setattr(obj, name, new)
    elif isinstance(obj, dict):
        _seen.add(id(obj))
        for key, value in obj.items():
            new = materialize(value, _seen)
            if new is not value:
                obj[key] = new
    elif isinstance(obj, list):
        _seen.add(id(obj))
        for k, value in enumerate(obj):
            new = materialize(value, _seen)
            if new is not value:
                obj[k] = new
    elif isinstance(obj, tuple):
        items = [materialize(v, _seen) for v in obj]
        if any(a is not b for a, b in zip(items, obj)):
            return type(obj)(items) if type(obj) is tuple else type(obj)(*items)
    return obj


class Field:
    """One parameter of a description.

    Parameters
    ----------
    name : str
        Key in the model file.
    kind : str
        A physical kind from :data:`spikehebb.model.units.DIMENSIONS` (``"time"``,
        ``"voltage"``, ...), or ``"float"``, ``"int"``, ``"str"``, ``"bool"``,
        ``"ints"`` (list of integers), ``"raw"`` (passed through).
    default : object
        Value when absent; :data:`REQUIRED` if the key must be given.
    positive, nonnegative : bool
        Sign constraints (time constants are ``positive``).
    choices : tuple of str
        Allowed values for ``kind="str"``.
    array : bool
        Accept a list (or array) of values as well as a scalar.
    doc : str
        One line for generated documentation.
    """

    def __init__(self, name, kind, default=REQUIRED, *, positive=False, nonnegative=False,
                 choices=(), array=False, doc=""):
        self.name, self.kind, self.default = name, kind, default
        self.positive, self.nonnegative = positive, nonnegative
        self.choices, self.array, self.doc = tuple(choices), array, doc

    def coerce(self, value, where):
        """Validate ``value`` and return it in canonical form."""
        if self.array and isinstance(value, (list, tuple, np.ndarray)) and self.kind not in ("ints", "raw"):
            if len(value) == 0:
                raise ModelError(where, "expected a non-empty list")
            items = [self._scalar(v, f"{where}[{i}]") for i, v in enumerate(value)]
            value = Value(np.asarray(items), items[0].dims) if isinstance(items[0], Value) else np.asarray(items)
            return value
        return self._scalar(value, where)

    def _scalar(self, value, where):
        k = self.kind
        if k in DIMENSIONS:
            if is_quantity(value):  # from Python: validated like a parsed one
                if dimensions_of(value) != DIMENSIONS[k]:
                    raise ModelError(where, f"wrong unit: expected a {k}, got {value}")
                q = value if isinstance(value, Value) else Value.of(value)
            else:
                q = parse_value(value, k, where)
            self._check_sign(float(np.min(np.asarray(q))), value, where)
            return q
        if k == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise ModelError(where, f"expected a number, got {value!r}")
            if not np.isfinite(value):  # TOML accepts nan and inf; no parameter means them
                raise ModelError(where, f"expected a finite number, got {value!r}")
            self._check_sign(float(value), value, where)
            return float(value)
        if k == "int":
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise ModelError(where, f"expected an integer, got {value!r}")
            self._check_sign(int(value), value, where)
            return int(value)
        if k == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise ModelError(where, f"expected true or false, got {value!r}")
            return bool(value)
        if k == "str":
            if not isinstance(value, str):
                raise ModelError(where, f"expected a string, got {value!r}")
            if self.choices and value not in self.choices:
                raise ModelError(where, f"expected one of {', '.join(self.choices)}; got {value!r}")
            return value
        if k == "ints":
            arr = np.asarray(value) if np.size(value) else np.zeros(0, np.int64)
            if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
                raise ModelError(where, f"expected a list of integers, got {value!r}")
            if (arr < 0).any():
                raise ModelError(where, "expected non-negative indices")
            return arr.astype(np.int64)
        return value  # raw

    def _check_sign(self, x, value, where):
        if self.positive and not x > 0:
            raise ModelError(where, f"must be positive, got {format_quantity(value) if is_quantity(value) else value!r}")
        if self.nonnegative and not x >= 0:
            raise ModelError(where, f"must not be negative, got {format_quantity(value) if is_quantity(value) else value!r}")


def parse_fields(fields, values, where, *, ignore=()):
    """Validate a mapping against ``fields``; return ``{name: value}`` with defaults.

    Unknown keys and missing required keys raise :class:`ModelError`. Physical
    values are Brian2 quantities, unless a description being validated asked
    (it gets :class:`~spikehebb.model.units.Value` objects, see :func:`materialize`).
    """
    with _validating() as outermost:
        known = {f.name: f for f in fields}
        for key in values:
            if key not in known and key not in ignore:
                raise ModelError(_join(where, key), f"unknown key; expected one of: {', '.join(sorted(known))}")
        out = {}
        for f in fields:
            if f.name in values:
                out[f.name] = f.coerce(values[f.name], _join(where, f.name))
            elif f.default is REQUIRED:
                raise ModelError(_join(where, f.name), "required key is missing")
            else:
                out[f.name] = f.default if f.default is None else f.coerce(f.default, _join(where, f.name))
    return materialize(out) if outermost else out


def _join(where, key):
    return f"{where}.{key}" if where else key


class Description:
    """Base of all inert descriptions: validated attributes, nothing else.

    Subclasses set ``FIELDS`` (a tuple of :class:`Field`) and, when they are
    chosen by a ``type`` key in a model file, ``TYPE``.
    """

    FIELDS = ()
    TYPE = None

    def __init__(self, _where="", **values):
        with _validating() as outermost:
            for name, value in parse_fields(self.FIELDS, values, _where or self.TYPE or "").items():
                setattr(self, name, value)
            self._where = _where
            self.check(_where or self.TYPE or "")
        if outermost:  # all of it is valid: Brian2 quantities from here on
            materialize(self)

    def check(self, where):
        """Cross-field checks; override and raise :class:`ModelError`.

        Physical values are :class:`~spikehebb.model.units.Value` objects here
        (compare them, or their :func:`numpy.asarray` in SI units).
        """

    def params(self):
        """``{name: value}`` of all fields."""
        return {f.name: getattr(self, f.name) for f in self.FIELDS}

    def replace(self, **changes):
        """A copy with some fields changed (validated again)."""
        values = self.params()
        values.update(changes)
        return type(self)(_where=self._where, **{k: v for k, v in values.items() if v is not None})

    def __repr__(self):
        args = ", ".join(f"{k}={format_quantity(v) if is_quantity(v) and not np.ndim(v) else v!r}"
                         for k, v in self.params().items())
        return f"{type(self).__name__}({args})"
