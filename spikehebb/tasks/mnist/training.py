"""The epoch loop of a classifier: phases, progress, per-epoch checkpoints, resume.

A checkpoint (``checkpoint.npz`` in the run's output directory) is written
atomically after every epoch and holds the network's state, the learning
curve, the state of the random generator, the parameters and the hash of the
resolved model (``ctx.model_hash``); a truncated, corrupted or foreign
checkpoint is refused with one line naming it. Resuming with
the same seed and parameters therefore ends with bit-identical weights on the
rate backend.
"""
import json
import os
import time

import numpy as np
from tqdm.auto import tqdm

from ...model.errors import ModelError
from ...results import jsonable, save_npz

CHECKPOINT = "checkpoint.npz"


def _params_text(params):
    """Canonical JSON of a run's parameters: what a checkpoint must match to be resumed."""
    def conv(v):
        if isinstance(v, (dict, list, tuple, str, int, float, bool)) or v is None:
            return v
        try:
            return jsonable(v)  # arrays and numpy scalars
        except TypeError:
            return repr(v)
    return json.dumps({k: conv(v) for k, v in sorted(params.items())}, sort_keys=True, default=repr)


def save_checkpoint(out_dir, net_state, history, rng, params, epoch, name=CHECKPOINT, model_hash=None):
    """Write state, history, generator state, parameters and the model's hash atomically to ``out_dir/name``."""
    arrays = {f"net/{k}": np.asarray(v) for k, v in net_state.items()}
    arrays.update({f"history/{k}": np.asarray(v, dtype=float) for k, v in history.items()})
    arrays["rng"] = np.array(json.dumps(rng.bit_generator.state))
    arrays["params"] = np.array(_params_text(params))
    arrays["epoch"] = np.array(epoch)
    arrays["model_hash"] = np.array(model_hash or "")
    os.makedirs(out_dir, exist_ok=True)
    save_npz(os.path.join(out_dir, name), arrays)


def read_checkpoint(path):
    """All arrays of the checkpoint file ``path``, read into memory.

    Raises
    ------
    ModelError
        Naming ``--resume`` and ``path``: missing, truncated, corrupted, or not
        a checkpoint (no parameters, generator state or epoch).
    """
    if not os.path.isfile(path):
        raise ModelError("--resume", f"no checkpoint {path}; run without --resume first")
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
        json.loads(str(data["rng"]))
        int(data["epoch"])
    # a file cut short or overwritten fails wherever numpy's zip and array readers notice
    # (BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, ...): all mean the same
    except Exception as e:  # noqa: BLE001
        what = f"missing {e}" if isinstance(e, KeyError) else f"{type(e).__name__}: {e}"
        raise ModelError("--resume", f"{path} is not a readable checkpoint (truncated or corrupted: "
                                     f"{what.splitlines()[0] if what else type(e).__name__}); "
                                     "start a new run without --resume") from None
    return data


def check_checkpoint(out_dir, model_hash=None, name=CHECKPOINT):
    """Check, before anything is built, that ``out_dir/name`` can be resumed by this model.

    Parameters
    ----------
    out_dir : str
        The run directory given to ``--resume``.
    model_hash : str, optional
        Hash of the resolved model; a checkpoint that stored another hash is refused.

    Returns
    -------
    dict
        The checkpoint's arrays (see :func:`read_checkpoint`).

    Raises
    ------
    ModelError
        Naming ``--resume`` and the checkpoint file.
    """
    path = os.path.join(out_dir, name)
    data = read_checkpoint(path)
    stored = str(data.get("model_hash", ""))
    if model_hash and stored and stored != model_hash:
        raise ModelError("--resume", f"{path} was written by another model or other parameters; "
                                     "resume with the same model file, --set values and --quick")
    return data


def load_checkpoint(out_dir, params, name=CHECKPOINT, model_hash=None):
    """Return ``(net_state, history, rng, epoch)`` from ``out_dir/name``.

    Raises
    ------
    ModelError
        Naming ``--resume`` and the file: missing, unreadable, another model's
        (``model_hash``) or other parameters or seed (``params``).
    """
    path = os.path.join(out_dir, name)
    z = check_checkpoint(out_dir, model_hash, name)
    if str(z["params"]) != _params_text(params):
        raise ModelError("--resume", f"{path} was written with other parameters or seed; "
                                     "resume with the same model, options and --seed")
    net = {k[4:]: v for k, v in z.items() if k.startswith("net/")}
    hist = {k[8:]: list(v) for k, v in z.items() if k.startswith("history/")}
    rng = np.random.default_rng()
    try:
        rng.bit_generator.state = json.loads(str(z["rng"]))
    except (TypeError, ValueError, KeyError) as e:
        raise ModelError("--resume", f"{path} holds no valid generator state ({e})") from None
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
        state, hist, rng, start = load_checkpoint(ctx.out_dir, params, model_hash=ctx.model_hash)
        try:
            net.load_state(state)
        except (KeyError, ValueError, TypeError, IndexError) as e:
            # arrays of another shape or name: a checkpoint of another network
            raise ModelError("--resume", f"{os.path.join(ctx.out_dir, CHECKPOINT)} does not fit this network "
                                         f"({type(e).__name__}: {e})") from None
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
            save_checkpoint(ctx.out_dir, net.state(), hist, rng, params, e + 1, model_hash=ctx.model_hash)
        bar.set_postfix(phase=phase.name, train=f"{tr:.4f}", test=f"{te:.4f}")
    return {k: np.asarray(v, dtype=float) for k, v in hist.items()}
