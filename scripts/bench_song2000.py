"""Benchmark: spikehebb's Brian2 backend against a hand-written Brian2 script, same model.

Runs the Song, Miller & Abbott (2000) network (models/song2000_stdp.toml) both ways in one
process, on the same target, and reports wall times and their ratio. Writes JSON and prints
a table.

    python scripts/bench_song2000.py [--duration "20 s"] [--target cpp_standalone] [--repeats 2] [--out DIR]
"""
import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import brian2 as b2
import numpy as np
from brian2.devices.device import reset_device

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spikehebb.backends import simulate  # noqa: E402
from spikehebb.model import load_model  # noqa: E402
from spikehebb.results import write_json  # noqa: E402


def hand_written(duration, target, seed):
    """The same network written directly in Brian2 (cf. Brian2's Song_Miller_Abbott_2000 example)."""
    project = None
    if target == "cpp_standalone":
        project = tempfile.mkdtemp(prefix="bench-b2-")
        b2.set_device("cpp_standalone", directory=project, build_on_run=False)
    else:
        b2.prefs.codegen.target = target
    ns = dict(taum=10 * b2.ms, El=-74 * b2.mV, vr=-60 * b2.mV, vt=-54 * b2.mV, Ee=0 * b2.mV,
              taue=5 * b2.ms, gmax=0.01, taupre=20 * b2.ms, taupost=20 * b2.ms,
              dApre=0.01 * 0.01, dApost=-0.01 * 1.05 * 0.01)
    clock = b2.Clock(dt=0.1 * b2.ms)
    inp = b2.PoissonGroup(1000, rates=15 * b2.Hz, clock=clock)
    post = b2.NeuronGroup(1, "dv/dt = (ge*(Ee - v) + El - v)/taum : volt\ndge/dt = -ge/taue : 1",
                          threshold="v > vt", reset="v = vr", method="euler", namespace=ns, clock=clock)
    post.v = ns["El"]
    syn = b2.Synapses(inp, post, "w : 1\ndApre/dt = -Apre/taupre : 1 (event-driven)\n"
                      "dApost/dt = -Apost/taupost : 1 (event-driven)",
                      on_pre="ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)",
                      on_post="Apost += dApost\nw = clip(w + Apre, 0, gmax)", namespace=ns, clock=clock)
    syn.connect()
    syn.w = np.random.default_rng(seed).random(1000) * 0.01
    mon = b2.SpikeMonitor(post)
    net = b2.Network(inp, post, syn, mon)
    b2.seed(seed)
    t0 = time.perf_counter()
    net.run(duration, namespace={})
    if project:
        b2.device.build(directory=project, compile=True, run=True, with_output=False)
    wall = time.perf_counter() - t0
    out = {"wall_seconds": wall, "output_rate_hz": mon.num_spikes / float(duration),
           "mean_weight_over_max": float(np.mean(syn.w[:]) / 0.01)}
    if project:
        b2.device.reinit()
        reset_device()
        shutil.rmtree(project, ignore_errors=True)
    return out


def ours(duration, target, seed):
    net = load_model(ROOT / "models" / "song2000_stdp.toml").network
    t0 = time.perf_counter()
    res = simulate(net, "spike", seed=seed, target=target, duration=duration)
    wall = time.perf_counter() - t0
    rec = res.weights["input_to_post"]
    return {"wall_seconds": wall, "output_rate_hz": len(res.spikes["post"][0]) / float(duration),
            "mean_weight_over_max": float(np.mean(rec["final"]) / rec["w_max"])}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", default="20 s")
    p.add_argument("--target", default="cpp_standalone", choices=["numpy", "cython", "cpp_standalone"])
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--out", default="runs/bench_song2000")
    args = p.parse_args(argv)
    from spikehebb.model.units import parse_quantity
    duration = parse_quantity(args.duration, "time", "--duration")
    rows = []
    for rep in range(args.repeats):
        for name, fn in (("hand-written Brian2", hand_written), ("spikehebb", ours)):
            r = fn(duration, args.target, seed=rep)
            rows.append({"implementation": name, "repeat": rep, **r})
            print(f"{name:20s} repeat {rep}: {r['wall_seconds']:7.2f} s  rate {r['output_rate_hz']:6.2f} Hz  "
                  f"<w>/w_max {r['mean_weight_over_max']:.3f}", flush=True)
    med = {n: float(np.median([r["wall_seconds"] for r in rows if r["implementation"] == n]))
           for n in ("hand-written Brian2", "spikehebb")}
    report = {"model": "song2000_stdp", "duration_s": float(duration), "target": args.target,
              "repeats": args.repeats, "runs": rows, "median_wall_seconds": med,
              "ratio_spikehebb_over_hand_written": med["spikehebb"] / med["hand-written Brian2"],
              "machine": {"platform": platform.platform(), "processor": platform.processor(),
                          "cpus": os.cpu_count(), "python": platform.python_version(),
                          "brian2": b2.__version__}}
    os.makedirs(args.out, exist_ok=True)
    write_json(os.path.join(args.out, "bench_song2000.json"), report)
    print(f"\n{'implementation':22s} {'median wall (s)':>16s}")
    for n, v in med.items():
        print(f"{n:22s} {v:16.2f}")
    print(f"ratio spikehebb / hand-written: {report['ratio_spikehebb_over_hand_written']:.2f}")
    print(f"written: {os.path.join(args.out, 'bench_song2000.json')}")


if __name__ == "__main__":
    main()
