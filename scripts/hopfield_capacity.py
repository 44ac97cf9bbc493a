#!/usr/bin/env python
"""Capacity of binary Hopfield networks: fraction of patterns recalled against P/N.

For N in {100, 200, 400} and the Hebbian, Storkey and pseudo-inverse rules
(asynchronous updates), and at N = 100 for the dense associative memory
(Krotov & Hopfield 2016, F(x) = x^3) and the modern Hopfield network
(Ramsauer et al. 2020, one softmax update; at most 50 start patterns per
network, a random subset), this script stores P random
patterns, starts the dynamics at every stored pattern (``--flip`` flips a
fraction of its bits first), and counts a pattern as recalled when the final
state has at most 1 % wrong bits. The critical load alpha_c is where the
recalled fraction first drops below 1/2 (linear interpolation).

Every load is one ``spikehebb run`` of the ``hopfield`` task on the rate
backend (``models/hopfield_random.toml``; ``models/hopfield_modern.toml`` with
its memory population replaced for the dense and modern memories) with
``task.networks`` networks, run by ``spikehebb sweep`` (Dask): one sweep per
rule and N over ``task.p``, all on one local cluster (``--workers``) or on a
running Dask scheduler (``--scheduler``). The sweeps live in
``OUT/sweeps/flip<F>-seed<S>[-quick]/<rule>-N<N>/``; finished points are kept,
so an interrupted call continues where it stopped. Every point of one call
has the seed ``--seed``: the point of load P/N is
``capacity.recalled_vs_load`` at that one load with ``default_rng(seed)``.

Writes ``capacity.json`` (criterion, estimator, all curves, alpha_c per rule
and N) and ``capacity.png`` to ``--out``.

Usage::

    python scripts/hopfield_capacity.py [--quick] [--out DIR] [--seed S] [--flip F]
                                        [--workers W | --scheduler ADDRESS]
"""
import argparse
import os
import sys
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

from spikehebb.errors import ModelError  # noqa: E402
from spikehebb.model.hopfield import STORAGE_RULES  # noqa: E402
from spikehebb.results import save_figure, write_json  # noqa: E402
from spikehebb.sweep import local_cluster, run_sweep  # noqa: E402
from spikehebb.tasks.hopfield.capacity import (ALPHA_HEBBIAN, critical_alpha,  # noqa: E402
                                               exact_recall_alpha, finite_size_fit, recalled_vs_load)

#: the task's criterion (its recalled_fraction metric): at most 1 % wrong bits
MAX_ERROR = 0.01
NS = (100, 200, 400)
#: load grids: fine around each rule's transition
GRIDS = {"hebbian": np.round(np.arange(0.06, 0.2601, 0.01), 3),
         "storkey": np.round(np.arange(0.1, 0.8001, 0.05), 3),
         "pseudo_inverse": np.round(np.arange(0.1, 0.9001, 0.1), 3)}
BEYOND = {"dense": ({"degree": 3}, np.array([0.5, 1, 2, 4, 6, 8, 12, 16])),
          "modern": ({"beta": 1.0}, np.array([0.5, 1, 2, 4, 8, 16]))}
#: start states per network for dense / modern memories (random subset of the stored patterns)
MAX_CUES = 50
N_BEYOND = 100
BINARY_MODEL = os.path.join(ROOT, "models", "hopfield_random.toml")
BEYOND_MODEL = os.path.join(ROOT, "models", "hopfield_modern.toml")
POPULATION_TYPES = {"dense": "dense_memory", "modern": "modern_hopfield"}


