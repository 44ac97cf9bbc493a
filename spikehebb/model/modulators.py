"""Neuromodulators (dopamine): a concentration driven by a reward source."""
import numpy as np

from .errors import ModelError
from .schema import Description, Field, Registry

SOURCES = Registry("modulator source")


class Modulator(Description):
    r"""A global modulator concentration :math:`d` (dimensionless).

    .. math:: \frac{dd}{dt} = \frac{d_0 - d}{\tau_d} + \sum_k a_k\, \delta(t - t_k)

    where :math:`d_0` is the tonic ``baseline`` and the pulses :math:`a_k`
    at :math:`t_k` come from ``source``.
    """

    FIELDS = (
        Field("tau", "time", "200 ms", positive=True),
        Field("baseline", "float", 0.0),
        Field("source", "raw", None, doc="table with a type: schedule | pairing | rpe"),
    )

    def check(self, where):
        if isinstance(self.source, dict):
            self.source = SOURCES.build(self.source, f"{where}.source")
        elif self.source is None:
            raise ModelError(f"{where}.source", "required key is missing")


@SOURCES.register
class Schedule(Description):
    """Pulses of ``amounts[k]`` at ``times[k]``: reward given by the experimenter."""

    TYPE = "schedule"
    FIELDS = (
        Field("times", "time", array=True, nonnegative=True),
        Field("amounts", "raw"),
    )

    def check(self, where):
        try:
            amounts = np.atleast_1d(np.asarray(self.amounts, dtype=float))
        except (TypeError, ValueError):
            raise ModelError(f"{where}.amounts", f"expected a number or a list of numbers, got {self.amounts!r}")
        if amounts.ndim != 1 or not np.all(np.isfinite(amounts)):
            raise ModelError(f"{where}.amounts", f"expected finite numbers, got {self.amounts!r}")
        if amounts.size == 1:
            amounts = np.repeat(amounts, np.size(self.times))
        if amounts.size != np.size(self.times):
            raise ModelError(f"{where}.amounts", "expected one amount per time (or one for all)")
        self.amounts = amounts


@SOURCES.register
class Pairing(Description):
    r"""Reward for a pre-post spike pairing at one synapse (Izhikevich 2007, Fig. 1).

    Whenever neuron ``post`` of ``population`` fires within ``window`` after
    neuron ``pre`` fires, and no reward is pending, a pulse of ``amount``
    is scheduled after a delay drawn uniformly from ``[delay_min, delay_max]``.
    """

    TYPE = "pairing"
    FIELDS = (
        Field("population", "str"),
        Field("pre", "int", nonnegative=True),
        Field("post", "int", nonnegative=True),
        Field("window", "time", "10 ms", positive=True),
        Field("delay_min", "time", "1 s", nonnegative=True),
        Field("delay_max", "time", "3 s", nonnegative=True),
        Field("amount", "float", 0.5),
    )

    def check(self, where):
        if self.delay_max < self.delay_min:
            raise ModelError(f"{where}.delay_max", "must not be below delay_min")


@SOURCES.register
class RewardPrediction(Description):
    r"""Reward from the network's output, minus its running expectation.

    Every ``period`` the mean rate :math:`\nu` of ``population`` is compared
    with ``target_rate``: reward :math:`R = 1` if :math:`\nu \ge` target
    (``direction = "above"``; ``"below"`` inverts it), else 0. The pulse is
    the reward-prediction error :math:`a = \text{amount}\,(R - \bar R)`, and
    :math:`\bar R \leftarrow \bar R + \alpha (R - \bar R)`.
    """

    TYPE = "rpe"
    FIELDS = (
        Field("population", "str"),
        Field("period", "time", "500 ms", positive=True),
        Field("target_rate", "rate", "10 Hz", nonnegative=True),
        Field("direction", "str", "above", choices=("above", "below")),
        Field("alpha", "float", 0.1, positive=True),
        Field("amount", "float", 1.0),
    )
