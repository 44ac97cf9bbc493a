"""Backend-neutral results and their atomic storage.

Every backend and task returns a :class:`RunResult`; plots and the CLI read
only this, never a simulator's monitors. :func:`load_result` rebuilds one from
a finished run directory.
"""
import json
import os
import tempfile
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RunResult:
    """What a run produced.

    Attributes
    ----------
    metrics : dict of str to float
        Scalar results, written to ``summary.json``.
    spikes : dict of str to (ndarray, ndarray)
        Per population: spike times in seconds and neuron indices.
    rates : dict of str to (ndarray, ndarray)
        Per population: sample times (s) and population-mean rate (Hz), or for
        rate networks a (times, units) array of rates.
    weights : dict of str to dict
        Per projection: ``{"t": times (s), "w": (samples, synapses) traces,
        "i": pre indices, "j": post indices, "final": all final weights,
        "w_max": bound, "unit": "S" | "A" | "dimensionless"}``; weights in SI
        units, ``"unit"`` naming which (set by :meth:`note_network`; absent
        in older runs).
    arrays : dict of str to ndarray
        Anything else a task stores in ``results.npz``.
    figures : dict of str to matplotlib Figure
        Saved as ``NAME.png``.
    info : dict
        JSON-serialisable extras for ``summary.json`` (e.g. per-seed values);
        ``"duration"`` (s) for network runs, ``"population_sizes"`` when
        :meth:`note_network` was called.
    summary : dict
        The run's ``summary.json`` when loaded by :func:`load_result` (model,
        backend, target, seed, provenance); empty for a result in memory.
    """

    metrics: dict = field(default_factory=dict)
    spikes: dict = field(default_factory=dict)
    rates: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)

    def __repr__(self):
        head = [f"{k} {self.summary[k]}" for k in ("model", "backend") if k in self.summary]
        if "duration" in self.info:
            head.append(f"duration {_fmt(float(self.info['duration']))} s")
        lines = [f"RunResult({', '.join(head)}"]
        sizes = self.info.get("population_sizes", {})
        for pop in sorted(set(self.spikes) | set(self.rates)):
            n = sizes.get(pop, "?")
            spikes = f"{len(self.spikes[pop][0])} spikes" if pop in self.spikes else "no spikes"
            rate = ", rates" if pop in self.rates else ""
            lines.append(f"  population {pop}: {n} neurons, {spikes}{rate}")
        for proj, rec in self.weights.items():
            traced = np.shape(rec["w"])[1] if np.ndim(rec.get("w", ())) == 2 else 0
            lines.append(f"  projection {proj}: {np.size(rec.get('final', ()))} synapses ({traced} traced), "
                         f"unit {rec.get('unit', 'not recorded')}")
        if self.arrays:
            names = sorted(self.arrays)
            more = f", ... ({len(names)} in all)" if len(names) > 8 else ""
            lines.append(f"  arrays: {', '.join(names[:8])}{more}")
        if self.metrics:
            shown = [f"{k}={_fmt(v)}" for k, v in list(self.metrics.items())[:6]]
            more = f", ... ({len(self.metrics)} in all)" if len(self.metrics) > 6 else ""
            lines.append(f"  metrics: {', '.join(shown)}{more}")
        return "\n".join(lines) + ")"

    def note_network(self, network):
        """Record what the arrays alone do not say: population sizes and weight units.

        Call after a network run, before :func:`save_result`: the sizes go
        into ``info`` (``summary.json``), the units into each weight entry
        (``results.npz``), where exports read them.
        """
        self.info["population_sizes"] = {name: int(pop.n) for name, pop in network.populations.items()}
        rec = network.record
        # neurons 0 .. k-1 whose spikes were kept (record.spike_neurons); the others were not recorded
        self.info["spikes_recorded"] = {p: rec.spike_count(p, int(network.populations[p].n)) for p in self.spikes}
        for name, rec in self.weights.items():
            if name in network.projections:
                post = network.populations[network.projections[name].post]
                rec["unit"] = WEIGHT_UNITS[getattr(post, "weight_kind", None)]

    def to_neo(self):
        """This run as a ``neo.Block``; see :func:`spikehebb.export.to_block`."""
        from .export import to_block
        return to_block(self)

    def flat_arrays(self):
        """All arrays under ``kind/name/part`` keys, as stored in ``results.npz``."""
        out = {}
        for pop, (t, i) in self.spikes.items():
            out[f"spikes/{pop}/t"], out[f"spikes/{pop}/i"] = np.asarray(t), np.asarray(i)
        for pop, (t, r) in self.rates.items():
            out[f"rates/{pop}/t"], out[f"rates/{pop}/rate"] = np.asarray(t), np.asarray(r)
        for proj, rec in self.weights.items():
            for part, value in rec.items():
                out[f"weights/{proj}/{part}"] = np.asarray(value)
        for name, value in self.arrays.items():
            out[f"arrays/{name}"] = np.asarray(value)
        return out


