"""Benchmark the MNIST Hebbian + dopamine networks over several seeds.

Runs each model file's full configuration (or ``--quick``) once per seed,
writes every run's results and figures under ``OUT/MODEL/seedN/`` and a JSON
summary ``OUT/bench_mnist.json`` (test error per seed and mean, seconds per
epoch, the machine), and prints a table. An interrupted benchmark continues
where it stopped when run again with the same arguments (finished seeds are
read back, unfinished ones resume from their last epoch checkpoint).

Examples
--------
python scripts/bench_mnist.py --models shallow --seeds 0 1 2 --out bench_out
python scripts/bench_mnist.py --models conv --set n_feedf=300 --out bench_conv
python scripts/bench_mnist.py --quick
"""
import argparse
import json
import os
import platform
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spikehebb.model.schema import parse_fields  # noqa: E402
from spikehebb.results import save_result, write_json  # noqa: E402
from spikehebb.tasks import Context, get_task  # noqa: E402

MODELS = {"shallow": "hebbian_mnist_shallow", "conv": "hebbian_mnist_conv", "spiking": "hebbian_mnist_spiking"}


def machine():
    cpu = platform.processor()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")}


def run_model(key, seeds, args, overrides):
    name = MODELS[key]
    table = tomllib.loads((ROOT / "models" / f"{name}.toml").read_text())["task"]
    mod = get_task(table["type"])
    values = {k: v for k, v in table.items() if k != "type"}
    values.update(overrides)
    params = parse_fields(mod.PARAMS, values, "task")
    runs = []
    for seed in seeds:
        out = Path(args.out) / key / f"seed{seed}"
        out.mkdir(parents=True, exist_ok=True)
        summary = out / "summary.json"
        if summary.exists():
            runs.append(json.loads(summary.read_text()))
            print(f"{key} seed {seed}: read back {summary}", flush=True)
            continue
        resume = any(out.glob("checkpoint*.npz"))
        ctx = Context(backend="spike" if key == "spiking" else "rate", seed=seed, out_dir=str(out),
                      quick=args.quick, data_dir=args.data, resume=resume, progress=not args.no_progress,
                      model_name=name)
        t0 = time.perf_counter()
        res = mod.run(params, ctx)
        s = {"model": name, "seed": seed, "quick": args.quick, "overrides": overrides, "metrics": res.metrics,
             "info": res.info, "wall_seconds": time.perf_counter() - t0, "resumed": resume}
        save_result(str(out), res, s)
        runs.append(s)
        m = res.metrics
        print(f"{key} seed {seed}: test error {100 * m['test_error']:.2f}%  train {100 * m['train_error']:.2f}%  "
              f"{m['epochs']} epochs  {m['seconds_per_epoch']:.2f} s/epoch", flush=True)
    te = np.array([r["metrics"]["test_error"] for r in runs])
    return {"model": name, "overrides": overrides, "seeds": list(seeds),
            "test_error_per_seed": te.tolist(), "test_error_mean": float(te.mean()),
            "test_error_std": float(te.std(ddof=1)) if len(te) > 1 else 0.0,
            "train_error_per_seed": [r["metrics"]["train_error"] for r in runs],
            "test_error_after_hebbian_per_seed": [r["metrics"].get("test_error_after_hebbian") for r in runs],
            "seconds_per_epoch_per_seed": [r["metrics"]["seconds_per_epoch"] for r in runs],
            "epochs": [r["metrics"]["epochs"] for r in runs],
            "metrics_per_seed": [r["metrics"] for r in runs]}


def _value(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", nargs="+", default=["shallow", "conv"], choices=sorted(MODELS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--quick", action="store_true", help="the --quick variant of every model")
    ap.add_argument("--data", default=os.environ.get("SPIKEHEBB_DATA") or str(ROOT.parent / "shared" / "data" / "mnist"))
    ap.add_argument("--out", default="bench_mnist_out")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a [task] key of every model (JSON value)")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    overrides = {k: _value(v) for k, v in (s.split("=", 1) for s in args.set)}
    report = {"machine": machine(), "quick": args.quick, "errors": "fractions in [0, 1]", "models": {}}
    for key in args.models:
        report["models"][key] = run_model(key, args.seeds, args, overrides)
        write_json(Path(args.out) / "bench_mnist.json", report)
    print(f"\n{'model':<10}{'seeds':>8}{'test error % (per seed)':>36}{'mean':>8}{'s/epoch':>9}")
    for key, r in report["models"].items():
        per = " ".join(f"{100 * e:.2f}" for e in r["test_error_per_seed"])
        print(f"{key:<10}{len(r['seeds']):>8}{per:>36}{100 * r['test_error_mean']:>8.2f}"
              f"{np.mean(r['seconds_per_epoch_per_seed']):>9.2f}")
    print(f"\nwritten {Path(args.out) / 'bench_mnist.json'}")


if __name__ == "__main__":
    main()
