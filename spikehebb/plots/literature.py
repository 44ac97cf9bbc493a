"""Figures of the literature-rule models (NeAW, AHL, HPCA, the correlation game).

Plot functions take data and ``ax=None`` and return the axes;
:func:`literature_figures` picks them from a run's rules.
"""
import numpy as np
from matplotlib.figure import Figure

from .axes import axes_or_new


def weight_mosaic(W, side, ax=None, ncols=8, title=None, signed=True):
    """Columns of ``W`` (``side**2`` values each) as ``side`` x ``side`` tiles, each scaled to its own
    largest magnitude (grey 0 for signed weights)."""
    ax = axes_or_new(ax)
    k = W.shape[1]
    ncols = min(ncols, k)
    nrows = -(-k // ncols)
    mosaic = np.full((nrows * (side + 1) - 1, ncols * (side + 1) - 1), np.nan)
    for j in range(k):
        r, c = divmod(j, ncols)
        tile = W[:, j].reshape(side, side)
        mosaic[r * (side + 1):r * (side + 1) + side, c * (side + 1):c * (side + 1) + side] = \
            tile / max(np.abs(tile).max(), 1e-300)
    ax.imshow(mosaic, cmap="RdBu_r" if signed else "gray_r", vmin=-1 if signed else 0, vmax=1,
              interpolation="nearest")
    ax.set_xticks([]), ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def comparison_bars(values, ax=None, ylabel=""):
    """Grouped bars: ``values`` is ``{group: {label: value}}`` (e.g. rule -> metric -> value)."""
    ax = axes_or_new(ax)
    groups = list(values)
    labels = list(values[groups[0]])
    width = 0.8 / len(groups)
    x = np.arange(len(labels))
    for g, group in enumerate(groups):
        ax.bar(x - 0.4 + (g + 0.5) * width, [values[group][k] for k in labels], width, label=group)
    ax.set_xticks(x, labels, fontsize=8)
    ax.set(ylabel=ylabel)
    ax.legend(fontsize=8)
    return ax


def objective_trace(times, objective, ax=None):
    """The correlation game's objective over learning."""
    ax = axes_or_new(ax)
    ax.plot(times, objective, marker="o", ms=3)
    ax.set(xlabel="time (s)", ylabel="game objective (Hz$^2$ per unit)")
    return ax


def _onoff_to_signed(W, side):
    """ON minus OFF weights of an ``on_off`` input, one ``side**2`` column per unit."""
    return W[:side * side] - W[side * side:]


def literature_figures(network, result):
    """``{name: Figure}`` for each projection learning with one of the literature rules."""
    from .. import literature_metrics as lm
    figs = {}
    for name, proj in network.projections.items():
        rule = proj.rule.TYPE
        if name not in result.weights or rule not in ("neaw", "ahl", "hpca", "correlation_game_excitation"):
            continue
        pre, post = network.populations[proj.pre], network.populations[proj.post]
        W = lm._matrix(network, result, name)
        fig = Figure(figsize=(10, 3.8), layout="constrained")
        left, right = fig.subplots(1, 2)
        if rule == "neaw":
            x, _ = lm.input_samples(pre, 2000)
            y = lm.feedforward_responses(post, x, W)
            weight_image = left.imshow(np.abs((W / np.linalg.norm(W, axis=0)).T @ (W / np.linalg.norm(W, axis=0))),
                                       vmin=0, vmax=1, cmap="viridis")
            fig.colorbar(weight_image, ax=left)
            left.set_title("|cos| between units' weight vectors", fontsize=9)
            _, corr, _ = lm.diversity(W, y)
            sd = np.where(y.std(axis=0) > 0, y.std(axis=0), np.inf)  # silent units: uncorrelated
            yc = (y - y.mean(axis=0)) / sd
            fig.colorbar(right.imshow(yc.T @ yc / len(y), vmin=-1, vmax=1, cmap="RdBu_r"), ax=right)
            right.set_title(f"correlation of the units' responses (mean |off-diagonal| {corr:.2f})", fontsize=9)
        elif rule == "ahl":
            side = pre.size
            Ws = _onoff_to_signed(W, side) if pre.channels == "on_off" else W
            weight_mosaic(Ws, side, ax=left, title="learned features (ON - OFF weights)")
            x, _ = lm.input_samples(pre, 2000)
            y = lm.feedforward_responses(post, x, W)
            right.hist((y > 0).sum(axis=1), bins=np.arange(post.n + 2) - 0.5)
            right.set(xlabel="units active per patch", ylabel="patches", title="a sparse, distributed code")
        elif rule == "hpca":
            x, _ = lm.input_samples(pre, 20000)
            _, vecs = lm.principal_components(x.T @ x / len(x))
            k = W.shape[1]
            signs = np.sign(np.sum(W * vecs[:, :k], axis=0))
            weight_mosaic(W * signs, pre.size, ax=left, ncols=k, title="HPCA filters (learned)")
            weight_mosaic(vecs[:, :k], pre.size, ax=right, ncols=k,
                          title="principal components of the patches (numpy eigh)")
        else:
            weight_mosaic(W, pre.size, ax=left, signed=False, title="excitatory weights: parts")
            lateral = next((n for n, p in network.projections.items()
                            if p.rule.TYPE == "correlation_game_inhibition" and n in result.weights), None)
            trace = _game_trace(lm, network, result, name, lateral, pre) if lateral else None
            if trace is not None:
                objective_trace(*trace, ax=right)
                right.set_title("correlation game objective", fontsize=9)
        fig.suptitle(f"{rule} rule, {name}", fontsize=10)
        figs[f"{rule}_{name}"] = fig
    return figs


def _game_trace(lm, network, result, ff, lateral, pre):
    recs = result.weights[ff], result.weights[lateral]
    if any("w" not in r or len(r["i"]) != len(r["final"]) for r in recs):
        return None  # traces hold only some synapses
    x, _ = lm.input_samples(pre, 1000)
    mats = []
    for name, rec in zip((ff, lateral), recs):
        proj = network.projections[name]
        n_pre, n_post = network.populations[proj.pre].n, network.populations[proj.post].n
        mats.append([lm.weight_matrix(w, rec["i"], rec["j"], n_pre, n_post) for w in rec["w"]])
    g = [lm.game_objective(x, W, L)[0] for W, L in zip(*mats)]
    return np.asarray(recs[0]["t"]), np.asarray(g)
