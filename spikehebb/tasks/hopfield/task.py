"""Task ``hopfield``: store binary patterns, recall them from noisy cues.

``--backend rate`` runs the binary network in numpy
(:class:`~spikehebb.tasks.hopfield.network.HopfieldNetwork`);
``--backend spike`` puts the stored weights on LIF neurons in Brian2
(:mod:`~spikehebb.tasks.hopfield.spiking`) and reports the overlap reached
next to that of the binary network from the same cues. Capacity curves are
made by ``scripts/hopfield_capacity.py``.

Metrics: ``recall_overlap`` (mean final overlap with the target) and
``recalled_fraction`` (fraction of recalls with at most 1 % wrong bits).
"""
import numpy as np

from ...model.errors import ModelError
from ...model.schema import Field
from ...results import RunResult
from . import patterns as pat
from .patterns import flip_bits
from ...backends.memory import overlap
from .network import RULES, UPDATES, HopfieldNetwork, recall_overlap, recalled_fraction

PARAMS = (
    Field("patterns", "str", "random", choices=("random", "letters", "patches"),
          doc="random bits, rendered letters, or patches of bundled sample images"),
    Field("n", "int", 100, positive=True, doc="units (random patterns)"),
    Field("p", "int", 5, positive=True, doc="stored patterns (random; patches per source image)"),
    Field("letters", "str", "AEHKSX", doc="characters to store (patterns = letters)"),
    Field("grid", "int", 12, positive=True, doc="letter / patch side in units: N = grid^2"),
    Field("rule", "str", "hebbian", choices=RULES),
    Field("update", "str", "async", choices=UPDATES),
    Field("flip", "float", 0.1, nonnegative=True, doc="fraction of cue bits flipped"),
    Field("max_sweeps", "int", 50, positive=True),
    Field("beta", "float", 1.0, positive=True, doc="modern Hopfield inverse temperature (raw dot products)"),
    Field("degree", "int", 3, positive=True, doc="dense memory polynomial degree"),
    Field("kappa", "current", "1 nA", positive=True, doc="spiking: current per unit of Hopfield field"),
    Field("cue", "str", "current", choices=("current", "rate"), doc="spiking: cue as current or Poisson rate"),
    Field("cue_gain", "float", 0.5, nonnegative=True, doc="spiking: cue current / kappa"),
    Field("cue_rate", "rate", "200 Hz", positive=True),
    Field("cue_duration", "time", "50 ms", positive=True),
    Field("tau_syn", "time", None, positive=True,
          doc="spiking: synaptic time constant (default 5 ms with a current cue, 30 ms with a rate cue)"),
    Field("duration", "time", "300 ms", positive=True, doc="spiking run length"),
    Field("dt", "time", "0.1 ms", positive=True),
    Field("n_show", "int", 6, positive=True, doc="patterns shown in the figures"),
)


def make_patterns(p, rng):
    """Stored patterns, cues and targets (the pattern each cue should recall) for params ``p``."""
    if p["patterns"] == "random":
        x = pat.random_patterns(p["p"], p["n"], rng)
        return x, flip_bits(x, p["flip"], rng), x, None
    if p["patterns"] == "letters":
        shape = (p["grid"], p["grid"])
        x = pat.letters(p["letters"], shape)
        return x, flip_bits(x, p["flip"], rng), x, shape
    # patches of two images stored, patches of a third one as cues; the target of a
    # cue is the stored patch it overlaps most (up to sign), as in the fish/tree exercise
    size = p["grid"]
    x = np.concatenate([pat.image_patches(pat.sample_image(name), size, p["p"], rng)
                        for name in ("grace_hopper", "topobathy")])
    cues = pat.image_patches(pat.sample_image("jacksboro"), size, p["p"], rng)
    m = cues @ x.T
    best = np.argmax(np.abs(m), axis=1)
    targets = x[best] * np.sign(m[np.arange(len(cues)), best])[:, None]
    return x, cues, targets, (size, size)


def spiking_overlap_trace(t, idx, targets, nu_on, duration, bin_s=0.02):
    """Overlap with the target over time: state = +1 where the rate in a bin exceeds ``nu_on / 2``."""
    k, n = targets.shape
    edges = np.arange(0.0, duration + 1e-9, bin_s)
    counts = np.zeros((len(edges) - 1, k * n))
    np.add.at(counts, (np.clip(np.searchsorted(edges, t, side="right") - 1, 0, len(edges) - 2), idx), 1)
    states = np.where(counts / bin_s > nu_on / 2, 1.0, -1.0).reshape(len(edges) - 1, k, n)
    return (edges[:-1] + edges[1:]) / 2, np.einsum("tkn,kn->tk", states, targets) / n


