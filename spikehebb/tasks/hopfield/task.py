"""Task ``hopfield``: store binary patterns, recall them from noisy cues.

The network is the model file's description (:mod:`spikehebb.model.hopfield`):
a ``binary_units`` population with a ``stored_patterns`` recurrent projection,
or a ``modern_hopfield`` / ``dense_memory`` population. ``--backend`` picks
who runs it: the rate backend runs the units as spins, the spike backend as
LIF neurons (the population's ``spike`` table). The task makes the patterns
and cues (from the run's seed, so both backends see the same ones), fits a
:class:`~.memory.HopfieldMemory`, recalls and reports. Capacity curves:
``scripts/hopfield_capacity.py``.

Capacity measurements (``scripts/hopfield_capacity.py``, one run per rule,
size, load and seed through ``spikehebb sweep``) need many networks per run:
``networks`` stores ``p`` random patterns in each of that many independent
networks and ``max_cues`` recalls from a random subset of each network's
patterns (rate backend); the metrics pool every recall, and the arrays and
figures show the first network. Such a run is
:func:`.capacity.recall_trials` with the run's seed.

Metrics (the same on both backends): ``recall_overlap`` (mean final overlap
with the target), ``recalled_fraction`` (recalls with at most 1 % wrong bits),
``cue_overlap``, ``n_units``, ``n_patterns`` (per network), ``load``,
``n_networks``, ``n_cues`` (recalls in all).
"""
import numpy as np

from ...backends.memory import overlap
from ...model.errors import ModelError
from ...model.hopfield import memory_of
from ...model.schema import Field
from ...results import RunResult
from . import patterns as pat
from .compare import compare  # noqa: F401  (spikehebb compare: both backends, the same cues)
from .capacity import recall_trials
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
    Field("networks", "int", 1, positive=True,
          doc="independent networks, each storing its own p random patterns (rate backend); metrics pool them"),
    Field("max_cues", "int", None, positive=True,
          doc="cues per network: a random subset of its stored patterns (random patterns; default all)"),
)


def check(params, network, where):
    """The memory population exists and fits the patterns (its ``n`` is ``grid^2`` for images)."""
    name, pop, _ = memory_of(network)
    if params["flip"] > 0.5:
        raise ModelError(f"{where}.flip", f"must be at most 0.5, got {params['flip']}")
    for key in ("networks", "max_cues"):
        if params[key] not in (None, 1) and params["patterns"] != "random":
            raise ModelError(f"{where}.{key}", f"applies to random patterns only (patterns = \"random\"), "
                                               f"not {params['patterns']}")
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

    Returns ``(data, states, info, memory)`` with ``data = (patterns, cues, targets, shape)``;
    with ``networks`` or ``max_cues``, ``patterns`` is the stack of every
    network's patterns and ``memory`` is None (:func:`_trials_run`).
    """
    rng = np.random.default_rng(ctx.seed)
    if params["networks"] > 1 or params["max_cues"] is not None:
        return _trials_run(params, ctx, rng)
    n = memory_of(ctx.network)[1].n
    data = make_patterns(params, n, rng)
    x, cues, targets, _ = data
    # the memory continues the task's generator (the asynchronous update order, or the
    # spiking run's seed), so that one seed fixes the whole run
    mem = HopfieldMemory(ctx.network, backend=ctx.backend, target=ctx.target, random_state=rng).fit(x)
    states, info = mem.recall(cues, targets=targets, record=True)
    return data, states, info, mem


def _trials_run(params, ctx, rng):
    # one stack of networks on the rate backend (the spiking memory runs one network),
    # no traces: recorded per update for every cue of every network they are too large
    if ctx.backend != "rate":
        key = "task.networks" if params["networks"] > 1 else "task.max_cues"
        raise ModelError(key, f"networks and max_cues run on the rate backend only (--backend rate), not {ctx.backend}")
    xs, targets, cues, states = recall_trials(ctx.network, params["p"], params["networks"], rng,
                                              params["flip"], params["max_cues"], ctx.backend, ctx.target)
    return (xs, cues, targets, None), states, {}, None


def metrics_of(states, data):
    x, cues, targets, _ = data
    return {"recall_overlap": recall_overlap(states, targets),
            "recalled_fraction": recalled_fraction(states, targets),
            "cue_overlap": float(np.mean(overlap(cues, targets))),
            "n_units": x.shape[-1], "n_patterns": x.shape[-2], "load": x.shape[-2] / x.shape[-1],
            "n_networks": len(x) if x.ndim == 3 else 1, "n_cues": len(cues)}


def run(params, ctx):
    """Store, recall from noisy cues, and return metrics and figures."""
    data, states, info, mem = recall_run(params, ctx)
    metrics = metrics_of(states, data)
    x, cues, targets, shape = data
    if x.ndim == 3:  # several networks: the arrays and figures of the first one
        m = len(cues) // len(x)
        x, cues, targets, states = x[0], cues[:m], targets[:m], states[:m]
    arrays = {"patterns": x, "cues": cues, "targets": targets, "recall": states}
    if mem is not None and mem.weights_ is not None:
        arrays["weights"] = mem.weights_
    arrays.update({k: info[k] for k in ("energy", "overlap", "overlap_t", "rates") if k in info})
    spikes = {"cells": info["spikes"]} if "spikes" in info else {}
    async_ = getattr(memory_of(ctx.network)[1], "update", None) == "async"
    figures = _figures(info, cues, states, targets, shape, params["n_show"], x.shape[1], async_)
    kept = {"nu_on_hz": info["nu_on"]} if "nu_on" in info else {}
    return RunResult(metrics=metrics, spikes=spikes, arrays=arrays, figures=figures,
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
