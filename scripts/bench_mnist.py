"""Benchmark the MNIST classifiers: every row of the README's MNIST table.

Each row is one ``spikehebb sweep`` (:func:`spikehebb.sweep.run_sweep`) of a
model file over the seeds: every seed an ordinary ``spikehebb run`` in a fresh
process, in ``OUT/ROW/pK/`` (point K of the row's sweep, ``OUT/ROW/sweep.json``
says which seed). Finished points are kept and an interrupted point continues
from its checkpoint, so an interrupted benchmark continues where it stopped;
a row's directory holds one list of seeds (another list: another ``--out``).
The points run one at a time on a local Dask cluster (``--workers N``: N at
once, which loads the machine and so the timings), or on the workers of a
running Dask scheduler (``--scheduler``). Writes ``OUT/bench_mnist.json``
(test error per seed, mean and sd, seconds per epoch, wall and CPU seconds,
the machine and its load) and prints a table.

Rows:

- ``shallow``: the shallow network, rate backend (40 + 30 epochs, 60,000 images);
- ``conv``: the convolutional network, rate backend;
- ``transfer``: the ``shallow`` row's weights tested on the spiking network
  (``--backend spike --weights-from ... --evaluate``: each seed the
  ``shallow`` point of the same seed, trained first if needed), same test images;
- ``spiking``: the spiking network trained with the spiking form of the rule
  (the file's ``[spike]`` protocol);
- ``quick-rate``, ``quick-spike``: ``--quick`` on each backend (shallow).

Examples
--------
python scripts/bench_mnist.py --rows shallow transfer --seeds 0 1 2 --out runs/bench_mnist
python scripts/bench_mnist.py --rows quick-rate quick-spike --seeds 0
python scripts/bench_mnist.py --rows conv --set projections.image_to_maps.connectivity.patch_offset=0
"""
import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mnist_runs import ROOT, data_dir, machine  # noqa: E402

sys.path.insert(0, str(ROOT))
from spikehebb.errors import ModelError  # noqa: E402
from spikehebb.results import write_json  # noqa: E402
from spikehebb.sweep import local_cluster, run_sweep  # noqa: E402

SHALLOW = ROOT / "models" / "hebbian_mnist_shallow.toml"
CONV = ROOT / "models" / "hebbian_mnist_conv.toml"
#: row -> (model file, run options, row whose point of the same seed gives --weights-from)
ROWS = {
    "shallow": (SHALLOW, ["--backend", "rate"], None),
    "conv": (CONV, ["--backend", "rate"], None),
    "transfer": (SHALLOW, ["--backend", "spike", "--evaluate"], "shallow"),
    "spiking": (SHALLOW, ["--backend", "spike"], None),
    "quick-rate": (SHALLOW, ["--backend", "rate", "--quick"], None),
    "quick-spike": (SHALLOW, ["--backend", "spike", "--quick"], None),
}


def sweep_plan(row, seeds, out, sets=(), data=None):
    """The sweep of one row: the keyword arguments of :func:`spikehebb.sweep.run_sweep`.

    ``sets`` are ``KEY=VALUE`` strings given to every run (one value each);
    ``--data`` goes to every run; a row with weights from another row takes
    them from that row's sweep (``OUT/shallow``), point by seed.
    """
    model, options, weights_row = ROWS[row]
    return {"model": str(model), "sets": [(k, [v]) for k, v in (x.split("=", 1) for x in sets)],
            "seeds": list(seeds), "out": str(Path(out) / row),
            "run_options": options + (["--data", os.path.abspath(data)] if data else []),
            "weights_from": str(Path(out) / weights_row) if weights_row else None}


def _sweep(plan, scheduler):
    table = run_sweep(**plan, scheduler=scheduler)
    failed = [f"  {r['point']} (seed {r['seed']}): {r.get('error')}" for r in table if r.get("status") == "failed"]
    if failed:
        raise SystemExit(f"failed points of {plan['out']} (logs in {plan['out']}/logs):\n" + "\n".join(failed))
    return table


