"""Task ``classification``: a Hebbian classifier with dopamine reward, built from the
model file's populations, projections and modulators, trained by the file's
phases, and run on whichever backend ``--backend`` names.

The same description runs as a batched softmax network (rate) or as Poisson
images into LIF layers (spike); metric names do not depend on the backend.
``--weights-from RUN_DIR`` loads the weights another run saved (either
backend) and ``--evaluate`` only tests them. Errors are fractions in [0, 1].

Metrics: ``test_error``, ``train_error`` (final weights, on the first
``n_train_eval`` training images), ``epochs``, ``seconds_per_epoch``, and
``test_error_after_PHASE`` for each phase but the last.
"""
import os
import time

import numpy as np

from ...datasets import load_mnist
from ...model.errors import ModelError
from ...model.schema import Field
from .protocol import build_phases
from .report import report
from .training import check_checkpoint, run_phases

USES_NETWORK = True
PARAMS = (
    Field("n_train", "int", 0, nonnegative=True, doc="first n_train official training images (0: all 60,000)"),
    Field("n_test", "int", 0, nonnegative=True, doc="first n_test official test images (0: all 10,000)"),
    Field("n_train_eval", "int", 0, nonnegative=True,
          doc="train_error on the first n_train_eval training images (0: all used for training)"),
    Field("validation", "int", 0, nonnegative=True,
          doc="hold out the last N official training images and test on them instead of the test file "
              "(model selection: never choose settings on the test set)"),
    Field("batch", "int", 20, positive=True, doc="mini-batch of the rate backend (default of every phase)"),
    Field("test_every", "int", 1, nonnegative=True, doc="test after every k-th epoch (0: only after the last)"),
    Field("phases", "raw", doc="[task.phases.NAME] tables: epochs, learn, explore"),
)
WEIGHTS_FILE = "results.npz"
#: ``spikehebb compare`` options read by :func:`compare`
COMPARE_OPTIONS = ("--train-spike", "--data")


def check(params, network, where):
    """Validate the phases against the network (called by :func:`spikehebb.tasks.resolve`)."""
    phases = build_phases(params["phases"], network, f"{where}.phases")
    for ph in phases.values():
        ph.batch = ph.batch or params["batch"]
    params["phases"] = phases
    images = [n for n, p in network.populations.items() if p.TYPE == "image"]
    if len(images) != 1:
        raise ModelError("populations", f"a classification task needs exactly one image population, got {images}")


def check_resume(out_dir, model_hash):
    """``--resume``: the checkpoint in ``out_dir`` is readable and this model's (checked before building)."""
    check_checkpoint(out_dir, model_hash)


def _data(image, params, ctx):
    if image.dataset != "mnist":  # the model layer's choices keep this unreachable today
        raise ModelError("populations.image.dataset", f"unknown data set {image.dataset!r}")
    d = load_mnist(ctx.data_dir)
    xtr, ytr, xte, yte = d["x_train"], d["y_train"], d["x_test"], d["y_test"]
    v = params["validation"]
    if v:
        if v >= len(ytr):
            raise ModelError("task.validation", f"must leave training images: {v} of {len(ytr)}")
        xtr, ytr, xte, yte = xtr[:-v], ytr[:-v], xtr[-v:], ytr[-v:]
    n_tr, n_te = params["n_train"] or len(ytr), params["n_test"] or len(yte)
    if n_tr > len(ytr):
        raise ModelError("task.n_train", f"at most {len(ytr)} training images, got {n_tr}")
    return (xtr[:n_tr].astype(float), ytr[:n_tr].astype(np.int64),
            xte[:n_te].astype(float), yte[:n_te].astype(np.int64))


def load_weights(run_dir):
    """The final weights a classification run saved: ``{projection: W}``."""
    path = os.path.join(run_dir, WEIGHTS_FILE)
    if not os.path.isfile(path):
        raise ModelError("--weights-from", f"no {WEIGHTS_FILE} in {run_dir}; give the folder of a finished "
                                           "classification run")
    try:
        with np.load(path) as z:
            return {k[len("arrays/W/"):]: z[k] for k in z.files if k.startswith("arrays/W/")}
    except (OSError, ValueError) as e:
        raise ModelError("--weights-from", f"{path} is not a readable results file ({e})")


def run(params, ctx):
    """Build the classifier on ``ctx.backend``, train (unless evaluating), test, report."""
    from ...backends import build_classifier
    network = ctx.network
    phases = list(params["phases"].values())
    image = next(p for p in network.populations.values() if p.TYPE == "image")
    if ctx.evaluate and not ctx.weights_from:
        raise ModelError("--evaluate", "needs --weights-from RUN_DIR (the weights to test)")
    weights = load_weights(ctx.weights_from) if ctx.weights_from else None
    xtr, ltr, xte, lte = _data(image, params, ctx)
    net = build_classifier(network, ctx.backend, seed=ctx.seed, target=ctx.target, progress=ctx.progress)
    if weights is not None:
        net.set_weights(weights, f"--weights-from {ctx.weights_from}")
    last = {}

    def test_error():
        last["pred"] = net.predict(xte)
        return float(np.mean(last["pred"] != lte))

    if ctx.evaluate:
        hist = {k: np.zeros(0) for k in ("train_error", "test_error", "seconds", "phase")}
    else:
        key = {**params, "seed": ctx.seed, "backend": ctx.backend, "model": ctx.model_name,
               "weights_from": ctx.weights_from}
        hist = run_phases(net, phases, lambda phase, rng: net.train_epoch(xtr, ltr, phase, rng),
                          test_error, ctx, key, ctx.model_name or "classification", params["test_every"])
    t0 = time.perf_counter()
    pred = last["pred"] if "pred" in last else net.predict(xte)
    test_seconds = time.perf_counter() - t0 if "pred" not in last else float("nan")
    n_eval = params["n_train_eval"] or len(xtr)
    # the whole training set itself, not a copy, when it is all evaluated: its cached features are reused
    x_eval = xtr if n_eval >= len(xtr) else xtr[:n_eval]
    train_err = float(np.mean(net.predict(x_eval) != ltr[:n_eval])) if not ctx.evaluate else float("nan")
    return report(net, network, hist, pred, lte, train_err, phases, params, ctx, n_eval, test_seconds)


def compare(load, ctx, options):
    """``spikehebb compare``: train on rate, test those weights on both backends
    (``--train-spike``: also train in spikes); see :mod:`.compare` and the
    hook's contract in :mod:`spikehebb.tasks`."""
    from .compare import compare_classifier
    return compare_classifier(load, ctx, train_spike=options.train_spike)
