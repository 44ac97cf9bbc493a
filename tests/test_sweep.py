"""``spikehebb sweep``: the product of values and seeds on Dask workers; each point is exactly the
single run with those values and seed; a second call resumes; a failing point does not stop the
others; bad sweep options are one line and exit 2; a real ``dask scheduler`` with two workers."""
import csv
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from spikehebb import rundir
from spikehebb.cli import main
from spikehebb.errors import ModelError
from spikehebb.sweep import parse_seeds, plan, point_command, points, run_sweep, split_values

MODEL = """
[model]
name = "sweep_probe"
duration = "2 s"
dt = "1 ms"
[populations.inp]
type = "poisson"
n = 50
rate = "20 Hz"
[populations.out]
type = "lif"
n = 2
[projections.ff]
pre = "inp"
post = "out"
w_init = "150 pA"
w_max = "300 pA"
[projections.ff.rule]
type = "pair_stdp"
[record]
rates = ["out"]
weights = ["ff"]
[[metrics]]
type = "output_rate"
population = "out"
"""
SETS = ["--set", "projections.ff.rule.a_plus=0.005,0.02"]


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(MODEL)
    return path


def _sweep(model, out, *extra):
    return main(["sweep", str(model), "--backend", "rate", *SETS, "--seeds", "0-1", "--workers", "2",
                 "--out", str(out), "--no-progress", *extra])


def _table(out):
    return json.loads((out / "sweep.json").read_text())["points"]


def test_parsing():
    assert split_values("a.b=1,[2, 3],'x,y'") == ("a.b", ["1", "[2, 3]", "'x,y'"])
    assert parse_seeds("0-2,7") == [0, 1, 2, 7]
    pts = points([("a", ["1", "2"]), ("b", ["x"])], [0, 5])
    assert [(v, s) for _, v, s in pts] == [({"a": "1", "b": "x"}, 0), ({"a": "1", "b": "x"}, 5),
                                          ({"a": "2", "b": "x"}, 0), ({"a": "2", "b": "x"}, 5)]


