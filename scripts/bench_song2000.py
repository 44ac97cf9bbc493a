"""Benchmark: spikehebb's Brian2 backend against a hand-written Brian2 script of the same model.

The Song, Miller & Abbott (2000) network (models/song2000_stdp.toml: 1000 Poisson inputs onto one
LIF neuron with additive STDP) on cpp_standalone, four ways, each in a fresh process, in
alternating order, ``--repeats`` times:

- ``brian2 fresh build``: the hand-written script in a new project directory (compiles);
- ``brian2 same directory``: the script again in the directory of its previous run (make
  rebuilds only ``main.cpp``, where Brian2 writes the new seed; what Brian2 users get by
  reusing a directory);
- ``spikehebb cold``: ``spikehebb run`` with an empty build cache (compiles);
- ``spikehebb warm``: ``spikehebb run`` with the build cache holding this build (a new seed).

Both sides compile with the same ``make -jN`` (N = cores). Reports medians and ranges of wall
time, whole-process CPU time (process and children: the compiler, the binary) and Brian2's own
loop time (the binary's timing of its run loop), the load of the machine, and the ratios;
writes JSON and prints a table (the harness: ``bench_common.py``; more networks, the other
spikehebb cases and sweeps: ``bench_networks.py``).

    python scripts/bench_song2000.py [--duration "100 s"] [--repeats 3] [--out bench_song2000.json]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import MAKE_ARGS, parse_duration, print_table, ratios, repeat, statistics, write_report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "song2000_stdp.toml")


def hand_written(duration_s, seed, project):
    """The same network written directly in Brian2 (cf. Brian2's Song_Miller_Abbott_2000 example)."""
    import brian2 as b2
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = MAKE_ARGS
    b2.set_device("cpp_standalone", directory=project, build_on_run=False)
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
    net.run(duration_s * b2.second, namespace={})
    b2.device.build(directory=project, compile=True, run=True, with_output=False)
    return {"loop_s": float(b2.device._last_run_time), "output_rate_hz": mon.num_spikes / duration_s}


def _side(args):
    """One measurement, in this (fresh) process; prints JSON."""
    if args.side == "brian2":
        out = hand_written(args.duration_s, args.seed, args.project)
    else:
        from brian2 import second
        from spikehebb.backends import simulate
        from spikehebb.model import load_model
        net = load_model(MODEL).network
        res = simulate(net, "spike", seed=args.seed, target="cpp_standalone", duration=args.duration_s * second)
        out = {"loop_s": res.info["loop_seconds"], "build": res.info.get("build"),
               "output_rate_hz": len(res.spikes["post"][0]) / args.duration_s}
    print(json.dumps(out))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", default="100 s", help="simulated time, e.g. '100 s'")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", default="bench_song2000.json")
    p.add_argument("--side", choices=["brian2", "spikehebb"], help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--project", help=argparse.SUPPRESS)
    p.add_argument("--duration-s", type=float, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.side:
        return _side(args)
    duration_s = parse_duration(args.duration)
    me = [sys.executable, os.path.abspath(__file__), "--duration-s", str(duration_s)]
    work = tempfile.mkdtemp(prefix="bench-song-")
    reused = os.path.join(work, "reused")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    configs = {
        "brian2 fresh build": lambda rep: (me + ["--side", "brian2", "--seed", str(rep), "--project",
                                                 tempfile.mkdtemp(dir=work)], env),
        "brian2 same directory": lambda rep: (me + ["--side", "brian2", "--seed", str(rep), "--project", reused], env),
        "spikehebb cold": lambda rep: (me + ["--side", "spikehebb", "--seed", str(rep)],
                                       dict(env, SPIKEHEBB_CACHE=tempfile.mkdtemp(dir=work))),
        "spikehebb warm": lambda rep: (me + ["--side", "spikehebb", "--seed", str(rep + 100)],
                                       dict(env, SPIKEHEBB_CACHE=os.path.join(work, "warm-cache"))),
    }
    try:
        # primed first (untimed): what "same directory" and "warm" reuse
        rows = repeat(configs, args.repeats, describe=lambda r: f", {r['output_rate_hz']:.1f} Hz",
                      prime=("brian2 same directory", "spikehebb warm"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stats = statistics(rows)
    ratio = ratios(stats, "brian2 fresh build")
    title = (f"\nSong 2000, {duration_s:g} s simulated, cpp_standalone, make {' '.join(MAKE_ARGS)}, "
             f"{args.repeats} repetitions (medians, ranges; ratios against a fresh hand-written build)")
    print_table(title, stats, ratio)
    write_report(args.out, {"model": "song2000_stdp", "duration_s": duration_s, "target": "cpp_standalone",
                            "make_args": MAKE_ARGS, "repeats": args.repeats, "cpu_count": os.cpu_count(),
                            "stats": stats, "ratios_to_brian2_fresh_build": ratio, "runs": rows})


if __name__ == "__main__":
    main()
