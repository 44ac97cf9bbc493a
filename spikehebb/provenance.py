"""What a run was: versions, code, command, options and the model as run.

``summary.json`` carries this under ``"provenance"``;
``spikehebb run --from RUN_DIR`` re-runs from it.
"""
import datetime
import hashlib
import os
import platform
import subprocess
import sys
from importlib import metadata

#: ``spikehebb run`` options that decide what a run computes (re-used by ``--from``)
RUN_OPTIONS = ("backend", "target", "seed", "quick", "data", "weights_from", "evaluate", "allow_coarse_dt")


def model_toml(model):
    """The resolved model (file, backend table, ``[quick]`` and ``--set`` applied) as TOML text."""
    import tomli_w
    data = {k: v for k, v in model.resolved.items()}
    # the name may come from the file name; keep it when the text is run from elsewhere
    data["model"] = {"name": model.name, **data.get("model", {})}
    return tomli_w.dumps(data)


def model_hash(model):
    """SHA-256 of :func:`model_toml`: equal exactly when the resolved models are equal."""
    return hashlib.sha256(model_toml(model).encode()).hexdigest()


def now():
    """The current time, ISO 8601 with time zone."""
    return datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def git_commit():
    """The commit of the checkout spikehebb runs from (``+dirty`` with local changes), else None."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.isdir(os.path.join(root, ".git")):
        return None
    try:
        head = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty else "")


def provenance(model, args, argv, target, started):
    """The ``"provenance"`` table of ``summary.json``.

    Parameters
    ----------
    model : spikehebb.model.Model
    args : argparse.Namespace
        The parsed ``run`` options.
    argv : list of str
        The argument list as given.
    target : str or None
        The Brian2 target actually used.
    started : str
        ISO 8601 start time.
    """
    return {
        "versions": {"spikehebb": _version("spikehebb"), "brian2": _version("brian2"),
                     "numpy": _version("numpy"), "python": platform.python_version()},
        "git_commit": git_commit(),
        "command": ["spikehebb", *argv],
        "overrides": list(args.overrides),
        "options": {k: getattr(args, k, None) for k in RUN_OPTIONS},
        "model_path": os.path.abspath(model.path) if model.path else None,
        "model_hash": model_hash(model),
        "model": model_toml(model),
        "target": target,
        "started": started,
        "ended": now(),
        "cpu_count": os.cpu_count(),
        "executable": sys.executable,
    }
