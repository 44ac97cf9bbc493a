r"""Spike backend: a ``binary_units`` memory as LIF neurons (Brian2).

The mapping (its parameters are the population's ``spike`` table,
:class:`spikehebb.model.hopfield.SpikingHopfield`): a :math:`\pm 1` state is a
rate, :math:`s_j = 2 r_j - 1` with :math:`r_j = \nu_j / \nu_{on}`, so the
Hopfield field is

.. math::

    h_i = \sum_j W_{ij} s_j = 2 \sum_j W_{ij} r_j - \sum_j W_{ij},

and neuron :math:`i` receives :math:`I_i = I_{rh} + \kappa h_i` (plus the cue),
:math:`I_{rh} = (v_{th} - v_{rest})/R_m`, so that it fires when
:math:`h_i > 0`, like :math:`s_i = \operatorname{sgn}(h_i)`:

* the recurrent term :math:`2\kappa\sum_j W_{ij} r_j` comes through
  current-based exponential synapses: a synapse of weight :math:`w` driven at
  rate :math:`\nu` gives a mean current :math:`w\nu\tau_{syn}`, hence
  :math:`w_{ij} = 2\kappa W_{ij}/(\nu_{on}\tau_{syn})`, excitatory for positive
  and inhibitory for negative :math:`W_{ij}` (two projections of the
  population onto itself);
* the constant :math:`I_{rh} - \kappa\sum_j W_{ij}` is the bias current;
* :math:`\nu_{on}` is the LIF rate at :math:`I_{rh} + \kappa`
  (:func:`spikehebb.model.analytic.lif_rate`): a retrieved pattern has
  :math:`|h_i| \approx 1`.

This is a mean-field argument: it holds when units are nearly binary and fire
asynchronously, hence a large :math:`\kappa` (five times the rheobase), a
10 ms refractory period (the f-I curve saturates), initial potentials spread
below threshold, and slow (30 ms, NMDA-like) synapses when the cue is switched
off, which carry the state across refractory periods, as in models of
persistent activity [2]_. ``K`` cues run at once as ``K`` disconnected copies
of the network: one build, one run.

References
----------
.. [1] J. J. Hopfield, "Neurons with graded response have collective
   computational properties like those of two-state neurons", PNAS 81, 3088 (1984).
.. [2] X.-J. Wang, "Synaptic basis of cortical persistent activity: the
   importance of NMDA receptors to working memory", J. Neurosci. 19, 9587 (1999).
"""
import numpy as np

from ...model.analytic import lif_rate
from ...model.errors import ModelError
from ...model.hopfield import BinaryUnits, DenseMemory, ModernHopfield, memory_of
from ...model.units import to_si
from .. import memory
from ..base import builder_registry

MEMORY_BUILDERS = builder_registry("spike")

#: LIF fields of the spike table, in the order of :class:`spikehebb.model.LIF`
_LIF_KEYS = ("tau_m", "r_m", "v_rest", "v_reset", "v_th", "t_ref")


def on_rate(spec):
    r""":math:`\nu_{on}` (Hz): the LIF rate at the rheobase plus :math:`\kappa`."""
    p = {k: to_si(getattr(spec, k)) for k in _LIF_KEYS}
    mu = p["v_rest"] + p["r_m"] * ((p["v_th"] - p["v_rest"]) / p["r_m"] + to_si(spec.kappa))
    return float(lif_rate(mu, p["v_th"], p["v_reset"], p["tau_m"], p["t_ref"]))


def lif_network(weights, cues, spec):
    """The :class:`spikehebb.model.Network` that runs ``weights`` from each of ``cues`` (K, N)."""
    from brian2 import amp
    from ...model import LIF, Network, PoissonInput, Projection, Record

    tau, nu_on = spec.synaptic_tau(), on_rate(spec)
    k_copies = len(cues)
    w = np.kron(np.eye(k_copies), np.asarray(weights, float))
    c = cues.ravel()
    n = len(w)
    kappa = to_si(spec.kappa)
    i_rh = to_si(spec.v_th - spec.v_rest) / to_si(spec.r_m)
    i_ext = i_rh - kappa * w.sum(axis=1)
    if spec.cue == "current":
        i_ext = i_ext + spec.cue_gain * kappa * c
    syn = 2 * kappa * w / (nu_on * to_si(tau))  # amperes per spike, (post, pre)
    post, pre = np.nonzero(syn)
    projections = {}
    for name, sign in (("exc", 1), ("inh", -1)):
        keep = sign * syn[post, pre] > 0
        if keep.any():
            projections[name] = Projection(pre="cells", post="cells", connectivity="indices", i=pre[keep],
                                           j=post[keep], receptor=name,
                                           w_init=np.abs(syn[post[keep], pre[keep]]) * amp)
    populations = {"cells": LIF(n=n, synapse="current", i_ext=i_ext * amp, tau_e=tau, tau_i=tau,
                                v_init="uniform", **{k: getattr(spec, k) for k in _LIF_KEYS})}
    if spec.cue == "rate":
        steps = max(int(round(float(spec.duration / spec.cue_duration))), 2)
        rates = np.zeros((steps, n))
        rates[0] = to_si(spec.cue_rate)
        populations["cue"] = PoissonInput(n=n, rates=rates, schedule_dt=spec.cue_duration)
        w_cue = spec.cue_weight if spec.cue_weight is not None else spec.kappa
        # +1 bits are excited and -1 bits inhibited, so that the cue sets the whole state
        for name, bits in (("cue_exc", c > 0), ("cue_inh", c < 0)):
            if bits.any():
                k = np.flatnonzero(bits)
                projections[name] = Projection(pre="cue", post="cells", connectivity="indices", i=k, j=k,
                                               receptor=name[-3:], w_init=w_cue)
    net = Network(name="hopfield_spiking", duration=spec.duration, dt=spec.dt, populations=populations,
                  projections=projections, record=Record(spikes=["cells"]))
    return net, nu_on