def run(params, ctx):
    """Store, recall from noisy cues, and return metrics and figures."""
    from ...plots import hopfield as hp

    p = dict(params)
    if p["flip"] > 0.5:
        raise ModelError("task.flip", f"must be at most 0.5, got {p['flip']}")
    rng = np.random.default_rng(ctx.seed)
    x, cues, targets, shape = make_patterns(p, rng)
    net = HopfieldNetwork(rule=p["rule"], update=p["update"], max_sweeps=p["max_sweeps"], beta=p["beta"],
                          degree=p["degree"], random_state=rng).fit(x)
    weight_rule = net.weights_ is not None
    if weight_rule:
        states, info = net.recall(cues, targets=targets, record=True)
    else:
        states, info = net.recall(cues), {}
    n, k_show = x.shape[1], min(p["n_show"], len(cues))
    metrics = {"recall_overlap": recall_overlap(states, targets),
               "recalled_fraction": recalled_fraction(states, targets),
               "cue_overlap": float(np.mean(overlap(cues, targets))),
               "n_units": n, "n_patterns": len(x), "load": len(x) / n}
    arrays = {"patterns": x, "cues": cues, "targets": targets, "rate_recall": states}
    figures = {}
    if ctx.backend == "spike":
        if not weight_rule:
            raise ModelError("task.rule", f"the spiking network needs a weight matrix; {p['rule']!r} has none")
        from .spiking import spiking_recall
        # --quick keeps the full duration: 300 ms take seconds, and a shorter run would read
        # the state out while the cue's transient is still decaying
        duration = p["duration"]
        spk, sinfo = spiking_recall(net.weights_, cues, seed=ctx.seed, target=ctx.target or "numpy",
                                    kappa=p["kappa"], cue=p["cue"], cue_gain=p["cue_gain"],
                                    cue_rate=p["cue_rate"], cue_duration=p["cue_duration"], tau_syn=p["tau_syn"],
                                    duration=duration, dt=p["dt"])
        metrics.update({"rate_recall_overlap": metrics["recall_overlap"],
                        "rate_recalled_fraction": metrics["recalled_fraction"],
                        "recall_overlap": recall_overlap(spk, targets),
                        "recalled_fraction": recalled_fraction(spk, targets),
                        "nu_on_hz": sinfo["nu_on"]})
        arrays.update({"spike_recall": spk, "spike_rates": sinfo["rates"]})
        t, idx = sinfo["spikes"]
        keep = idx < k_show * n
        # within each cue's block, neurons sorted by target bit (-1 below, +1 above)
        rank = np.argsort(np.argsort(targets[:k_show], axis=1, kind="stable"), axis=1).ravel()
        shown = (idx[keep] // n) * n + rank[idx[keep]]
        ax = hp.raster_copies(t[keep], shown, n, ax=None)
        ax.set_title("spiking recall: one block per cue, neurons sorted by target bit")
        figures["raster"] = ax.figure
        axes = hp.cue_recall_target(cues[:k_show], spk[:k_show], targets[:k_show], shape,
                                    row_labels=("cue", "spiking", "target"))
        figures["cue_recall_target"] = axes[0, 0].figure
        times, m_t = spiking_overlap_trace(t, idx, targets, sinfo["nu_on"], sinfo["duration"])
        ax = hp.overlap_trace(times, m_t[:, :k_show], xlabel="time (s)")
        ax.set_title("spiking network: overlap of the 20 ms spike-count state")
        figures["overlap_spiking"] = ax.figure
        arrays.update({"spiking_overlap_t": times, "spiking_overlap": m_t})
        spikes = {"cells": sinfo["spikes"]}
    else:
        spikes = {}
        axes = hp.cue_recall_target(cues[:k_show], states[:k_show], targets[:k_show], shape)
        figures["cue_recall_target"] = axes[0, 0].figure
    if weight_rule and "energy" in info:
        async_ = p["update"] == "async"
        steps = np.arange(len(info["energy"])) / (n if async_ else 1)
        ax = hp.energy_trace(info["energy"][:, 0], n=n if async_ else None)
        ax.set_title("energy of the first recall")
        figures["energy"] = ax.figure
        ax = hp.overlap_trace(steps, info["overlap"][:, :k_show],
                              xlabel="sweeps (N updates)" if async_ else "synchronous steps")
        figures["overlap"] = ax.figure
        arrays.update({"energy": info["energy"], "overlap": info["overlap"]})
    return RunResult(metrics=metrics, spikes=spikes, arrays=arrays, figures=figures,
                     info={"rule": p["rule"], "update": p["update"], "patterns": p["patterns"],
                           "backend": ctx.backend})
