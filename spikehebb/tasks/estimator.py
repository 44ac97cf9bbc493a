"""scikit-learn's estimator conventions without depending on scikit-learn (every task family's estimators).

Parameters are the ``__init__`` arguments, stored unchanged under their own
names (no validation in ``__init__``; ``fit`` checks them), so that
:func:`sklearn.base.clone` and grid searches work; learned attributes end in
``_``. :func:`clone` rebuilds an estimator from its parameters for code that
must not import scikit-learn.
"""
import inspect

import numpy as np

from ..model.errors import ModelError
from ..model.units import parse_quantity, to_si


class Estimator:
    """``get_params`` / ``set_params`` over the ``__init__`` signature (as ``sklearn.base.BaseEstimator``)."""

    #: parameter -> physical kind, for parameters that also accept unit strings ("500 ms")
    UNITS = {}

    @classmethod
    def _param_names(cls):
        sig = inspect.signature(cls.__init__)
        return sorted(n for n, p in sig.parameters.items()
                      if n != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def get_params(self, deep=True):
        """Parameters by name; with ``deep``, those of estimator-valued parameters as ``name__key``."""
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update({f"{name}__{k}": v for k, v in value.get_params().items()})
            out[name] = value
        return out

    def set_params(self, **params):
        """Set parameters by name; returns self. Unknown names are a :class:`ModelError`."""
        valid = self._param_names()
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ModelError(key, f"not a parameter of {type(self).__name__}; expected one of: "
                                      f"{', '.join(valid)}")
            if sub:
                getattr(self, name).set_params(**{sub: value})
            else:
                setattr(self, name, value)
        return self

    def __repr__(self):
        sig = inspect.signature(type(self).__init__).parameters
        changed = [f"{k}={v!r}" for k, v in self.get_params(deep=False).items()
                   if not (k in sig and _same(sig[k].default, v))]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _si(self, name):
        """Parameter ``name`` as an SI float (unit strings and Brian2 quantities accepted)."""
        value = getattr(self, name)
        if isinstance(value, str):
            value = parse_quantity(value, self.UNITS[name], name)
        try:
            return float(to_si(value))
        except (TypeError, ValueError):
            raise ModelError(name, f"expected a number or a {self.UNITS.get(name, 'value')} "
                                   f"with a unit, got {value!r}") from None

    def _seed(self):
        """The run's seed: ``random_state`` (an int), or fresh entropy for ``None``."""
        if self.random_state is None:
            return int(np.random.SeedSequence().generate_state(1)[0] >> 1)
        if isinstance(self.random_state, (bool, np.bool_)) or not isinstance(self.random_state, (int, np.integer)):
            raise ModelError("random_state", f"expected an int or None, got {self.random_state!r}")
        return int(self.random_state)


def _same(a, b):
    try:
        return bool(a == b) if not isinstance(a, np.ndarray) else False
    except (TypeError, ValueError):
        return False


def clone(estimator, **changes):
    """A new, unfitted estimator with the same parameters (and ``changes``)."""
    params = estimator.get_params(deep=False)
    params.update(changes)
    return type(estimator)(**params)
