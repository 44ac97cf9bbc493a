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

Writes ``capacity.json`` (criterion, estimator, all curves, alpha_c per rule
and N) and ``capacity.png`` to ``--out``.

Usage::

    python scripts/hopfield_capacity.py [--quick] [--out DIR] [--seed S] [--flip F]
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from spikehebb.results import save_figure, write_json  # noqa: E402
from spikehebb.tasks.hopfield.capacity import (ALPHA_HEBBIAN, critical_alpha,  # noqa: E402
                                               exact_recall_alpha, finite_size_fit, recalled_vs_load)

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


def trials_for(n, quick):
    """Networks per load: about the same number of tested patterns for every N."""
    return max(2, {100: 60, 200: 30, 400: 15}[n] // (6 if quick else 1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer trials and no N = 400 Storkey (about a minute)")
    ap.add_argument("--out", default="runs/hopfield_capacity")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--flip", type=float, default=0.0, help="fraction of bits flipped in the start state")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    curves, alpha_c = [], {}
    t_start = time.perf_counter()
    for rule, grid in GRIDS.items():
        for n in NS:
            if args.quick and n == 400 and rule != "hebbian":
                continue
            t0 = time.perf_counter()
            f, counts = recalled_vs_load(rule, n, grid, trials_for(n, args.quick), rng, MAX_ERROR, args.flip)
            ac = critical_alpha(grid, f)
            alpha_c.setdefault(rule, {})[str(n)] = ac
            curves.append({"rule": rule, "n": n, "alphas": grid, "fractions": f, "patterns": counts})
            print(f"{rule:15s} N={n:4d}  alpha_c={ac:.4f}  ({time.perf_counter() - t0:.1f} s)", flush=True)
    for rule, (kw, grid) in BEYOND.items():
        grid = grid[grid <= 8] if args.quick else grid
        t0 = time.perf_counter()
        f, counts = recalled_vs_load(rule, N_BEYOND, grid, 1 if args.quick else 4, rng, MAX_ERROR,
                                     args.flip, max_cues=MAX_CUES, **kw)
        ac = critical_alpha(grid, f)
        alpha_c[rule] = {str(N_BEYOND): ac}
        curves.append({"rule": rule, "n": N_BEYOND, "alphas": grid, "fractions": f, "patterns": counts,
                       "params": kw})
        print(f"{rule:15s} N={N_BEYOND:4d}  alpha_c={ac:.4f} (nan: above 1/2 on the whole grid) "
              f"({time.perf_counter() - t0:.1f} s)", flush=True)
    heb = alpha_c["hebbian"]
    hebbian_alphas = [heb[str(n)] for n in NS]
    fit = finite_size_fit(NS, hebbian_alphas) if np.all(np.diff(hebbian_alphas) < 0) else None
    summary = {
        "criterion": f"a pattern is recalled when the state reached from it (with a fraction {args.flip} of "
                     f"bits flipped) by asynchronous updates to a fixed point (at most 50 sweeps) has at most "
                     f"{MAX_ERROR:.0%} wrong bits",
        "estimator": "alpha_c = load P/N where the recalled fraction first drops below 0.5, linearly "
                     "interpolated between neighbouring loads",
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
