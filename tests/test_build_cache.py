"""The build cache: a standalone binary is compiled once per build and reused from any process
(same model, new seed), never for another build; concurrent processes never compile it twice;
``spikehebb cache info|clear``; least recently used builds go first."""
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from spikehebb.backends.base import compiler_available
from spikehebb.backends.brian2 import build_cache
from spikehebb.cli import main

MODEL = """
[model]
name = "cache_probe"
duration = "300 ms"
[populations.inp]
type = "poisson"
n = 30
rate = "40 Hz"
[populations.out]
type = "lif"
n = N_OUT
[projections.ff]
pre = "inp"
post = "out"
w_init = "150 pA"
w_max = "300 pA"
[projections.ff.rule]
type = "pair_stdp"
[record]
spikes = ["out"]
weights = ["ff"]
"""
needs_compiler = pytest.mark.skipif(not compiler_available(), reason="needs a C++ compiler")


def _run(tmp_path, cache, name, seed=0, n_out=3, sets=()):
    model = tmp_path / f"m{n_out}.toml"
    model.write_text(MODEL.replace("N_OUT", str(n_out)))
    env = dict(os.environ, SPIKEHEBB_CACHE=str(cache), OPENBLAS_NUM_THREADS="1")
    options = [a for s in sets for a in ("--set", s)]
    proc = subprocess.run([sys.executable, "-m", "spikehebb", "run", str(model), "--target", "cpp_standalone",
                           "--seed", str(seed), "--out", str(tmp_path / name), "--no-progress", *options],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / name / "summary.json").read_text())
    with np.load(tmp_path / name / "results.npz") as r:
        return summary["info"]["build"], r["spikes/out/t"], r["weights/ff/final"]


@pytest.mark.slow
@needs_compiler
def test_one_compile_per_build_reused_across_processes_and_seeds(tmp_path):
    cache = tmp_path / "cache"
    first, t0, w0 = _run(tmp_path, cache, "a", seed=0)
    again, t1, w1 = _run(tmp_path, cache, "b", seed=0)
    other, t2, _ = _run(tmp_path, cache, "c", seed=1)
    assert (first, again, other) == ("compiled", "cached", "cached")
    np.testing.assert_array_equal(t0, t1)  # the cached binary computes what the compiled one did
    np.testing.assert_array_equal(w0, w1)
    assert not np.array_equal(t0, t2)  # the seed is read at start-up, not compiled in
    assert len(list(cache.glob("*/main"))) == 1
    # another structure is another build
    assert _run(tmp_path, cache, "d", n_out=4)[0] == "compiled"
    assert len(list(cache.glob("*/main"))) == 2


@pytest.mark.slow
@needs_compiler
def test_concurrent_processes_compile_a_build_once(tmp_path):
    cache = tmp_path / "cache"
    with ThreadPoolExecutor(2) as pool:
        builds = sorted(f.result()[0] for f in [pool.submit(_run, tmp_path, cache, n) for n in ("x", "y")])
    assert builds == ["cached", "compiled"]  # one compiled while the other waited on the lock
    assert len(list(cache.glob("*/main"))) == 1


#: scalar parameters of neurons, inputs, weights and the rule: values the binary reads at start-up
RUNTIME_SETS = ("populations.out.tau_m=15 ms", "populations.out.v_th=-52 mV", "populations.inp.rate=60 Hz",
                "projections.ff.w_init=120 pA", "projections.ff.rule.a_plus=0.02",
                "projections.ff.rule.tau_minus=30 ms")


@pytest.mark.slow
@needs_compiler
def test_set_of_scalar_parameters_reuses_the_build_and_equals_a_fresh_build(tmp_path):
    cache = tmp_path / "cache"
    assert _run(tmp_path, cache, "base")[0] == "compiled"
    how, t, w = _run(tmp_path, cache, "set", sets=RUNTIME_SETS)
    assert how == "cached"  # no compiler call
    fresh, t_fresh, w_fresh = _run(tmp_path, tmp_path / "other_cache", "fresh", sets=RUNTIME_SETS)
    assert fresh == "compiled"
    np.testing.assert_array_equal(t, t_fresh)  # the values reached the binary: it computes what a
    np.testing.assert_array_equal(w, w_fresh)  # build made for them computes
    assert len(list(cache.glob("*/main"))) == 1


def _key(tmp_path, sets, name):
    """The build key of the tiny model with ``sets``, generated (not compiled) in this process."""
    import brian2 as b2

    from spikehebb.backends.brian2.simulation import Simulation
    from spikehebb.model import load_model
    model = tmp_path / "m.toml"
    model.write_text(MODEL.replace("N_OUT", "3"))
    net = load_model(model, overrides=sets).network
    with Simulation(net, target="cpp_standalone", build_dir=str(tmp_path)) as sim:
        b2.get_device().build(directory=sim.project, compile=False, run=False, with_output=False)
        return build_cache.build_key(sim.project)


def test_build_key_depends_on_structure_not_on_scalar_parameters(tmp_path):
    base = _key(tmp_path, (), "base")
    assert _key(tmp_path, RUNTIME_SETS, "set") == base
    assert _key(tmp_path, ["projections.ff.rule.type=triplet_stdp"], "triplet") != base
    assert _key(tmp_path, ["model.dt=0.2 ms"], "dt") != base


def test_canonical_sorts_only_independent_scalar_resets():
    a = b"x();\n _array_t[0] = 0.0;\n _array_s[0] = 0;\ny();"
    b = b"x();\n _array_s[0] = 0;\n _array_t[0] = 0.0;\ny();"
    assert build_cache.canonical(a) == build_cache.canonical(b)
    twice = b"x();\n _array_t[0] = 0.0;\n _array_s[0] = 0;\n _array_t[0] = 0.0;\ny();"  # same value twice
    assert build_cache.canonical(twice) == build_cache.canonical(
        b"x();\n _array_s[0] = 0;\n _array_t[0] = 0.0;\n _array_t[0] = 0.0;\ny();")
    same = b"x();\n _array_s[0] = 1;\n _array_s[0] = 0;\ny();"  # two values for one variable: order matters
    assert build_cache.canonical(same) == same
    assert build_cache.canonical(b"x();\ny();") != build_cache.canonical(b"y();\nx();")


def _fake_entries(root, sizes):
    for k, (key, size) in enumerate(sizes.items()):
        (root / key).mkdir(parents=True)
        binary = root / key / "main"
        binary.write_bytes(b"\0" * size)
        os.utime(binary, (time.time() - 100 + k, time.time() - 100 + k))  # later keys used more recently


def test_least_recently_used_builds_are_evicted(tmp_path, monkeypatch):
    monkeypatch.setenv("SPIKEHEBB_CACHE", str(tmp_path))
    _fake_entries(tmp_path, {"old": 400, "mid": 400, "new": 400})
    build_cache.evict(limit=900)
    assert [k for k, _, _ in build_cache.entries()] == ["new", "mid"]
    build_cache.evict(keep="mid", limit=500)  # the entry just stored is kept even over the limit
    assert {k for k, _, _ in build_cache.entries()} == {"mid"}


def test_cache_info_and_clear(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SPIKEHEBB_CACHE", str(tmp_path / "c"))
    _fake_entries(tmp_path / "c", {"a" * 64: 2 ** 20, "b" * 64: 2 ** 20})
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "2 builds, 2.0 MB" in out and "aaaaaaaaaaaaaaaa" in out
    assert main(["cache", "clear"]) == 0
    assert "removed 2 builds" in capsys.readouterr().out
    assert build_cache.entries() == []
