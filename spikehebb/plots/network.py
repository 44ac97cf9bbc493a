"""Raster, rate, weight-trace and weight-histogram plots for network runs.

Each function takes plain data and ``ax=None`` and returns the axes. New axes
live on a :class:`matplotlib.figure.Figure` made without pyplot, so plotting
never chooses, or depends on, a matplotlib backend.
"""
import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.ticker import MaxNLocator

from .axes import axes_or_new


def row_step(n, max_rows):
    """Stride that keeps at most ``max_rows`` of ``n`` neurons (every ``step``-th, from 0)."""
    return max(1, int(np.ceil(n / max_rows))) if max_rows else 1


def describe_indices(idx, limit=6):
    """Short text for a set of indices: ``"0-19"``, ``"0, 50, ..., 950"`` or ``"3, 7, 12"``."""
    idx = np.unique(np.asarray(idx, int))
    if len(idx) == 0:
        return "none"
    if len(idx) == 1:
        return str(idx[0])
    d = np.diff(idx)
    if np.all(d == 1):
        return f"{idx[0]}-{idx[-1]}"
    if np.all(d == d[0]) and len(idx) > 3:
        return f"{idx[0]}, {idx[1]}, ..., {idx[-1]}"
    shown = ", ".join(map(str, idx[:limit]))
    return shown + (f", ... ({len(idx)} in all)" if len(idx) > limit else "")


def raster(times, indices, ax=None, max_neurons=None, window=None, n=None, max_rows=None, **kw):
    """Spike raster: ``times`` (s) against neuron ``indices``.

    Parameters
    ----------
    times, indices : array_like
        Spike times (s) and the index of the neuron of each spike.
    max_neurons : int, optional
        Keep neurons ``0 .. max_neurons - 1`` only.
    window : (float, float), optional
        Keep spikes in ``[start, stop]`` (s).
    n : int, optional
        Population size: y axis from neuron 0 to ``n - 1`` (silent neurons included).
    max_rows : int, optional
        Show every ``ceil(n / max_rows)``-th neuron (0, step, 2 step, ...), so at
        most ``max_rows`` rows; the caller states this (:func:`raster_caption`).

    Returns
    -------
    matplotlib.axes.Axes
        The y axis is the neuron index, with integer ticks.
    """
    ax = axes_or_new(ax)
    times, indices = np.asarray(times, float), np.asarray(indices, int)
    keep = np.ones(len(times), bool)
    if max_neurons is not None:
        keep &= indices < max_neurons
    if window is not None:
        keep &= (times >= window[0]) & (times <= window[1])
    step = row_step(n, max_rows) if n else 1
    keep &= indices % step == 0
    times, indices = times[keep], indices[keep]
    rows = int(np.ceil(n / step)) if n else len(np.unique(indices))
    # a tick about one row high: few rows get long ticks, many rows thin ones
    ms = kw.pop("ms", float(np.clip(200 / max(rows, 1), 2, 12)))
    ax.plot(times, indices, "|", ms=ms, color=kw.pop("color", "k"), **kw)
    ax.set(xlabel="time (s)", ylabel="neuron index")
    if n:
        # neuron indices 0 .. n - 1 and nothing beyond, so no tick names a neuron that does not exist
        ax.set_ylim(-0.5 * step, n - 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=1))
    return ax


def raster_caption(n, max_rows):
    """What a raster of ``n`` neurons with at most ``max_rows`` rows shows, e.g.
    ``"50 of 1000 neurons, every 20th"``."""
    step = row_step(n, max_rows)
    rows = int(np.ceil(n / step))
    if step == 1:
        return f"all {n} neurons" if n > 1 else "1 neuron"
    return f"{rows} of {n} neurons, every {ordinal(step)}"


