"""Benchmark: spikehebb runs and sweeps against hand-written Brian2 scripts of the same networks.

The method of ``bench_song2000.py`` (harness: ``bench_common.py``): cpp_standalone on both
sides with the same ``make -jN`` (N = cores); every measurement in a fresh process, the
configurations in alternating order, ``--repeats`` times; medians and ranges of wall time, of
whole-process CPU time (user + system of the process and of every child it waited for:
compiler, binary; ``os.wait4``) and of Brian2's loop time (the binary's own timing of its
run loop, ``device._last_run_time``; on the spikehebb side ``info.loop_seconds`` of the run's
``summary.json``), the load average, and CPU ratios against ``brian2 fresh build``. Writes
JSON and prints a table.

Networks (``--network``):

- ``stdp_1000_100``: ``models/song2000_stdp.toml`` with ``--set populations.post.n=100``:
  1000 Poisson inputs (15 Hz) onto 100 conductance-based LIF neurons, all-to-all (100,000
  synapses), additive pair STDP, dt = 0.1 ms. The hand-written script has the equations
  spikehebb generates (``populations.py``, ``synapses.py``) in the form of Brian2's
  Song_Miller_Abbott_2000 example (traces step by ``a_plus w_max`` where spikehebb's step by 1
  and scale the weight change; no special case for pre and post spikes in the same step;
  inputs as a ``PoissonGroup``, which spikehebb replaces by an event-driven group drawing the
  same Bernoulli process).
- ``dastdp``: ``models/izhikevich2007_dastdp.toml``: 800 excitatory and 200 inhibitory
  current-based LIF neurons (p = 0.1, about 64,000 plastic E->E synapses with 1 ms delay),
  a private 20 Hz Poisson train per neuron, DA-modulated STDP with eligibility traces
  (tau_c = 1 s) and a dopamine reward 1-3 s after neuron 0 -> neuron 1 pairings, dt = 1 ms.
  The hand-written script is the network as Brian2 users write it (cf. Brian2's
  ``reward_modulated_stdp`` example), which differs from spikehebb's in how it computes:

  * eligibility and weight are clock-driven, ``dc/dt = -c/tau_c`` and
    ``dw/dt = eta w_max c d`` integrated (Euler) every step for every plastic synapse, the
    weight clipped to [0, w_max] at spikes; spikehebb's DA-STDP is event-driven and exact in
    time (closed-form advance of w, c and the dopamine at spikes and pulses, nothing per
    step; ``synapses.build_da_stdp``);
  * the dopamine ``d`` is a variable of each excitatory neuron (``dd/dt = -d/tau_d``), bumped
    by a synapse from a one-neuron reward group; spikehebb keeps one modulator group and
    copies its level into the post group through a summed variable every step;
  * the background is ``PoissonInput`` (one binomial draw per neuron and step, no
    synapses); spikehebb has Poisson groups and one-to-one synapses;
  * random connectivity is drawn in the binary (``connect(p=0.1)``); spikehebb draws the
    indices in numpy and passes them as arrays; static weights are namespace constants
    instead of a per-synapse ``w``.

  So the loop times differ by algorithm as well as by overhead: the rows say what a user
  of either gets for the same network.

Both hand-written scripts record what the model file's ``[record]`` asks spikehebb for
(spike, population-rate and weight monitors of the same groups) and read the results back.
A spikehebb row is the ``spikehebb run`` command a user types (``--backend spike --target
cpp_standalone``); it also computes the model's metrics and writes figures and
``results.npz``, which the hand-written scripts do not.

Rows of ``--network``, all in fresh processes:

- ``brian2 fresh build``: the hand-written script in a new project directory (compiles);
- ``brian2 same directory``: the script again in the directory of its previous run, with a
  new seed (make rebuilds ``main.cpp`` only, where Brian2 writes the seed);
- ``spikehebb cold``: ``spikehebb run`` with an empty build cache (``SPIKEHEBB_CACHE``);
- ``spikehebb warm identical``: the run the warm cache was filled with, again (same seed);
- ``spikehebb warm new seed``: warm cache, a new seed on every repetition;
- ``spikehebb --set scalar``: warm cache, the STDP amplitude ``a_plus`` changed with
  ``--set`` to a value that differs on every repetition (a new build unless spikehebb
  passes the scalar at run time).

``--sweep``: a ``--points``-point ``spikehebb sweep`` of the Song model (one output neuron,
``models/song2000_stdp.toml``) over ``projections.input_to_post.rule.a_plus`` with
``--workers 1`` (one point at a time, as the hand-written side), empty build cache, against
one hand-written script that builds once, with ``a_plus`` a shared parameter, and runs its
binary once per value (``device.run(run_args={syn.a_plus: value})``), reading each run's
results. The sweep's CPU time is that of ``spikehebb sweep`` and every process it waited
for: the Dask worker processes (spawned by the sweep's process, joined by their nannies when
the cluster closes), through them the ``spikehebb run`` process of each point, and through
those make and the binaries; not counted is a process nobody waits for (such as
multiprocessing's resource tracker, where one runs). ``points
CPU`` (the sum of the points' own CPU from ``sweep.json``) separates the points from the
sweep's and Dask's overhead. ``loop s`` is the sum of the runs' loop times.

Final runs (on a quiet machine; 10-30 min each on 2 cores)::

    python scripts/bench_networks.py --network stdp_1000_100 --duration "100 s" --repeats 5 \\
        --out bench_stdp_1000_100.json
    python scripts/bench_networks.py --network dastdp --duration "100 s" --repeats 5 --out bench_dastdp.json
    python scripts/bench_networks.py --sweep --points 10 --duration "20 s" --repeats 3 --out bench_sweep.json

Examples
--------
python scripts/bench_networks.py --network dastdp --duration "2 s" --repeats 1 --out /tmp/b.json
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import (MAKE_ARGS, parse_duration, print_table, ratios, repeat, statistics,  # noqa: E402
                          versions, write_report)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SONG = os.path.join(ROOT, "models", "song2000_stdp.toml")
#: network -> model file, its --set overrides, the scalar of the "--set scalar" row (key, model value),
#: the metric reported as the row's rate, default duration
NETWORKS = {
    "stdp_1000_100": dict(model=SONG, sets=["populations.post.n=100"],
                          scalar=("projections.input_to_post.rule.a_plus", 0.01), rate="output_rate_hz",
                          duration="100 s"),
    "dastdp": dict(model=os.path.join(ROOT, "models", "izhikevich2007_dastdp.toml"), sets=[],
                   scalar=("projections.exc_to_exc.rule.a_plus", 1.0), rate="exc_rate_hz", duration="100 s"),
}
SWEEP_KEY = "projections.input_to_post.rule.a_plus"


def scalar_value(base, rep):
    """The changed scalar of repetition ``rep``: never the model's value, never another repetition's."""
    return f"{base * (1 + 0.01 * (rep + 1)):.6g}"


def sweep_values(points):
    """``points`` values of a_plus around the model's 0.01."""
    return [f"{0.01 * (0.8 + 0.05 * k):.6g}" for k in range(points)]