def trials_for(n, quick):
    """Networks per load: about the same number of tested patterns for every N."""
    return max(2, {100: 60, 200: 30, 400: 15}[n] // (6 if quick else 1))


def loads_to_patterns(n, alphas):
    """Stored patterns P = round(alpha N) (at least 1) for each load."""
    return [max(1, int(round(a * n))) for a in alphas]


def sweep_plan(rule, n, alphas, trials, flip, max_cues=None, **network_kw):
    """The model file and ``--set`` values of one curve's sweep (over ``task.p``).

    Binary rules: ``models/hopfield_random.toml`` with the size, update and
    storage rule set; dense and modern memories: ``models/hopfield_modern.toml``
    with its memory population replaced by an inline table (``network_kw``:
    ``degree`` or ``beta``).

    Returns
    -------
    model : str
    sets : list of (str, list of str)
    """
    sets = [("task.patterns", ["random"]), ("task.flip", [repr(float(flip))]), ("task.networks", [str(trials)])]
    if max_cues is not None:
        sets.append(("task.max_cues", [str(max_cues)]))
    if rule in STORAGE_RULES:
        model = BINARY_MODEL
        # the protocol pinned here, not left to the model file's values
        sets += [("populations.memory.n", [str(n)]), ("populations.memory.update", ["async"]),
                 ("populations.memory.max_sweeps", ["50"]), ("projections.recurrent.w_init.rule", [rule])]
    else:
        model = BEYOND_MODEL
        fields = {"type": POPULATION_TYPES[rule], "n": n, **network_kw}
        table = ", ".join(f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in fields.items())
        sets.append(("populations.memory", [f"{{{table}}}"]))
    sets.append(("task.p", [str(p) for p in dict.fromkeys(loads_to_patterns(n, alphas))]))
    return model, sets


def run_curve(rule, n, alphas, trials, out, seed=0, flip=0.0, scheduler=None, max_cues=None, **network_kw):
    """Recalled fraction and patterns tested at each load, one sweep point per load.

    Returns ``(fractions, counts)`` as :func:`~spikehebb.tasks.hopfield.capacity.recalled_vs_load`.
    """
    model, sets = sweep_plan(rule, n, alphas, trials, flip, max_cues, **network_kw)
    table = run_sweep(model, sets, [seed], out, ["--backend", "rate"], scheduler=scheduler, progress=False)
    failed = [f"{r['point']}: {r.get('error')}" for r in table if r.get("status") == "failed"]
    if failed:
        raise SystemExit(f"{rule} N={n}: {len(failed)} failed points in {out} (logs in {out}/logs):\n"
                         + "\n".join(failed))
    by_p = {int(r["set:task.p"]): r for r in table}
    ps = loads_to_patterns(n, alphas)
    return (np.array([by_p[p]["metric:recalled_fraction"] for p in ps]),
            np.array([by_p[p]["metric:n_cues"] for p in ps]))


def in_process_curve(rule, n, alphas, trials, seed=0, flip=0.0, max_cues=None, **network_kw):
    """What :func:`run_curve` gives, computed here: each load with its own ``default_rng(seed)``."""
    out = [recalled_vs_load(rule, n, [a], trials, np.random.default_rng(seed), MAX_ERROR, flip, max_cues,
                            **network_kw) for a in alphas]
    return np.array([f[0] for f, _ in out]), np.array([c[0] for _, c in out])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer trials and no N = 400 Storkey (a few minutes)")
    ap.add_argument("--out", default="runs/hopfield_capacity")
    ap.add_argument("--seed", type=int, default=0, help="seed of every point (run)")
    ap.add_argument("--flip", type=float, default=0.0, help="fraction of bits flipped in the start state")
    ap.add_argument("--workers", type=int, default=None, help="local Dask workers (default: one per core)")
    ap.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a running Dask scheduler instead")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    sweeps = os.path.join(args.out, "sweeps", f"flip{args.flip:g}-seed{args.seed}" + ("-quick" if args.quick else ""))
    cluster = None if args.scheduler else local_cluster(args.workers)
    scheduler = args.scheduler or cluster.scheduler_address
    curves, alpha_c = [], {}
    t_start = time.perf_counter()
    try:
        for rule, grid in GRIDS.items():
            for n in NS:
                if args.quick and n == 400 and rule != "hebbian":
                    continue
                t0 = time.perf_counter()
                out = os.path.join(sweeps, f"{rule}-N{n}")
                f, counts = run_curve(rule, n, grid, trials_for(n, args.quick), out, args.seed, args.flip, scheduler)
                ac = critical_alpha(grid, f)
                alpha_c.setdefault(rule, {})[str(n)] = ac
                curves.append({"rule": rule, "n": n, "alphas": grid, "fractions": f, "patterns": counts,
                               "sweep": out})
                print(f"{rule:15s} N={n:4d}  alpha_c={ac:.4f}  ({time.perf_counter() - t0:.1f} s)", flush=True)
        for rule, (kw, grid) in BEYOND.items():
            grid = grid[grid <= 8] if args.quick else grid
            t0 = time.perf_counter()
            out = os.path.join(sweeps, f"{rule}-N{N_BEYOND}")
            f, counts = run_curve(rule, N_BEYOND, grid, 1 if args.quick else 4, out, args.seed, args.flip,
                                  scheduler, max_cues=MAX_CUES, **kw)
            ac = critical_alpha(grid, f)
            alpha_c[rule] = {str(N_BEYOND): ac}
            curves.append({"rule": rule, "n": N_BEYOND, "alphas": grid, "fractions": f, "patterns": counts,
                           "params": kw, "sweep": out})
            print(f"{rule:15s} N={N_BEYOND:4d}  alpha_c={ac:.4f} (nan: above 1/2 on the whole grid) "
                  f"({time.perf_counter() - t0:.1f} s)", flush=True)
    except ModelError as e:  # e.g. a sweep directory holding other runs: one line, not a traceback
        raise SystemExit(f"hopfield_capacity: error: {e}")
    finally:
        if cluster is not None:
            cluster.close()
    heb = alpha_c["hebbian"]
    hebbian_alphas = [heb[str(n)] for n in NS]
    fit = finite_size_fit(NS, hebbian_alphas) if np.all(np.diff(hebbian_alphas) < 0) else None
    summary = {
        "criterion": f"a pattern is recalled when the state reached from it (with a fraction {args.flip} of "
                     f"bits flipped) by asynchronous updates to a fixed point (at most 50 sweeps) has at most "
                     f"{MAX_ERROR:.0%} wrong bits",
        "estimator": "alpha_c = load P/N where the recalled fraction first drops below 0.5, linearly "
                     "interpolated between neighbouring loads",
        "runs": "one spikehebb run per rule, N and load (task.networks networks each, seed --seed), "
                "run by spikehebb sweep; each curve's sweep directory is its 'sweep'",
        "flip": args.flip, "seed": args.seed, "quick": args.quick, "max_error": MAX_ERROR,
        "alpha_c": alpha_c,
        "theory": {"hebbian_alpha_c": ALPHA_HEBBIAN,
                   "exact_recall_alpha": {str(n): exact_recall_alpha(n) for n in NS}},
        "hebbian_finite_size_fit": fit,
        "hebbian_finite_size_fit_note": "alpha_c(N) = alpha_inf + a N^-b through the three (N, alpha_c) "
                                        "points (an exact solve), no error model: indicative only, unstable "
                                        "with --quick; tests/test_hopfield_capacity.py fits four sizes",
        "curves": curves,
        "wall_seconds": round(time.perf_counter() - t_start, 1),
    }
    write_json(os.path.join(args.out, "capacity.json"), summary)
    save_figure(os.path.join(args.out, "capacity.png"), figure(curves))
    print(f"alpha_c: {alpha_c}\nfinite-size fit (Hebbian): {fit}\nwritten: {args.out}")
    return 0


def figure(curves):
    import matplotlib.pyplot as plt
    from spikehebb.plots.hopfield import capacity_curve, theory_lines
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = {"hebbian": "tab:blue", "storkey": "tab:orange", "pseudo_inverse": "tab:green",
              "dense": "tab:red", "modern": "tab:purple"}
    markers = {100: "o", 200: "s", 400: "^"}
    for c in curves:
        kw = dict(color=colors[c["rule"]], marker=markers[c["n"]], counts=c["patterns"], lw=1)
        if c["rule"] in GRIDS:
            capacity_curve(c["alphas"], c["fractions"], ax=left, label=f"{c['rule']} N={c['n']}", **kw)
        if c["n"] == N_BEYOND:
            label = c["rule"] + (f" n={c['params']['degree']}" if c["rule"] == "dense" else "") + \
                (f" beta={c['params']['beta']}" if c["rule"] == "modern" else "")
            capacity_curve(c["alphas"], c["fractions"], ax=right, label=label, **kw)
    theory_lines(left, NS)
    theory_lines(right, (N_BEYOND,))
    left.set_title("binary networks (asynchronous updates)")
    right.set(xscale="log", title=f"beyond 0.138 N: dense and modern memories, N = {N_BEYOND}")
    for ax in (left, right):
        ax.axhline(0.5, color="k", lw=0.5)
        ax.legend(fontsize=6, ncol=2)
    return fig


if __name__ == "__main__":
    sys.exit(main())
