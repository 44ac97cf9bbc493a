"""Every network model file runs on the rate backend; the rate-native example models learn."""
import re

import numpy as np
import pytest
from brian2 import second

from spikehebb.backends import simulate
from spikehebb.metrics import compute_metrics
from spikehebb.model import load_model
from spikehebb.model.errors import ModelError

from conftest import MODELS

# network models, not tasks: the foundation models and the rate-native examples
NETWORK_MODELS = sorted(p.name for p in MODELS.glob("*.toml") if not re.search(r"^\[task\]", p.read_text(), re.M))


@pytest.mark.parametrize("name", NETWORK_MODELS)
def test_model_file_runs_on_rate_backend(name):
    model = load_model(MODELS / name)
    net = model.network
    res = simulate(net, "rate", seed=0, duration=0.3 * second)
    res.info["duration"] = 0.3
    metrics = compute_metrics(net, res)
    assert all(np.isfinite(v) for v in metrics.values()), metrics
    assert not res.spikes
    for pop, (t, r) in res.rates.items():
        assert np.all(np.isfinite(r))
        if name != "hebbian_pca.toml":  # linear units (PCA) may go negative; every other unit may not
            assert np.all(r >= 0)
        assert res.arrays[f"unit_rates/{pop}"].shape == (len(t), net.populations[pop].n)
    for proj, rec in res.weights.items():
        assert len(rec["final"]) == len(rec["final_i"]) == len(rec["final_j"])


def test_bcm_model_becomes_selective():
    model = load_model(MODELS / "bcm_selectivity.toml")
    res = simulate(model.network, "rate", seed=1, duration=model.network.quick_duration)
    w = res.weights["ff"]["final"]
    patterns = model.network.populations["inputs"].patterns
    responses = patterns @ w
    pref = int(np.argmax(responses))
    assert w[patterns[pref] < 10].max() < 0.05 * w[patterns[pref] > 10].min(), w
    assert responses.min() < 0.15 * responses.max()


def test_pattern_input_validates():
    with pytest.raises(ModelError, match="patterns"):
        load_model(MODELS / "bcm_selectivity.toml", ["populations.inputs.patterns=[[1.0, -2.0]]"])
