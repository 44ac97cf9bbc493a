r"""Modulators (dopamine) on the rate backend: the same concentration, driven by rates.

The concentration above baseline decays with ``tau`` and jumps at reward
events, as on the spiking backend. Sources translate to rates:

- ``schedule``: the given pulses, unchanged.
- ``pairing``: a pre spike followed by a post spike within the window happens,
  for independent Poisson trains, at the rate
  :math:`r_{pre}(1 - e^{-r_{post} T_w})`; events are drawn from the run's
  generator at that rate, and each schedules a reward after a uniform delay.
- ``rpe``: every period the population's mean rate is compared with the
  target; pulse :math:`a (R - \bar R)`, :math:`\bar R \leftarrow \bar R + \alpha(R - \bar R)`.
"""
import numpy as np

from ...model.modulators import Pairing, RewardPrediction, Schedule
from ...model.units import to_si
from ..base import builder_registry

SOURCE_BUILDERS = builder_registry("rate")


class ModulatorRun:
    """State of one modulator: concentration above baseline, reward counts."""

    def __init__(self, name, description, net):
        self.name, self.tau, self.baseline = name, to_si(description.tau), description.baseline
        self.x, self.n_events, self.reward_times = 0.0, 0, []
        self.source = SOURCE_BUILDERS.build(description.source, self, net)

    @property
    def concentration(self):
        return self.x + self.baseline

    def step(self, t, dt, net):
        """Advance from ``t`` to ``t + dt``: decay, then this step's pulses."""
        self.x *= np.exp(-dt / self.tau)
        for amount, counted in self.source(t, dt, net):
            self.x += amount
            if counted:
                self.n_events += 1
                self.reward_times.append(t + dt)


@SOURCE_BUILDERS.register(Schedule)
def build_schedule(source, mod, net):
    times = np.atleast_1d(to_si(source.times))
    amounts = np.asarray(source.amounts, float)

    def events(t, dt, net):
        hit = (times >= t) & (times < t + dt)
        return [(a, True) for a in amounts[hit]]
    return events


@SOURCE_BUILDERS.register(Pairing)
def build_pairing(source, mod, net):
    window = to_si(source.window)
    lo, span = to_si(source.delay_min), to_si(source.delay_max) - to_si(source.delay_min)
    pending = [None]

    def events(t, dt, net):
        rates = net.rates[source.population]
        out = []
        if pending[0] is not None and t + dt >= pending[0]:
            out.append((source.amount, True))
            pending[0] = None
        if pending[0] is None:
            p = rates[source.pre] * dt * (1 - np.exp(-rates[source.post] * window))
            if net.rng.random() < p:
                pending[0] = t + dt + lo + span * net.rng.random()
        return out
    return events


@SOURCE_BUILDERS.register(RewardPrediction)
def build_rpe(source, mod, net):
    period, target = to_si(source.period), to_si(source.target_rate)
    sign = 1 if source.direction == "above" else -1
    state = {"sum": 0.0, "time": 0.0, "rbar": 0.0}

    def events(t, dt, net):
        state["sum"] += float(np.mean(net.rates[source.population])) * dt
        state["time"] += dt
        if state["time"] < period - 1e-9:
            return []
        nu = state["sum"] / state["time"]
        state["sum"] = state["time"] = 0.0
        reward = float(sign * (nu - target) >= 0)
        pulse = source.amount * (reward - state["rbar"])
        state["rbar"] += source.alpha * (reward - state["rbar"])
        return [(pulse, reward > 0)]
    return events
