"""The rate engine: any :class:`~spikehebb.model.Network` as a network of rate units (numpy).

LIF populations become rate units with the LIF transfer function (analytic
f-I curve, or the Siegert formula of their input's mean and variance);
Poisson inputs become their rates; each spiking rule becomes the rate rule it
implies (see :mod:`.rules`), and rate-native rules (Hebb, Oja, BCM, ...) run
directly. The result has the same layout as the spiking backend's
(:class:`~spikehebb.results.RunResult`), without spikes; per-unit rates are in
``arrays["unit_rates/POP"]``.

Not modelled: synaptic delays, spike-spike correlations (see
:func:`.rules.pair_stdp_delta_w`), and the initial membrane potentials.
"""
import time

import numpy as np

from ...results import RunResult
from .network import RateNetwork
from .threads import limited_blas

__all__ = ["simulate"]


@limited_blas
def simulate(network, *, seed=0, target=None, duration=None, progress=False):
    """Build and run ``network`` as a rate network; see :func:`spikehebb.backends.simulate`.

    ``target`` is ignored (pure numpy). Every random number (connectivity,
    initial weights, reward events) comes from ``numpy.random.default_rng(seed)``,
    drawn in the same order as the spiking backend for connectivity and weights.
    """
    t0 = time.perf_counter()
    duration = float(duration if duration is not None else network.duration)
    net = RateNetwork(network, seed)
    rec, dt = network.record, net.dt
    n_steps = int(round(duration / dt))
    per_bin = max(1, int(round(float(rec.rate_bin) / dt)))
    per_w = max(1, int(round(float(rec.weight_dt) / dt)))
    rate_pops = list(dict.fromkeys(list(rec.rates) + list(rec.spikes)))
    traced = {p: rec.traced_synapses(len(net.projections[p].w)) for p in rec.weights}
    acc = {p: np.zeros(net.units[p].n) for p in rate_pops}
    binned = {p: [] for p in rate_pops}
    wt = {p: ([], [], {}) for p in traced}  # times, weights, the rule's recorded variables
    mods = {m: ([], []) for m in net.modulators}
    steps = range(n_steps)
    if progress:
        from tqdm.auto import tqdm
        steps = tqdm(steps, desc="rate network", unit="step", leave=False, mininterval=0.5)
    for s in steps:
        t = s * dt
        if s % per_w == 0:
            for p, idx in traced.items():
                wt[p][0].append(t)
                wt[p][1].append(net.projections[p].w[idx].copy())
                for k, v in getattr(net.projections[p].rule, "traces", lambda *a: {})(net, idx).items():
                    wt[p][2].setdefault(k, []).append(v)
        net.step(t)
        for p in rate_pops:
            acc[p] += net.units[p].rate
        if (s + 1) % per_bin == 0:
            for p in rate_pops:
                binned[p].append(acc[p] / per_bin)
                acc[p][:] = 0.0
            for m, run in net.modulators.items():
                mods[m][0].append(t + dt)
                mods[m][1].append(run.concentration)
    return _collect(network, net, duration, per_bin, binned, wt, traced, mods, time.perf_counter() - t0)


def _collect(network, net, duration, per_bin, binned, wt, traced, mods, wall):
    res = RunResult()
    bin_width = per_bin * net.dt
    for p, rows in binned.items():
        if not rows:  # run shorter than one bin: one sample of the last rates
            rows = [net.units[p].rate.copy()]
        unit = np.asarray(rows)
        res.rates[p] = ((np.arange(len(unit)) + 0.5) * bin_width, unit.mean(axis=1))
        res.arrays[f"unit_rates/{p}"] = unit
    for name, proj in net.projections.items():
        entry = {"final": proj.w.copy(), "final_i": proj.i, "final_j": proj.j,
                 "w_min": proj.w_min, "w_max": proj.w_max if np.isfinite(proj.w_max) else np.nan}
        if name in traced:
            idx = traced[name]
            entry.update(t=np.asarray(wt[name][0]), w=np.asarray(wt[name][1]).reshape(-1, len(idx)),
                         i=proj.i[idx], j=proj.j[idx])
            entry.update({k: np.asarray(v).reshape(-1, len(idx)) for k, v in wt[name][2].items()})
        res.weights[name] = entry
        res.arrays[f"initial_weights/{name}"] = proj.w0
    for m, run in net.modulators.items():
        res.arrays[f"modulator/{m}/t"] = np.asarray(mods[m][0])
        res.arrays[f"modulator/{m}/d"] = np.asarray(mods[m][1])
        res.arrays[f"modulator/{m}/reward_times"] = np.asarray(run.reward_times)
        res.arrays[f"modulator/{m}/n_events"] = np.asarray([run.n_events])
    res.info.update(backend="rate", rate_dt=net.dt, sim_seconds=wall)
    return res
