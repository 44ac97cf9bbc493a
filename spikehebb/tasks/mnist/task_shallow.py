"""Task ``mnist_shallow``: the shallow Hebbian + dopamine network on MNIST
(Holca-Lamarre, Lücke & Obermayer 2015), rate backend.

Errors are reported as fractions in [0, 1]. See
:mod:`spikehebb.tasks.mnist.shallow` for the model and update rule.
"""
import numpy as np

from ...model.schema import Field
from .common import A_IMAGE, LEARNING, effective, flat_inputs, images, result
from .shallow import ShallowNet
from .training import run_epochs

PARAMS = (
    Field("n_hidden", "int", 300, positive=True, doc="hidden soft winner-take-all units"),
    Field("A", "float", A_IMAGE, positive=True, doc="each image sums to A (1.2 x 784), offset 1 included"),
) + LEARNING


def run(params, ctx):
    """Train (Hebbian then dopamine epochs), test, and return the result."""
    # a rate network whatever --backend says (the spiking version is its own model file)
    p = effective(params, ctx)
    xtr, ltr, xte, lte = images(ctx, p["n_train"])
    ytr, yte = flat_inputs(xtr, p["A"]), flat_inputs(xte, p["A"])
    net = ShallowNet(ytr.shape[1], p["n_hidden"], 10, p, np.random.default_rng([ctx.seed, 0]))
    hist = run_epochs(net, p["epochs_hebb"], p["epochs_dopa"],
                      lambda dopa, rng: net.train_epoch(ytr, ltr, dopa, rng),
                      lambda: float(np.mean(net.predict(yte) != lte)),
                      ctx, {**p, "seed": ctx.seed, "task": "mnist_shallow"}, "mnist_shallow")
    train_err = float(np.mean(net.predict(ytr) != ltr))
    return result(hist, net.predict(yte), lte, train_err,
                  {"receptive_fields": (net.W_hid, 28, "hidden receptive fields (log W)")}, p, ctx,
                  extra_arrays={"W_hid": net.W_hid, "W_out": net.W_out})
