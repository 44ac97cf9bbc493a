r"""Rate-native descriptions: rate units and the classic rate-based Hebbian rules.

These run on the rate backend only (the spiking backend reports them as
unsupported). Weights onto :class:`RateUnits` are dimensionless; rates are
in Hz, so a ``learning_rate`` :math:`\eta` of a rule that multiplies two rates
is in :math:`1/(\mathrm{s}\,\mathrm{Hz}^2)` and is given as a plain number.
In the equations, :math:`x_i` is the presynaptic and :math:`y_j` the
postsynaptic rate of the synapse :math:`w_{ij}`. Weights stay within the
projection's ``[w_min, w_max]``.
"""
import numpy as np

from .errors import ModelError
from .neurons import POPULATIONS
from .rules import RULES
from .schema import Description, Field


@POPULATIONS.register
class RateUnits(Description):
    r"""Rate units: :math:`\tau\, \dot y = -y + f(\sum_i \pm w_i x_i + b)`.

    ``transfer`` :math:`f` is ``linear`` (:math:`g u`), ``relu``
    (:math:`\min(\max(g u, 0), r_{max})`) or ``sigmoid``
    (:math:`r_{max}/(1 + e^{-g u})`), with ``gain`` :math:`g` and ``bias``
    :math:`b` (Hz). Inhibitory projections (``receptor = "inh"``) enter with a
    minus sign. ``tau = 0 ms`` makes the units instantaneous.
    """

    TYPE = "rate_units"
    FIELDS = (
        Field("n", "int", positive=True),
        Field("transfer", "str", "relu", choices=("linear", "relu", "sigmoid")),
        Field("tau", "time", "10 ms", nonnegative=True, doc="rate time constant (0: instantaneous)"),
        Field("gain", "float", 1.0, doc="slope of the transfer function (per Hz for sigmoid)"),
        Field("bias", "float", 0.0, doc="added to the input, in Hz"),
        Field("r_max", "rate", "1000 Hz", positive=True, doc="saturation of relu and sigmoid"),
    )
    #: weights onto rate units are dimensionless
    weight_kind = None


@POPULATIONS.register
class PatternInput(Description):
    r"""Input rates that switch between fixed patterns every ``period``.

    ``patterns`` is a list of equal-length lists of rates in Hz, one entry per
    input unit. Each period shows one pattern, drawn uniformly at random from
    the run's generator (``order = "random"``) or in turn (``"cycle"``), plus
    independent Gaussian ``noise`` (standard deviation, Hz) per unit, clipped
    at 0 Hz. Rate backend only.
    """

    TYPE = "rate_patterns"
    FIELDS = (
        Field("patterns", "raw", doc="list of lists of rates in Hz"),
        Field("period", "time", "100 ms", positive=True),
        Field("order", "str", "random", choices=("random", "cycle")),
        Field("noise", "rate", "0 Hz", nonnegative=True),
    )

    def check(self, where):
        try:
            arr = np.asarray(self.patterns, dtype=float)
        except (TypeError, ValueError):
            arr = np.zeros(0)
        if arr.ndim != 2 or arr.size == 0 or not np.all(np.isfinite(arr)) or (arr < 0).any():
            raise ModelError(f"{where}.patterns", "expected a list of equal-length lists of non-negative rates (Hz)")
        self.patterns = arr

    @property
    def n(self):
        return self.patterns.shape[1]


_ETA = Field("learning_rate", "float", positive=True, doc="eta, per second per Hz^2")


class _NativeRule(Description):
    PLASTIC = True
    RATE_ONLY = True


@RULES.register
class Hebb(_NativeRule):
    r"""Plain Hebbian rule: :math:`\dot w_{ij} = \eta\, x_i y_j` (Hebb 1949)."""

    TYPE = "hebb"
    FIELDS = (_ETA,)


@RULES.register
class Oja(_NativeRule):
    r"""Oja's rule: :math:`\dot w_{ij} = \eta\, y_j (x_i - y_j w_{ij})`.

    With a linear unit :math:`y = w^\top x` the weight vector converges to the
    unit-norm principal eigenvector of :math:`\langle x x^\top \rangle`
    (Oja 1982, J. Math. Biol. 15:267).
    """

    TYPE = "oja"
    FIELDS = (_ETA,)


@RULES.register
class BCM(_NativeRule):
    r"""BCM rule with a sliding threshold (Bienenstock, Cooper & Munro 1982).

    .. math::

        \dot w_{ij} = \eta\, x_i\, y_j (y_j - \theta_j), \qquad
        \tau_\theta\, \dot\theta_j = y_j^2 / y_0 - \theta_j

    (the threshold tracks :math:`\langle y^2\rangle / y_0`; Intrator & Cooper
    1992, Neural Netw. 5:3). Units become selective to one input pattern.
    """

    TYPE = "bcm"
    FIELDS = (_ETA,
              Field("tau_theta", "time", "1 s", positive=True),
              Field("y0", "rate", "10 Hz", positive=True, doc="target rate scale"),
              Field("theta_init", "rate", None, nonnegative=True, doc="initial threshold (default y0)"))


@RULES.register
class Covariance(_NativeRule):
    r"""Covariance rule (Sejnowski 1977): :math:`\dot w_{ij} = \eta (x_i - \bar x_i)(y_j - \bar y_j)`,
    with running means :math:`\tau_{avg}\,\dot{\bar x} = x - \bar x` (started at the first rates)."""

    TYPE = "covariance"
    FIELDS = (_ETA, Field("tau_avg", "time", "1 s", positive=True))


@RULES.register
class Foldiak(_NativeRule):
    r"""Anti-Hebbian lateral inhibition (Foldiak 1990, Biol. Cybern. 64:165).

    Foldiak's lateral weights are negative, :math:`\Delta w_{ij} = -\eta (y_i y_j - p^2)`;
    here the projection has ``receptor = "inh"`` and holds the magnitude
    :math:`|w_{ij}|`, so :math:`\dot{|w_{ij}|} = \eta (y_i y_j - p^2)`: units that
    fire together more than chance (target rate ``p``) inhibit each other more,
    decorrelating their outputs.
    """

    TYPE = "foldiak"
    FIELDS = (_ETA, Field("target", "rate", "5 Hz", nonnegative=True, doc="target rate p"))


@RULES.register
class Sanger(_NativeRule):
    r"""Sanger's generalised Hebbian algorithm (Sanger 1989, Neural Netw. 2:459).

    .. math:: \dot w_{ij} = \eta\, y_j \left(x_i - \sum_{k \le j} w_{ik}\, y_k\right)

    With linear output units, column :math:`j` converges to the :math:`j`-th
    principal eigenvector of :math:`\langle x x^\top\rangle`, in order (Hebbian
    PCA). Needs ``all_to_all`` connectivity.
    """

    TYPE = "sanger"
    FIELDS = (_ETA,)
