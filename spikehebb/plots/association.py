"""Plots of the associative tasks: weights over trials, cue responses, test-trial rasters, capacity."""
import numpy as np

from .axes import axes_or_new
from .network import raster

_COLORS = {"before": "0.6", "after": "C0"}


def bit_weight_traces(times, trace, ax=None, labels=None):
    """Per-bit weights over time: ``trace`` (samples, n_in, n_out) in units of w_max, one line per pair."""
    ax = axes_or_new(ax)
    trace = np.asarray(trace)
    n_in, n_out = trace.shape[1:]
    for a in range(n_in):
        for b in range(n_out):
            label = labels[a][b] if labels is not None else f"input {a} -> output {b}"
            ax.plot(times, trace[:, a, b], label=label)
    ax.set(xlabel="time (s)", ylabel="w / w_max", ylim=(-0.02, 1.02))
    ax.legend(fontsize=8)
    return ax


def conditioning_weights(runs, ax=None):
    """Mean CS->output weight over time for each variant (dict name -> fitted Conditioning)."""
    ax = axes_or_new(ax)
    for name, c in runs.items():
        if name == "main" and len(runs) > 1:
            continue
        ax.plot(c.weight_times_, c.weight_trace_, label=name.replace("_", " "))
    ax.set(xlabel="time (s)", ylabel="mean CS weight / w_max", ylim=(-0.02, 1.02))
    ax.legend(fontsize=8)
    return ax


def before_after(values, ax=None, ylabel="output rate (Hz)"):
    """Grouped bars: ``values`` maps a name to (before, after)."""
    ax = axes_or_new(ax)
    names = [n for n in values if not (n == "main" and len(values) > 1)]
    x = np.arange(len(names))
    for k, when in enumerate(("before", "after")):
        ax.bar(x + (k - 0.5) * 0.38, [values[n][k] for n in names], 0.38, label=when, color=_COLORS[when])
    ax.set_xticks(x, [n.replace("_", " ") for n in names])
    ax.set(ylabel=ylabel)
    ax.legend(fontsize=8)
    return ax


def cue_responses(before, after, ax=None, targets=None):
    """Output rate to each cue alone before and after learning: (n_cues, n_out) arrays, output 0."""
    before, after = np.asarray(before)[:, 0], np.asarray(after)[:, 0]
    values = {f"cue {k}" + (f" (target {targets[k]})" if targets is not None else ""): (b, a)
              for k, (b, a) in enumerate(zip(before, after))}
    return before_after(values, ax=ax)


def trial_raster(result, protocol, labels, ax=None):
    """Cue (grey) and output (red, on top) spikes of a spike-backend run; segments called
    ``labels`` shaded and numbered."""
    ax = axes_or_new(ax)
    n_cue = 0
    if "cue" in result.spikes:
        t, i = result.spikes["cue"]
        raster(t, i, ax=ax, color="0.5")
        n_cue = max(n_cue, int(np.max(i, initial=-1)) + 1)
    t, i = result.spikes["out"]
    raster(t, np.asarray(i) + n_cue + 2, ax=ax, color="C3", mew=2)
    shade = {lab: f"C{k}" for k, lab in enumerate(labels)}
    seen = set()
    for s in protocol.segments:
        if s.label in shade:
            ax.axvspan(s.t0, s.t1, color=shade[s.label], alpha=0.12,
                       label=s.label if s.label not in seen else None)
            seen.add(s.label)
    ax.set_xlim(0, protocol.duration)
    ax.set_ylabel("cue neurons (grey), output (red)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside: never hides spikes
    return ax


def capacity(curve, ax=None, label=None):
    """Recall accuracy (whole patterns) and bit accuracy against the number of stored pairs P."""
    ax = axes_or_new(ax)
    ax.plot(curve["p"], curve["recall_accuracy"], "o-", label=(label or "") + " patterns recalled")
    ax.plot(curve["p"], curve["bit_accuracy"], "s--", label=(label or "") + " bits correct")
    ax.set(xscale="log", xlabel="stored pairs P", ylabel="accuracy", ylim=(-0.02, 1.02))
    _p_ticks(ax, curve["p"])
    ax.legend(fontsize=8)
    return ax


def _p_ticks(ax, p):
    # the P values themselves as ticks: a log axis would label 2 as 2 x 10^0
    ax.set_xticks(list(p), [str(int(v)) for v in p])
    ax.minorticks_off()


def comparison_figure(results, threshold_hz):
    """``spikehebb compare`` on the association: recall rates, weights and capacity of both backends.

    ``results`` maps a backend to its :class:`~spikehebb.results.RunResult` of the association task.
    """
    from matplotlib.figure import Figure
    names = list(results)
    has_curve = all("hetero/p" in r.arrays for r in results.values())
    cols = 3 if has_curve else 2
    fig = Figure(figsize=(5 * cols, 4.2))
    axes = [fig.add_subplot(1, cols, k + 1) for k in range(cols)]
    x = np.arange(2)
    for k, b in enumerate(names):
        a = results[b].arrays
        axes[0].bar(x + (k - 0.5) * 0.38, a["recall_rates"][:, 0], 0.38, label=b, color=f"C{k}")
        for cue, style in ((0, "-"), (1, ":")):
            axes[1].plot(a["weight_t"], a["weight_trace"][:, cue, 0], style, color=f"C{k}",
                         label=f"{b}: cue {'AB'[cue]}")
        if has_curve:
            axes[2].plot(a["hetero/p"], a["hetero/recall_accuracy"], "o-", color=f"C{k}", label=f"{b}: patterns")
            axes[2].plot(a["hetero/p"], a["hetero/bit_accuracy"], "s--", color=f"C{k}", label=f"{b}: bits")
    axes[0].axhline(threshold_hz, color="0.5", lw=0.8, ls="--", label="threshold")
    axes[0].set_xticks(x, ["cue A (target 1)", "cue B (target 0)"])
    acc = ", ".join(f"{b} {results[b].metrics['recall_accuracy']:.2f}" for b in names)
    axes[0].set(ylabel="recall rate, weights frozen (Hz)", title=f"recall accuracy: {acc}")
    axes[1].set(xlabel="time (s)", ylabel="w / w_max", ylim=(-0.02, 1.02), title="cue->output weights")
    if has_curve:
        axes[2].set(xscale="log", xlabel="stored pairs P", ylabel="accuracy", ylim=(-0.02, 1.02),
                    title="hetero-associative recall (same pairs)")
        _p_ticks(axes[2], results[names[0]].arrays["hetero/p"])
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig

