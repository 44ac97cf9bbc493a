"""Task ``hopfield``: store binary patterns, recall them from noisy cues.

The network is the model file's description (:mod:`spikehebb.model.hopfield`):
a ``binary_units`` population with a ``stored_patterns`` recurrent projection,
or a ``modern_hopfield`` / ``dense_memory`` population. ``--backend`` picks
who runs it: the rate backend runs the units as spins, the spike backend as
LIF neurons (the population's ``spike`` table). The task makes the patterns
and cues (from the run's seed, so both backends see the same ones), fits a
:class:`~.memory.HopfieldMemory`, recalls and reports. Capacity curves:
``scripts/hopfield_capacity.py``.

Metrics (the same on both backends): ``recall_overlap`` (mean final overlap
with the target), ``recalled_fraction`` (recalls with at most 1 % wrong bits),
``cue_overlap``, ``n_units``, ``n_patterns``, ``load``.
"""
import numpy as np

from ...backends.memory import overlap
from ...model.errors import ModelError
from ...model.hopfield import memory_of
from ...model.schema import Field
from ...results import RunResult
from . import patterns as pat
from .compare import compare  # noqa: F401  (spikehebb compare: both backends, the same cues)
from .memory import HopfieldMemory, recall_overlap, recalled_fraction

USES_NETWORK = True

PARAMS = (
    Field("patterns", "str", "random", choices=("random", "letters", "patches"),
          doc="random bits, rendered letters, or patches of bundled sample images"),
    Field("p", "int", 5, positive=True, doc="stored patterns (random; patches per source image)"),
    Field("letters", "str", "AEHKSX", doc="characters to store (patterns = letters)"),
    Field("grid", "int", 12, positive=True, doc="letter / patch side in units: the memory has grid^2 units"),
    Field("flip", "float", 0.1, nonnegative=True, doc="fraction of cue bits flipped (at most 0.5)"),
    Field("n_show", "int", 6, positive=True, doc="patterns shown in the figures"),
)


def check(params, network, where):
    """The memory population exists and fits the patterns (its ``n`` is ``grid^2`` for images)."""
    name, pop, _ = memory_of(network)
    if params["flip"] > 0.5:
        raise ModelError(f"{where}.flip", f"must be at most 0.5, got {params['flip']}")
    if params["patterns"] != "random" and pop.n != params["grid"] ** 2:
        raise ModelError(f"populations.{name}.n", f"{params['patterns']} patterns on a {params['grid']} x "
                                                  f"{params['grid']} grid need n = {params['grid'] ** 2}, got {pop.n}")


def make_patterns(p, n, rng):
    """Stored patterns, cues and targets (the pattern each cue should recall), and the image shape."""
    if p["patterns"] == "random":
        x = pat.random_patterns(p["p"], n, rng)
        return x, pat.flip_bits(x, p["flip"], rng), x, None
    if p["patterns"] == "letters":
        shape = (p["grid"], p["grid"])
        x = pat.letters(p["letters"], shape)
        return x, pat.flip_bits(x, p["flip"], rng), x, shape
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


def recall_run(params, ctx):
    """Patterns, cues and targets from ``ctx.seed``; the memory fitted and recalled on ``ctx.backend``.

    Returns ``(data, states, info, memory)`` with ``data = (patterns, cues, targets, shape)``.
    """
    rng = np.random.default_rng(ctx.seed)
    n = memory_of(ctx.network)[1].n
    data = make_patterns(params, n, rng)
    x, cues, targets, _ = data
    # the memory continues the task's generator (the asynchronous update order, or the
    # spiking run's seed), so that one seed fixes the whole run
    mem = HopfieldMemory(ctx.network, backend=ctx.backend, target=ctx.target, random_state=rng).fit(x)
    states, info = mem.recall(cues, targets=targets, record=True)
    return data, states, info, mem


def metrics_of(states, data):
    x, cues, targets, _ = data
    return {"recall_overlap": recall_overlap(states, targets),
            "recalled_fraction": recalled_fraction(states, targets),
            "cue_overlap": float(np.mean(overlap(cues, targets))),
            "n_units": x.shape[1], "n_patterns": len(x), "load": len(x) / x.shape[1]}


def run(params, ctx):
    """Store, recall from noisy cues, and return metrics and figures."""
    data, states, info, mem = recall_run(params, ctx)
    x, cues, targets, shape = data
    arrays = {"patterns": x, "cues": cues, "targets": targets, "recall": states}
    if mem.weights_ is not None:
        arrays["weights"] = mem.weights_
    arrays.update({k: info[k] for k in ("energy", "overlap", "overlap_t", "rates") if k in info})
    spikes = {"cells": info["spikes"]} if "spikes" in info else {}
    async_ = getattr(memory_of(ctx.network)[1], "update", None) == "async"
    figures = _figures(info, cues, states, targets, shape, params["n_show"], x.shape[1], async_)
    kept = {"nu_on_hz": info["nu_on"]} if "nu_on" in info else {}
    return RunResult(metrics=metrics_of(states, data), spikes=spikes, arrays=arrays, figures=figures,
                     info={"patterns": params["patterns"], "backend": ctx.backend, **kept})


def _figures(info, cues, states, targets, shape, n_show, n, async_):
    from ...plots import hopfield as hp

    k = min(n_show, len(cues))
    axes = hp.cue_recall_target(cues[:k], states[:k], targets[:k], shape)
    figures = {"cue_recall_target": axes[0, 0].figure}
    if "spikes" in info:  # spike backend: raster and the overlap of the spike-count state
        t, idx = info["spikes"]
        keep = idx < k * n
        # within each cue's block, neurons sorted by target bit (-1 below, +1 above)
        rank = np.argsort(np.argsort(targets[:k], axis=1, kind="stable"), axis=1).ravel()
        ax = hp.raster_copies(t[keep], (idx[keep] // n) * n + rank[idx[keep]], n)
        ax.set_title("spiking recall: one block per cue, neurons sorted by target bit")
        figures["raster"] = ax.figure
        ax = hp.overlap_trace(info["overlap_t"], info["overlap"][:, :k], xlabel="time (s)")
        ax.set_title("overlap of the 20 ms spike-count state")
        figures["overlap"] = ax.figure
    elif "energy" in info:  # rate backend, weight-matrix memory: energy and overlap per update
        ax = hp.energy_trace(info["energy"][:, 0], n=n if async_ else None)
        ax.set_title("energy of the first recall")
        figures["energy"] = ax.figure
        steps = np.arange(len(info["overlap"])) / (n if async_ else 1)
        ax = hp.overlap_trace(steps, info["overlap"][:, :k],
                              xlabel="sweeps (N updates)" if async_ else "synchronous steps")
        figures["overlap"] = ax.figure
    return figures
