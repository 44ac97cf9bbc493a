"""Monitors, and their conversion into a backend-neutral RunResult."""
import brian2 as b2
import numpy as np

from ...results import RunResult
from .synapses import read_synapses, state_variables


class Recorder:
    """Creates the monitors a :class:`~spikehebb.model.Record` asks for.

    Any population can be recorded: LIF neurons and spike sources alike (Poisson
    inputs are ``PoissonGroup``, given spike times a ``SpikeGeneratorGroup``; both
    emit spikes that a ``SpikeMonitor`` and a ``PopulationRateMonitor`` see), so a
    model file may list its inputs in ``[record] spikes``.
    """

    def __init__(self, network, ctx):
        rec = network.record
        self.spikes = {}
        for p in rec.spikes:
            group, k = ctx.groups[p], rec.spike_count(p, len(ctx.groups[p]))
            # a subgroup keeps the first k neurons' spikes only (indices unchanged: they start at 0)
            self.spikes[p] = b2.SpikeMonitor(group if k == len(group) else group[:k], name=f"spikes_{p}")
        self.rates = {p: b2.PopulationRateMonitor(ctx.groups[p], name=f"rate_{p}") for p in rec.rates}
        self.weights = {}
        for name in rec.weights:
            syn = ctx.synapses[name]
            idx = rec.traced_synapses(len(syn))
            # the variables the weight at the sample time follows from (DA-STDP: w, c, the
            # dopamine excess and the time of the last event; advanced in collect())
            variables = list(state_variables(network.projections[name]))
            self.weights[name] = (b2.StateMonitor(syn, variables, record=idx, dt=rec.weight_dt,
                                                  name=f"weights_{name}"), idx)
        self.modulators = {name: (b2.StateMonitor(m.group, "x", record=0, dt=rec.rate_bin,
                                                  name=f"modtrace_{name}"),
                                  b2.SpikeMonitor(m.group, name=f"rewards_{name}"))
                           for name, m in ctx.modulators.items()}
        self.rate_bin = float(rec.rate_bin)

    @property
    def objects(self):
        objs = list(self.spikes.values()) + list(self.rates.values())
        objs += [m for m, _ in self.weights.values()]
        for trace, rewards in self.modulators.values():
            objs += [trace, rewards]
        return objs

    def collect(self, network, ctx, duration):
        """Read all monitors (and final weights) into a :class:`RunResult`."""
        res = RunResult()
        for p, mon in self.spikes.items():
            res.spikes[p] = (np.asarray(mon.t / b2.second), np.asarray(mon.i))
        for p, mon in self.rates.items():
            res.rates[p] = bin_rate(np.asarray(mon.rate / b2.Hz), float(ctx.clock.dt), self.rate_bin, duration)
        for name, syn in ctx.synapses.items():
            proj = network.projections[name]
            variables = state_variables(proj)
            final = read_synapses(proj, network, {v: np.asarray(getattr(syn, v)[:], float) for v in variables},
                                  duration)
            entry = {"final": final["w"], "final_i": np.asarray(syn.i[:]),
                     "final_j": np.asarray(syn.j[:]), "w_min": float(proj.w_min),
                     "w_max": float(proj.w_max) if proj.w_max is not None else np.nan}
            if name in self.weights:
                mon, idx = self.weights[name]
                t = np.asarray(mon.t / b2.second)
                # [sample, synapse]: w, and for DA-STDP the eligibility c and dopamine d
                traces = read_synapses(proj, network, {v: np.asarray(getattr(mon, v), float).T for v in variables},
                                       t[:, None])
                entry.update(t=t, i=entry["final_i"][idx], j=entry["final_j"][idx], **traces)
            res.weights[name] = entry
        for name, (trace, rewards) in self.modulators.items():
            res.arrays[f"modulator/{name}/t"] = np.asarray(trace.t / b2.second)
            res.arrays[f"modulator/{name}/d"] = np.asarray(trace.x[0]) + network.modulators[name].baseline
            res.arrays[f"modulator/{name}/reward_times"] = np.asarray(rewards.t / b2.second)
            res.arrays[f"modulator/{name}/n_events"] = np.asarray(ctx.modulators[name].group.n_rewards[:])
        return res


def bin_rate(rate, dt, bin_width, duration):
    """Average a per-step population rate into bins; returns (bin centres, rates)."""
    per_bin = max(1, int(round(bin_width / dt)))
    n_bins = len(rate) // per_bin
    if n_bins == 0:
        return np.array([duration / 2]), np.array([rate.mean() if len(rate) else 0.0])
    binned = rate[:n_bins * per_bin].reshape(n_bins, per_bin).mean(axis=1)
    return (np.arange(n_bins) + 0.5) * per_bin * dt, binned