@pytest.mark.slow  # a local Dask cluster and its runs: seconds each
def test_points_equal_single_runs_and_a_second_call_resumes(model, tmp_path, capsys):
    out = tmp_path / "sw"
    assert _sweep(model, out) == 0
    table = _table(out)
    assert [(r["set:projections.ff.rule.a_plus"], r["seed"], r["status"]) for r in table] == [
        ("0.005", 0, "done"), ("0.005", 1, "done"), ("0.02", 0, "done"), ("0.02", 1, "done")]
    # point p3 is exactly `spikehebb run` with its value and seed
    single = tmp_path / "single"
    assert main(["run", str(model), "--backend", "rate", "--set", "projections.ff.rule.a_plus=0.02", "--seed", "1",
                 "--out", str(single), "--no-progress"]) == 0
    s = json.loads((single / "summary.json").read_text())
    assert table[3]["metric:output_rate_hz"] == s["metrics"]["output_rate_hz"]
    with np.load(single / "results.npz") as a, np.load(out / "p3" / "results.npz") as b:
        assert set(a.files) == set(b.files)
        for k in a.files:
            np.testing.assert_array_equal(a[k], b[k])
    assert table[0]["metric:output_rate_hz"] != table[2]["metric:output_rate_hz"]  # the value matters
    with open(out / "sweep.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4 and float(rows[3]["metric:output_rate_hz"]) == s["metrics"]["output_rate_hz"]
    # resume: a lost point is run again, the others are kept
    shutil.rmtree(out / "p1")
    before = (out / "p2" / "summary.json").stat().st_mtime_ns
    assert _sweep(model, out) == 0
    assert [r["status"] for r in _table(out)] == ["kept", "done", "kept", "kept"]
    assert (out / "p2" / "summary.json").stat().st_mtime_ns == before


@pytest.mark.slow  # a local Dask cluster and its runs: seconds each
def test_a_failing_point_is_recorded_and_the_others_run(model, tmp_path, capsys):
    out = tmp_path / "sw"
    assert _sweep(model, out) == 0
    shutil.rmtree(out / "p0")
    shutil.rmtree(out / "p2")
    (out / "p2").write_text("in the way")  # p2's run cannot make its folder
    assert _sweep(model, out) == 1
    table = _table(out)
    assert [r["status"] for r in table] == ["done", "kept", "failed", "kept"]
    assert table[2]["error"].startswith("spikehebb: error: --out:")
    assert "p2 failed" in capsys.readouterr().err


@pytest.mark.parametrize("args, culprit", [
    (["--seeds", "x"], "--seeds"), (["--seeds", "-1"], "--seeds"), (["--workers", "0"], "--workers"),
    (["--set", "projections.ff.rule.a_plus=0.01,"], "--set"),
    (["--set", "projections.ff.rule.a_plus=0.01,-1"], "a_plus"),  # every point's model is checked first
    (["--backend", "analog"], "--backend"), (["--target", "numpy", "--backend", "rate"], "--target"),
])
def test_bad_sweep_options(model, tmp_path, capsys, args, culprit):
    out = tmp_path / "sw"
    code = main(["sweep", str(model), "--backend", "rate", "--out", str(out), "--no-progress", *args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and culprit in err, err
    assert not out.exists()


@pytest.mark.slow  # a local Dask cluster and its runs: seconds each
def test_out_holding_another_sweep_or_other_files(model, tmp_path, capsys):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert _sweep(model, other) == 2 and "not a spikehebb sweep" in capsys.readouterr().err
    out = tmp_path / "sw"
    assert _sweep(model, out) == 0
    assert main(["sweep", str(model), "--backend", "rate", *SETS, "--seeds", "0-2", "--out", str(out),
                 "--no-progress"]) == 2
    assert "another sweep" in capsys.readouterr().err


@pytest.mark.slow
def test_sweep_on_a_real_dask_scheduler_with_two_workers(model, tmp_path):
    sched_file = tmp_path / "scheduler.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    bindir = os.path.dirname(sys.executable)
    procs = [subprocess.Popen([os.path.join(bindir, "dask"), "scheduler", "--scheduler-file", str(sched_file),
                               "--no-dashboard", "--host", "127.0.0.1"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        t0 = time.monotonic()
        while not sched_file.exists():
            assert time.monotonic() - t0 < 60, "scheduler did not start"
            time.sleep(0.2)
        for _ in range(2):
            procs.append(subprocess.Popen([os.path.join(bindir, "dask"), "worker", "--scheduler-file",
                                           str(sched_file), "--nthreads", "1", "--no-dashboard"], env=env,
                                          cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        address = json.loads(sched_file.read_text())["address"]
        out = tmp_path / "sw"
        assert main(["sweep", str(model), "--backend", "rate", *SETS, "--seeds", "0-1", "--scheduler", address,
                     "--out", str(out), "--no-progress"]) == 0
        assert [r["status"] for r in _table(out)] == ["done"] * 4
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def _finished(out, name, seed, sets=()):
    """A point folder holding a finished run's summary (as far as the sweep reads it)."""
    (out / name).mkdir(parents=True)
    (out / name / "summary.json").write_text(json.dumps({"seed": seed, "metrics": {"m": seed},
                                                         "provenance": {"overrides": list(sets)}}))


def test_kept_points_are_checked_and_keep_their_measured_times(model, tmp_path):
    out = tmp_path / "sw"
    _finished(out, "p0", 0)
    _finished(out, "p1", 1)
    (out / "sweep.json").write_text(json.dumps({"points": [{"point": "p0", "seed": 0, "cpu_s": 1.5, "wall_s": 2.0}]}))
    table = run_sweep(str(model), [], [0, 1], str(out), ["--backend", "rate"])  # nothing to run, no cluster
    assert [(r["status"], r["metric:m"]) for r in table] == [("kept", 0), ("kept", 1)]
    assert (table[0]["cpu_s"], table[0]["wall_s"]) == (1.5, 2.0) and "cpu_s" not in table[1]
    assert json.loads((out / "sweep.json").read_text())["points"][0]["cpu_s"] == 1.5  # and keep them again
    # p0 of another seed list or of other values is another sweep's run: refused, not reported as this one's
    with pytest.raises(ModelError, match="another seed or other --set values"):
        run_sweep(str(model), [], [1, 2], str(out), ["--backend", "rate"])
    with pytest.raises(ModelError, match="another seed or other --set values"):
        run_sweep(str(model), [("projections.ff.rule.a_plus", ["0.01"])], [0, 1], str(out), ["--backend", "rate"])


def test_weights_from_a_sweep_are_the_point_of_the_same_seed(model, tmp_path):
    src = tmp_path / "trained"
    src.mkdir()
    (src / "sweep.json").write_text(json.dumps({"points": [{"point": "p0", "seed": 3}, {"point": "p1", "seed": 5}]}))
    pts = plan(str(model), [], [5, 3], ["--evaluate"], weights_from=str(src))
    assert [argv[argv.index("--weights-from") + 1] for *_, argv in pts] == [str(src / "p1"), str(src / "p0")]
    with pytest.raises(ModelError, match="--weights-from.*0 points of seed 4"):
        plan(str(model), [], [4], ["--evaluate"], weights_from=str(src))
    run = tmp_path / "run"  # a run folder: the weights of every point
    run.mkdir()
    assert {argv[-1] for *_, argv in plan(str(model), [], [0, 1], [], weights_from=str(run))} == {str(run)}


def test_an_interrupted_point_continues_from_its_checkpoint(tmp_path):
    d = tmp_path / "p0"
    assert point_command(["m.toml"], str(d)) == ["run", "m.toml", "--out", str(d), "--no-progress"]
    d.mkdir()
    (d / rundir.MARKER).write_text("{}")  # what an interrupted run keeps: its marker and checkpoint
    (d / "checkpoint.npz").write_bytes(b"")
    assert point_command(["m.toml"], str(d))[-2:] == ["--resume", str(d)]
    (d / rundir.SUMMARY).write_text("{}")
    assert "--resume" not in point_command(["m.toml"], str(d))


def _bench_mnist():
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location(
        "bench_mnist_script", Path(__file__).resolve().parents[1] / "scripts" / "bench_mnist.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bench_mnist_rows_are_sweeps_over_the_seeds(tmp_path):
    """Each row of scripts/bench_mnist.py is one sweep over the seeds; ``transfer`` evaluates, on the
    spike backend, the ``shallow`` row's point of the same seed (no training here: the plan only)."""
    bench = _bench_mnist()
    out, data = tmp_path / "bench", tmp_path / "mnist"
    shallow = bench.sweep_plan("shallow", [0, 2], str(out), ["task.n_train=100"], str(data))
    assert shallow == {"model": str(bench.SHALLOW), "sets": [("task.n_train", ["100"])], "seeds": [0, 2],
                       "out": str(out / "shallow"), "run_options": ["--backend", "rate", "--data", str(data)],
                       "weights_from": None}
    transfer = bench.sweep_plan("transfer", [0, 2], str(out), ["task.n_train=100"], str(data))
    assert transfer["weights_from"] == str(out / "shallow") and transfer["out"] == str(out / "transfer")
    assert bench.sweep_plan("quick-spike", [1], str(out))["run_options"] == ["--backend", "spike", "--quick"]
    assert bench.sweep_plan("conv", [1], str(out))["model"] == str(bench.CONV)
    # the commands of the transfer points, once the shallow sweep has written its table
    (out / "shallow").mkdir(parents=True)
    (out / "shallow" / "sweep.json").write_text(json.dumps({"points": [{"point": "p0", "seed": 0},
                                                                      {"point": "p1", "seed": 2}]}))
    pts = plan(transfer["model"], transfer["sets"], transfer["seeds"], transfer["run_options"],
               transfer["weights_from"])
    assert [(name, seed) for name, _, seed, _ in pts] == [("p0", 0), ("p1", 2)]
    assert pts[1][3] == [str(bench.SHALLOW), "--backend", "spike", "--evaluate", "--data", str(data), "--seed", "2",
                         "--set", "task.n_train=100", "--weights-from", str(out / "shallow" / "p1")]
