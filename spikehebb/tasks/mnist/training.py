"""The epoch loop shared by the MNIST tasks: progress, per-epoch checkpoints,
resume, and the metrics every task reports.

A checkpoint (``checkpoint.npz`` in the run's output directory) is written
atomically after every epoch and holds the network's weights, the learning
curve, the state of the random generator and the parameters; resuming with
the same seed and parameters therefore ends with bit-identical weights.
"""
import json
import os
import time

import numpy as np
from tqdm import tqdm

from ...model.errors import ModelError
from ...results import save_npz

CHECKPOINT = "checkpoint.npz"


def _jsonable(params):
    return json.dumps({k: (np.asarray(v).tolist() if isinstance(v, np.ndarray) else v)
                       for k, v in sorted(params.items())}, sort_keys=True)


def save_checkpoint(out_dir, net_state, history, rng, params, epoch, name=CHECKPOINT):
    """Write weights, history, generator state and parameters atomically to
    ``out_dir/name``."""
    arrays = {f"net/{k}": np.asarray(v) for k, v in net_state.items()}
    arrays.update({f"history/{k}": np.asarray(v, dtype=float) for k, v in history.items()})
    arrays["rng"] = np.array(json.dumps(rng.bit_generator.state))
    arrays["params"] = np.array(_jsonable(params))
    arrays["epoch"] = np.array(epoch)
    os.makedirs(out_dir, exist_ok=True)
    save_npz(os.path.join(out_dir, name), arrays)


def load_checkpoint(out_dir, params, name=CHECKPOINT):
    """Return ``(net_state, history, rng, epoch)`` from ``out_dir/name``."""
    path = os.path.join(out_dir, name)
    if not os.path.exists(path):
        raise ModelError("--resume", f"no checkpoint {path}; run without --resume first")
    with np.load(path) as z:
        if str(z["params"]) != _jsonable(params):
            raise ModelError("--resume", f"{path} was written with other parameters or seed; "
                                         "resume with the same model, options and --seed")
        net = {k[4:]: z[k] for k in z.files if k.startswith("net/")}
        hist = {k[8:]: list(z[k]) for k in z.files if k.startswith("history/")}
        rng = np.random.default_rng()
        rng.bit_generator.state = json.loads(str(z["rng"]))
        return net, hist, rng, int(z["epoch"])


def run_epochs(net, n_hebb, n_dopa, train_epoch, test_error, ctx, params, desc):
    """Train ``n_hebb`` Hebbian then ``n_dopa`` dopamine epochs with checkpoints.

    Parameters
    ----------
    net : object with ``state()`` and ``load_state(dict)``
    train_epoch : callable(dopa_phase: bool, rng) -> online training error
    test_error : callable() -> test error of the current weights
    ctx : spikehebb.tasks.Context
    params : dict
        Everything that defines the run (checked on resume; include the seed).

    Returns
    -------
    dict
        ``train_error``, ``test_error``, ``seconds`` (one entry per epoch) and
        ``phase`` (0 Hebbian, 1 dopamine).
    """
    hist = {"train_error": [], "test_error": [], "seconds": [], "phase": []}
    rng = np.random.default_rng([ctx.seed, 1])
    start = 0
    if ctx.resume:
        state, hist, rng, start = load_checkpoint(ctx.out_dir, params)
        net.load_state(state)
    total = n_hebb + n_dopa
    bar = tqdm(range(start, total), desc=desc, unit="epoch", disable=not ctx.progress,
               initial=start, total=total)
    for e in bar:
        dopa = e >= n_hebb
        t0 = time.perf_counter()
        tr = train_epoch(dopa, rng)
        sec = time.perf_counter() - t0
        te = test_error()
        for k, v in zip(("train_error", "test_error", "seconds", "phase"), (tr, te, sec, int(dopa))):
            hist[k].append(v)
        if ctx.out_dir:
            save_checkpoint(ctx.out_dir, net.state(), hist, rng, params, e + 1)
        bar.set_postfix(phase="dopa" if dopa else "hebb", train=f"{tr:.4f}", test=f"{te:.4f}")
    return {k: np.asarray(v, dtype=float) for k, v in hist.items()}


def metrics(hist, test_err, train_err):
    """The four required metrics (errors as fractions in [0, 1])."""
    sec = hist["seconds"]
    return {"test_error": float(test_err), "train_error": float(train_err),
            "epochs": int(len(sec)), "seconds_per_epoch": float(np.mean(sec)) if len(sec) else 0.0}
