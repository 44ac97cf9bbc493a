"""``spikehebb sweep``: the Cartesian product of parameter values and seeds, on Dask distributed.

Each point is an ordinary ``spikehebb run`` in a fresh process (so its run
folder is what a single run with the same values and seed gives), started by
a Dask worker: a ``LocalCluster`` of single-threaded worker processes by
default, or the workers of a running scheduler (``--scheduler ADDRESS``).
Points that share a structure share one compiled build through the build
cache. A point whose folder holds a ``summary.json`` is finished and is not
run again, so a second call resumes a half-done sweep; a failing point is
recorded with its one-line error and does not stop the others.
``DIR/sweep.json`` and ``DIR/sweep.csv`` (one row per point) are written when
every point has been tried.
"""
import csv
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import time

from .errors import ModelError
from .results import atomic_write, write_json

#: ``spikehebb run`` options passed to every point: (flag, takes a value)
PASS_THROUGH = (("--backend", True), ("--target", True), ("--quick", False), ("--data", True),
                ("--allow-coarse-dt", False))


def split_values(text, option="--set"):
    """``"KEY=V1,V2"`` -> ``("KEY", ["V1", "V2"])``; commas inside brackets or quotes do not split."""
    if "=" not in text:
        raise ModelError(option, f"expected KEY=V1,V2,..., got {text!r}")
    key, raw = text.split("=", 1)
    values, depth, quote, cur = [], 0, None, ""
    for ch in raw:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            values.append(cur.strip())
            cur = ""
            continue
        cur += ch
    values.append(cur.strip())
    if not key.strip() or not all(values):
        raise ModelError(option, f"expected KEY=V1,V2,... with no empty value, got {text!r}")
    return key.strip(), values


def parse_seeds(text):
    """``"0-9"``, ``"3"`` or ``"0,4,7"`` -> list of seeds."""
    try:
        seeds = []
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            seeds += list(range(int(lo), int(hi) + 1)) if hi else [int(lo)]
    except ValueError:
        raise ModelError("--seeds", f"expected seeds like 0-9 or 0,3,5, got {text!r}") from None
    if not seeds or min(seeds) < 0:
        raise ModelError("--seeds", f"expected non-negative seeds, got {text!r}")
    return seeds


def points(sets, seeds):
    """``[(name, {key: value}, seed)]`` over the product of every ``--set`` list and the seeds."""
    keys = [k for k, _ in sets]
    combos = list(itertools.product(*[v for _, v in sets], seeds))
    width = len(str(len(combos) - 1))
    return [(f"p{n:0{width}d}", dict(zip(keys, combo[:-1])), combo[-1]) for n, combo in enumerate(combos)]


def _die_with_parent():
    # a point's process must not outlive its worker (a closed cluster, an interrupted sweep)
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_point(argv, out_dir, log_dir):
    """Run ``spikehebb run ARGV --out OUT_DIR`` in a new process; the row of ``sweep.json`` (no metrics yet).

    Executed on a Dask worker.
    """
    os.makedirs(log_dir, exist_ok=True)
    name = os.path.basename(out_dir)
    t0 = time.perf_counter()
    with open(os.path.join(log_dir, f"{name}.out"), "w") as out, open(os.path.join(log_dir, f"{name}.err"), "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "spikehebb", "run", *argv, "--out", out_dir, "--no-progress"],
                                stdout=out, stderr=err, preexec_fn=_die_with_parent)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    with open(os.path.join(log_dir, f"{name}.err")) as fh:
        lines = [line.strip() for line in fh if line.strip()]
    return {"exit_code": proc.returncode, "error": lines[-1] if proc.returncode and lines else None,
            "wall_s": round(time.perf_counter() - t0, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3)}


def _client(scheduler, workers):
    from dask.distributed import Client, LocalCluster
    if scheduler:
        return Client(scheduler, timeout="30s"), None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run_sweep(model, sets, seeds, out, run_options, workers=None, scheduler=None, progress=True):
    """Run every point, skip finished ones, write ``sweep.json`` / ``sweep.csv``; returns the rows."""
    todo = points(sets, seeds)
    os.makedirs(out, exist_ok=True)
    rows, pending = {}, []
    for name, values, seed in todo:
        row = {"point": name, **{f"set:{k}": v for k, v in values.items()}, "seed": seed}
        argv = [os.path.abspath(model), *run_options, "--seed", str(seed)] + [a for k, v in values.items() for a in ("--set", f"{k}={v}")]
        if os.path.exists(os.path.join(out, name, "summary.json")):
            rows[name] = dict(row, status="kept")
        else:
            rows[name] = row
            pending.append((name, argv))
    if pending:
        _compute(pending, rows, out, workers or os.cpu_count() or 1, scheduler, progress)
    table = [_with_summary(rows[name], os.path.join(out, name)) for name, _, _ in todo]
    write_json(os.path.join(out, "sweep.json"),
               {"model": os.path.abspath(model), "sets": {k: v for k, v in sets}, "seeds": seeds,
                "options": list(run_options), "points": table})
    _write_csv(os.path.join(out, "sweep.csv"), table)
    return table


def _compute(pending, rows, out, workers, scheduler, progress):
    from dask.distributed import as_completed
    from tqdm.auto import tqdm
    client, cluster = _client(scheduler, workers)
    try:
        futures = {client.submit(run_point, argv, os.path.abspath(os.path.join(out, name)),
                                 os.path.abspath(os.path.join(out, "logs")), pure=False): name for name, argv in pending}
        for fut in tqdm(as_completed(futures), total=len(futures), desc="sweep", unit="point", disable=not progress):
            res = fut.result()
            rows[futures[fut]].update(res, status="done" if res["exit_code"] == 0 else "failed")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _with_summary(row, run_dir):
    try:
        with open(os.path.join(run_dir, "summary.json")) as fh:
            s = json.load(fh)
    except (OSError, ValueError):
        return row
    info = s.get("info", {})
    row = dict(row, target=s.get("target"), build=info.get("build"), build_key=info.get("build_key"))
    row.setdefault("wall_s", s.get("wall_seconds"))
    return dict(row, **{f"metric:{k}": v for k, v in s.get("metrics", {}).items()})


def _write_csv(path, table):
    fields = list(dict.fromkeys(k for row in table for k in row))

    def write(tmp):
        with open(tmp, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            w.writerows(table)
    atomic_write(path, write)
