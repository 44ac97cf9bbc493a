"""Projections: who connects to whom, with which weights and which rule."""
import numpy as np

from .errors import ModelError
from .rules import RULES, Static
from .schema import Description, Field
from .units import DIMENSIONS, Value, dimensions_of, is_quantity, parse_value


class RateProjection(Description):
    """Parameters of a projection that only the rate backend reads."""

    FIELDS = (Field("dtype", "str", "float64", choices=("float64", "float32"),
                    doc="precision of the weights and activities (classifier layers)"),)


_SIMPLE = ("all_to_all", "one_to_one", "fixed_probability", "indices")


class Projection(Description):
    r"""Synapses from population ``pre`` to population ``post``.

    Connectivity is the projection's concern, independent of the rule:
    ``all_to_all``, ``one_to_one``, ``fixed_probability`` (each pair with
    probability ``p``), or ``indices`` (explicit lists ``i`` and ``j``).
    Weights carry units: amperes onto current-based LIF neurons, siemens onto
    conductance-based ones. ``w_init`` is a scalar, one value per synapse, or
    the lower end of a uniform draw when ``w_init_high`` is given.
    """

    FIELDS = (
        Field("pre", "str"),
        Field("post", "str"),
        Field("connectivity", "raw", "all_to_all",
              doc="all_to_all | one_to_one | fixed_probability | indices, or a table with a type "
                  "(conv, pool: spikehebb.model.classifier)"),
        Field("p", "float", None, nonnegative=True, doc="connection probability"),
        Field("i", "ints", None, doc="pre indices (connectivity = indices)"),
        Field("j", "ints", None, doc="post indices (connectivity = indices)"),
        Field("autapses", "bool", False, doc="allow i == j when pre == post"),
        Field("receptor", "str", "exc", choices=("exc", "inh")),
        Field("w_init", "raw", doc="initial weight(s), or a table with a type (stored_patterns)"),
        Field("w_init_high", "raw", None, doc="upper end of a uniform initial weight"),
        Field("w_min", "raw", None, doc="lower bound (default 0)"),
        Field("w_max", "raw", None, doc="upper bound (required for plastic rules)"),
        Field("delay", "time", "0 ms", nonnegative=True),
        Field("rule", "raw", None, doc="plasticity rule table (default static)"),
        Field("rate", "raw", None, doc="rate backend only: {dtype = float64 | float32}"),
    )

    def check(self, where):
        if isinstance(self.w_init, dict):  # weights computed at build time (e.g. stored patterns)
            from .hopfield import WEIGHT_INITS
            self.w_init = WEIGHT_INITS.build(self.w_init, f"{where}.w_init")
        if isinstance(self.connectivity, dict):
            from .connectivity import CONNECTIVITY
            self.connectivity = CONNECTIVITY.build(self.connectivity, f"{where}.connectivity")
        elif self.connectivity not in _SIMPLE:
            raise ModelError(f"{where}.connectivity", f"expected one of {', '.join(_SIMPLE)} or a table "
                                                      f"with a type; got {self.connectivity!r}")
        if isinstance(self.rate, dict) or self.rate is None:
            self.rate = RateProjection(_where=f"{where}.rate", **(self.rate or {}))
        if self.rule is None:
            self.rule = Static()
        elif isinstance(self.rule, dict):
            self.rule = RULES.build(self.rule, f"{where}.rule")
        if self.connectivity == "fixed_probability" and (self.p is None or self.p > 1):
            raise ModelError(f"{where}.p", "fixed_probability needs p in [0, 1]")
        if self.connectivity == "indices":
            if self.i is None or self.j is None or len(self.i) != len(self.j):
                raise ModelError(f"{where}.i", "connectivity = indices needs lists i and j of equal length")
        if self.rule.PLASTIC and getattr(self.rule, "BOUNDED", True) and self.w_max is None:
            raise ModelError(f"{where}.w_max", f"required for the plastic rule {self.rule.TYPE!r}")

    def weights_as(self, kind, where):
        """Coerce the weight fields to physical ``kind`` ("current" or "conductance")."""
        for name in ("w_init", "w_init_high", "w_min", "w_max"):
            value = getattr(self, name)
            if value is None or isinstance(value, Description):
                continue
            setattr(self, name, _weight(value, kind, f"{where}.{name}"))
        if self.w_min is None:
            self.w_min = Value(0.0, DIMENSIONS[kind]) if kind else 0.0
        if isinstance(self.w_init, Description):  # computed later: nothing to compare yet
            return
        bad = np.asarray(self.w_init) < np.asarray(self.w_min)
        if self.w_max is not None:
            if not self.w_max > self.w_min:
                raise ModelError(f"{where}.w_max", "must be above w_min")
            top = self.w_init_high if self.w_init_high is not None else self.w_init
            bad = bad | (np.asarray(top) > np.asarray(self.w_max) * (1 + 1e-9))
        if np.any(bad):
            raise ModelError(f"{where}.w_init", "initial weights must lie within [w_min, w_max]")


def _weight(value, kind, where):
    if kind is None:  # rate-native units: dimensionless weights
        try:
            w = np.asarray(value, dtype=float) if np.ndim(value) else float(value)
        except (TypeError, ValueError):
            raise ModelError(where, f"expected a number (weights onto rate units are dimensionless), got {value!r}")
        if not np.all(np.isfinite(w)):
            raise ModelError(where, f"expected finite numbers, got {value!r}")
        return w
    if is_quantity(value):
        if dimensions_of(value) != DIMENSIONS[kind]:
            raise ModelError(where, f"wrong unit: weights onto this population are a {kind}, got {value}")
        return value if isinstance(value, Value) else Value.of(value)  # validated as a parsed one
    if isinstance(value, (list, tuple)):
        items = [parse_value(v, kind, f"{where}[{k}]") for k, v in enumerate(value)]
        return Value(np.array([float(q) for q in items]), DIMENSIONS[kind])
    return parse_value(value, kind, where)
