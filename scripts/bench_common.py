"""The harness the Brian2 benchmarks share: fresh-process measurements, alternating repetitions, statistics.

Every measurement is one command in a fresh process. Its wall time, its CPU time
(user + system of the process and of every child it waited for: compilers, the
standalone binary, worker processes; ``os.wait4``) and the load of the machine are
added to the row the measurement reports. Configurations run in alternating order
(forward, then backward) so that a drift of the machine's load or of its caches
does not favour one of them. Used by ``bench_song2000.py`` and ``bench_networks.py``.
"""
import json
import os
import subprocess
import tempfile
import time

import numpy as np

#: what spikehebb's device passes to make; the hand-written scripts pass the same
MAKE_ARGS = [f"-j{os.cpu_count() or 1}"]
#: the timed quantities of a row (seconds); ratios are taken of these
TIMES = ("wall_s", "cpu_s", "loop_s")
#: the PRIME_REP passed to a configuration for the untimed run that fills what it reuses
PRIME_REP = 99


def parse_duration(text):
    """``"100 s"`` or ``"500 ms"`` -> seconds (float)."""
    value, unit = text.split()
    return float(value) * {"s": 1, "ms": 1e-3}[unit]


def measure(cmd, env, read=None):
    """Run ``cmd`` in a fresh process; the row it reports with wall_s, cpu_s and loadavg added.

    Parameters
    ----------
    cmd : list of str
    env : dict
        The process's environment.
    read : callable, optional
        Returns the row (a dict) once the process has ended (e.g. from the files it
        wrote); default: the last line of its standard output, as JSON.

    Raises
    ------
    SystemExit
        When the command fails (the tail of its standard error is shown).
    """
    with tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        out = proc.stdout.read()
        # wait4, not wait: the resources of the process and of all children it waited for
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read()[-3000:]}")
    row = read() if read else json.loads(out.strip().splitlines()[-1])
    row.update(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime, loadavg=os.getloadavg()[0])
    return row


def repeat(configs, repeats, describe=lambda row: "", prime=()):
    """Measure every configuration ``repeats`` times, in alternating order.

    Parameters
    ----------
    configs : dict
        name -> callable(rep) returning the arguments of :func:`measure`
        (``(cmd, env)`` or ``(cmd, env, read)``) of repetition ``rep``.
    repeats : int
    describe : callable, optional
        row -> text appended to the line printed after each measurement.
    prime : sequence of str
        Configurations run once, untimed, before the repetitions (with ``rep`` =
        :data:`PRIME_REP`) to fill what they reuse (a build directory, a build cache).

    Returns
    -------
    dict
        name -> list of rows, in repetition order.
    """
    for name in prime:
        measure(*configs[name](PRIME_REP))
    width = max([22] + [len(name) + 1 for name in configs])
    rows = {name: [] for name in configs}
    for rep in range(repeats):
        order = list(configs) if rep % 2 == 0 else list(reversed(configs))  # alternate
        for name in order:
            rows[name].append(measure(*configs[name](rep)))
            r = rows[name][-1]
            print(f"  {name:{width}s} rep {rep}: wall {r['wall_s']:6.1f} s, CPU {r['cpu_s']:6.1f} s, "
                  f"loop {r['loop_s']:5.2f} s{describe(r)}", flush=True)
    return rows


def statistics(rows, keys=TIMES + ("loadavg",)):
    """name -> key -> median, min and max over the repetitions."""
    return {name: {k: {"median": float(np.median([r[k] for r in v])), "min": float(min(r[k] for r in v)),
                       "max": float(max(r[k] for r in v))} for k in keys}
            for name, v in rows.items()}


def ratios(stats, base, keys=TIMES):
    """name -> key -> median over the median of configuration ``base``."""
    ref = stats[base]
    return {name: {k: s[k]["median"] / ref[k]["median"] for k in keys} for name, s in stats.items()}


def print_table(title, stats, ratio):
    """Medians (ranges) of wall, CPU and loop time, the CPU ratio and the load, one line per configuration."""
    width = max([24] + [len(name) + 2 for name in stats])
    print(title)
    print(f"{'':{width}s}{'wall s':>20s}{'CPU s':>20s}{'loop s':>20s}{'CPU ratio':>10s}{'load':>6s}")
    for name, s in stats.items():
        cells = "".join(f"{s[k]['median']:8.2f} ({s[k]['min']:.1f}-{s[k]['max']:.1f})".rjust(20) for k in TIMES)
        print(f"{name:{width}s}{cells}{ratio[name]['cpu_s']:10.2f}{s['loadavg']['median']:6.2f}")


def versions(root):
    """What the figures depend on: the spikehebb commit (``+dirty`` with uncommitted changes in
    ``spikehebb/``), Brian2's version and the compiler."""
    def out(cmd):
        try:
            return subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
    import brian2
    commit = out(["git", "rev-parse", "HEAD"])
    if commit and out(["git", "status", "--porcelain", "spikehebb"]):
        commit += "+dirty"
    return {"spikehebb_commit": commit, "brian2": brian2.__version__,
            "compiler": (out([os.environ.get("CXX", "g++"), "--version"]) or "").split("\n")[0]}


def write_report(path, report):
    """Write the report as JSON and say where."""
    with open(path, "w") as fh:
        json.dump(report, fh, indent=2)
    print(f"written: {path}")
