"""Plots of Hopfield recalls: images, energy, overlap and capacity curves.

Each function takes data and ``ax=None`` (``axes=None`` for image grids) and
returns the axes; none calls ``show()``. New figures are
:class:`matplotlib.figure.Figure` objects, made without pyplot or a backend.
"""
import numpy as np
from matplotlib.figure import Figure

from .axes import axes_or_new


def grid_shape(n):
    """(rows, cols) with rows * cols = n and rows as close to sqrt(n) as possible."""
    rows = int(np.sqrt(n))
    while n % rows:
        rows -= 1
    return rows, n // rows


def pattern_image(pattern, shape=None, ax=None, title=None):
    """One +-1 pattern as a black (+1) and white (-1) image."""
    ax = axes_or_new(ax, (2, 2))
    p = np.asarray(pattern, dtype=float)
    ax.imshow(p.reshape(shape or grid_shape(p.size)), cmap="gray_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=8)
    return ax


def cue_recall_target(cues, recalls, targets, shape=None, axes=None, row_labels=("cue", "recall", "target")):
    """Columns of cue / recall / target images, one column per pattern; returns the (3, K) axes."""
    k = len(cues)
    if axes is None:
        axes = Figure(figsize=(1.4 * k + 0.6, 4.4)).subplots(3, k, squeeze=False)
    for col in range(k):
        for row, data in enumerate((cues, recalls, targets)):
            m = float(np.mean(np.asarray(data[col]) * np.asarray(targets[col])))
            pattern_image(data[col], shape, ax=axes[row, col], title=f"m = {m:.2f}" if row < 2 else None)
        for row, label in enumerate(row_labels):
            axes[row, 0].set_ylabel(label)
    return axes


def energy_trace(energy, ax=None, n=None, **kw):
    """Energy over single-unit updates (x axis in sweeps when ``n`` is given)."""
    ax = axes_or_new(ax, (5, 3))
    e = np.asarray(energy)
    x = np.arange(len(e)) / (n or 1)
    ax.plot(x, e, **kw)
    ax.set(xlabel="sweeps (N updates)" if n else "updates", ylabel="energy E")
    return ax


def overlap_trace(times, overlaps, ax=None, labels=None, xlabel="sweeps (N updates)"):
    """Overlap with the target over time, one line per column of ``overlaps``."""
    ax = axes_or_new(ax, (5, 3))
    m = np.asarray(overlaps).reshape(len(times), -1)
    for k in range(m.shape[1]):
        ax.plot(times, m[:, k], label=labels[k] if labels else None)
    ax.set(xlabel=xlabel, ylabel="overlap m", ylim=(-1.05, 1.05))
    if labels:
        ax.legend(fontsize=7)
    return ax


def capacity_curve(alphas, fractions, ax=None, label=None, counts=None, **kw):
    """Recalled fraction against load P/N, with binomial standard errors when ``counts`` is given."""
    ax = axes_or_new(ax, (6, 4))
    f = np.asarray(fractions, dtype=float)
    err = np.sqrt(f * (1 - f) / np.asarray(counts)) if counts is not None else None
    ax.errorbar(alphas, f, yerr=err, label=label, marker=kw.pop("marker", "o"), ms=kw.pop("ms", 3),
                capsize=kw.pop("capsize", 0), **kw)
    ax.set(xlabel="load P / N", ylabel="fraction recalled", ylim=(-0.03, 1.03))
    return ax


def theory_lines(ax, n_values=(), alpha_c=0.138):
    """Vertical lines: alpha_c (Amit et al. 1985) and 1 / (2 ln N) (exact recall) for each N."""
    ax.axvline(alpha_c, color="k", ls="--", lw=1, label=f"alpha_c = {alpha_c}")
    for n in n_values:
        ax.axvline(1 / (2 * np.log(n)), color="gray", ls=":", lw=1)
    if n_values:
        ax.plot([], [], color="gray", ls=":", label="1 / (2 ln N), N = " + ", ".join(map(str, n_values)))
    return ax


def raster_copies(times, indices, n, ax=None):
    """Spike raster of K network copies of ``n`` neurons each, copies separated by lines."""
    from .network import raster
    ax = raster(times, indices, ax=axes_or_new(ax, (6, 4)))
    top = int(np.max(indices)) + 1 if len(indices) else n
    for k in range(n, top, n):
        ax.axhline(k - 0.5, color="tab:red", lw=0.6)
    return ax


def overlap_bars(overlaps, ax=None):
    """Final overlap of every cue, one bar group per cue and one bar per side (``{side: (K,)}``)."""
    ax = axes_or_new(ax, (6, 3))
    sides = list(overlaps)
    k = len(next(iter(overlaps.values())))
    width = 0.8 / len(sides)
    for s, side in enumerate(sides):
        ax.bar(np.arange(k) + (s - (len(sides) - 1) / 2) * width, overlaps[side], width, label=side)
    ax.axhline(0.98, color="0.5", lw=0.8, ls=":", label="recalled (<= 1 % wrong bits)")
    ax.set(xlabel="cue", ylabel="final overlap m", ylim=(min(-0.05, *(np.min(v) for v in overlaps.values())), 1.05))
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    return ax