def overlap_trace(t, idx, targets, nu_on, duration, bin_s=0.02):
    """Overlap with the targets over time: +1 where the rate in a 20 ms bin exceeds ``nu_on / 2``."""
    k, n = targets.shape
    edges = np.arange(0.0, duration + 1e-9, bin_s)
    counts = np.zeros((len(edges) - 1, k * n))
    np.add.at(counts, (np.clip(np.searchsorted(edges, t, side="right") - 1, 0, len(edges) - 2), idx), 1)
    states = np.where(counts / bin_s > nu_on / 2, 1.0, -1.0).reshape(len(edges) - 1, k, n)
    return (edges[:-1] + edges[1:]) / 2, np.einsum("tkn,kn->tk", states, targets) / n


class SpikingMemory:
    """Binary Hopfield units as LIF neurons: ``fit`` stores, ``recall`` runs Brian2."""

    def __init__(self, name, pop, storage, seed, target):
        self.name, self.pop, self.rule = name, pop, storage.rule
        self.seed, self.target = seed, target
        self.weights_ = None

    def fit(self, patterns):
        x = memory.check_patterns(patterns, "patterns", self.pop.n, self.name)
        self.patterns_, self.weights_ = x, memory.store(x, self.rule)
        return self

    def recall(self, cues, targets=None, record=False):
        """Run the LIF network from each cue; the recalled state is read from the last spikes.

        ``info`` holds ``rates`` (K, N; Hz over the read-out window),
        ``nu_on``, ``spikes`` (times in s, neuron indices over the K copies),
        ``duration`` and, with ``targets``, the overlap of the 20 ms
        spike-count state over time (``overlap``, ``overlap_t`` in s).
        """
        from .simulation import simulate

        s = memory.check_cues(cues, self.pop.n)
        spec = self.pop.spike
        net, nu_on = lif_network(self.weights_, s, spec)
        result = simulate(net, seed=self.seed, target=self.target)
        t, idx = (np.asarray(a) for a in result.spikes["cells"])
        t_end = to_si(spec.duration)
        t0 = t_end * (1 - spec.readout)
        rates = np.bincount(idx[t >= t0], minlength=s.size).reshape(s.shape) / (t_end - t0)
        states = np.where(rates > nu_on / 2, 1.0, -1.0)
        info = {"rates": rates, "nu_on": nu_on, "spikes": (t, idx), "duration": t_end,
                "target": result.info.get("target")}
        if targets is not None:
            info["overlap_t"], info["overlap"] = overlap_trace(t, idx, np.asarray(targets, float), nu_on, t_end)
        return states, info

    def energy(self, states):
        return memory.energy(self.weights_, memory.check_cues(states, self.pop.n))


def _rate_only(pop, *args):
    raise ModelError(pop._where or pop.TYPE, f"{pop.TYPE} runs on the rate backend only: use --backend rate")


MEMORY_BUILDERS.register(BinaryUnits)(
    lambda pop, name, storage, seed, target: SpikingMemory(name, pop, storage, seed, target))
MEMORY_BUILDERS.register(ModernHopfield)(_rate_only)
MEMORY_BUILDERS.register(DenseMemory)(_rate_only)


def build_memory(network, *, seed=0, target=None, progress=False):
    """The associative memory of ``network`` on the spike backend (runtime targets or standalone)."""
    name, pop, storage = memory_of(network)
    if isinstance(seed, np.random.Generator):  # Brian2 takes an integer seed
        seed = int(seed.integers(2**31))
    return MEMORY_BUILDERS.build(pop, name, storage, seed, target or "numpy")
