"""The validation-split selection behind ``models/hebbian_mnist_conv.toml``.

Every configuration trains on the first 50,000 official training images and is
tested on the last 10,000 (``--set task.validation=10000``): the test set is
never looked at. Configurations are the model file with ``--set`` changes; each
row adds to the one before, from the reference network of the HebbianCNN
extension to the model file, plus the alternatives that were tried. Writes
``OUT/select_conv.json`` and ``OUT/select_conv.csv`` (one row per configuration
and seed: validation error, seconds, the ``--set`` line) and prints a table
with the configuration of lowest mean validation error.

Examples
--------
python scripts/select_conv.py --seeds 0 --out runs/select_conv
python scripts/select_conv.py --configs reference model --seeds 0 1 2
python scripts/select_conv.py --configs reference model --n-train 5000   # a fast look, not a selection
"""
import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mnist_runs import ROOT, data_dir, machine, run  # noqa: E402

sys.path.insert(0, str(ROOT))
from spikehebb.results import write_json  # noqa: E402

CONV = ROOT / "models" / "hebbian_mnist_conv.toml"


def _maps(n):
    return [f"populations.maps.n={n}", f"populations.pooled.n={196 * n}", f"populations.pooled.total={1.2 * 196 * n}"]


REFERENCE = _maps(20) + ["projections.image_to_maps.connectivity.patch_offset=0.0",
                         "projections.maps_to_pooled.connectivity.size=2", "task.phases.dopamine.explore.scale=50.0"]
#: name -> --set changes of the model file; in order, each main row adds to the one before
CONFIGS = {
    "reference": REFERENCE,
    "offset": REFERENCE[:3] + ["projections.image_to_maps.connectivity.patch_offset=0.6",
                               "projections.maps_to_pooled.connectivity.size=2"],
    "pool4": _maps(20),
    "model": [],  # the model file: 30 maps, offset 0.6, 4 x 4 pooling, exploration noise 100
    "maps40": _maps(40),
    "feedf100": ["populations.feedf.n=100"],
    "noise50": ["task.phases.dopamine.explore.scale=50.0"],
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--configs", nargs="+", default=["reference", "offset", "pool4", "model", "maps40"],
                    choices=list(CONFIGS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0])
    ap.add_argument("--n-train", type=int, default=0, help="first N of the 50,000 (0: all; a fast look only)")
    ap.add_argument("--data", default=data_dir())
    ap.add_argument("--out", default="runs/select_conv")
    args = ap.parse_args(argv)
    rows = []
    for name in args.configs:
        sets = ["task.validation=10000", f"task.n_train={args.n_train}"] + CONFIGS[name]
        for seed in args.seeds:
            a = ["--backend", "rate", "--seed", seed] + [x for s in sets for x in ("--set", s)]
            s = run(CONV, Path(args.out) / name / f"seed{seed}", a, args.data)
            assert "last 10000 official training images" in s["info"]["test_subset"], s["info"]
            rows.append({"config": name, "seed": seed, "validation_error": s["metrics"]["test_error"],
                         "wall_seconds": s["wall_seconds"], "cpu_seconds": s.get("cpu_seconds"),
                         "set": " ".join(f"--set {x}" for x in CONFIGS[name])})
            print(f"{name} seed {seed}: validation error {100 * rows[-1]['validation_error']:.2f} %", flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    mean = {c: float(np.mean([r["validation_error"] for r in rows if r["config"] == c])) for c in args.configs}
    best = min(mean, key=mean.get)
    write_json(out / "select_conv.json", {"machine": machine(), "n_train": args.n_train or 50000,
                                          "validation": "last 10,000 official training images",
                                          "rows": rows, "mean": mean, "best": best})
    with open(out / "select_conv.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"\n{'configuration':<14}{'validation error % (per seed)':>32}{'mean':>8}")
    for c in args.configs:
        per = " ".join(f"{100 * r['validation_error']:.2f}" for r in rows if r["config"] == c)
        print(f"{c:<14}{per:>32}{100 * mean[c]:>8.2f}{'  <- lowest' if c == best else ''}")
    print(f"\nwritten {out / 'select_conv.json'}, {out / 'select_conv.csv'}")


if __name__ == "__main__":
    main()
