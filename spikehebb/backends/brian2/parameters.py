"""Scalar parameters as shared constants of their groups, given their values at run time.

Brian2 compiles namespace constants into the generated code, so a new value
of ``tau_m`` or ``a_plus`` is a new standalone binary. Declared instead as
``tau_m : second (shared, constant)`` and set through Brian2's ``run_args``
(the binary reads them from its command line before the run), they leave
the generated code, and with it the build key, unchanged: a ``--set`` of a
scalar parameter reuses the cached binary. Brian2 hoists expressions of
shared constants out of its loops, so the loop costs what it did with
literals. On runtime targets the same values are simply assigned.
"""
import numpy as np
from brian2.units.fundamentalunits import DIMENSIONLESS, Quantity, get_dimensions, get_unit

__all__ = ["declare", "is_parameter"]


def is_parameter(value):
    """A scalar number or quantity (not a ``TimedArray``, function or array)."""
    return (isinstance(value, (int, float, np.number, Quantity)) and np.ndim(value) == 0
            and not isinstance(value, (bool, np.bool_)))


def declare(values):
    """Equation lines declaring each of ``values`` (name -> scalar) a shared constant."""
    lines = []
    for name, value in values.items():
        dim = get_dimensions(value)
        unit = "1" if dim is DIMENSIONLESS else repr(get_unit(dim))
        lines.append(f"{name} : {unit} (shared, constant)\n")
    return "".join(lines)