def ordinal(k):
    """``1st``, ``2nd``, ``3rd``, ``4th``, ..., ``11th``, ``21st``."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def bin_edges(centres):
    """Edges of bins given by their centres (equal widths assumed at the ends)."""
    c = np.asarray(centres, float)
    if len(c) == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[:-1] + c[1:]) / 2
    return np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])


def rate_heatmap(times, rates, ax=None, label="rate (Hz)", cmap=None, unit_step=1, **kw):
    """Rates of a rate network, (samples, units), as a heat map: the rate 'raster'.

    ``times`` are bin centres (s); each cell spans its bin (edges half-way
    between centres), so a cell is drawn where and when it was recorded.
    ``label`` names the colour bar (what the values are). Signed values get a
    diverging colour map centred on 0. When the columns of ``rates`` are units
    ``0, unit_step, 2 unit_step, ...`` (a subsample), the y axis still reads
    unit indices.
    """
    ax = axes_or_new(ax)
    rates = np.asarray(rates, float).reshape(len(times), -1)
    edges = bin_edges(times)
    units = (np.arange(rates.shape[1] + 1) - 0.5) * unit_step
    if cmap is None and rates.size and rates.min() < 0:
        lim = float(np.abs(rates).max()) or 1.0
        kw.setdefault("vmin", -lim)
        kw.setdefault("vmax", lim)
        cmap = "RdBu_r"
    mesh = ax.pcolormesh(edges, units, rates.T, cmap=cmap or "viridis", shading="flat",
                         rasterized=True, **kw)
    ax.figure.colorbar(mesh, ax=ax, label=label)
    ax.set(xlabel="time (s)", ylabel="unit index")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=1))
    return ax


def population_rate(times, rate, ax=None, label=None, ylabel="rate (Hz)", **kw):
    """Population-mean rate (Hz) over time, or another mean output named by ``ylabel``."""
    ax = axes_or_new(ax)
    ax.plot(times, rate, label=label, **kw)
    ax.set(xlabel="time (s)", ylabel=ylabel)
    return ax


def weight_traces(times, weights, w_max=None, ax=None, i=None, j=None, n_total=None,
                  ylabel=None, colorbar=True, **kw):
    """Traces of chosen synapses, ``weights`` (samples, synapses), over time.

    Parameters
    ----------
    w_max : float, optional
        Plot ``w / w_max`` (the y label says so); otherwise the values as given.
    i, j : array_like, optional
        Pre and post indices of the traced synapses: named in the title, and
        the traces are coloured by their final value (colour bar).
    n_total : int, optional
        Number of synapses of the projection, for the title ("20 of 1000 synapses").
    ylabel : str, optional
        Label of the values (default ``"w / w_max"`` or ``"w"``).
    """
    ax = axes_or_new(ax)
    w = np.asarray(weights, float).reshape(len(times), -1) / (w_max if w_max else 1.0)
    lw = kw.pop("lw", 0.8)
    final = w[-1] if len(w) else np.zeros(w.shape[1])
    # colour by final weight, unless all end alike (a colour bar of one value says nothing)
    if i is not None and w.shape[1] > 1 and "color" not in kw and np.ptp(final) > 0:
        norm = Normalize(float(final.min()), float(final.max()))
        cmap = colormaps["viridis"]
        for k in range(w.shape[1]):
            ax.plot(times, w[:, k], lw=lw, color=cmap(norm(final[k])), **kw)
        if colorbar:
            sm = ScalarMappable(norm=norm, cmap=cmap)
            ax.figure.colorbar(sm, ax=ax, label=f"final {ylabel or ('w / w_max' if w_max else 'w')}")
    else:
        ax.plot(times, w, lw=lw, **kw)
    ax.set(xlabel="time (s)", ylabel=ylabel or ("w / w_max" if w_max else "w"))
    if i is not None:
        ax.set_title(traced_caption(i, j, n_total), fontsize=9)
    return ax


def traced_caption(i, j, n_total=None):
    """Which synapses a trace plot shows, e.g. ``"20 of 1000 synapses: i = 0-19 -> j = 0"``."""
    n = len(np.asarray(i))
    of = f"{n} of {n_total}" if n_total is not None else f"{n}"
    text = f"{of} synapses: i = {describe_indices(i)}"
    return text + (f" -> j = {describe_indices(j)}" if j is not None else "")


def weight_histogram(weights, w_max=None, ax=None, bins=40, label=None, xlabel=None, **kw):
    """Histogram of (final) weights, as w / w_max when ``w_max`` is given."""
    ax = axes_or_new(ax)
    w = np.asarray(weights, float) / (w_max if w_max else 1.0)
    # [0, 1] for the usual non-negative weights; wider when weights are signed
    span = (min(0.0, float(w.min(initial=0))), max(1.0, float(w.max(initial=1)))) if w_max else None
    ax.hist(w, bins=bins, range=span, label=label, **kw)
    ax.set(xlabel=xlabel or ("w / w_max" if w_max else "w"), ylabel="synapses")
    return ax
