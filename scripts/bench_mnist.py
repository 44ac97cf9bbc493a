"""Benchmark the MNIST classifiers: every row of the README's MNIST table.

Each row is ``spikehebb run`` on a model file in a fresh process, once per
seed; runs land in ``OUT/ROW/seedN/`` (ordinary run folders; an interrupted
benchmark continues where it stopped). Writes ``OUT/bench_mnist.json`` (test
error per seed, mean and sd, seconds per epoch, wall and CPU seconds, the
machine and its load) and prints a table.

Rows:

- ``shallow``: the shallow network, rate backend (40 + 30 epochs, 60,000 images);
- ``conv``: the convolutional network, rate backend;
- ``transfer``: the ``shallow`` row's weights tested on the spiking network
  (``--backend spike --weights-from ... --evaluate``), same test images;
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
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mnist_runs import ROOT, data_dir, machine, run  # noqa: E402

sys.path.insert(0, str(ROOT))
from spikehebb.results import write_json  # noqa: E402

SHALLOW = ROOT / "models" / "hebbian_mnist_shallow.toml"
CONV = ROOT / "models" / "hebbian_mnist_conv.toml"
#: row -> (model file, arguments); "{shallow}" is the shallow row's run folder of the same seed
ROWS = {
    "shallow": (SHALLOW, ["--backend", "rate"]),
    "conv": (CONV, ["--backend", "rate"]),
    "transfer": (SHALLOW, ["--backend", "spike", "--weights-from", "{shallow}", "--evaluate"]),
    "spiking": (SHALLOW, ["--backend", "spike"]),
    "quick-rate": (SHALLOW, ["--backend", "rate", "--quick"]),
    "quick-spike": (SHALLOW, ["--backend", "spike", "--quick"]),
}


def bench_row(row, seeds, args):
    model, extra = ROWS[row]
    runs = []
    for seed in seeds:
        shallow = Path(args.out) / "shallow" / f"seed{seed}"
        if "{shallow}" in extra:  # the weights to test: train them first if needed
            run(SHALLOW, shallow, ROWS["shallow"][1] + ["--seed", seed] + args.sets, args.data)
        a = [str(shallow) if x == "{shallow}" else x for x in extra] + ["--seed", seed] + args.sets
        s = run(model, Path(args.out) / row / f"seed{seed}", a, args.data)
        m = s["metrics"]
        print(f"{row} seed {seed}: test error {100 * m['test_error']:.2f} %, {m['epochs']} epochs, "
              f"{m['seconds_per_epoch']:.2f} s/epoch, wall {s['wall_seconds']:.0f} s", flush=True)
        runs.append(s)
    te = np.array([r["metrics"]["test_error"] for r in runs])
    return {"model": model.name, "arguments": extra + args.sets, "seeds": list(seeds),
            "test_error_per_seed": te.tolist(), "test_error_mean": float(te.mean()),
            "test_error_sd": float(te.std(ddof=1)) if len(te) > 1 else 0.0,
            "seconds_per_epoch_per_seed": [r["metrics"]["seconds_per_epoch"] for r in runs],
            "wall_seconds_per_seed": [r["wall_seconds"] for r in runs],
            "cpu_seconds_per_seed": [r.get("cpu_seconds") for r in runs],
            "load_per_seed": [[r.get("load_before"), r.get("load_after")] for r in runs],
            "commands": [r.get("command") for r in runs], "metrics_per_seed": [r["metrics"] for r in runs]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", nargs="+", default=["shallow", "conv", "transfer"], choices=list(ROWS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--data", default=data_dir())
    ap.add_argument("--out", default="runs/bench_mnist")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to every run as --set KEY=VALUE")
    args = ap.parse_args(argv)
    args.sets = [a for s in args.sets for a in ("--set", s)]
    path = Path(args.out) / "bench_mnist.json"
    # rows of earlier calls with the same --out are kept: one file for the whole table
    old = json.loads(path.read_text())["rows"] if path.exists() else {}
    report = {"machine": machine(), "errors": "fractions in [0, 1]", "rows": old}
    for row in args.rows:
        report["rows"][row] = bench_row(row, args.seeds, args)
        write_json(path, report)
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