def _standalone(project):
    import brian2 as b2
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = MAKE_ARGS
    b2.set_device("cpp_standalone", directory=project, build_on_run=False)
    return b2


def song(duration_s, seed, project, n_post, a_plus_values=None):
    """Song et al. (2000) with ``n_post`` output neurons, hand-written.

    With ``a_plus_values``, ``a_plus`` is a shared parameter: built once, the binary runs
    once per value (``run_args``). Returns loop time (summed over runs) and output rate.
    """
    b2 = _standalone(project)
    ms, mV = b2.ms, b2.mV
    b2.seed(seed)
    ns = dict(taum=10 * ms, El=-74 * mV, vr=-60 * mV, vt=-54 * mV, Ee=0 * mV, taue=5 * ms, gmax=0.01,
              taupre=20 * ms, taupost=20 * ms, a_minus=0.0105)
    if a_plus_values is None:
        ns["a_plus"] = 0.01
    clock = b2.Clock(dt=0.1 * ms)
    inp = b2.PoissonGroup(1000, rates=15 * b2.Hz, clock=clock)
    post = b2.NeuronGroup(n_post, "dv/dt = (ge*(Ee - v) + El - v)/taum : volt\ndge/dt = -ge/taue : 1",
                          threshold="v > vt", reset="v = vr", method="euler", namespace=ns, clock=clock)
    post.v = ns["El"]
    syn = b2.Synapses(inp, post, "w : 1\ndApre/dt = -Apre/taupre : 1 (event-driven)\n"
                      "dApost/dt = -Apost/taupost : 1 (event-driven)"
                      + ("\na_plus : 1 (shared, constant)" if a_plus_values else ""),
                      on_pre="ge += w\nApre += a_plus*gmax\nw = clip(w + Apost, 0, gmax)",
                      on_post="Apost += -a_minus*gmax\nw = clip(w + Apre, 0, gmax)", namespace=ns, clock=clock)
    syn.connect()
    syn.w = np.random.default_rng(seed).random(1000 * n_post) * ns["gmax"]
    # what the model file records: 100 inputs' spikes, the output spikes and rate, 20 weights each second
    mons = [b2.SpikeMonitor(inp[:100]), b2.SpikeMonitor(post), b2.PopulationRateMonitor(post),
            b2.StateMonitor(syn, "w", record=np.arange(20), dt=1 * b2.second)]
    net = b2.Network(inp, post, syn, *mons)
    net.run(duration_s * b2.second, namespace={})
    if a_plus_values is None:
        b2.device.build(directory=project, compile=True, run=True, with_output=False)
        _read(mons, [syn])
        return {"loop_s": float(b2.device._last_run_time), "rate_hz": mons[1].num_spikes / (n_post * duration_s)}
    syn.a_plus = float(a_plus_values[0])
    b2.device.build(directory=project, compile=True, run=False, with_output=False)
    loop, spikes = 0.0, 0
    for value in a_plus_values:
        b2.device.run(directory=project, with_output=False, run_args={syn.a_plus: float(value)})
        loop += float(b2.device._last_run_time)
        _read(mons, [syn])
        spikes += int(mons[1].num_spikes)
    return {"loop_s": loop, "rate_hz": spikes / (n_post * duration_s * len(a_plus_values)),
            "runs": len(a_plus_values)}


