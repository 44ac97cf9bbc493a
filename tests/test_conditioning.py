"""Conditioning task: CS-US pairings raise the response to the CS alone.

Classical pair STDP and rewarded DA-STDP condition the response; DA-STDP
without dopamine does not (Izhikevich 2007). Margins against measured values.
Classical conditioning on both backends: tests/test_conformance.py.
"""
import pytest

from spikehebb.tasks import Context, load_task
from spikehebb.tasks.association.conditioning import Conditioning, run


@pytest.mark.parametrize("rule,reward,after_min", [("pair_stdp", True, 30.0), ("da_stdp", True, 30.0)])
def test_rate_conditioning_raises_cs_response(rule, reward, after_min):
    # the rate step of the model file's [rate.task] table (rates relax with tau_m = 10 ms)
    c = Conditioning("rate", rule, reward=reward, trials=10, dt="1 ms", random_state=0).fit()
    assert c.cs_response_before_ < 1.0
    assert c.cs_response_after_ > after_min          # measured 55.5 Hz (both)
    assert c.weight_after_ > 0.9                     # measured 1.0 (the bound)
    # the CS-alone part of the first trial is silent, the last one responds
    assert c.trial_responses_[0] < 1.0 < 10.0 < c.trial_responses_[-1]


def test_rate_da_stdp_without_dopamine_does_not_condition():
    c = Conditioning("rate", "da_stdp", reward=False, trials=10, dt="1 ms", random_state=0).fit()
    assert c.cs_response_after_ < 1.0
    assert c.weight_trace_[-1] == pytest.approx(c.weight_trace_[0], abs=1e-9)


@pytest.mark.slow
def test_spike_da_stdp_needs_dopamine():
    kw = dict(iti="300 ms", reward_delay="200 ms", dopamine_pulse=1.0, dt="0.2 ms", random_state=1)
    rewarded = Conditioning("spike", "da_stdp", reward=True, trials=6, **kw).fit()
    # the same pairings without dopamine (fewer suffice: the eligibility trace never reaches w)
    unrewarded = Conditioning("spike", "da_stdp", reward=False, trials=3, **kw).fit()
    assert rewarded.cs_response_before_ == 0.0
    assert rewarded.cs_response_after_ > 25.0        # measured 64 Hz
    assert unrewarded.cs_response_after_ == 0.0
    assert unrewarded.weight_trace_[-1] == pytest.approx(unrewarded.weight_trace_[0], rel=1e-6)


def test_model_file_parses(models_dir):
    model, params = load_task(models_dir / "conditioning.toml", backend="rate")
    assert model.task == "conditioning" and params["compare"] is True
    res = run(dict(params, trials=8), Context(backend="rate", seed=0, quick=True))
    assert res.metrics["cs_response_after_hz"] > 30 > 1 > res.metrics["cs_response_before_hz"]  # 54 Hz, 0 Hz
    assert res.metrics["conditioned"] == 1.0 and "da_cs_response_after_hz" not in res.metrics


def test_sklearn_clone():
    # scikit-learn's conventions: parameters stored as given, clone() rebuilds an unfitted copy
    base = pytest.importorskip("sklearn.base")
    c = Conditioning("rate", "da_stdp", reward=False, trials=4, dt="1 ms", random_state=3)
    d = base.clone(c)
    assert d is not c and d.get_params() == c.get_params() and d.dt == "1 ms"
    assert d.set_params(trials=2).trials == 2 and c.trials == 4
