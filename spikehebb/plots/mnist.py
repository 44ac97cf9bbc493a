"""Figures of the MNIST networks: receptive fields, learning curve, confusion
matrix. Every function takes data and an optional ``ax``, returns the axes and
never calls ``show()``. Errors are fractions in [0, 1], as in ``summary.json``."""
import numpy as np

from .axes import axes_or_new


def tile(fields, side, pad=1):
    """Arrange ``(n, side*side)`` fields (each scaled to [0, 1]) in a square mosaic."""
    fields = np.asarray(fields, dtype=float).reshape(len(fields), side, side)
    lo = fields.min((1, 2), keepdims=True)
    hi = fields.max((1, 2), keepdims=True)
    fields = (fields - lo) / np.where(hi > lo, hi - lo, 1.0)
    n = len(fields)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    out = np.ones((rows * (side + pad) + pad, cols * (side + pad) + pad))
    for k, f in enumerate(fields):
        r, c = divmod(k, cols)
        out[pad + r * (side + pad):pad + r * (side + pad) + side,
            pad + c * (side + pad):pad + c * (side + pad) + side] = f
    return out


def receptive_fields(W, side, ax=None, title="receptive fields", labels=None):
    """Show the columns of ``W`` (n_in, n_units) as ``side x side`` images.

    ``labels`` (one class per unit, optional) is written in the title count.
    """
    ax = axes_or_new(ax, (6, 6))
    fields = np.log(np.asarray(W).T)  # the units are driven by log-weights
    ax.imshow(tile(fields, side), cmap="gray_r", interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(f"{title} ({W.shape[1]} units)")
    return ax


def learning_curve(test_error, train_error, phase, ax=None, title="learning curve", names=None):
    """Error (fraction of images misclassified) per epoch; epochs of the second and later phases are shaded.

    ``phase`` is each epoch's phase index, ``names`` the phases' names
    (default: "phase K"). Epochs whose test error was not measured are NaN.
    """
    ax = axes_or_new(ax, (6, 4))
    ep = np.arange(1, len(test_error) + 1)
    test_error = np.asarray(test_error, dtype=float)
    ok = np.isfinite(test_error)
    ax.plot(ep[ok], test_error[ok], "o-", ms=3, label="test")
    ax.plot(ep, np.asarray(train_error, dtype=float), "s-", ms=3, label="train (online, greedy)")
    phase = np.asarray(phase, dtype=int)
    colors = ("tab:orange", "tab:green", "tab:purple", "tab:gray")
    for k in np.unique(phase[phase > 0]) if len(phase) else ():
        where = np.nonzero(phase == k)[0]
        name = names[k] if names is not None and k < len(names) else f"phase {k}"
        ax.axvspan(where[0] + 0.5, where[-1] + 1.5, color=colors[(k - 1) % len(colors)], alpha=0.15,
                   label=f"{name} phase")
    ax.set_xlabel("epoch")
    ax.set_ylabel("error (fraction)")
    ax.set_yscale("log")
    from matplotlib.ticker import FormatStrFormatter, LogLocator
    # plain "0.03", not "3 x 10^-2"; minor ticks at 2 and 5 per decade also labelled
    ax.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))
    ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    ax.yaxis.set_minor_formatter(FormatStrFormatter("%.3g"))
    ax.set_title(title)
    ax.legend()
    return ax


def confusion_matrix(cm, ax=None, title="confusion matrix (test)"):
    """Row-normalised confusion matrix (true class in rows), as fractions of each true class."""
    ax = axes_or_new(ax, (5, 4.5))
    cm = np.asarray(cm, dtype=float)
    frac = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    im = ax.imshow(frac, cmap="Blues", vmin=0, vmax=1)
    n = len(cm)
    for i in range(n):
        for j in range(n):
            if frac[i, j] >= 0.005:  # below that the cell reads as empty
                ax.text(j, i, f"{frac[i, j]:.2f}", ha="center", va="center", fontsize=6,
                        color="white" if frac[i, j] > 0.5 else "black")
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    ax.figure.colorbar(im, ax=ax, label="fraction of true class")
    return ax