def _read(mons, synapses):
    """Load every recording and the final weights, as spikehebb reads its results."""
    import brian2 as b2
    for mon in mons:
        if isinstance(mon, b2.StateMonitor):
            names = ("t",) + tuple(mon.record_variables)
        else:
            names = ("t", "rate") if isinstance(mon, b2.PopulationRateMonitor) else ("t", "i")
        for var in names:
            np.asarray(getattr(mon, var))
    for syn in synapses:
        np.asarray(syn.w[:])


def dastdp(duration_s, seed, project):
    """Izhikevich (2007) Fig. 1 on LIF neurons, hand-written in the usual Brian2 style
    (clock-driven eligibility and weight; see the module docstring for the differences)."""
    b2 = _standalone(project)
    ms, mV, pA, second = b2.ms, b2.mV, b2.pA, b2.second
    b2.seed(seed)
    b2.defaultclock.dt = 1 * ms
    far = 1e9 * second
    lif = ("dv/dt = (v_rest - v + r_m*(I_e - I_i))/tau_m : volt (unless refractory)\n"
           "dI_e/dt = -I_e/tau_s : amp\ndI_i/dt = -I_i/tau_s : amp\n")
    common = dict(r_m=100 * b2.Mohm, v_rest=-65 * mV, v_reset=-65 * mV, v_th=-50 * mV, tau_s=5 * ms)
    exc = b2.NeuronGroup(800, lif + "dd/dt = -d/tau_d : 1", threshold="v > v_th", reset="v = v_reset",
                         refractory=2 * ms, method="exact", namespace=dict(common, tau_m=20 * ms, tau_d=200 * ms))
    inh = b2.NeuronGroup(200, lif, threshold="v > v_th", reset="v = v_reset", refractory=1 * ms,
                         method="exact", namespace=dict(common, tau_m=10 * ms))
    for group in (exc, inh):
        group.v = "v_reset + rand()*(v_th - v_reset)"
    background = [b2.PoissonInput(exc, "I_e", 1, 20 * b2.Hz, weight=400 * pA),
                  b2.PoissonInput(inh, "I_e", 1, 20 * b2.Hz, weight=400 * pA)]
    stdp = dict(tau_c=1 * second, eta=5 * b2.Hz, w_max=120 * pA, a_plus=1.0, a_minus=1.5,
                tau_plus=20 * ms, tau_minus=20 * ms)
    model = ("dc/dt = -c/tau_c : 1 (clock-driven)\n"
             "dw/dt = eta*w_max*c*d_post : amp (clock-driven)\n"
             "dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
             "dapost/dt = -apost/tau_minus : 1 (event-driven)")
    plastic = []
    for name, connect in (("ee", dict(condition="i != j", p=0.1)), ("chosen", dict(i=0, j=1))):
        syn = b2.Synapses(exc, exc, model, method="euler", namespace=stdp, delay=1 * ms, name=name,
                          on_pre="w = clip(w, 0*pA, w_max)\nI_e_post += w\napre += 1\nc += -a_minus*apost",
                          on_post="w = clip(w, 0*pA, w_max)\napost += 1\nc += a_plus*apre")
        syn.connect(**connect)
        syn.w = 30 * pA
        plastic.append(syn)
    static = []
    for pre, post, var, w in ((exc, inh, "I_e", 30 * pA), (inh, exc, "I_i", 60 * pA), (inh, inh, "I_i", 60 * pA)):
        syn = b2.Synapses(pre, post, on_pre=f"{var}_post += w_static", namespace={"w_static": w})
        syn.connect(condition="i != j" if pre is post else None, p=0.1)
        static.append(syn)
    # reward 1-3 s after neuron 1 fires within 10 ms of neuron 0, unless one is pending
    reward = b2.NeuronGroup(1, "t_reward : second\ntpre : second", threshold="t >= t_reward",
                            reset="t_reward = far", namespace={"far": far})
    reward.t_reward, reward.tpre = far, -far
    pair_pre = b2.Synapses(exc, reward, on_pre="tpre_post = t")
    pair_pre.connect(i=0, j=0)
    pair_post = b2.Synapses(exc, reward, namespace={"far": far, "window": 10 * ms},
                            on_pre="armed = int(t - tpre_post <= window and t > tpre_post and t_reward_post > far/2)\n"
                                   "t_reward_post = armed*(t + 1*second + 2*second*rand()) + (1 - armed)*t_reward_post")
    pair_post.connect(i=1, j=0)
    deliver = b2.Synapses(reward, exc, on_pre="d_post += 0.5")
    deliver.connect()
    # what the model file records (spikes, rates, 20 + 1 weights and the dopamine each second)
    mons = [b2.SpikeMonitor(exc), b2.SpikeMonitor(inh), b2.PopulationRateMonitor(exc),
            b2.PopulationRateMonitor(inh), b2.StateMonitor(plastic[0], "w", record=np.arange(20), dt=1 * second),
            b2.StateMonitor(plastic[1], "w", record=0, dt=1 * second),
            b2.StateMonitor(exc, "d", record=0, dt=1 * second), b2.SpikeMonitor(reward)]
    net = b2.Network(exc, inh, *background, *plastic, *static, reward, pair_pre, pair_post, deliver, *mons)
    net.run(duration_s * second, namespace={})
    b2.device.build(directory=project, compile=True, run=True, with_output=False)
    _read(mons, plastic)
    return {"loop_s": float(b2.device._last_run_time), "rate_hz": mons[0].num_spikes / (800 * duration_s),
            "rewards": int(mons[-1].num_spikes), "chosen_w_over_max": float(plastic[1].w[0] / stdp["w_max"])}


