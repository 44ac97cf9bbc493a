"""The figures of a network run, chosen and labelled from the model description.

Labels follow what is stored: rates in Hz for spiking and rate-coded units,
signed outputs for linear rate units; weights as ``w / w_max`` where a
spiking rule bounds them, in nS or pA where they are unbounded, and as plain
dimensionless numbers onto rate-native units.
"""
import numpy as np
from matplotlib.figure import Figure

from .axes import axes_or_new, output_label
from .network import (describe_indices, population_rate, raster, raster_caption, rate_heatmap, row_step,
                      weight_histogram, weight_traces)

#: display unit of SI weights, by the physical kind of the weights
_WEIGHT_UNIT = {"conductance": (1e-9, "nS"), "current": (1e-12, "pA")}


def weight_axis(network, name, rec):
    """``(divisor, label, note)`` for plotting the stored (SI) weights of projection ``name``.

    Onto rate-native units the weights are dimensionless and shown as they are
    (their ``[w_min, w_max]`` clip is noted, not used as a scale); spiking
    weights are ``w / w_max`` when ``w_max`` is finite, else in nS or pA.
    """
    proj = network.projections[name]
    kind = getattr(network.populations[proj.post], "weight_kind", None)
    lo, hi = float(rec["w_min"]), float(rec["w_max"])
    if kind not in _WEIGHT_UNIT:
        note = f"clipped to [{lo:g}, {hi:g}]" if np.isfinite(hi) else ""
        return 1.0, "w (dimensionless)", note
    scale, unit = _WEIGHT_UNIT[kind]
    if np.isfinite(hi) and hi > 0:
        return hi, "w / w_max", f"w_max = {hi / scale:.3g} {unit}"
    return scale, f"w ({unit})", ""


def _timeline(duration, detail_seconds, height=2.6):
    """A figure with the whole run on top and, for long runs, its last ``detail_seconds`` below."""
    detail = duration > 2 * detail_seconds
    fig = Figure(figsize=(7, height * (2 if detail else 1)), layout="constrained")
    axes = fig.subplots(2 if detail else 1, 1, squeeze=False)[:, 0]
    return fig, axes, detail


def raster_figure(times, indices, n, duration, name, max_rows=100, detail_seconds=2.0, n_total=None):
    """Raster of population ``name`` (``n`` neurons recorded, of ``n_total``): the whole run
    and its last seconds, at most ``max_rows`` neurons, the subsample stated in each title."""
    fig, axes, detail = _timeline(duration, detail_seconds)
    caption = raster_caption(n, max_rows)
    if n_total is not None and n_total > n:
        caption += f" (spikes kept of neurons 0-{n - 1} of {n_total})"
    for ax, (start, title) in zip(axes, [(0.0, f"whole run ({duration:g} s)"),
                                         (duration - detail_seconds, f"last {detail_seconds:g} s")]):
        raster(times, indices, ax=ax, n=n, max_rows=max_rows, window=(start, duration))
        ax.set_xlim(start, duration)
        ax.set_title(f"spikes: {name}, {title}; {caption}", fontsize=9)
    return fig


def heatmap_figure(times, values, n, duration, name, label, max_rows=100, detail_seconds=2.0):
    """Per-unit rates (or outputs) of population ``name`` as heat maps: the whole run and
    its last seconds; at most ``max_rows`` units, the subsample stated in each title."""
    step = row_step(n, max_rows)
    fig, axes, _ = _timeline(duration, detail_seconds)
    caption = raster_caption(n, max_rows).replace("neurons", "units").replace("neuron", "unit")
    shown = np.asarray(values)[:, ::step]
    lim = {}
    if shown.size:  # one colour scale for both panels
        lim = ({"vmin": -np.abs(shown).max(), "vmax": np.abs(shown).max()} if shown.min() < 0
               else {"vmin": 0.0, "vmax": shown.max()})
    for ax, (start, title) in zip(axes, [(0.0, f"whole run ({duration:g} s)"),
                                         (duration - detail_seconds, f"last {detail_seconds:g} s")]):
        rate_heatmap(times, shown, ax=ax, label=label, unit_step=step, **lim)
        ax.set_xlim(start, duration)
        ax.set_title(f"{name}: {title}; {caption}", fontsize=9)
    return fig


