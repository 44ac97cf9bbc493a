"""The command line: bad input gives one line and exit code 2; good runs write results."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import TINY_MODEL
from spikehebb.cli import main

GOOD = TINY_MODEL

BAD = {
    "unknown_key": (GOOD.replace('n = 2\n', 'n = 2\ntau_memb = "20 ms"\n'), "populations.out.tau_memb", "unknown key"),
    "missing_unit": (GOOD.replace('n = 2\n', 'n = 2\ntau_m = 20\n'), "populations.out.tau_m", "missing unit"),
    "wrong_dimension": (GOOD.replace('rate = "20 Hz"', 'rate = "20 mV"'), "populations.inp.rate", "wrong unit"),
    "negative_tau": (GOOD.replace('n = 2\n', 'n = 2\ntau_m = "-5 ms"\n'), "populations.out.tau_m", "must be positive"),
    "unknown_rule": (GOOD.replace('type = "pair_stdp"', 'type = "pair_stpd"'), "projections.ff.rule.type",
                     "unknown plasticity rule"),
    "bad_toml": (GOOD.replace('[record]', '[record'), "", "not valid TOML"),
    "unknown_population": (GOOD.replace('post = "out"', 'post = "outt"'), "projections.ff.post", "no population"),
}


def _write(tmp_path, text, name="model.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_model_file_gives_one_line_and_exit_2(tmp_path, capsys, case):
    text, key, what = BAD[case]
    path = _write(tmp_path, text)
    out = tmp_path / "out"
    code = main(["run", str(path), "--target", "numpy", "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and str(path) in err and key in err and what in err, err
    assert not out.exists()


@pytest.mark.parametrize("args, what", [
    (["--target", "fortran"], "unknown target"),
    (["--backend", "analog"], "expected spike or rate"),
    (["--set", "populations.out.n=zero"], "expected an integer"),
    (["--seed", "x"], "invalid int value"),
])
def test_bad_arguments_give_one_line_and_exit_2(tmp_path, capsys, args, what):
    path = _write(tmp_path, GOOD)
    code = main(["run", str(path), "--out", str(tmp_path / "o")] + args)
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and what in err, err
    assert not (tmp_path / "o").exists()


def test_missing_file_in_a_subprocess_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "spikehebb.cli", "run", str(tmp_path / "nope.toml")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"spikehebb: error: {tmp_path / 'nope.toml'}: no such model file"]


def test_run_writes_summary_results_and_figures(tmp_path):
    path = _write(tmp_path, GOOD)
    out = tmp_path / "run"
    assert main(["run", str(path), "--target", "numpy", "--seed", "3", "--out", str(out), "--no-progress"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert {"model", "backend", "target", "seed", "wall_seconds", "metrics"} <= set(summary)
    assert summary["model"] == "tiny" and summary["seed"] == 3 and summary["target"] == "numpy"
    m = summary["metrics"]
    assert m["output_rate_hz"] >= 0 and 0 <= m["mean_weight_over_max"] <= 1
    data = np.load(out / "results.npz")
    assert data["weights/ff/final"].shape == (40,) and data["weights/ff/w"].shape[1] == 20
    # the recorded output rate is the spike count over the run
    n_spikes = len(data["spikes/out/t"])
    assert m["output_rate_hz"] == pytest.approx(n_spikes / (2 * 0.2))
    pngs = {p.name for p in out.glob("*.png")}
    assert {"raster_out.png", "weights_ff.png", "weight_hist_ff.png", "population_rate.png"} <= pngs
    assert not [p for p in os.listdir(out) if p.endswith(".part")]


def test_quick_uses_quick_duration(tmp_path):
    path = _write(tmp_path, GOOD)
    out = tmp_path / "q"
    assert main(["run", str(path), "--target", "numpy", "--quick", "--out", str(out), "--no-progress"]) == 0
    data = np.load(out / "results.npz")
    assert data["spikes/out/t"].max(initial=0) < 0.05


def test_unexpected_failure_is_one_line_with_a_log_and_exit_1(tmp_path, capsys, monkeypatch):
    import spikehebb.backends

    def broken(*args, **kwargs):
        raise RuntimeError("simulator exploded\nsecond line")
    monkeypatch.setattr(spikehebb.backends, "simulate", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    path = _write(tmp_path, GOOD)
    out = tmp_path / "out"
    code = main(["run", str(path), "--target", "numpy", "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("spikehebb: failed: RuntimeError: simulator exploded (traceback in ") and len(err.splitlines()) == 1
    log = err.rsplit("traceback in ", 1)[1].rstrip(")")
    text = open(log).read()
    assert "Traceback" in text and "simulator exploded" in text and "second line" in text
    assert not out.exists()  # nothing of value was made
