"""Raster, rate, weight-trace and weight-histogram plots for network runs."""
import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _axes(ax):
    return ax if ax is not None else plt.figure(figsize=(6, 3.5)).add_subplot()


def raster(times, indices, ax=None, max_neurons=None, window=None, **kw):
    """Spike raster: ``times`` (s) against neuron ``indices``.

    ``max_neurons`` keeps the first neurons only; ``window = (start, stop)`` a time span.
    """
    ax = _axes(ax)
    times, indices = np.asarray(times), np.asarray(indices)
    keep = np.ones(len(times), bool)
    if max_neurons is not None:
        keep &= indices < max_neurons
    if window is not None:
        keep &= (times >= window[0]) & (times <= window[1])
    times, indices = times[keep], indices[keep]
    ax.plot(times, indices, "|", ms=3, color=kw.pop("color", "k"), **kw)
    ax.set(xlabel="time (s)", ylabel="neuron")
    return ax


def rate_heatmap(times, rates, ax=None, **kw):
    """Rates of a rate network, (samples, units), as a heat map: the rate 'raster'."""
    ax = _axes(ax)
    rates = np.asarray(rates)
    t = np.asarray(times)
    extent = (t[0], t[-1] if len(t) > 1 else t[0] + 1, -0.5, rates.shape[1] - 0.5)
    im = ax.imshow(rates.T, aspect="auto", origin="lower", extent=extent, cmap=kw.pop("cmap", "viridis"), **kw)
    ax.figure.colorbar(im, ax=ax, label="rate (Hz)")
    ax.set(xlabel="time (s)", ylabel="unit")
    return ax


def population_rate(times, rate, ax=None, label=None, **kw):
    """Population-mean rate (Hz) over time."""
    ax = _axes(ax)
    ax.plot(times, rate, label=label, **kw)
    ax.set(xlabel="time (s)", ylabel="rate (Hz)")
    return ax


def weight_traces(times, weights, w_max=None, ax=None, **kw):
    """Traces of chosen synapses, ``weights`` (samples, synapses), over time (as w / w_max)."""
    ax = _axes(ax)
    w = np.asarray(weights) / (w_max if w_max else 1.0)
    ax.plot(times, w, lw=kw.pop("lw", 0.8), **kw)
    ax.set(xlabel="time (s)", ylabel="w / w_max" if w_max else "w")
    return ax


def weight_histogram(weights, w_max=None, ax=None, bins=40, label=None, **kw):
    """Histogram of (final) weights, as w / w_max when ``w_max`` is given."""
    ax = _axes(ax)
    w = np.asarray(weights) / (w_max if w_max else 1.0)
    # [0, 1] for the usual non-negative weights; wider when weights are signed
    span = (min(0.0, float(w.min(initial=0))), max(1.0, float(w.max(initial=1)))) if w_max else None
    ax.hist(w, bins=bins, range=span, label=label, **kw)
    ax.set(xlabel="w / w_max" if w_max else "w", ylabel="synapses")
    return ax


def figures_for(network, result, max_neurons=200, raster_seconds=2.0):
    """The figures that fit a network run: {name: Figure}.

    Rasters show the last ``raster_seconds`` of the run (a long run's raster is ink).
    """
    figs = {}
    end = float(result.info.get("duration", network.duration))
    for pop, (t, i) in result.spikes.items():
        start = max(0.0, end - raster_seconds)
        ax = raster(t, i, max_neurons=max_neurons, window=(start, end))
        ax.set_title(f"spikes: {pop}, last {end - start:g} s")
        figs[f"raster_{pop}"] = ax.figure
    for pop in network.populations:
        key = f"unit_rates/{pop}"
        if key in result.arrays and pop in result.rates:
            ax = rate_heatmap(result.rates[pop][0], result.arrays[key])
            ax.set_title(f"rates: {pop}")
            figs[f"rates_{pop}"] = ax.figure
    if result.rates:
        ax = None
        for pop, (t, r) in result.rates.items():
            ax = population_rate(t, r, ax=ax, label=pop)
        ax.legend()
        figs["population_rate"] = ax.figure
    for proj, rec in result.weights.items():
        w_max = rec["w_max"] if np.isfinite(rec["w_max"]) else None
        if "w" in rec:
            ax = weight_traces(rec["t"], rec["w"], w_max)
            ax.set_title(f"weights: {proj}")
            figs[f"weights_{proj}"] = ax.figure
        if w_max:
            ax = weight_histogram(rec["final"], w_max)
            ax.set_title(f"final weights: {proj}")
            figs[f"weight_hist_{proj}"] = ax.figure
    for name in network.modulators:
        t = result.arrays.get(f"modulator/{name}/t")
        if t is not None and len(t):
            ax = _axes(None)
            ax.plot(t, result.arrays[f"modulator/{name}/d"], lw=0.8)
            ax.set(xlabel="time (s)", ylabel=f"{name} (d)", title=f"modulator: {name}")
            figs[f"modulator_{name}"] = ax.figure
    return figs
