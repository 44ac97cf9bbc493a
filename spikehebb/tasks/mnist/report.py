"""The :class:`RunResult` of a classification run: metrics, arrays and figures,
the same names on both backends."""
import numpy as np

from ...results import RunResult


def confusion(labels, predicted, n=10):
    """Confusion counts: rows true class, columns predicted class."""
    cm = np.zeros((n, n), dtype=np.int64)
    np.add.at(cm, (np.asarray(labels), np.asarray(predicted)), 1)
    return cm


def _fields(network, weights):
    """``{name: (W, side, title)}`` for projections whose columns are images:
    from an image population, or a convolution kernel."""
    out = {}
    for name, W in weights.items():
        proj = network.projections[name]
        conn, pre = proj.connectivity, network.populations[proj.pre]
        if getattr(conn, "TYPE", None) == "conv":
            out[f"fields_{name}"] = (W, conn.kernel, f"{name}: convolution kernels (log W)")
        elif pre.TYPE == "image" and pre.shape[0] == pre.shape[1]:
            out[f"fields_{name}"] = (W, int(pre.shape[0]), f"{name}: receptive fields (log W)")
    return out


def report(net, network, hist, pred, labels, train_err, phases, params, ctx, n_eval, test_seconds):
    """Metrics, arrays and figures of a finished classification run."""
    from matplotlib.figure import Figure

    from ...plots import mnist as plots
    test_err = float(np.mean(pred != labels))
    cm = confusion(labels, pred)
    m = {"test_error": test_err, "epochs": int(len(hist["seconds"])),
         "seconds_per_epoch": float(np.mean(hist["seconds"])) if len(hist["seconds"]) else 0.0}
    if np.isfinite(train_err):
        m["train_error"] = float(train_err)
    if np.isfinite(test_seconds):
        m["seconds_test"] = float(test_seconds)
    for k, ph in enumerate(phases[:-1]):
        tested = (hist["phase"] == k) & np.isfinite(hist["test_error"])
        if tested.any():
            m[f"test_error_after_{ph.name}"] = float(hist["test_error"][tested][-1])
    weights = net.weights()
    figs = {}
    for name, (W, side, title) in _fields(network, weights).items():
        fig = Figure(figsize=(7, 7))
        plots.receptive_fields(W, side, ax=fig.add_subplot(), title=title)
        figs[name] = fig
    if len(hist["seconds"]):
        fig = Figure(figsize=(6, 4))
        plots.learning_curve(hist["test_error"], hist["train_error"], hist["phase"], ax=fig.add_subplot(),
                             title=f"{ctx.model_name or 'classification'}, {ctx.backend} (seed {ctx.seed})",
                             names=[ph.name for ph in phases])
        figs["learning_curve"] = fig
    fig = Figure(figsize=(5.5, 4.5))
    plots.confusion_matrix(cm, ax=fig.add_subplot(), title=f"confusion matrix (test, {ctx.backend})")
    figs["confusion_matrix"] = fig
    arrays = {"test_error_per_epoch": hist["test_error"], "train_error_per_epoch": hist["train_error"],
              "seconds_per_epoch": hist["seconds"], "phase_per_epoch": hist["phase"], "confusion": cm,
              "test_pred": pred}
    arrays.update({f"W/{k}": W for k, W in weights.items()})
    n_train = params["n_train"] or 60000 - params["validation"]
    v = params["validation"]
    test_subset = (f"first {len(labels)} of the last {v} official training images (validation)" if v else
                   f"first {len(labels)} images of the official test file")
    info = {"errors": "fractions in [0, 1]", "n_test": int(len(labels)), "quick": bool(ctx.quick),
            "backend": ctx.backend, "test_subset": test_subset}
    if not ctx.evaluate:  # an evaluation trains nothing: no training set, no phases
        info.update(n_train=int(n_train), n_train_eval=int(n_eval),
                    phases={ph.name: int(ph.epochs) for ph in phases},
                    training_subset=f"first {n_train} images of the official training file")
    if ctx.weights_from:
        info["weights_from"] = ctx.weights_from
        info["evaluate_only"] = bool(ctx.evaluate)
    if ctx.backend == "spike":
        info["target"] = getattr(net, "target", ctx.target)
        # spikes per image per layer and the images without an output spike, of the last presentation run
        info["spiking_last_run"] = {k: float(v) for k, v in getattr(net, "last", {}).items()}
    return RunResult(metrics=m, arrays=arrays, figures=figs, info=info)
