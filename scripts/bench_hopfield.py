"""Benchmark: Hopfield recall against a plain numpy matrix product of the same shapes.

N = 1000 units, P = 100 Hebbian patterns (load 0.1), B = 1000 cues (stored patterns with 10 %
of their bits flipped), all in this process on one BLAS thread (threadpoolctl, as the rate
backend runs). Times, ``--repeats`` times each and in alternating order:

- ``matmul``: ``cues @ W.T``, one (B, N) x (N, N) product;
- ``sync recall``: :func:`~spikehebb.backends.rate.hopfield_dynamics.sync_run` to each cue's
  fixed point or 2-cycle;
- ``async recall`` (for information): :func:`~spikehebb.backends.rate.hopfield_dynamics.async_run`
  to a fixed point.

One synchronous update of the cues still moving costs (moving / B) matmul-equivalents, so the
recall's work is ``sum(steps) / B`` products. Reported: process CPU time (``time.process_time``)
and wall time, medians and ranges; the rates per CPU-second; the goal (issue 10): synchronous
recall at >= 40 % of the matmul rate per CPU-second, and no update after all cues are fixed
(the loop ran exactly ``max(steps)`` updates; every cue stopped). Records the machine's load
(``os.getloadavg``) before and after; writes JSON and prints a table.

    python scripts/bench_hopfield.py [--repeats 3] [--out bench_hopfield.json]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from spikehebb.backends import memory  # noqa: E402
from spikehebb.backends.rate import hopfield_dynamics as dynamics  # noqa: E402
from spikehebb.tasks.hopfield.patterns import flip_bits, random_patterns  # noqa: E402

N, P, B, FLIP, GOAL = 1000, 100, 1000, 0.1, 0.40


def _timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="bench_hopfield.json")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x = random_patterns(P, N, rng)
    w = memory.hebbian(x)
    targets = x[rng.integers(0, P, B)]
    cues = flip_bits(targets, FLIP, rng)
    load_before = os.getloadavg()
    runs = {"matmul": [], "sync recall": [], "async recall": []}
    checks = {}
    with threadpool_limits(limits=1, user_api="blas"):
        for rep in range(args.repeats):
            order = list(runs) if rep % 2 == 0 else list(reversed(runs))  # alternate
            for name in order:
                if name == "matmul":
                    _, cpu, wall = _timed(lambda: cues @ w.T)
                    runs[name].append({"cpu_s": cpu, "wall_s": wall, "matmuls": 1.0})
                elif name == "sync recall":
                    (out, info), cpu, wall = _timed(lambda: dynamics.sync_run(w, cues, max_steps=100))
                    steps = info["steps"]
                    runs[name].append({"cpu_s": cpu, "wall_s": wall, "matmuls": float(steps.sum() / B),
                                       "updates": int(steps.max())})
                    checks = {"steps_max": int(steps.max()), "steps_mean": float(steps.mean()),
                              "steps_histogram": np.bincount(steps).tolist(),
                              "fixed_points": int(info["converged"].sum()), "two_cycles": int(info["cycle"].sum()),
                              "stopped_all": bool(np.all(info["converged"] | info["cycle"])),
                              "recalled_exactly": float(np.mean(np.all(out == targets, axis=1)))}
                else:
                    (out, info), cpu, wall = _timed(
                        lambda: dynamics.async_run(w, cues, np.random.default_rng(args.seed)))
                    runs[name].append({"cpu_s": cpu, "wall_s": wall, "sweeps": info["sweeps"],
                                       "recalled_exactly": float(np.mean(np.all(out == targets, axis=1)))})
    load_after = os.getloadavg()
    # a record run: its trace has one row per update computed, so the loop length is visible
    _, rec = dynamics.sync_run(w, cues, max_steps=100, record=True)
    checks["record_trace_rows"] = len(rec["energy"])
    checks["no_update_after_all_fixed"] = checks["stopped_all"] and len(rec["energy"]) == checks["steps_max"] + 1
    mm_cpu = np.median([r["cpu_s"] for r in runs["matmul"]])
    summary = {}
    for name, reps in runs.items():
        cpu, wall = np.array([r["cpu_s"] for r in reps]), np.array([r["wall_s"] for r in reps])
        row = {"cpu_s_median": float(np.median(cpu)), "cpu_s_range": [float(cpu.min()), float(cpu.max())],
               "wall_s_median": float(np.median(wall)), "wall_s_range": [float(wall.min()), float(wall.max())]}
        if "matmuls" in reps[0]:
            rate = np.array([r["matmuls"] / r["cpu_s"] for r in reps])  # matmul-equivalents per CPU-second
            row["matmul_equivalents"] = reps[0]["matmuls"]
            row["rate_per_cpu_s_median"] = float(np.median(rate))
            row["fraction_of_matmul_rate"] = float(np.median(rate) * mm_cpu)
        summary[name] = row
    frac = summary["sync recall"]["fraction_of_matmul_rate"]
    report = {"config": {"n": N, "p": P, "cues": B, "flip": FLIP, "rule": "hebbian", "blas_threads": 1,
                         "repeats": args.repeats, "seed": args.seed},
              "machine": {"cpu_count": os.cpu_count(), "platform": sys.platform, "numpy": np.__version__,
                          "loadavg_before": load_before, "loadavg_after": load_after},
              "runs": runs, "summary": summary, "sync_checks": checks,
              "goal": {"sync_fraction_of_matmul_rate_at_least": GOAL, "met": bool(frac >= GOAL),
                       "no_update_after_all_fixed": checks["no_update_after_all_fixed"]}}
    print(f"N = {N}, P = {P}, {B} cues with {FLIP:.0%} flipped bits, 1 BLAS thread, {args.repeats} repeats; "
          f"load average {load_before[0]:.2f} -> {load_after[0]:.2f}")
    print(f"{'':14s} {'CPU s (median, range)':>26s} {'wall s (median, range)':>26s} {'matmul-eq.':>10s} "
          f"{'fraction of matmul rate':>24s}")
    for name, row in summary.items():
        print(f"{name:14s} {row['cpu_s_median']:9.4f} ({row['cpu_s_range'][0]:.4f}-{row['cpu_s_range'][1]:.4f})"
              f" {row['wall_s_median']:9.4f} ({row['wall_s_range'][0]:.4f}-{row['wall_s_range'][1]:.4f})"
              f" {row.get('matmul_equivalents', float('nan')):10.3f} "
              f"{row.get('fraction_of_matmul_rate', float('nan')):24.2f}")
    print(f"sync: steps per cue {checks['steps_histogram']} (index = steps), max {checks['steps_max']}, "
          f"{checks['fixed_points']} fixed points, {checks['two_cycles']} 2-cycles, recalled exactly "
          f"{checks['recalled_exactly']:.3f}; record trace rows {checks['record_trace_rows']} = max steps + 1: "
          f"{checks['no_update_after_all_fixed']}")
    print(f"goal: sync recall >= {GOAL:.0%} of the matmul rate per CPU-second: {frac:.0%} "
          f"({'met' if frac >= GOAL else 'NOT met'})")
    with open(args.out, "w") as fh:
        json.dump(report, fh, indent=2)
    print(f"written: {args.out}")
    return 0 if frac >= GOAL and checks["no_update_after_all_fixed"] else 1


if __name__ == "__main__":
    sys.exit(main())
