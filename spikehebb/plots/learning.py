"""Figures of what rate-native rules learn: principal components (Oja, Sanger) and
pattern selectivity (BCM). Each plot takes data and ``ax=None`` and returns the axes.

References
----------
Oja (1982) J. Math. Biol. 15:267. Sanger (1989) Neural Netw. 2:459.
Bienenstock, Cooper & Munro (1982) J. Neurosci. 2:32.
"""
import numpy as np
from matplotlib.figure import Figure

from .axes import axes_or_new, output_label


def pc_cosine_traces(times, cosines, ax=None, labels=None):
    """``|cos|`` between weight vectors and their principal components over time;
    ``cosines`` is (samples, units)."""
    ax = axes_or_new(ax)
    c = np.asarray(cosines, float).reshape(len(times), -1)
    for k in range(c.shape[1]):
        ax.plot(times, c[:, k], lw=1.2, label=labels[k] if labels else f"unit {k}")
    ax.set(xlabel="time (s)", ylabel="|cos(w, PC)|", ylim=(0, 1.02))
    ax.legend(fontsize=8, loc="lower right")
    return ax


def component_profiles(w, components, ax=None, targets=None):
    """Each unit's weight vector (normalised, solid) over the inputs against the principal
    component it should learn (dashed); ``w`` is (inputs, units), ``components`` has the
    eigenvectors as columns, ``targets[j]`` the component of unit ``j`` (default ``j``)."""
    ax = axes_or_new(ax)
    w = np.asarray(w, float)
    targets = np.arange(w.shape[1]) if targets is None else np.asarray(targets)
    x = np.arange(w.shape[0])
    for j in range(w.shape[1]):
        e = components[:, targets[j]]
        v = w[:, j] / (np.linalg.norm(w[:, j]) or 1.0)
        v = v * (np.sign(v @ e) or 1.0)  # an eigenvector's sign is arbitrary: align for the eye
        ax.plot(x, v, "o-", color=f"C{j}", ms=3, label=f"unit {j}: w / |w|")
        ax.plot(x, e, "--", color=f"C{j}", lw=1, label=f"PC {targets[j] + 1}")
    ax.axhline(0, color="0.7", lw=0.6)
    ax.set(xlabel="input index", ylabel="component (unit norm)", xticks=x)
    ax.legend(fontsize=7, ncol=2)
    return ax


def pattern_responses(before, after, ax=None, sel_before=None, sel_after=None, label="rate (Hz)"):
    """Steady response of each unit to each stimulus before (grey) and after learning;
    ``before`` and ``after`` are (stimuli, units). Selectivities go into the legend."""
    ax = axes_or_new(ax)
    after = np.asarray(after, float)
    n_s, n_u = after.shape
    width = 0.8 / (n_u * (2 if before is not None else 1))
    x = np.arange(n_s)
    pos = 0
    for j in range(n_u):
        for when, r, sel, style in (("before", before, sel_before, {"color": "0.65", "hatch": "//"}),
                                    ("after", after, sel_after, {"color": f"C{j}"})):
            if r is None:
                continue
            text = f"unit {j}, {when}" + (f" (SEL {sel[j]:.2f})" if sel is not None else "")
            ax.bar(x - 0.4 + (pos + 0.5) * width, np.asarray(r)[:, j], width, label=text, **style)
            pos += 1
    ax.set_xticks(x, [f"pattern {s}" for s in x])
    ax.set(ylabel=f"steady response, {label}")
    ax.legend(fontsize=7)
    return ax


def learning_figures(network, result):
    """Figures of what the rate-native rules of the model learn: ``{name: Figure}``.

    Chosen from the rule of each projection fed by a ``rate_patterns`` input: Oja and
    Sanger get ``pc_cosine_NAME`` (weight vectors against the input's principal
    components), BCM gets ``selectivity_NAME`` (responses to each pattern before
    and after learning).
    """
    from .. import metrics as m
    from ..model.rate_models import PatternInput
    figs = {}
    for name, proj in network.projections.items():
        if not isinstance(network.populations[proj.pre], PatternInput) or name not in result.weights:
            continue
        if proj.rule.TYPE in ("sanger", "oja"):
            figs[f"pc_cosine_{name}"] = _pc_figure(m, name, network, result)
        elif proj.rule.TYPE == "bcm" and getattr(network.populations[proj.post], "TYPE", None) == "rate_units":
            figs[f"selectivity_{name}"] = _selectivity_figure(m, name, network, result)
    return figs


def _selectivity_figure(m, name, network, result):
    rec = result.weights[name]
    ij = rec["final_i"], rec["final_j"]
    after = m.pattern_responses(network, name, rec["final"], *ij)
    init = result.arrays.get(f"initial_weights/{name}")
    before = None if init is None else m.pattern_responses(network, name, init, *ij)
    fig = Figure(figsize=(6, 3.8), layout="constrained")
    post = network.populations[network.projections[name].post]
    pattern_responses(before, after, ax=fig.add_subplot(), label=output_label(post),
                      sel_before=None if before is None else m.selectivity_index(before),
                      sel_after=m.selectivity_index(after))
    fig.suptitle(f"selectivity, {name}: SEL = 1 - mean/max response (Bienenstock et al. 1982)", fontsize=9)
    return fig


def _pc_figure(m, name, network, result):
    proj = network.projections[name]
    pre, post = network.populations[proj.pre], network.populations[proj.post]
    rec = result.weights[name]
    _, vecs = m.principal_components(m.pattern_second_moment(pre))
    w = m.weight_matrix(rec["final"], rec["final_i"], rec["final_j"], pre.n, post.n)
    targets = np.minimum(np.arange(post.n), pre.n - 1) if proj.rule.TYPE == "sanger" else np.zeros(post.n, int)
    trace = m.pc_cosine_trace(network, result, name)
    fig = Figure(figsize=(11 if trace else 5.5, 3.8), layout="constrained")
    axes = fig.subplots(1, 2 if trace else 1, squeeze=False)[0]
    if trace:
        pc_cosine_traces(*trace, ax=axes[0], labels=[f"unit {j} vs PC {k + 1}" for j, k in enumerate(targets)])
    component_profiles(w, vecs, ax=axes[-1], targets=targets)
    axes[-1].set_title("final weights against the principal components", fontsize=9)
    fig.suptitle(f"{proj.rule.TYPE} rule, {name}: PCs of the input's <x x^T> (numpy eigh)", fontsize=10)
    return fig
