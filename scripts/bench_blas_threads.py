"""Rate MNIST training with one BLAS thread (spikehebb's default) against OpenBLAS's default,
with the machine idle and with the other core busy.

Each configuration is a fresh ``spikehebb run`` process (a 10,000-image shallow network: 2
Hebbian and 1 dopamine epochs, 1,000 test images), in alternating order, ``--repeats`` times.
Reports medians and ranges of wall time and of process CPU time (including children), the
seconds per epoch the run itself measured, and the machine's load; writes JSON.

    python scripts/bench_blas_threads.py [--repeats 3] [--data DIR] [--out bench_blas.json]
"""
import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "hebbian_mnist_shallow.toml")
SETS = ["task.n_train=10000", "task.n_test=1000", "task.phases.hebbian.epochs=2", "task.phases.dopamine.epochs=1"]
CONFIGS = {"1 BLAS thread (default)": {"SPIKEHEBB_BLAS_THREADS": "1"},
           "OpenBLAS default threads": {"SPIKEHEBB_BLAS_THREADS": str(os.cpu_count() or 2)}}


def _busy(stop):
    while not stop.is_set():
        sum(i * i for i in range(10000))


def _one(env_extra, data):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run")
        cmd = [sys.executable, "-m", "spikehebb", "run", MODEL, "--backend", "rate", "--data", data,
               "--out", out, "--no-progress"] + [a for s in SETS for a in ("--set", s)]
        env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
        env.update(env_extra)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"run failed: {proc.stderr.read()}")
        summary = json.load(open(os.path.join(out, "summary.json")))
    epoch = summary["metrics"].get("seconds_per_epoch")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "seconds_per_epoch": epoch,
            "test_error": summary["metrics"]["test_error"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", default=os.environ.get("SPIKEHEBB_DATA", os.path.join(ROOT, "..", "shared", "data", "mnist")))
    ap.add_argument("--out", default="bench_blas.json")
    args = ap.parse_args()
    rows = {}
    for load in ("idle", "other core busy"):
        stop = multiprocessing.Event()
        busy = multiprocessing.Process(target=_busy, args=(stop,)) if load != "idle" else None
        if busy:
            busy.start()
        try:
            for rep in range(args.repeats):
                order = list(CONFIGS) if rep % 2 == 0 else list(reversed(CONFIGS))  # alternate
                for name in order:
                    r = _one(CONFIGS[name], args.data)
                    r["loadavg_1min"] = os.getloadavg()[0]
                    rows.setdefault((name, load), []).append(r)
        finally:
            if busy:
                stop.set()
                busy.join()
    report = {"machine": {"cpu_count": os.cpu_count(), "platform": sys.platform},
              "runs": [{"config": c, "load": l, "reps": v} for (c, l), v in rows.items()]}
    print(f"{'configuration':28s} {'load':16s} {'wall s (median, range)':>26s} {'CPU s (median, range)':>26s} "
          f"{'s/epoch':>8s} {'loadavg':>8s}")
    for (c, l), v in rows.items():
        w, cpu = np.array([r["wall_s"] for r in v]), np.array([r["cpu_s"] for r in v])
        ep = [r["seconds_per_epoch"] for r in v if r["seconds_per_epoch"]]
        print(f"{c:28s} {l:16s} {np.median(w):9.1f} ({w.min():.1f}-{w.max():.1f}) {'':6s}"
              f"{np.median(cpu):9.1f} ({cpu.min():.1f}-{cpu.max():.1f}) {'':6s}"
              f"{np.median(ep) if ep else float('nan'):8.2f} {np.median([r['loadavg_1min'] for r in v]):8.2f}")
    with open(args.out, "w") as fh:
        json.dump(report, fh, indent=2)
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
