"""``spikehebb compare`` on the model built for agreement: rate vs spike within the stated bounds."""
import json

import numpy as np
import pytest

from spikehebb.compare import compare, ks_distance
from spikehebb.model import load_model

from conftest import MODELS

SEED = 0


@pytest.fixture(scope="module")
def drift(tmp_path_factory):
    model = load_model(MODELS / "rate_vs_spike_drift.toml", backend="spike")
    rate = load_model(MODELS / "rate_vs_spike_drift.toml", backend="rate")  # its 1 ms rate step
    out = tmp_path_factory.mktemp("compare")
    report = compare(model, seed=SEED, out_dir=str(out), quick=False, progress=False, target="numpy",
                     rate_model=rate)
    print(f"\nrate_vs_spike_drift (seed {SEED}): {report['agreement']}")
    return model, report, out


@pytest.mark.slow  # minutes on 2 loaded cores: outside the fast subset
def test_rate_and_drift_agree_within_bounds(drift):
    _, report, _ = drift
    ag = report["agreement"]
    assert ag["same_initial_weights"]
    assert ag["rate_rel_error"] <= 0.05, ag
    assert ag["drift_rel_error"] <= 0.10, ag
    assert report["spike"]["mean_drift"] < 0 and report["rate"]["mean_drift"] < 0


@pytest.mark.slow  # shares the drift fixture's runs (minutes on 2 loaded cores)
def test_spiking_drift_matches_kempter_rate_rule(drift):
    """Independent check of the spiking run alone: <dw/dt> = w_max r_pre r_post (A+ tau+ - A- tau-)
    with the spiking network's own measured output rate (Kempter, Gerstner & van Hemmen 1999)."""
    model, report, _ = drift
    proj = model.network.projections["ff"]
    rule = proj.rule
    window = rule.a_plus * float(rule.tau_plus) - rule.a_minus * float(rule.tau_minus)
    r_pre = float(model.network.populations["inputs"].rate)
    expected = float(proj.w_max) * r_pre * report["spike"]["mean_rate_hz"] * window
    assert report["spike"]["mean_drift"] == pytest.approx(expected, rel=0.10)


@pytest.mark.slow  # shares the drift fixture's runs (minutes on 2 loaded cores)
def test_weights_stay_off_the_bounds(drift):
    _, report, _ = drift
    for side in ("spike", "rate"):
        assert report[side]["weight_fraction_near_max"] == 0.0
        assert report[side]["weight_fraction_near_zero"] == 0.0
        assert 0.2 < report[side]["mean_final_weight_over_max"] < 0.5


@pytest.mark.slow  # shares the drift fixture's runs (minutes on 2 loaded cores)
def test_compare_writes_json_and_figure(drift):
    _, report, out = drift
    with open(out / "compare.json") as fh:
        data = json.load(fh)
    assert set(data) == {"spike", "rate", "agreement"}
    assert data["agreement"]["rate_rel_error"] == pytest.approx(report["agreement"]["rate_rel_error"])
    png = (out / "compare.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_ks_distance():
    rng = np.random.default_rng(0)
    a = rng.random(2000)
    assert ks_distance(a, a) == 0.0
    assert ks_distance(a, a + 2.0) == 1.0
    assert ks_distance(a, rng.random(2000)) < 0.06


@pytest.mark.slow  # 4 s of Brian2 and rate runs through the CLI
def test_cli_compare(tmp_path, models_dir, monkeypatch, capsys):
    """The command line runs the comparison and writes compare.json (short run, numpy target)."""
    from spikehebb import cli
    from spikehebb.backends import base
    monkeypatch.setattr(base, "default_target", lambda: "numpy")
    out = tmp_path / "cmp"
    code = cli.main(["compare", str(models_dir / "rate_vs_spike_drift.toml"), "--seed", "1", "--out", str(out),
                     "--set", "model.duration='1 s'", "--set", "model.quick_duration='1 s'", "--no-progress"])
    assert code == 0
    data = json.loads((out / "compare.json").read_text())
    assert data["agreement"]["duration_s"] == 1.0 and data["agreement"]["seed"] == 1
    assert (out / "compare.png").exists()
    assert "rate_rel_error" in capsys.readouterr().out
