"""Benchmark: spikehebb's DA-STDP network (warm build cache) against the same network in NEST 3.10.

The network of ``models/izhikevich2007_dastdp.toml`` (Izhikevich 2007, Fig. 1, on LIF neurons:
800 excitatory and 200 inhibitory current-based LIF neurons, a private 20 Hz Poisson train
per neuron, random connectivity p = 0.1, dopamine-modulated STDP with an eligibility trace
on E->E, one chosen synapse 0 -> 1 whose pre -> post pairing within 10 ms triggers a dopamine
pulse 1-3 s later; dt = 1 ms), two ways, each in a fresh process, in alternating order,
``--repeats`` times:

- ``spikehebb warm``: ``spikehebb run models/izhikevich2007_dastdp.toml --backend spike
  --target cpp_standalone`` (with ``--seed``, ``--set model.duration=...`` and ``--out``), with
  ``SPIKEHEBB_CACHE`` pointing at a build cache primed once, untimed, by a run of another seed:
  the timed runs are meant to reuse the compiled binary. Caveat (seen 2026-12-02): this model's
  build key depends on the seed (the drawn connectivity is part of the build), so a new seed
  compiles again (the ``build`` field of each row says ``compiled``); ``--same-seed`` primes
  and times one seed (100), a true cache hit. The whole command is measured, as a user runs it
  (it also records 20 weights every second and writes its plots and results);
- ``nest 1 thread``: the network written in NEST (:func:`nest_network`, :func:`nest_run`),
  ``local_num_threads = 1``.

Reports medians and ranges of wall time, whole-process CPU time (user + system of the process
and of every child it waited for, ``os.wait4``: on the spikehebb side the standalone binary),
the simulation loop time of each side (spikehebb: ``loop_seconds`` of the run's
``summary.json``, the binary's timing of its run loop; NEST: the ``Prepare``/``Run``/``Cleanup``
loop with the reward logic between chunks), the load of the machine and the ratios spikehebb /
NEST; as a sanity check, each run's excitatory and inhibitory rates, number of rewards and
mean E->E weight at the end (spikehebb seed 0, 20 s: exc 0.90 Hz, inh 3.92 Hz). Writes JSON and
prints tables. The final figures (a quiet machine)::

    python scripts/bench_nest_dastdp.py --duration "100 s" --repeats 3 --out bench_nest_dastdp.json
    python scripts/bench_nest_dastdp.py --duration "100 s" --repeats 3 --same-seed --out bench_nest_dastdp_same_seed.json

(the second: a true warm-cache hit, see the caveat above). NEST's volume transmitter delivers
dopamine every 100 ms (``deliver_interval``) instead of every step: same weights (checked: at
most 3e-12 pA apart after 3 s with four pulses), 30x less time (a pass over all DA-STDP synapses
per delivery).

Differences of the NEST network from the spikehebb model (NEST cannot express them otherwise):

- Reward logic: NEST has no node for "a dopamine pulse 1-3 s after neuron 0 -> neuron 1 within
  10 ms". The simulation runs in chunks of :data:`CHUNK_MS` (``nest.Run`` inside
  ``Prepare``/``Cleanup``); after each chunk the spikes of neurons 0 and 1 are read, pairings are
  detected as spikehebb does (the post spike strictly after the last pre spike and at most the
  window after it; no new reward while one is pending) and the reward is scheduled on a
  ``spike_generator`` -> ``parrot_neuron`` -> ``volume_transmitter``. Exact, since the
  smallest reward delay (1 s) exceeds a chunk: every reward is scheduled before its time.
  The delays are drawn by NumPy in this process, not by the run's own generator.
- Dopamine scale: NEST's dopamine trace ``n`` jumps by ``1/tau_n`` per spike (the weight of the
  connection to the volume transmitter is ignored) and ``dw/dt = c (n - b)``; spikehebb's
  excess jumps by ``amount`` and ``dw/dt = eta w_max c d``. Same dynamics with NEST's
  ``A_plus``/``A_minus`` scaled by ``eta w_max amount tau_n`` (``b`` = ``-baseline`` on that
  scale; 0 here).
- STDP timing with the 1 ms E->E delay: NEST treats the delay as dendritic (a pre spike meets
  the post spikes shifted by +d), spikehebb as axonal (the pre pathway runs d later), so the
  lag a pair is scored at differs by 2 d = 2 ms.
- Delays: NEST's smallest delay is one step. Brian2 delivers a 0 ms delay (background,
  E->I, I->E, I->I) within the step, NEST one step later; the 1 ms E->E delay is the same on
  both (the spike raises the current one step after the step it was emitted in).
- The synapses see a dopamine pulse at its time in NEST, one step late in spikehebb.
- Poisson background: one ``poisson_generator`` per background population, connected to every
  neuron of its target (NEST draws an independent train per target: the model's private train
  per neuron). It draws a Poisson count per step (two spikes in one step with probability
  ~2e-4 at 20 Hz, 1 ms), spikehebb at most one spike per step (a Bernoulli process).
- Connectivity, initial membrane potentials and Poisson trains come from NEST's generator:
  same statistics, other draws. NEST fires at ``V_m >= V_th``, Brian2 at ``v > v_th``.
- The final weights: spikehebb advances each DA-STDP weight to the end of the run; NEST's is
  that of the synapse's last update (its last pre spike or the last dopamine delivery); the
  part of the dopamine integral since then (c d decays with ~0.17 s) is missing.
- NEST records the spikes of ``exc`` and ``inh`` and reads the weights at the end; spikehebb
  also records weights during the run and writes plots and result files.

    python scripts/bench_nest_dastdp.py [--duration "100 s"] [--repeats 3] [--out bench_nest_dastdp.json]
"""
import argparse
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "izhikevich2007_dastdp.toml")
#: length of one nest.Run between reward checks; below the smallest reward delay (see module docstring)
CHUNK_MS = 100.0

