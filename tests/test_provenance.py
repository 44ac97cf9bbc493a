"""Every summary.json says what ran (versions, commit, command, overrides, the model as run,
the target actually used, times); ``run --from`` re-runs it to the same metrics; the shell and
notebook conveniences (``python -m spikehebb``, ``--version``, ``models``, help defaults)."""
import datetime
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

import spikehebb
from spikehebb.cli import main

ROOT = Path(__file__).parents[1]
SONG = ROOT / "models" / "song2000_stdp.toml"
HOPFIELD = ROOT / "models" / "hopfield_random.toml"
SHORT = ["--set", "model.duration=1 s", "--set", "model.quick_duration=0.5 s"]


def _summary(d):
    return json.loads((Path(d) / "summary.json").read_text())


@pytest.fixture(scope="module")
def spike_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("prov") / "spike"
    argv = ["run", str(SONG), "--target", "numpy", "--seed", "3", *SHORT, "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    return out, argv


def test_provenance_fields(spike_run):
    out, argv = spike_run
    s = _summary(out)
    p = s["provenance"]
    assert p["versions"]["spikehebb"] == spikehebb.__version__
    assert p["versions"]["brian2"] and p["versions"]["numpy"] == np.__version__
    assert p["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert p["command"] == ["spikehebb", *argv]
    assert p["overrides"] == ["model.duration=1 s", "model.quick_duration=0.5 s"]
    assert p["target"] == s["target"] == "numpy"
    assert p["options"]["seed"] == 3 and p["options"]["backend"] == "spike"
    assert p["cpu_count"] == os.cpu_count()
    started, ended = (datetime.datetime.fromisoformat(p[k]) for k in ("started", "ended"))
    assert started.tzinfo is not None and started <= ended
    if (ROOT / ".git").is_dir():  # run from this checkout
        commit = p["git_commit"].split("+")[0]
        assert len(commit) == 40 and subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"]
                                                    ).returncode == 0
    # the model as run: the file with the --set values applied, valid TOML
    model = tomllib.loads(p["model"])
    assert model["model"]["duration"] == "1 s" and model["model"]["name"] == "song2000_stdp"
    assert model["populations"]["post"] == tomllib.loads(SONG.read_text())["populations"]["post"]


def test_from_reruns_to_the_same_metrics(spike_run, tmp_path):
    out, _ = spike_run
    again = tmp_path / "again"
    assert main(["run", "--from", str(out), "--out", str(again), "--no-progress"]) == 0
    a, b = _summary(out), _summary(again)
    assert b["metrics"] == a["metrics"]  # exactly: same seed, target and model
    assert b["provenance"]["model_hash"] == a["provenance"]["model_hash"]
    assert b["provenance"]["overrides"] == a["provenance"]["overrides"]
    with np.load(out / "results.npz") as x, np.load(again / "results.npz") as y:
        np.testing.assert_array_equal(x["spikes/post/t"], y["spikes/post/t"])


def test_from_refuses_other_options_and_runs_without_provenance(spike_run, tmp_path, capsys):
    out, _ = spike_run
    assert main(["run", "--from", str(out), "--seed", "4", "--out", str(tmp_path / "x")]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main(["run", "--from", str(tmp_path)]) == 2
    assert "--from" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_task_summary_names_backend_target_and_quick(tmp_path):
    out = tmp_path / "h"
    assert main(["run", str(HOPFIELD), "--backend", "rate", "--quick", "--out", str(out), "--no-progress"]) == 0
    p = _summary(out)["provenance"]
    assert p["options"]["quick"] is True and p["options"]["backend"] == "rate" and p["target"] is None
    again = tmp_path / "h2"
    assert main(["run", "--from", str(out), "--out", str(again), "--no-progress"]) == 0
    assert _summary(again)["metrics"] == _summary(out)["metrics"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "spikehebb", *args], capture_output=True, text=True)


def test_python_m_version_models_and_help_defaults():
    v = _cli("--version")
    assert v.returncode == 0 and v.stdout.strip() == f"spikehebb {spikehebb.__version__}"
    m = _cli("models")
    listed = {line.split()[0] for line in m.stdout.splitlines()}
    assert m.returncode == 0 and {os.path.relpath(p) for p in (ROOT / "models").glob("*.toml")} <= {
        os.path.relpath(os.path.join(os.getcwd(), x)) for x in listed}
    h = _cli("run", "--help")
    text = " ".join(h.stdout.split())  # argparse wraps lines
    assert h.returncode == 0 and "(default: spike)" in text and "(default: 0)" in text


def test_run_result_repr_summarises(spike_run):
    from spikehebb.results import load_result
    text = repr(load_result(spike_run[0]))
    assert "post" in text and "output_rate_hz" in text and len(text.splitlines()) < 30


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["run", "--help"], ["run", "m.toml", "--bogus"],
                                  ["models"]])
def test_help_version_and_bad_arguments_do_not_import_brian2(args):
    code = ("import sys\nfrom spikehebb.cli import main\ntry:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "print('BRIAN2' if 'brian2' in sys.modules else 'LIGHT')" % (args,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "LIGHT"
