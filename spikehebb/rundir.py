"""Run directories: what may become one, what may be resumed, what an unfinished run leaves.

A run directory holds a marker, ``.spikehebb-run`` (model name, hash of the
resolved model, backend, seed), from the moment it is made, and
``summary.json`` once the run has finished; nothing else marks a finished run.
"""
import glob
import json
import os
import shutil

from .errors import ModelError
from .results import write_json

MARKER = ".spikehebb-run"
SUMMARY = "summary.json"
#: what a run writes only when it ends (removed again if it ends without a summary)
FINAL_OUTPUTS = ("results.npz", "*.png", "compare.json")


def read_marker(path):
    """The marker of run directory ``path``, or None when it is not a spikehebb run."""
    try:
        with open(os.path.join(path, MARKER)) as fh:
            marker = json.load(fh)
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def prepare(out, marker, created, option="--out", name=MARKER):
    """Make (or check) ``out`` for a new run and write its marker.

    Parameters
    ----------
    out : str
    marker : dict
        ``{"model", "model_hash", "backend", "seed"}``.
    created : list
        ``out`` is appended when this call made the directory (the caller
        removes it again if the run fails before it holds anything of value).
    name : str
        File name of the marker (a sweep directory has its own).

    Raises
    ------
    ModelError
        Naming ``option``: a file in the way, an unwritable place, a finished
        run, an unfinished run, or a non-empty directory that is not a run.
    """
    if os.path.exists(out) and not os.path.isdir(out):
        raise ModelError(option, f"{out} is a file; expected a directory for the run's results")
    if os.path.isdir(out):
        if any(os.path.exists(os.path.join(out, f)) for f in (SUMMARY, "compare.json")):
            raise ModelError(option, f"{out} already holds a finished run; choose another directory")
        if read_marker(out) is not None:
            raise ModelError(option, f"{out} holds an unfinished run; continue it with --resume {out} "
                                     "or choose another directory")
        if os.listdir(out):
            raise ModelError(option, f"{out} is not empty and not a spikehebb run directory; "
                                     "choose a new or empty directory")
        if not os.access(out, os.W_OK | os.X_OK):
            raise ModelError(option, f"{out} is not writable")
    else:
        top = os.path.abspath(out)  # the top-most directory this call makes (runs/ for the default)
        while not os.path.exists(os.path.dirname(top)) and os.path.dirname(top) != top:
            top = os.path.dirname(top)
        try:
            os.makedirs(out)
        except OSError as e:
            raise ModelError(option, f"cannot create {out}: {e.strerror or e}") from None
        created.append(out)
        if top != os.path.abspath(out):
            created.append(top)
    try:
        write_json(os.path.join(out, name), marker)
    except OSError as e:
        raise ModelError(option, f"cannot write into {out}: {e.strerror or e}") from None
    return out


def check_resume(path, marker):
    """Check that ``path`` is an unfinished run of the same resolved model, backend and seed.

    Raises
    ------
    ModelError
        Naming ``--resume`` (or ``--seed`` / ``--backend`` for a mismatch of those).
    """
    if not os.path.isdir(path):
        raise ModelError("--resume", f"no such run directory: {path}")
    old = read_marker(path)
    if old is None:
        raise ModelError("--resume", f"{path} is not a spikehebb run directory (no {MARKER})")
    if os.path.exists(os.path.join(path, SUMMARY)):
        raise ModelError("--resume", f"{path} holds a finished run; there is nothing to resume")
    if old.get("model_hash") != marker["model_hash"]:
        raise ModelError("--resume", f"{path} was started from a different model or parameters "
                                     f"(model {old.get('model')!r}); give the same model file, --set "
                                     "values and --quick")
    for key in ("backend", "seed"):
        if old.get(key) != marker[key]:
            raise ModelError(f"--{key}", f"{path} was started with --{key} {old.get(key)}, "
                                         f"not {marker[key]}")
    return path


def discard_unfinished(path, made_here):
    """Remove what an unfinished run wrote at its end; keep checkpoints.

    Returns the files kept (checkpoints and the like), or an empty list when
    nothing of value was left (then the directory is removed if this run made it).
    """
    if not path or not os.path.isdir(path) or os.path.exists(os.path.join(path, SUMMARY)):
        return []
    for pattern in FINAL_OUTPUTS:
        for f in glob.glob(os.path.join(path, pattern)):
            os.unlink(f)
    kept = sorted(f for f in os.listdir(path) if f != MARKER and not f.endswith(".part"))
    if not kept:
        if made_here:
            shutil.rmtree(path, ignore_errors=True)
        else:
            for f in os.listdir(path):
                os.unlink(os.path.join(path, f))
    return kept