def _side(args):
    """One hand-written measurement, in this (fresh) process; prints JSON."""
    if args.side == "sweep":
        out = song(args.duration_s, args.seed, args.project, 1, args.values.split(","))
    elif args.network == "dastdp":
        out = dastdp(args.duration_s, args.seed, args.project)
    else:
        out = song(args.duration_s, args.seed, args.project, 100)
    print(json.dumps(out))


def spikehebb(command, model, duration_s, out, sets=(), options=()):
    """``spikehebb COMMAND`` (run or sweep) of ``model`` on cpp_standalone for ``duration_s``."""
    return [sys.executable, "-m", "spikehebb", command, model, "--backend", "spike", "--target", "cpp_standalone",
            "--no-progress", "--out", out, "--set", f"model.duration={duration_s:g} s",
            *[a for s in sets for a in ("--set", s)], *options]


def read_run(out, rate):
    """The row of a ``spikehebb run`` from its ``summary.json``."""
    with open(os.path.join(out, "summary.json")) as fh:
        s = json.load(fh)
    return {"loop_s": s["info"]["loop_seconds"], "build": s["info"].get("build"), "rate_hz": s["metrics"][rate],
            "run_wall_s": s.get("wall_seconds")}


def read_sweep(out):
    """The row of a ``spikehebb sweep``: loop times summed, points' CPU, how many points compiled."""
    with open(os.path.join(out, "sweep.json")) as fh:
        points = json.load(fh)["points"]
    failed = [p["point"] for p in points if p.get("status") != "done"]
    if failed:
        raise SystemExit(f"sweep points failed: {failed} (logs in {out}/logs)")
    runs = [read_run(os.path.join(out, p["point"]), "output_rate_hz") for p in points]
    return {"loop_s": sum(r["loop_s"] for r in runs), "rate_hz": float(np.mean([r["rate_hz"] for r in runs])),
            "points_cpu_s": sum(p["cpu_s"] for p in points), "runs": len(points),
            "compiled": sum(r["build"] == "compiled" for r in runs)}


