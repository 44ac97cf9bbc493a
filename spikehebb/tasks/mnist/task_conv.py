"""Task ``mnist_conv``: the convolutional Hebbian + dopamine network on MNIST
(extension of Holca-Lamarre's HebbianCNN), rate backend.

Errors are fractions in [0, 1]. ``seconds_per_epoch`` is the mean over the
feedforward (Hebbian and dopamine) epochs; the convolutional epochs' time is
reported as ``seconds_per_conv_epoch``. See :mod:`spikehebb.tasks.mnist.conv`.
"""
import dataclasses
import os
import time

import numpy as np

from ...model.errors import ModelError
from ...model.schema import Field
from .common import LEARNING, effective, images, result
from .conv import ConvNet
from .training import CHECKPOINT, load_checkpoint, run_epochs, save_checkpoint

PARAMS = (
    Field("n_maps", "int", 20, positive=True, doc="convolutional maps (5 x 5 filters)"),
    Field("n_feedf", "int", 49, positive=True, doc="feedforward soft winner-take-all units"),
    Field("A_conv", "float", 900.0, positive=True, doc="each 5 x 5 patch sums to A_conv (offset 1 included)"),
    Field("A_feedf", "float", 4704.0, positive=True,
          doc="pooled features sum to A_feedf (offset 1 included); 4704 = 1.2 x 3920"),
    Field("patch_offset", "float", 0.0, nonnegative=True,
          doc="added to every pixel of a patch before its normalisation, in units of full intensity "
              "(0: the authors' network)"),
    Field("pool_size", "int", 2, positive=True, doc="sum-pooling window (even; stride 2)"),
    Field("t_conv", "float", 0.1, positive=True, doc="softmax temperature across maps"),
    Field("eps_conv", "float", 2e-4, positive=True, doc="learning rate of the filters, per patch"),
    Field("conv_epochs", "int", 1, nonnegative=True, doc="Hebbian passes of the convolutional layer"),
    Field("conv_batch", "int", 20, positive=True, doc="images per convolutional update"),
    Field("quick_conv_epochs", "int", 1, nonnegative=True, doc="--quick: convolutional passes"),
    Field("quick_n_test", "int", 2000, positive=True,
          doc="--quick: first test images (the features of all 10,000 take longer than the training)"),
) + tuple(f if f.name != "quick_eps" else
        # 3,920 inputs: 0.1 makes the quick dopamine epochs diverge; 0.02 does not
        Field("quick_eps", "float", 0.02, positive=True, doc="--quick: eps") for f in LEARNING)

CONV_CKPT = "checkpoint_conv.npz"


def _train_conv(net, x, ctx, params):
    """Convolutional epochs, each checkpointed (weights + generator state)."""
    rng = np.random.default_rng([ctx.seed, 2])
    secs = []
    if ctx.resume and ctx.out_dir and os.path.exists(os.path.join(ctx.out_dir, CONV_CKPT)):
        state, hist, rng, net.conv_done = load_checkpoint(ctx.out_dir, params, CONV_CKPT)
        net.W_conv, secs = np.array(state["W_conv"]), hist["seconds"]
    while net.conv_done < params["conv_epochs"]:
        t0 = time.perf_counter()
        net.train_conv_epoch(x, rng)
        secs.append(time.perf_counter() - t0)
        if ctx.out_dir:
            save_checkpoint(ctx.out_dir, {"W_conv": net.W_conv}, {"seconds": secs}, rng, params,
                            net.conv_done, CONV_CKPT)
    return secs


def run(params, ctx):
    """Train the filters, then the feedforward and classifier layers; test."""
    # a rate network whatever --backend says
    p = effective(params, ctx)
    if ctx.quick:
        p["conv_epochs"] = p["quick_conv_epochs"]
    if p["pool_size"] % 2:
        raise ModelError("task.pool_size", f"must be even (stride 2 keeps a 14 x 14 grid), got {p['pool_size']}")
    n_feat = 14 * 14 * p["n_maps"]
    for key, n in (("A_conv", 25), ("A_feedf", n_feat)):
        if p[key] <= n:  # the +1 offset alone already sums to n
            raise ModelError(f"task.{key}", f"must exceed the number of inputs ({n}), got {p[key]}; "
                                            f"e.g. {1.2 * n:g} (1.2 x inputs)")
    xtr, ltr, xte, lte = images(ctx, p["n_train"])
    if ctx.quick:
        xte, lte = xte[:p["quick_n_test"]], lte[:p["quick_n_test"]]
    net = ConvNet(p, np.random.default_rng([ctx.seed, 0]))
    key = {**p, "seed": ctx.seed, "task": "mnist_conv"}
    conv_secs = _train_conv(net, xtr, ctx, key)
    t0 = time.perf_counter()
    ftr, fte = net.features(xtr), net.features(xte)
    feat_sec = time.perf_counter() - t0
    head = net.head
    # interrupted during the filter passes: no checkpoint of the upper layers yet
    head_ctx = dataclasses.replace(ctx, resume=bool(ctx.resume and ctx.out_dir and
                                                    os.path.exists(os.path.join(ctx.out_dir, CHECKPOINT))))
    hist = run_epochs(net, p["epochs_hebb"], p["epochs_dopa"],
                      lambda dopa, rng: head.train_epoch(ftr, ltr, dopa, rng),
                      lambda: float(np.mean(head.predict(fte) != lte)),
                      head_ctx, key, "mnist_conv")
    train_err = float(np.mean(head.predict(ftr) != ltr))
    m, h = p["n_maps"], 14
    # feedforward fields on the 14 x 14 pooled grid: at each position, the expected
    # "structure" of the maps the unit weights there (filter contrast, i.e. the std of
    # its weights, averaged with the unit's weights over maps): the blank map counts ~0
    contrast = net.W_conv.std(0)
    Wf = head.W_hid.reshape(h, h, m, -1)
    ff = np.einsum("xymu,m->xyu", Wf, contrast) / Wf.sum(2)
    ff = ff.reshape(h * h, -1)
    return result(hist, head.predict(fte), lte, train_err,
                  {"conv_filters": (net.W_conv, 5, "convolutional filters (log W)"),
                   "feedforward_fields": (np.exp(ff), h, "feedforward fields (map contrast on the pooled grid)")},
                  p, ctx,
                  extra_metrics={"seconds_per_conv_epoch": float(np.mean(conv_secs)) if conv_secs else 0.0,
                                 "seconds_features": feat_sec, "conv_epochs": int(p["conv_epochs"])},
                  extra_arrays={"W_conv": net.W_conv, "W_feedf": head.W_hid, "W_out": head.W_out})
