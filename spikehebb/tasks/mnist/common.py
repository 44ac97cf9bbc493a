"""Parameters, data preparation and results shared by the MNIST tasks."""
import numpy as np

from ...datasets import load_mnist
from ...model.errors import ModelError
from ...model.schema import Field
from ...results import RunResult
from .hebb import DA_CASES, confusion, normalize

#: dopamine tables of the authors' camera-ready code, in the order of DA_CASES
DA_HIDDEN = [4.5, 0.02, -0.1, -2.0]
DA_CLASS = [0.0, 0.2, -0.3, -0.5]
#: each image sums to A_IMAGE = 1.2 x 784 (offset 1 per pixel included), as in the authors' code
A_IMAGE = 940.8

LEARNING = (
    Field("epochs_hebb", "int", 40, nonnegative=True, doc="pure Hebbian epochs (DA = 1)"),
    Field("epochs_dopa", "int", 30, nonnegative=True, doc="dopamine epochs"),
    Field("t", "float", 0.1, positive=True, doc="softmax temperature"),
    Field("eps", "float", 0.005, positive=True, doc="learning rate of the hidden layer(s)"),
    Field("eps_class", "float", 5e-7, positive=True,
          doc="learning rate of the classifier (authors: eps * 1e-4)"),
    Field("batch", "int", 20, positive=True, doc="mini-batch size (images)"),
    Field("da_hidden", "float", DA_HIDDEN, array=True,
          doc="dopamine of the hidden layer: " + ", ".join(DA_CASES)),
    Field("da_class", "float", DA_CLASS, array=True,
          doc="dopamine of the classifier in the Hebbian phase, same order"),
    Field("explore_noise", "float", 50.0, nonnegative=True,
          doc="exploration noise U(0, explore_noise) added to the hidden input (dopamine phase)"),
    Field("class_noise", "float", 4.0, nonnegative=True,
          doc="std of the Gaussian exploration noise on the classifier input (Hebbian phase)"),
    Field("n_train", "int", 0, nonnegative=True,
          doc="train on the first n_train training images (0: all 60,000)"),
    Field("quick_n_train", "int", 2000, positive=True, doc="--quick: training images"),
    Field("quick_epochs_hebb", "int", 10, nonnegative=True, doc="--quick: Hebbian epochs"),
    Field("quick_epochs_dopa", "int", 3, nonnegative=True, doc="--quick: dopamine epochs"),
    Field("quick_eps", "float", 0.1, positive=True,
          doc="--quick: eps (few images per unit need faster learning)"),
    Field("quick_eps_class", "float", 5e-3, positive=True, doc="--quick: eps_class"),
)


def check_tables(p):
    for key in ("da_hidden", "da_class"):
        v = np.atleast_1d(np.asarray(p[key], dtype=float))
        if v.shape != (4,):
            raise ModelError(f"task.{key}", f"expected 4 values ({', '.join(DA_CASES)}), got {v.tolist()}")
        p[key] = v


def effective(params, ctx):
    """Copy of ``params`` with ``--quick`` applied; the subset actually used."""
    p = dict(params)
    check_tables(p)
    if ctx.quick:
        p["n_train"] = p["quick_n_train"]
        p["epochs_hebb"], p["epochs_dopa"] = p["quick_epochs_hebb"], p["quick_epochs_dopa"]
        p["eps"], p["eps_class"] = p["quick_eps"], p["quick_eps_class"]
    return p


def images(ctx, n_train):
    """``(x_train, y_train, x_test, y_test)`` as float images and int labels.

    The training subset is the first ``n_train`` images of the official
    training file (0: all); the test set is always the full official one.
    """
    d = load_mnist(ctx.data_dir)
    n = n_train or len(d["y_train"])
    return (d["x_train"][:n].astype(float), d["y_train"][:n].astype(np.int64),
            d["x_test"].astype(float), d["y_test"].astype(np.int64))


def flat_inputs(x, A):
    """Images flattened and normalised to sum ``A`` (with the +1 offset)."""
    if A <= x[0].size:
        raise ModelError("task.A", f"must exceed the number of pixels ({x[0].size}), got {A}")
    return normalize(x.reshape(len(x), -1), A)


def result(hist, test_pred, y_test, train_err, fields, p, ctx, extra_metrics=None, extra_arrays=None):
    """The :class:`RunResult` of an MNIST task, with its three figures."""
    from matplotlib.figure import Figure

    from ...plots import mnist as plots
    test_err = float(np.mean(test_pred != y_test))
    cm = confusion(y_test, test_pred)
    m = {"test_error": test_err, "train_error": float(train_err), "epochs": int(len(hist["seconds"])),
         "seconds_per_epoch": float(np.mean(hist["seconds"])) if len(hist["seconds"]) else 0.0}
    phase = hist["phase"]
    if len(phase) and (phase == 0).any():
        m["test_error_after_hebbian"] = float(hist["test_error"][phase == 0][-1])
    m.update(extra_metrics or {})
    figs = {}
    for name, (W, side, title) in fields.items():
        fig = Figure(figsize=(7, 7))
        plots.receptive_fields(W, side, ax=fig.add_subplot(), title=title)
        figs[name] = fig
    fig = Figure(figsize=(6, 4))
    plots.learning_curve(hist["test_error"], hist["train_error"], phase, ax=fig.add_subplot(),
                         title=f"{ctx.model_name or 'mnist'} (seed {ctx.seed})")
    figs["learning_curve"] = fig
    fig = Figure(figsize=(5.5, 4.5))
    plots.confusion_matrix(cm, ax=fig.add_subplot())
    figs["confusion_matrix"] = fig
    arrays = {"test_error_per_epoch": hist["test_error"], "train_error_per_epoch": hist["train_error"],
              "seconds_per_epoch": hist["seconds"], "phase_per_epoch": phase, "confusion": cm,
              "test_pred": test_pred}
    arrays.update(extra_arrays or {})
    info = {"errors": "fractions in [0, 1]", "n_train": int(p["n_train"] or 60000), "n_test": int(len(y_test)),
            "training_subset": f"first {p['n_train'] or 60000} images of the official training file",
            "quick": bool(ctx.quick), "network": "rate (numpy)", "backend": "rate"}
    return RunResult(metrics=m, arrays=arrays, figures=figs, info=info)
