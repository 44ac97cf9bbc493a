"""Backend-neutral results and their atomic storage.

Every backend and task returns a :class:`RunResult`; plots and the CLI read
only this, never a simulator's monitors.
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
        "w_max": bound}``; weights in SI units.
    arrays : dict of str to ndarray
        Anything else a task stores in ``results.npz``.
    figures : dict of str to matplotlib Figure
        Saved as ``NAME.png``.
    info : dict
        JSON-serialisable extras for ``summary.json`` (e.g. per-seed values).
    """

    metrics: dict = field(default_factory=dict)
    spikes: dict = field(default_factory=dict)
    rates: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

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


def atomic_write(path, write):
    """Call ``write(tmp_path)`` then rename onto ``path`` (same directory)."""
    path = os.fspath(path)
    d, base = os.path.split(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".part", dir=d or ".")
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
            json.dump(obj, fh, indent=2, default=_jsonable)
            fh.write("\n")
    atomic_write(path, w)


def _jsonable(x):
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
