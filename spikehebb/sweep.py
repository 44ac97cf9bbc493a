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

Python API (the scripts use it): :func:`run_sweep`; :func:`local_cluster`
starts one cluster that several sweeps share (``scheduler=`` its address).
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

from . import rundir
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


def point_command(argv, out_dir):
    """The ``spikehebb run`` command of a point (after ``python -m spikehebb``).

    A folder that holds an unfinished run (its marker and no summary: what an
    interrupted run keeps is its checkpoint) is continued with ``--resume``.
    """
    cmd = ["run", *argv, "--out", out_dir, "--no-progress"]
    if rundir.read_marker(out_dir) is not None and not os.path.exists(os.path.join(out_dir, rundir.SUMMARY)):
        cmd += ["--resume", out_dir]
    return cmd


def run_point(argv, out_dir, log_dir):
    """Run ``spikehebb run ARGV --out OUT_DIR`` in a new process; the row of ``sweep.json`` (no metrics yet).

    Executed on a Dask worker; the row holds the exit code, the last line of
    the error output of a failed run, wall and CPU seconds, and the worker
    machine's load average (1 min) before and after.
    """
    os.makedirs(log_dir, exist_ok=True)
    name = os.path.basename(out_dir)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(os.path.join(log_dir, f"{name}.out"), "w") as out, open(os.path.join(log_dir, f"{name}.err"), "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "spikehebb", *point_command(argv, out_dir)],
                                stdout=out, stderr=err, preexec_fn=_die_with_parent)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    with open(os.path.join(log_dir, f"{name}.err")) as fh:
        lines = [line.strip() for line in fh if line.strip()]
    return {"exit_code": proc.returncode, "error": lines[-1] if proc.returncode and lines else None,
            "wall_s": round(time.perf_counter() - t0, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "load_before": load0, "load_after": os.getloadavg()[0]}


def local_cluster(workers=None):
    """A Dask ``LocalCluster`` of single-threaded worker processes (one per core by default).

    Several sweeps can share it: pass ``cluster.scheduler_address`` as
    ``scheduler`` to :func:`run_sweep`; the caller closes it (it is a context
    manager).
    """
    from dask.distributed import LocalCluster
    return LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR)


def _client(scheduler, workers):
    from dask.distributed import Client
    if scheduler:
        return Client(scheduler, timeout="30s"), None
    cluster = local_cluster(workers)
    return Client(cluster), cluster


def run_sweep(model, sets, seeds, out, run_options, workers=None, scheduler=None, progress=True,
              weights_from=None):
    """Run every point, skip finished ones, write ``sweep.json`` / ``sweep.csv``; returns the rows.

    Parameters
    ----------
    model : str
        Model file.
    sets : list of (str, list of str)
        Keys and their values (``--set``); the points are their product with ``seeds``.
    seeds : list of int
    out : str
        Sweep directory: one run folder per point (``p0``, ``p1``, ... in product order).
    run_options : list of str
        ``spikehebb run`` options given to every point (``--backend rate``, ``--evaluate``, ...).
    workers : int, optional
        Worker processes of the local cluster made for this call (default: one per core).
    scheduler : str, optional
        Address of a running Dask scheduler (or of a :func:`local_cluster`) instead.
    progress : bool
    weights_from : str, optional
        ``--weights-from`` of every point: a run folder, or a sweep directory,
        whose point with the same seed each point takes its weights from (that
        sweep must hold exactly one point per seed).

    Returns
    -------
    list of dict
        One row per point: its values and seed, ``status`` (``done``,
        ``kept``: finished before, ``failed``), exit code, error, wall and CPU
        seconds (kept points keep those measured when they ran), and
        ``metric:NAME`` from the point's ``summary.json``.

    Raises
    ------
    ModelError
        Naming ``--out`` when a finished point's run has another seed or other
        ``--set`` values than planned (the directory holds another sweep), or
        ``--weights-from`` when a sweep directory has no single point of a seed.
    """
    todo = plan(model, sets, seeds, run_options, weights_from)
    os.makedirs(out, exist_ok=True)
    before = _earlier_rows(out)
    rows, pending = {}, []
    for name, values, seed, argv in todo:
        row = {"point": name, **{f"set:{k}": v for k, v in values.items()}, "seed": seed}
        if weights_from:
            row["weights_from"] = argv[argv.index("--weights-from") + 1]
        if os.path.exists(os.path.join(out, name, rundir.SUMMARY)):
            _check_kept(os.path.join(out, name), argv, seed)
            measured = {k: before[name][k] for k in ("wall_s", "cpu_s", "load_before", "load_after")
                        if before.get(name, {}).get("seed") == seed and k in before[name]}
            rows[name] = dict(row, status="kept", **measured)
        else:
            rows[name] = row
            pending.append((name, argv))
    if pending:
        _compute(pending, rows, out, workers or os.cpu_count() or 1, scheduler, progress)
    table = [_with_summary(rows[name], os.path.join(out, name)) for name, *_ in todo]
    spec = {"model": os.path.abspath(model), "sets": {k: v for k, v in sets}, "seeds": seeds,
            "options": list(run_options)}
    if weights_from:
        spec["weights_from"] = os.path.abspath(weights_from)
    write_json(os.path.join(out, "sweep.json"), dict(spec, points=table))
    _write_csv(os.path.join(out, "sweep.csv"), table)
    return table


def plan(model, sets, seeds, run_options, weights_from=None):
    """``[(name, {key: value}, seed, argv)]``: every point and its ``spikehebb run`` arguments.

    ``argv`` is the model file, ``run_options``, ``--seed``, one ``--set`` per
    value and, with ``weights_from`` (see :func:`run_sweep`), ``--weights-from``
    the run folder of the point's seed; :func:`point_command` adds the run folder.
    """
    out = []
    for name, values, seed in points(sets, seeds):
        argv = [os.path.abspath(model), *run_options, "--seed", str(seed)]
        argv += [a for k, v in values.items() for a in ("--set", f"{k}={v}")]
        if weights_from:
            argv += ["--weights-from", _weights_for(weights_from, seed)]
        out.append((name, values, seed, argv))
    return out


def _earlier_rows(out):
    """The rows of the last ``sweep.json`` in ``out`` by point (their measured times are kept)."""
    try:
        with open(os.path.join(out, "sweep.json")) as fh:
            return {r["point"]: r for r in json.load(fh)["points"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _check_kept(run_dir, argv, seed):
    # points are named by their place in the product: a finished run of another seed
    # or other values there means another sweep, whose results must not be reported as this one's
    with open(os.path.join(run_dir, rundir.SUMMARY)) as fh:
        s = json.load(fh)
    sets = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--set"]
    if s.get("seed") != seed or s.get("provenance", {}).get("overrides", sets) != sets:
        raise ModelError("--out", f"{run_dir} holds a run with another seed or other --set values than this "
                                  "sweep plans there (another sweep); choose another directory")


def _weights_for(source, seed):
    """The run folder ``--weights-from`` of a point with ``seed``: ``source``, or its point of that seed."""
    table = os.path.join(source, "sweep.json")
    if not os.path.exists(table):
        return os.path.abspath(source)
    with open(table) as fh:
        found = [r["point"] for r in json.load(fh)["points"] if r["seed"] == seed]
    if len(found) != 1:
        raise ModelError("--weights-from", f"sweep {source} has {len(found)} points of seed {seed}; expected one")
    return os.path.abspath(os.path.join(source, found[0]))


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