def weight_figures(network, name, rec):
    """``{"weights_NAME": traces, "weight_hist_NAME": histogram}`` of projection ``name``:
    traces of the recorded synapses (which ones: in the title), if any were recorded, and
    the histogram of all its final weights, if it is plastic or traced."""
    div, label, note = weight_axis(network, name, rec)
    proj = network.projections[name]
    head = f"{name} ({proj.pre} -> {proj.post})" + (f"; {note}" if note else "")
    figs = {}
    if "w" in rec and len(rec["t"]):
        ax = weight_traces(rec["t"], np.asarray(rec["w"]) / div, i=rec["i"], j=rec["j"],
                           n_total=len(rec["final"]), ylabel=label)
        ax.set_title(f"weights: {head}\n{ax.get_title()}", fontsize=9)
        figs[f"weights_{name}"] = ax.figure
    if not getattr(proj.rule, "PLASTIC", False) and not figs:
        return figs  # fixed weights, not traced: a histogram would show the initial draw only
    final = np.asarray(rec["final"]) / div
    ax = weight_histogram(final, w_max=1.0 if label == "w / w_max" else None, xlabel=f"final {label}")
    ax.set_title(f"final weights: {head}\nall {len(final)} synapses", fontsize=9)
    figs[f"weight_hist_{name}"] = ax.figure
    return figs


def figures_for(network, result, max_rows=100, detail_seconds=2.0):
    """The figures that fit a network run: ``{name: Figure}``.

    Rasters and rate heat maps cover the whole run (and, for long runs, its last
    ``detail_seconds``) of every recorded population, with at most ``max_rows``
    neurons (every k-th, stated on the figure). Learning metrics of the model
    (``pc_cosine``, ``selectivity``) get their own figures.
    """
    figs = {}
    duration = float(result.info.get("duration", network.duration))
    pops = network.populations
    for pop, (t, i) in result.spikes.items():
        n = network.record.spike_count(pop, pops[pop].n)
        figs[f"raster_{pop}"] = raster_figure(t, i, n, duration, pop, max_rows, detail_seconds, n_total=pops[pop].n)
    for pop in pops:
        key = f"unit_rates/{pop}"
        if key in result.arrays and pop in result.rates:
            figs[f"rates_{pop}"] = heatmap_figure(result.rates[pop][0], result.arrays[key], pops[pop].n, duration,
                                                  pop, output_label(pops[pop]), max_rows, detail_seconds)
    by_label = {}
    for pop in result.rates:
        by_label.setdefault(output_label(pops[pop]), []).append(pop)
    if by_label:
        fig = Figure(figsize=(6, 3.2 * len(by_label)), layout="constrained")
        for ax, (label, names) in zip(fig.subplots(len(by_label), 1, squeeze=False)[:, 0], by_label.items()):
            for pop in names:
                population_rate(*result.rates[pop], ax=ax, label=pop, ylabel=f"population mean {label}", lw=0.8)
            ax.legend(fontsize=8)
        figs["population_rate"] = fig
    for proj, rec in result.weights.items():
        figs.update(weight_figures(network, proj, rec))
    for name in network.modulators:
        t = result.arrays.get(f"modulator/{name}/t")
        if t is not None and len(t):
            ax = axes_or_new(None)
            ax.plot(t, result.arrays[f"modulator/{name}/d"], lw=0.8)
            ax.set(xlabel="time (s)", ylabel=f"{name} (d)", title=f"modulator: {name}")
            figs[f"modulator_{name}"] = ax.figure
    from .learning import learning_figures
    figs.update(learning_figures(network, result))
    from .literature import literature_figures
    figs.update(literature_figures(network, result))
    return figs


__all__ = ["figures_for", "output_label", "weight_axis", "raster_figure", "heatmap_figure", "weight_figures",
           "describe_indices"]
