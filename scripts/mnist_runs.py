"""One chore for the MNIST scripts: run ``spikehebb run`` in a fresh process and time it.

Each run is an ordinary run folder (``summary.json``, ``results.npz``,
figures); a folder that already holds a ``summary.json`` is read back, one with
a checkpoint is resumed, so an interrupted script continues where it stopped.
"""
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine():
    """The machine a figure was measured on, with its load."""
    import numpy as np
    cpu = platform.processor()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__,
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"), "loadavg": os.getloadavg()}


def run(model, out, args, data=None, progress=False):
    """``spikehebb run MODEL --out OUT ARGS...`` in a new process.

    Returns the summary, with ``wall_seconds_process`` and ``cpu_seconds``
    (user + system of the child) and the load average before and after.
    """
    out = Path(out)
    summary = out / "summary.json"
    timing = out / "bench_timing.json"  # what this script measured around the run, kept for read-back
    if summary.exists():
        extra = json.loads(timing.read_text()) if timing.exists() else {}
        return {**json.loads(summary.read_text()), **extra, "read_back": True}
    cmd = [sys.executable, "-m", "spikehebb.cli", "run", str(model), "--out", str(out), *map(str, args)]
    if data:
        cmd += ["--data", str(data)]
    if (out / "checkpoint.npz").exists():
        cmd += ["--resume", str(out)]
    if not progress:
        cmd.append("--no-progress")
    load0 = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # one BLAS thread: the batch products are too small to gain from threads
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    extra = {"command": " ".join(["spikehebb", "run", str(model), *map(str, args)]), "wall_seconds_process": wall,
             "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
             "load_before": load0, "load_after": os.getloadavg()[0]}
    timing.write_text(json.dumps(extra, indent=1))
    return {**json.loads(summary.read_text()), **extra}


def data_dir(given=None):
    return given or os.environ.get("SPIKEHEBB_DATA") or str(ROOT.parent / "shared" / "data" / "mnist")
