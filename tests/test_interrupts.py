"""An interrupted run is never a finished run: SIGINT / SIGTERM sent to real ``spikehebb run``
processes end them promptly with 130 / 143, no ``summary.json``, no figures, no empty directory,
and checkpoints kept for ``--resume``."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spikehebb.backends.base import compiler_available
from spikehebb.interrupts import RunIncomplete

ROOT = Path(__file__).parents[1]
SONG = ROOT / "models" / "song2000_stdp.toml"
SHALLOW = ROOT / "models" / "hebbian_mnist_shallow.toml"
DATA = Path(os.environ.get("SPIKEHEBB_DATA") or ROOT / ".." / "shared" / "data" / "mnist")
LONG = ["--set", "model.duration=1000 s", "--no-progress"]  # never finishes within a test


def _start(tmp_path, *args, ignore_sigint=False):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    pre = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None
    return subprocess.Popen([sys.executable, "-m", "spikehebb", "run", *map(str, args)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=pre)


def _wait_for(path, proc, timeout=120):
    """Until ``path`` exists (the run is past its checks and set up)."""
    t0 = time.monotonic()
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < timeout, f"{path} never appeared"
        time.sleep(0.1)


def _stop(proc, sig, timeout=30):
    t0 = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, err, time.monotonic() - t0


TARGETS = [("rate", None), ("spike", "numpy")]
if compiler_available():
    TARGETS += [("spike", "cython"), ("spike", "cpp_standalone")]
# every target with SIGINT and SIGTERM; the fast subset keeps the rate backend and cpp_standalone
CASES = [pytest.param(b, t, s, c, marks=[pytest.mark.slow] if t in ("numpy", "cython") else [])
         for b, t in TARGETS for s, c in ((signal.SIGINT, 130), (signal.SIGTERM, 143))]


@pytest.mark.parametrize("backend,target,sig,code", CASES)
def test_signal_ends_a_network_run_without_summary(tmp_path, backend, target, sig, code):
    out = tmp_path / "run"
    extra = ["--target", target] if target else []
    proc = _start(tmp_path, SONG, "--backend", backend, *extra, "--out", out, *LONG)
    _wait_for(out / ".spikehebb-run", proc)
    time.sleep(0.5)  # inside the build, a compiler or the simulation loop
    rc, err, took = _stop(proc, sig)
    assert rc == code, err
    assert took < 15, f"took {took:.1f} s to stop"  # the standalone compiler is killed, not waited for
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"interrupted ({signal.Signals(sig).name})" in err
    assert not out.exists(), os.listdir(out)  # nothing of value: no directory left
    assert os.listdir(tmp_path) == []


def test_sigint_ignored_at_start_stays_ignored_and_sigterm_still_stops(tmp_path):
    # nohup and a script's background jobs start programs with SIGINT ignored
    out = tmp_path / "run"
    proc = _start(tmp_path, SONG, "--backend", "rate", "--out", out, *LONG, ignore_sigint=True)
    _wait_for(out / ".spikehebb-run", proc)
    proc.send_signal(signal.SIGINT)
    time.sleep(2.0)
    assert proc.poll() is None, proc.communicate()  # still running: the shell asked to ignore it
    rc, err, _ = _stop(proc, signal.SIGTERM)
    assert rc == 143 and "Traceback" not in err, err
    assert not out.exists()


@pytest.mark.slow  # MNIST training, interrupted and resumed
@pytest.mark.skipif(not (DATA / "t10k-labels-idx1-ubyte.gz").exists(), reason=f"MNIST not in {DATA}")
def test_interrupted_task_keeps_checkpoint_and_resumes(tmp_path):
    out = tmp_path / "mnist"
    args = [SHALLOW, "--backend", "rate", "--data", DATA, "--no-progress",
            "--set", "populations.hidden.n=20", "--set", "task.n_train=600", "--set", "task.n_test=500",
            "--set", "task.phases.hebbian.epochs=40", "--set", "task.phases.dopamine.epochs=2"]
    proc = _start(tmp_path, *args, "--out", out)
    _wait_for(out / "checkpoint.npz", proc)
    rc, err, _ = _stop(proc, signal.SIGINT)
    assert rc == 130, err
    assert f"continue with --resume {out}" in err
    files = set(os.listdir(out))
    assert "checkpoint.npz" in files and "summary.json" not in files
    assert not [f for f in files if f.endswith((".png", ".npz")) and f != "checkpoint.npz"], files
    done = subprocess.run([sys.executable, "-m", "spikehebb", "run", *map(str, args), "--resume", str(out)],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (out / "summary.json").exists()


def test_a_simulation_that_stops_early_is_not_a_result():
    # Brian2's own Ctrl-C handler (a library user's session) stops a run early; that is no result
    from spikehebb.backends.brian2 import Simulation
    from spikehebb.model import load_model
    net = load_model(SONG, ["model.duration=20 ms"]).network
    with Simulation(net, target="numpy") as sim:
        run = sim.net.run
        sim.net.run = lambda duration, **kw: run(duration / 2, **kw)
        with pytest.raises(RunIncomplete, match="50 %"):
            sim.run()


@pytest.mark.slow
@pytest.mark.skipif(not compiler_available(), reason="needs a C++ compiler")
def test_sigterm_kills_the_running_standalone_binary(tmp_path):
    # past the compile: the binary itself is running when the signal comes
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "run"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", TMPDIR=str(tmp))
    proc = subprocess.Popen([sys.executable, "-m", "spikehebb", "run", str(SONG), "--target", "cpp_standalone",
                             "--out", str(out), *LONG], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while not list(tmp.glob("spikehebb-b2-*/results/last_run_info.txt")) and not list(tmp.glob("spikehebb-b2-*/main")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < 600, "the standalone project never finished compiling"
        time.sleep(0.2)
    time.sleep(2.0)  # the binary simulates 1000 s: it is running now
    project = next(tmp.glob("spikehebb-b2-*"))
    rc, err, took = _stop(proc, signal.SIGTERM)
    assert rc == 143 and took < 15 and "Traceback" not in err, err
    alive = subprocess.run(["pgrep", "-f", str(project)], capture_output=True, text=True).stdout.split()
    assert alive == [], f"binary still running: {alive}"
    assert not out.exists() and not project.exists()  # the build directory is cleaned up too


@pytest.mark.slow
def test_interrupted_sweep_keeps_finished_points_and_stops_its_workers(tmp_path):
    out = tmp_path / "sw"
    proc = subprocess.Popen([sys.executable, "-m", "spikehebb", "sweep", str(SONG), "--backend", "rate",
                             "--set", "model.duration=1000 s,1001 s", "--seeds", "0", "--workers", "2",
                             "--out", str(out), "--no-progress"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    t0 = time.monotonic()
    while len(list(out.glob("p*/.spikehebb-run"))) < 2:  # both points are running
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < 120
        time.sleep(0.2)
    rc, err, took = _stop(proc, signal.SIGINT)
    assert rc == 130 and "the same command resumes the sweep" in err and took < 30, err
    time.sleep(1.0)
    running = subprocess.run(["pgrep", "-f", f"--out {out}/p"], capture_output=True, text=True).stdout.split()
    assert running == [], "a point's process outlived the sweep"
    assert not list(out.glob("p*")) and not (out / "sweep.json").exists()  # nothing finished, nothing claimed