def _describe(r):
    text = f", {r['rate_hz']:.1f} Hz"
    for key in ("build", "compiled", "rewards"):
        if key in r:
            text += f", {key} {r[key]}"
    if "points_cpu_s" in r:
        text += f", points CPU {r['points_cpu_s']:.1f} s"
    return text


def _sweep_configs(args, duration_s, me, env, new_dir):
    """The two configurations of ``--sweep``: (configs, base, title)."""
    base, values = "brian2 one build + runs", sweep_values(args.points)

    def sweep(rep):
        out = os.path.join(new_dir(), "sweep")
        cmd = spikehebb("sweep", SONG, duration_s, out, [f"{SWEEP_KEY}={','.join(values)}"], ["--workers", "1"])
        return cmd, dict(env, SPIKEHEBB_CACHE=new_dir()), lambda: read_sweep(out)
    configs = {base: lambda rep: (me + ["--side", "sweep", "--project", new_dir(), "--values", ",".join(values)], env),
               "spikehebb sweep": sweep}
    title = (f"Song 2000, a_plus over {args.points} values, {duration_s:g} s simulated each, cpp_standalone, "
             f"make {' '.join(MAKE_ARGS)}, sweep --workers 1, empty build cache, {args.repeats} repetitions "
             "(medians, ranges; ratios against one hand-written build + its runs)")
    return configs, base, title


