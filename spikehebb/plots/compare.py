"""Side-by-side plots of one model on the spiking and the rate backend.

Each function takes plain data (seconds, Hz, weights as fractions of
``w_max``) and ``ax=None``, draws both backends in one axes, and returns it.
"""
import numpy as np
from matplotlib.figure import Figure

from .axes import axes_or_new

STYLE = {"spike": {"color": "C0", "label": "spike (Brian2)"},
         "rate": {"color": "C3", "label": "rate (numpy)", "ls": "--"}}


def rates_over_time(series, ax=None, population=""):
    """Population-mean output rate over time; ``series[backend] = (t, rate)``."""
    ax = axes_or_new(ax, (5, 3.5))
    for backend, (t, r) in series.items():
        ax.plot(t, r, lw=1.2, **STYLE[backend])
    ax.set(xlabel="time (s)", ylabel="rate (Hz)", title=f"output rate {population}".strip())
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    return ax


def mean_weight_over_time(series, ax=None, projection=""):
    """Mean traced weight (w / w_max) over time; ``series[backend] = (t, mean_w_over_max)``."""
    ax = axes_or_new(ax, (5, 3.5))
    for backend, (t, w) in series.items():
        ax.plot(t, w, lw=1.2, marker=".", ms=3, **STYLE[backend])
    ax.set(xlabel="time (s)", ylabel="mean w / w_max", title=f"mean weight {projection}".strip())
    ax.legend(fontsize=8)
    return ax


def final_weight_histograms(finals, ax=None, bins=40, projection=""):
    """Histograms of all final weights (w / w_max in [0, 1]); ``finals[backend] = array``."""
    ax = axes_or_new(ax, (5, 3.5))
    for backend, w in finals.items():
        style = dict(STYLE[backend])
        style.pop("ls", None)
        ax.hist(np.asarray(w), bins=bins, range=(0, 1), histtype="step", lw=1.5,
                linestyle="--" if backend == "rate" else "-", **style)
    ax.set(xlabel="final w / w_max", ylabel="synapses", title=f"final weights {projection}".strip())
    ax.legend(fontsize=8)
    return ax


def comparison_figure(rates, weights, finals, title="", footer="", population="", projection=""):
    """One figure, three panels: output rates, mean weight, final weight histograms."""
    fig = Figure(figsize=(14, 4), layout="constrained")
    axes = fig.subplots(1, 3)
    rates_over_time(rates, ax=axes[0], population=population)
    if weights:
        mean_weight_over_time(weights, ax=axes[1], projection=projection)
        final_weight_histograms(finals, ax=axes[2], projection=projection)
    else:
        for ax in axes[1:]:
            ax.set_axis_off()
    if title:
        fig.suptitle(title)
    if footer:
        fig.text(0.01, -0.02, footer, ha="left", va="top", fontsize=9, wrap=True)
    return fig
