"""Seconds per epoch of the shallow MNIST network: the model-layer path against the
private network it replaced, in alternation in one process.

``--against CHECKOUT`` names a checkout of the commit before the migration
(``git worktree add /tmp/old ba68a91``); its package is imported under another
name, both networks start from the same seed and train on the same images, and
their epochs alternate (old, new, old, new ...) so that both see the same
machine. Prints a table and one JSON line: CPU seconds per epoch of 60,000
images (scaled from ``--n``), per phase, the ratios new/old and the largest
difference of the hidden weights at the end (0: bit-identical training).

Example
-------
git worktree add /tmp/old ba68a91
OPENBLAS_NUM_THREADS=1 python scripts/bench_mnist_epoch.py --against /tmp/old --n 6000 --repeats 4
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def old_network(checkout, p_over=None):
    """Import the old package of ``checkout`` as ``oldspikehebb``; return its ShallowNet pieces."""
    tmp = tempfile.mkdtemp()
    shutil.copytree(Path(checkout) / "spikehebb", Path(tmp) / "oldspikehebb")
    sys.path.insert(0, tmp)
    from oldspikehebb.model.schema import parse_fields
    from oldspikehebb.tasks.mnist import task_shallow
    from oldspikehebb.tasks.mnist.common import A_IMAGE, flat_inputs
    from oldspikehebb.tasks.mnist.shallow import ShallowNet
    p = parse_fields(task_shallow.PARAMS, {}, "task")
    p["da_hidden"], p["da_class"] = np.asarray(p["da_hidden"]), np.asarray(p["da_class"])
    return ShallowNet, p, lambda x: flat_inputs(x, A_IMAGE)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", required=True, help="checkout of the commit before the migration")
    ap.add_argument("--n", type=int, default=6000, help="training images per epoch (scaled to 60,000)")
    ap.add_argument("--repeats", type=int, default=4)
    ap.add_argument("--data", default=os.environ.get("SPIKEHEBB_DATA") or str(ROOT.parent / "shared" / "data" / "mnist"))
    args = ap.parse_args(argv)
    from spikehebb.backends import build_classifier
    from spikehebb.datasets import load_mnist
    from spikehebb.tasks import load_task
    d = load_mnist(args.data)
    x, y = d["x_train"][:args.n].astype(float), d["y_train"][:args.n].astype(np.int64)
    ShallowNet, p, flat = old_network(args.against)
    old = ShallowNet(784, 300, 10, p, np.random.default_rng([0, 0]))
    yy = flat(x)
    m, params = load_task(ROOT / "models" / "hebbian_mnist_shallow.toml")
    new = build_classifier(m.network, "rate", seed=0)
    phases = list(params["phases"].values())
    r_old, r_new = np.random.default_rng(1), np.random.default_rng(1)
    old.train_epoch(yy, y, False, r_old)  # warm-up of both (caches, first-touch allocations)
    new.train_epoch(x, y, phases[0], r_new)
    scale = 60000 / args.n
    times = {(side, k): [] for side in ("old", "new") for k in (0, 1)}
    for _ in range(args.repeats):
        for k in (0, 1):
            t = time.process_time()
            old.train_epoch(yy, y, k == 1, r_old)
            times["old", k].append((time.process_time() - t) * scale)
            t = time.process_time()
            new.train_epoch(x, y, phases[k], r_new)
            times["new", k].append((time.process_time() - t) * scale)
    out = {"n": args.n, "repeats": args.repeats, "loadavg": os.getloadavg(),
           "max_abs_hidden_weight_difference": float(np.abs(old.W_hid - new.weights()["image_to_hidden"]).max())}
    print(f"{'phase':<10}{'old CPU s/epoch (median, range)':>34}{'new':>26}{'new/old':>20}")
    for k, name in enumerate(("hebbian", "dopamine")):
        o, n = np.array(times["old", k]), np.array(times["new", k])
        r = n / o
        out[name] = {"old": o.tolist(), "new": n.tolist(), "ratio_median": float(np.median(r)),
                     "ratio_range": [float(r.min()), float(r.max())]}
        print(f"{name:<10}{np.median(o):>16.2f} ({o.min():.2f}-{o.max():.2f}){np.median(n):>14.2f} "
              f"({n.min():.2f}-{n.max():.2f}){np.median(r):>10.3f} ({r.min():.2f}-{r.max():.2f})")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