def bench_row(row, seeds, args, scheduler):
    plan = sweep_plan(row, seeds, args.out, args.sets, args.data)
    if plan["weights_from"]:  # the weights to test: train them first if needed
        _sweep(sweep_plan(ROWS[row][2], seeds, args.out, args.sets, args.data), scheduler)
    table = _sweep(plan, scheduler)
    runs = []
    for r in table:
        s = json.loads((Path(plan["out"]) / r["point"] / "summary.json").read_text())
        m = s["metrics"]
        print(f"{row} seed {r['seed']}: test error {100 * m['test_error']:.2f} %, {m['epochs']} epochs, "
              f"{m['seconds_per_epoch']:.2f} s/epoch, wall {s['wall_seconds']:.0f} s ({r['status']})", flush=True)
        runs.append((r, s))
    te = np.array([s["metrics"]["test_error"] for _, s in runs])
    arguments = ROWS[row][1] + [a for x in args.sets for a in ("--set", x)]
    if plan["weights_from"]:
        arguments += ["--weights-from", f"{plan['weights_from']}/<point of the seed>"]
    return {"model": Path(plan["model"]).name, "arguments": arguments, "seeds": list(seeds),
            "sweep": plan["out"],
            "test_error_per_seed": te.tolist(), "test_error_mean": float(te.mean()),
            "test_error_sd": float(te.std(ddof=1)) if len(te) > 1 else 0.0,
            "seconds_per_epoch_per_seed": [s["metrics"]["seconds_per_epoch"] for _, s in runs],
            "wall_seconds_per_seed": [s["wall_seconds"] for _, s in runs],
            "cpu_seconds_per_seed": [r.get("cpu_s") for r, _ in runs],
            "load_per_seed": [[r.get("load_before"), r.get("load_after")] for r, _ in runs],
            "commands": [" ".join(s.get("provenance", {}).get("command", [])) for _, s in runs],
            "metrics_per_seed": [s["metrics"] for _, s in runs]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", nargs="+", default=["shallow", "conv", "transfer"], choices=list(ROWS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--data", default=data_dir())
    ap.add_argument("--out", default="runs/bench_mnist")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to every run as --set KEY=VALUE")
    ap.add_argument("--workers", type=int, default=1,
                    help="runs at once on the local Dask cluster (more than one shares the cores: slower epochs)")
    ap.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a running Dask scheduler instead")
    args = ap.parse_args(argv)
    bad = [s for s in args.sets if "=" not in s]
    if bad:
        ap.error(f"--set expects KEY=VALUE, got {bad[0]!r}")
    path = Path(args.out) / "bench_mnist.json"
    # rows of earlier calls with the same --out are kept: one file for the whole table
    old = json.loads(path.read_text())["rows"] if path.exists() else {}
    report = {"machine": machine(), "errors": "fractions in [0, 1]", "rows": old}
    # one BLAS thread per run (the workers' runs inherit it): the batch products are too small to gain
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    cluster = None if args.scheduler else local_cluster(args.workers)
    try:
        for row in args.rows:
            report["rows"][row] = bench_row(row, args.seeds, args, args.scheduler or cluster.scheduler_address)
            write_json(path, report)
    except ModelError as e:  # e.g. a row's directory holding other seeds: one line, not a traceback
        raise SystemExit(f"bench_mnist: error: {e}")
    finally:
        if cluster is not None:
            cluster.close()
    print(f"\n{'row':<12}{'test error % (per seed)':>30}{'mean':>8}{'sd':>7}{'s/epoch':>9}{'wall s':>9}{'CPU s':>9}")
    for row, r in report["rows"].items():
        per = " ".join(f"{100 * e:.2f}" for e in r["test_error_per_seed"])
        cpu = [c for c in r["cpu_seconds_per_seed"] if c is not None]
        print(f"{row:<12}{per:>30}{100 * r['test_error_mean']:>8.2f}{100 * r['test_error_sd']:>7.2f}"
              f"{np.median(r['seconds_per_epoch_per_seed']):>9.2f}{np.median(r['wall_seconds_per_seed']):>9.0f}"
              f"{np.median(cpu) if cpu else float('nan'):>9.0f}")
    print(f"\nwritten {Path(args.out) / 'bench_mnist.json'} (machine load: {report['machine']['loadavg']})")


if __name__ == "__main__":
    main()