_PREFIX = {"p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1.0, "k": 1e3, "M": 1e6, "G": 1e9}


def si(text):
    """``"20 ms"``, ``"100 Mohm"``, ``"-65 mV"``, ``"400 pA"``, ``"5 Hz"`` -> SI float.

    Reading the model file without spikehebb keeps Brian2 out of the NEST process.
    """
    if isinstance(text, (int, float)):
        return float(text)
    value, unit = text.split()
    for base in ("ohm", "Hz", "s", "V", "A"):
        if unit.endswith(base) and unit[:-len(base)] in _PREFIX:
            return float(value) * _PREFIX[unit[:-len(base)]]
    raise ValueError(f"unit not understood: {text!r}")


def nest_network(model, seed):
    """Build the model file's network in NEST (one thread, dt of the model).

    Parameters
    ----------
    model : dict
        The parsed model file.
    seed : int

    Returns
    -------
    dict
        The nodes and parameters :func:`nest_run` needs.
    """
    import nest
    nest.ResetKernel()
    nest.local_num_threads = 1
    dt_ms = si(model["model"]["dt"]) * 1e3
    nest.resolution = dt_ms
    nest.rng_seed = seed + 1  # NEST seeds start at 1
    pops, nodes, generators = model["populations"], {}, {}
    known = {"type", "n", "synapse", "tau_m", "r_m", "v_rest", "v_reset", "v_th", "t_ref", "tau_e", "tau_i", "v_init"}
    stdp_posts = {p["post"] for p in model["projections"].values() if "rule" in p}
    for name, pop in pops.items():
        if pop["type"] == "poisson":
            # one generator: NEST sends each target its own independent train
            generators[name] = nest.Create("poisson_generator", params={"rate": si(pop["rate"])})
            continue
        if pop["type"] != "lif" or pop.get("synapse") != "current" or set(pop) - known:
            raise SystemExit(f"populations.{name}: only current-based LIF without extras is mapped to NEST")
        tau_m = si(pop["tau_m"])
        params = {"tau_m": tau_m * 1e3, "C_m": tau_m / si(pop["r_m"]) * 1e12, "E_L": si(pop["v_rest"]) * 1e3,
                  "V_reset": si(pop["v_reset"]) * 1e3, "V_th": si(pop["v_th"]) * 1e3, "t_ref": si(pop["t_ref"]) * 1e3,
                  "tau_syn_ex": si(pop["tau_e"]) * 1e3, "tau_syn_in": si(pop["tau_i"]) * 1e3, "I_e": 0.0}
        if name in stdp_posts:
            # NEST keeps the post trace's time constant in the neuron
            rules = [p["rule"] for p in model["projections"].values() if "rule" in p and p["post"] == name]
            params["tau_minus"] = si(rules[0]["tau_minus"]) * 1e3
        nodes[name] = nest.Create("iaf_psc_exp", pop["n"], params=params)
        if pop.get("v_init") == "uniform":
            nodes[name].V_m = nest.random.uniform(params["V_reset"], params["V_th"])
        else:
            nodes[name].V_m = params["E_L"]

    mod_name, mod = next(iter(model["modulators"].items()))
    source = mod["source"]
    if source["type"] != "pairing":
        raise SystemExit("only a pairing dopamine source is emulated")
    tau_n_ms = si(mod["tau"]) * 1e3
    amount = float(source["amount"])
    # dopamine: generator -> parrot (devices cannot reach a volume transmitter) -> volume transmitter
    da_gen = nest.Create("spike_generator")
    da_parrot = nest.Create("parrot_neuron")
    # the volume transmitter advances every DA-STDP synapse to the present at each delivery
    # (default: every min_delay, here each step, a pass over all 64 000 E->E synapses per step);
    # the synapses read the dopamine spikes delivered since at their pre spikes, so a longer
    # interval changes no result, only the cost (Potjans et al. 2010). One per chunk: the run
    # ends on a delivery, which brings every weight to the end time.
    vt = nest.Create("volume_transmitter")
    nest.Connect(da_gen, da_parrot, syn_spec={"delay": dt_ms})
    nest.Connect(da_parrot, vt, syn_spec={"delay": dt_ms})

    da_models = []
    for name, proj in model["projections"].items():
        pre, post = proj["pre"], proj["post"]
        sign = -1.0 if proj.get("receptor", "exc") == "inh" else 1.0
        # NEST's smallest delay is one step (see the module docstring)
        delay = max(si(proj.get("delay", "0 ms")) * 1e3, dt_ms)
        syn = {"synapse_model": "static_synapse", "weight": sign * si(proj["w_init"]) * 1e12, "delay": delay}
        if "rule" in proj:
            rule = proj["rule"]
            if rule["type"] != "da_stdp" or rule["modulator"] != mod_name or sign < 0:
                raise SystemExit(f"projections.{name}: only excitatory da_stdp is mapped to NEST")
            if abs(si(rule["tau_minus"]) * 1e3 - nodes[post].tau_minus[0]) > 1e-9:
                raise SystemExit("NEST keeps one tau_minus per post neuron")
            w_max = si(proj["w_max"]) * 1e12
            # spikehebb: x += amount, dw/dt = eta w_max c d (1/s); NEST: n += 1/tau_n, dw/dt = c (n - b) (1/ms)
            scale = si(rule["learning_rate"]) * 1e-3 * w_max * amount * tau_n_ms
            model_name = f"da_{name}"
            nest.CopyModel("stdp_dopamine_synapse", model_name, {
                "volume_transmitter": vt, "tau_c": si(rule["tau_c"]) * 1e3, "tau_n": tau_n_ms,
                "tau_plus": si(rule["tau_plus"]) * 1e3, "A_plus": scale * float(rule["a_plus"]),
                "A_minus": scale * float(rule["a_minus"]), "Wmin": si(proj.get("w_min", "0 pA")) * 1e12,
                "Wmax": w_max, "b": -float(mod.get("baseline", 0.0)) / (amount * tau_n_ms)})
            syn["synapse_model"] = model_name
            da_models.append(model_name)
        conn = proj["connectivity"]
        if pre in generators:
            if conn != "one_to_one":
                raise SystemExit(f"projections.{name}: Poisson inputs are mapped one_to_one only")
            nest.Connect(generators[pre], nodes[post], "all_to_all", syn)
        elif conn == "fixed_probability":
            nest.Connect(nodes[pre], nodes[post], {"rule": "pairwise_bernoulli", "p": float(proj["p"]),
                                                   "allow_autapses": bool(proj.get("autapses", False))}, syn)
        elif conn == "indices":
            nest.Connect(nodes[pre][list(proj["i"])], nodes[post][list(proj["j"])], "one_to_one", syn)
        else:
            raise SystemExit(f"projections.{name}: connectivity {conn!r} not mapped")

    vt.deliver_interval = round(CHUNK_MS / nest.min_delay)
    recorded = model["record"]["spikes"]
    spikes = nest.Create("spike_recorder")
    for name in recorded:
        nest.Connect(nodes[name], spikes)
    # the pairing neurons get their own recorder: read after every chunk
    pair_pop = nodes[source["population"]]
    pair_pre, pair_post = pair_pop[int(source["pre"])], pair_pop[int(source["post"])]
    pairs = nest.Create("spike_recorder")
    nest.Connect(pair_pre, pairs)
    nest.Connect(pair_post, pairs)
    plastic = [(name, p) for name, p in model["projections"].items() if "rule" in p]
    return {"nodes": nodes, "spikes": spikes, "pairs": pairs, "pair_ids": (pair_pre.global_id, pair_post.global_id),
            "da_gen": da_gen, "dt_ms": dt_ms, "window_ms": si(source["window"]) * 1e3,
            "delay_min_ms": si(source["delay_min"]) * 1e3, "delay_max_ms": si(source["delay_max"]) * 1e3,
            "recorded": recorded, "plastic": [(f"da_{n}", si(p["w_max"]) * 1e12, n) for n, p in plastic]}


def nest_run(net, duration_ms, seed):
    """Simulate in chunks, delivering a dopamine pulse after each pairing (see the module docstring).

    Returns
    -------
    dict
        ``loop_s`` (the Prepare/Run/Cleanup loop), the rewards delivered within the run and
        their times (ms).
    """
    import nest
    rng = np.random.default_rng(seed)
    dt = net["dt_ms"]
    pre_id, post_id = net["pair_ids"]
    t_pre, t_reward, rewards = -math.inf, -math.inf, []
    if CHUNK_MS > net["delay_min_ms"] - 2 * dt:
        raise SystemExit("a reward could fall due within the chunk that detects its pairing")
    t0 = time.perf_counter()
    nest.Prepare()
    now, seen = 0.0, 0
    while now < duration_ms - 1e-9:
        step = min(CHUNK_MS, duration_ms - now)
        nest.Run(step)
        now += step
        # recorders cannot be cleared inside Prepare/Cleanup: read the events past those seen
        n = net["pairs"].n_events
        if n > seen:
            ev = net["pairs"].events
            times, senders = np.asarray(ev["times"])[seen:], np.asarray(ev["senders"])[seen:]
            seen = n
            # time order, a pre spike before a post spike of the same step (it cannot pair with it)
            for k in np.lexsort((senders != pre_id, times)):
                t = times[k]
                if senders[k] == pre_id:
                    t_pre = t
                elif 0 < t - t_pre <= net["window_ms"] + 1e-9 and t_reward <= t:
                    delay = net["delay_min_ms"] + rng.random() * (net["delay_max_ms"] - net["delay_min_ms"])
                    t_reward = math.ceil((t + delay) / dt - 1e-9) * dt  # the first step at or after it
                    rewards.append(t_reward)
                    # generator -> parrot -> volume transmitter: two one-step delays
                    net["da_gen"].spike_times = [t_reward - 2 * dt]
    nest.Cleanup()
    loop_s = time.perf_counter() - t0
    delivered = [t for t in rewards if t <= duration_ms + 1e-9]
    return {"loop_s": loop_s, "rewards": len(delivered), "reward_times_ms": delivered}


def nest_side(duration_s, seed):
    """One NEST run: build, simulate, read rates and weights."""
    import nest
    nest.set_verbosity("M_ERROR")
    with open(MODEL, "rb") as fh:
        model = tomllib.load(fh)
    t0 = time.perf_counter()
    net = nest_network(model, seed)
    build_s = time.perf_counter() - t0
    out = nest_run(net, duration_s * 1e3, seed)
    ev = net["spikes"].events
    senders = np.asarray(ev["senders"])
    for name in net["recorded"]:
        ids = net["nodes"][name].tolist()
        n = np.count_nonzero((senders >= ids[0]) & (senders <= ids[-1]))  # Create gives consecutive ids
        out[f"{name}_rate_hz"] = n / (len(ids) * duration_s)
    for model_name, w_max, proj in net["plastic"]:
        w = np.asarray(nest.GetConnections(synapse_model=model_name).get("weight"), float)
        out[f"{proj}_mean_weight_pA"] = float(w.mean())
        out[f"{proj}_weight_over_max"] = float(w.mean() / w_max)
    out["build_s"] = build_s
    return out


def spikehebb_row(out_dir, w_max_pA):
    """The row of a spikehebb run, from its ``summary.json``."""
    with open(os.path.join(out_dir, "summary.json")) as fh:
        summary = json.load(fh)
    m, info = summary["metrics"], summary["info"]
    return {"loop_s": info["loop_seconds"], "build": info.get("build"), "exc_rate_hz": m["exc_rate_hz"],
            "inh_rate_hz": m["inh_rate_hz"], "rewards": int(m["rewards_delivered"]),
            "exc_to_exc_mean_weight_pA": m["mean_weight_over_max"] * w_max_pA,
            "exc_to_exc_weight_over_max": m["mean_weight_over_max"],
            "chosen_weight_over_max": m["rewarded_weight_over_max"]}


def measure(cmd, env, read=None):
    """Run ``cmd`` in a fresh process: its row (the last stdout line as JSON, or ``read()``)
    with wall_s, cpu_s (process and waited-for children, ``os.wait4``) and loadavg added."""
    with tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd)}\n{out[-2000:]}\n{err.read()[-3000:]}")
    row = read() if read else json.loads(out.strip().splitlines()[-1])
    row.update(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime, loadavg=os.getloadavg()[0])
    return row