#: SI unit symbol of the weights onto a population of each ``weight_kind``
WEIGHT_UNITS = {"conductance": "S", "current": "A", None: "dimensionless"}


def _fmt(v):
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def load_result(run_dir):
    """Rebuild the :class:`RunResult` of a finished run directory (figures excepted).

    Parameters
    ----------
    run_dir : str
        A directory written by ``spikehebb run``: ``summary.json`` and
        ``results.npz``.

    Returns
    -------
    RunResult
        With ``metrics`` and ``info`` from ``summary.json``, the whole summary
        as ``summary``, and spikes, rates, weights and arrays from
        ``results.npz`` (0-d weight entries such as ``w_max`` as Python
        scalars).

    Raises
    ------
    ModelError
        ``RUN_DIR``: no such directory, no ``summary.json`` (an unfinished
        run), or no readable ``results.npz``.
    """
    from .errors import ModelError
    if not os.path.isdir(run_dir):
        raise ModelError("RUN_DIR", f"no such directory: {run_dir}")
    summary_path, npz_path = os.path.join(run_dir, "summary.json"), os.path.join(run_dir, "results.npz")
    if not os.path.isfile(summary_path):
        raise ModelError("RUN_DIR", f"{run_dir} is not a finished run (no summary.json)")
    try:
        with open(summary_path) as fh:
            summary = json.load(fh)
        with np.load(npz_path, allow_pickle=False) as npz:
            flat = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as e:  # JSONDecodeError and a damaged zip are ValueErrors
        raise ModelError("RUN_DIR", f"cannot read the run in {run_dir}: {e}")
    res = RunResult(metrics=dict(summary.get("metrics", {})), info=dict(summary.get("info", {})), summary=summary)
    parts = {}
    for key, value in flat.items():
        kind, _, rest = key.partition("/")
        if kind == "arrays":
            res.arrays[rest] = value
            continue
        name, _, part = rest.rpartition("/")
        parts.setdefault(kind, {}).setdefault(name, {})[part] = value
    for pop, p in parts.get("spikes", {}).items():
        res.spikes[pop] = (p["t"], p["i"])
    for pop, p in parts.get("rates", {}).items():
        res.rates[pop] = (p["t"], p["rate"])
    for proj, p in parts.get("weights", {}).items():
        res.weights[proj] = {k: v.item() if v.ndim == 0 else v for k, v in p.items()}
    return res


def atomic_write(path, write, suffix=".part"):
    """Call ``write(tmp_path)`` then rename onto ``path`` (same directory).

    ``suffix`` ends the temporary name (for writers that check extensions).
    """
    path = os.fspath(path)
    d, base = os.path.split(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=suffix, dir=d or ".")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are ordinary files
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path, obj):
    """Write ``obj`` as indented JSON, atomically."""
    def w(tmp):
        with open(tmp, "w") as fh:
            json.dump(obj, fh, indent=2, default=jsonable)
            fh.write("\n")
    atomic_write(path, w)


def jsonable(x):
    """``json.dump``'s ``default``: numpy scalars and arrays as Python numbers and lists."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def save_npz(path, arrays):
    """``numpy.savez_compressed`` to ``path``, atomically."""
    def w(tmp):
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
    atomic_write(path, w)


def save_figure(path, fig, dpi=110):
    """Save a matplotlib figure as PNG, atomically, and close it."""
    import matplotlib.pyplot as plt
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png", bbox_inches="tight"))
    plt.close(fig)


def save_result(out_dir, result, summary):
    """Write ``results.npz``, figures and finally ``summary.json`` into ``out_dir``.

    ``summary.json`` is written last, so its presence marks a complete run.
    """
    os.makedirs(out_dir, exist_ok=True)
    save_npz(os.path.join(out_dir, "results.npz"), result.flat_arrays())
    for name, fig in result.figures.items():
        save_figure(os.path.join(out_dir, f"{name}.png"), fig)
    write_json(os.path.join(out_dir, "summary.json"), summary)
