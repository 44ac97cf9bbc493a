r"""Population builders of the rate backend: every population becomes rate units.

- ``poisson`` inputs are their rates (piecewise-constant schedules and rate
  arrays included). As the post of a plastic projection they keep that rate (they
  take no input), so the rate rules apply with it exactly: a Poisson post neuron
  at rate r gives pair STDP's Kempter drift with r.
- ``spike_times`` become pulse rates: the spikes of a step divided by the step
  (so the rate rules see no spike timing: pairing protocols need the spike backend).
- ``lif`` units relax to the Siegert rate of their input statistics
  (:mod:`.input_stats`) with the membrane time constant,
  :math:`\tau_m \dot r = -r + \Phi(\mu, \sigma)`, which keeps recurrent
  networks stable with explicit steps.
- ``rate_units`` relax to their transfer function of the summed input.
- ``rate_patterns`` show one of their patterns per period (drawn from the run's generator).

Units are converted to SI floats here, once.
"""
import numpy as np

from ...model.neurons import LIF, PoissonInput, SpikeTimes
from ...model.rate_models import PatternInput, RateUnits
from ...model.units import to_si
from ..base import builder_registry
from .input_stats import LIFParams, lif_input_stats
from .transfer import TRANSFER, siegert

POPULATION_BUILDERS = builder_registry("rate")


class Units:
    """Base: ``n`` units with current rates ``rate`` (Hz)."""

    receives = None  # "lif" (mean/variance drive) or "sum" (weighted sum), None: no synapses

    def __init__(self, n):
        self.n, self.rate = n, np.zeros(n)

    def update(self, t, dt, drive):
        """Set ``self.rate`` for the step starting at ``t``."""


class PoissonUnits(Units):
    def __init__(self, pop):
        super().__init__(pop.n)
        table = pop.rate_array(None)
        if table is None:
            self.rate = np.broadcast_to(np.asarray(to_si(pop.rate), float), (pop.n,)).copy()
            self.table = None
        else:
            self.table, self.step = table
            self.rate = self.table[0].astype(float)

    def update(self, t, dt, drive):
        if self.table is not None:
            k = min(int(np.floor(t / self.step + 1e-9)), len(self.table) - 1)
            self.rate = self.table[k].astype(float)


class PatternUnits(Units):
    def __init__(self, pop, rng):
        super().__init__(pop.n)
        self.patterns, self.period, self.random = pop.patterns, to_si(pop.period), pop.order == "random"
        self.noise, self.rng, self.shown = to_si(pop.noise), rng, -1

    def update(self, t, dt, drive):
        k = int(np.floor(t / self.period + 1e-9))
        if k != self.shown:  # a new period: draw the next pattern and its noise
            self.shown = k
            idx = self.rng.integers(len(self.patterns)) if self.random else k % len(self.patterns)
            rate = self.patterns[idx] + (self.noise * self.rng.standard_normal(self.n) if self.noise else 0.0)
            self.rate = np.maximum(rate, 0.0)


class SpikeTimesUnits(Units):
    def __init__(self, pop):
        super().__init__(pop.n)
        self.times = np.atleast_1d(to_si(pop.times))
        self.indices = np.asarray(pop.indices)

    def update(self, t, dt, drive):
        hit = (self.times >= t - 1e-12) & (self.times < t + dt - 1e-12)
        self.rate = np.bincount(self.indices[hit], minlength=self.n) / dt


class LIFUnits(Units):
    receives = "lif"

    def __init__(self, pop):
        super().__init__(pop.n)
        si = {k: to_si(getattr(pop, k)) for k in ("tau_m", "r_m", "v_rest", "v_reset", "v_th", "t_ref",
                                                  "tau_e", "tau_i", "e_e", "e_i", "sigma")}
        i_ext = np.broadcast_to(np.asarray(to_si(pop.i_ext), float), (pop.n,)).copy()
        self.params = LIFParams(n=pop.n, synapse=pop.synapse, i_ext=i_ext, **si)
        self._stats, self._target = None, np.zeros(pop.n)

    def target(self, drive):
        """Siegert rate of the current input statistics, recomputed only where they changed."""
        z, p = np.zeros(self.n), self.params
        stats = np.array(lif_input_stats(p, drive.get(("exc", 1), z), drive.get(("exc", 2), z),
                                         drive.get(("inh", 1), z), drive.get(("inh", 2), z)))
        # (mu, sigma, tau, shift) against their values at the last evaluation: a change
        # below 1e-9 of the threshold gap (or of tau_m) leaves the rate as it was; small
        # changes accumulate against the stored values, so slow drifts are still followed
        if self._stats is None:
            changed = np.ones(self.n, bool)
            self._stats = stats.copy()
        else:
            gap = p.v_th - p.v_reset
            scale = np.array([gap, gap, p.tau_m, gap])[:, None]
            changed = (np.abs(stats - self._stats) > 1e-9 * scale).any(axis=0)
        if changed.any():
            mu, sig, tau, shift = stats[:, changed]
            self._target[changed] = siegert(mu, sig, p.v_th, p.v_reset, tau, p.t_ref, shift)
            self._stats[:, changed] = stats[:, changed]
        return self._target

    def update(self, t, dt, drive):
        a = 1 - np.exp(-dt / self.params.tau_m)
        self.rate = self.rate + a * (self.target(drive) - self.rate)


class NativeUnits(Units):
    receives = "sum"

    def __init__(self, pop):
        super().__init__(pop.n)
        self.f, self.tau = TRANSFER[pop.transfer], to_si(pop.tau)
        self.kw = {"gain": pop.gain, "bias": pop.bias, "r_max": to_si(pop.r_max)}

    def update(self, t, dt, drive):
        u = drive.get(("exc", 1), 0.0) - drive.get(("inh", 1), 0.0)
        target = self.f(u + np.zeros(self.n), **self.kw)
        a = 1.0 if self.tau == 0 else 1 - np.exp(-dt / self.tau)
        self.rate = self.rate + a * (target - self.rate)


POPULATION_BUILDERS.register(PoissonInput)(lambda pop, rng: PoissonUnits(pop))
POPULATION_BUILDERS.register(SpikeTimes)(lambda pop, rng: SpikeTimesUnits(pop))
POPULATION_BUILDERS.register(LIF)(lambda pop, rng: LIFUnits(pop))
POPULATION_BUILDERS.register(RateUnits)(lambda pop, rng: NativeUnits(pop))
POPULATION_BUILDERS.register(PatternInput)(PatternUnits)