def _stat(values):
    return {"median": float(np.median(values)), "min": float(min(values)), "max": float(max(values))}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", default="100 s", help="simulated time, e.g. '100 s' (the model's own: 3600 s)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", default="bench_nest_dastdp.json")
    p.add_argument("--same-seed", action="store_true",
                   help="prime and time spikehebb with one seed (this model's build key depends on the seed)")
    p.add_argument("--side", choices=["nest"], help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--duration-s", type=float, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.side:
        print(json.dumps(nest_side(args.duration_s, args.seed)))
        return
    value, unit = args.duration.split()
    duration_s = float(value) * {"s": 1, "ms": 1e-3}[unit]
    with open(MODEL, "rb") as fh:
        w_max_pA = si(tomllib.load(fh)["projections"]["exc_to_exc"]["w_max"]) * 1e12
    work = tempfile.mkdtemp(prefix="bench-nest-dastdp-")
    # one thread everywhere: NEST's, and any BLAS/OpenMP a library might start
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYNEST_QUIET="1")
    cache = os.path.join(work, "warm-cache")
    exe = os.path.join(os.path.dirname(sys.executable), "spikehebb")
    exe = [exe] if os.path.exists(exe) else [sys.executable, "-m", "spikehebb.cli"]

    runs = itertools.count()

    def spikehebb(seed):
        out = os.path.join(work, f"run-{next(runs)}")  # a run folder is never reused
        cmd = exe + ["run", MODEL, "--backend", "spike", "--target", "cpp_standalone", "--seed", str(seed),
                     "--set", f"model.duration={duration_s:g} s", "--out", out]
        return cmd, dict(env, SPIKEHEBB_CACHE=cache), lambda: spikehebb_row(out, w_max_pA)

    seed = (lambda rep: 100) if args.same_seed else (lambda rep: rep + 100)
    configs = {
        "spikehebb warm": lambda rep: spikehebb(seed(rep)),
        "nest 1 thread": lambda rep: ([sys.executable, os.path.abspath(__file__), "--side", "nest", "--seed",
                                       str(seed(rep)), "--duration-s", str(duration_s)], env),
    }
    rows = {name: [] for name in configs}
    try:
        print("priming the build cache (untimed) ...", flush=True)
        measure(*spikehebb(100 if args.same_seed else 99))
        for rep in range(args.repeats):
            order = list(configs) if rep % 2 == 0 else list(reversed(configs))  # alternate
            for name in order:
                r = measure(*configs[name](rep))
                rows[name].append(r)
                print(f"  {name:15s} rep {rep}: wall {r['wall_s']:6.1f} s, CPU {r['cpu_s']:6.1f} s, "
                      f"loop {r['loop_s']:6.2f} s, exc {r['exc_rate_hz']:.2f} Hz, inh {r['inh_rate_hz']:.2f} Hz, "
                      f"rewards {r['rewards']}, E->E mean {r['exc_to_exc_mean_weight_pA']:.2f} pA"
                      + (f", build {r['build']}" if "build" in r else ""), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    keys = ("wall_s", "cpu_s", "loop_s", "loadavg", "exc_rate_hz", "inh_rate_hz", "rewards", "exc_to_exc_mean_weight_pA")
    stats = {name: {k: _stat([r[k] for r in v]) for k in keys} for name, v in rows.items()}
    ratio = {k: stats["spikehebb warm"][k]["median"] / stats["nest 1 thread"][k]["median"]
             for k in ("wall_s", "cpu_s", "loop_s")}
    print(f"\nIzhikevich 2007 DA-STDP, {duration_s:g} s simulated, {args.repeats} repetitions "
          "(medians, ranges); spikehebb cpp_standalone, warm cache vs NEST one thread")
    print(f"{'':17s}{'wall s':>22s}{'CPU s':>22s}{'loop s':>22s}{'load':>6s}")
    for name, s in stats.items():
        cells = "".join(f"{s[k]['median']:8.2f} ({s[k]['min']:.2f}-{s[k]['max']:.2f})".rjust(22)
                        for k in ("wall_s", "cpu_s", "loop_s"))
        print(f"{name:17s}{cells}{s['loadavg']['median']:6.2f}")
    print(f"spikehebb / NEST: CPU {ratio['cpu_s']:.2f}x, wall {ratio['wall_s']:.2f}x, loop {ratio['loop_s']:.2f}x")
    print(f"\nsanity (medians){'exc Hz':>10s}{'inh Hz':>10s}{'rewards':>9s}{'E->E mean pA':>14s}")
    for name, s in stats.items():
        print(f"{name:16s}{s['exc_rate_hz']['median']:10.2f}{s['inh_rate_hz']['median']:10.2f}"
              f"{s['rewards']['median']:9.0f}{s['exc_to_exc_mean_weight_pA']['median']:14.2f}")
    report = {"model": "izhikevich2007_dastdp", "duration_s": duration_s, "repeats": args.repeats,
              "cpu_count": os.cpu_count(), "nest_chunk_ms": CHUNK_MS,
              "same_seed": args.same_seed, "stats": stats,
              "ratios_spikehebb_over_nest": ratio, "runs": rows}
    with open(args.out, "w") as fh:
        json.dump(report, fh, indent=2)
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