def _network_configs(args, duration_s, me, env, new_dir, work):
    """The six configurations of ``--network``: (configs, base, title)."""
    spec, base = NETWORKS[args.network], "brian2 fresh build"
    (key, value), reused, warm = spec["scalar"], os.path.join(work, "reused"), os.path.join(work, "warm-cache")

    def hand(project):
        return lambda rep: (me + ["--side", "brian2", "--network", args.network, "--seed", str(rep),
                                  "--project", project() if callable(project) else project], env)

    def cli(seed, cache, extra=()):
        out = os.path.join(new_dir(), "run")
        cmd = spikehebb("run", spec["model"], duration_s, out, spec["sets"] + list(extra), ["--seed", str(seed)])
        return (cmd, dict(env, SPIKEHEBB_CACHE=cache() if callable(cache) else cache),
                lambda: read_run(out, spec["rate"]))
    configs = {
        base: hand(new_dir),
        "brian2 same directory": hand(reused),
        "spikehebb cold": lambda rep: cli(rep, new_dir),
        "spikehebb warm identical": lambda rep: cli(0, warm),  # the seed the cache was primed with
        "spikehebb warm new seed": lambda rep: cli(rep + 100, warm),
        "spikehebb --set scalar": lambda rep: cli(0, warm, [f"{key}={scalar_value(value, rep)}"]),
    }
    title = (f"{args.network}, {duration_s:g} s simulated, cpp_standalone, make {' '.join(MAKE_ARGS)}, "
             f"{args.repeats} repetitions (medians, ranges; ratios against a fresh hand-written build)")
    return configs, base, title


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--network", choices=sorted(NETWORKS))
    p.add_argument("--sweep", action="store_true", help="a spikehebb sweep against one build + runs")
    p.add_argument("--points", type=int, default=10, help="points of --sweep")
    p.add_argument("--duration", help="simulated time, e.g. '20 s' (default: per network; --sweep 20 s)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", help="JSON report (default: bench_NETWORK.json or bench_sweep.json)")
    p.add_argument("--side", choices=["brian2", "sweep"], help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--project", help=argparse.SUPPRESS)
    p.add_argument("--duration-s", type=float, help=argparse.SUPPRESS)
    p.add_argument("--values", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.side:
        return _side(args)
    if args.sweep == bool(args.network):
        p.error("give --network NAME or --sweep")
    name = "sweep" if args.sweep else args.network
    duration_s = parse_duration(args.duration or ("20 s" if args.sweep else NETWORKS[name]["duration"]))
    report = {"benchmark": name, "duration_s": duration_s, "target": "cpp_standalone", "make_args": MAKE_ARGS,
              "repeats": args.repeats, "cpu_count": os.cpu_count(), **versions(ROOT)}  # before: others may commit
    me = [sys.executable, os.path.abspath(__file__), "--duration-s", str(duration_s)]
    work = tempfile.mkdtemp(prefix="bench-networks-")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")

    def new_dir():
        return tempfile.mkdtemp(dir=work)
    try:
        if args.sweep:
            configs, base, title = _sweep_configs(args, duration_s, me, env, new_dir)
            report.update(points=args.points, parameter=SWEEP_KEY, values=sweep_values(args.points))
            prime = ()
        else:
            configs, base, title = _network_configs(args, duration_s, me, env, new_dir, work)
            spec = NETWORKS[name]
            report.update(model=os.path.relpath(spec["model"], ROOT), sets=spec["sets"], scalar=spec["scalar"][0])
            prime = ("brian2 same directory", "spikehebb warm identical")  # untimed: fill what they reuse
        rows = repeat(configs, args.repeats, describe=_describe, prime=prime)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stats = statistics(rows)
    ratio = ratios(stats, base)
    print_table("\n" + title, stats, ratio)
    report.update(stats=stats, runs=rows, **{f"ratios_to_{base.replace(' ', '_')}": ratio})
    write_report(args.out or f"bench_{name}.json", report)

if __name__ == "__main__":
    main()
