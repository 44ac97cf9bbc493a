"""The epoch loop of a classifier: phases, progress, per-epoch checkpoints, resume.

A checkpoint (``checkpoint.npz`` in the run's output directory) is written
atomically after every epoch and holds the network's state, the learning
curve, the state of the random generator and the parameters; resuming with
the same seed and parameters therefore ends with bit-identical weights on the
rate backend.
"""
import json
import os
import time

import numpy as np
from tqdm.auto import tqdm

from ...model.errors import ModelError
from ...results import save_npz

CHECKPOINT = "checkpoint.npz"


def _jsonable(params):
    def conv(v):
        if isinstance(v, np.ndarray):
            return v.tolist()
        if isinstance(v, (dict, list, tuple, str, int, float, bool)) or v is None:
            return v
        return repr(v)
    return json.dumps({k: conv(v) for k, v in sorted(params.items())}, sort_keys=True, default=repr)


def save_checkpoint(out_dir, net_state, history, rng, params, epoch, name=CHECKPOINT):
    """Write state, history, generator state and parameters atomically to ``out_dir/name``."""
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


def run_phases(net, phases, train_epoch, test_error, ctx, params, desc, test_every=1):
    """Train every phase's epochs in turn, with a checkpoint after each epoch.

    Parameters
    ----------
    net : object with ``state()`` and ``load_state(dict)``
    phases : list of Phase
    train_epoch : callable(phase, rng) -> online training error
    test_error : callable() -> test error of the current weights
    ctx : spikehebb.tasks.Context
    params : dict
        Everything that defines the run (checked on resume; include the seed).
    test_every : int
        Test after every ``test_every``-th epoch and after the last (0: only
        after the last); other epochs record NaN.

    Returns
    -------
    dict
        ``train_error``, ``test_error``, ``seconds`` (one entry per epoch) and
        ``phase`` (the phase's index).
    """
    hist = {"train_error": [], "test_error": [], "seconds": [], "phase": []}
    rng = np.random.default_rng([ctx.seed, 1])
    start = 0
    if ctx.resume:
        state, hist, rng, start = load_checkpoint(ctx.out_dir, params)
        net.load_state(state)
    schedule = [k for k, ph in enumerate(phases) for _ in range(ph.epochs)]
    bar = tqdm(range(start, len(schedule)), desc=desc, unit="epoch", disable=not ctx.progress,
               initial=start, total=len(schedule))
    for e in bar:
        phase = phases[schedule[e]]
        t0 = time.perf_counter()
        tr = train_epoch(phase, rng)
        sec = time.perf_counter() - t0
        last = e == len(schedule) - 1
        te = test_error() if last or (test_every and (e + 1) % test_every == 0) else float("nan")
        for k, v in zip(("train_error", "test_error", "seconds", "phase"), (tr, te, sec, schedule[e])):
            hist[k].append(v)
        if ctx.out_dir:
            save_checkpoint(ctx.out_dir, net.state(), hist, rng, params, e + 1)
        bar.set_postfix(phase=phase.name, train=f"{tr:.4f}", test=f"{te:.4f}")
    return {k: np.asarray(v, dtype=float) for k, v in hist.items()}
