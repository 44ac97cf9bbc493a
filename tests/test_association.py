"""Association task: the two-cue Hebbian association recalls both pairs on both backends.

Margins are against values measured with these seeds (in comments); the
readout threshold is 10 Hz.
"""
import numpy as np
import pytest

from spikehebb.tasks import Context, load_task
from spikehebb.tasks.association.task import PARAMS, Association, capacity_curve, run
from spikehebb.tasks.association.learners import default_rule

CUES = np.eye(2, dtype=int)
TARGETS = np.array([[1], [0]])


def test_rate_association_recalls_both_pairs():
    a = Association("rate", dt=1e-3, seed=0).fit(CUES, TARGETS)  # the file's [rate.task] step
    # before learning neither cue alone drives the output (the threshold is above the initial drive)
    assert np.all(a.rates_before_ < 1.0)
    rates = a.recall_rates(CUES)  # weights frozen
    assert rates[0, 0] > 30.0      # measured 59.8 Hz
    assert rates[1, 0] < 1.0       # measured 1e-5 Hz
    np.testing.assert_array_equal(a.predict(CUES), TARGETS)
    assert a.score(CUES, TARGETS) == 1.0
    # Oja: the paired synapse settles near x / y (0.225 w_max, not the bound);
    # the other decays while the output is driven and its input is silent (0.0016)
    assert 0.15 < a.weights_[0, 0] < 0.5
    assert a.weights_[1, 0] < 0.02 < 0.05 < np.max(a.weight_trace_[0, 1, 0])


def test_rate_plain_hebb_is_bounded_by_w_max():
    a = Association("rate", rule=default_rule("rate", "hebb"), dt=1e-3, seed=1).fit(CUES, TARGETS)
    assert a.weights_[0, 0] == pytest.approx(1.0)     # saturates at the bound
    assert a.weights_[1, 0] < 0.1                    # never co-active: initial value (<= 0.1)
    np.testing.assert_array_equal((a.rates_after_ > 10).astype(int), TARGETS)


@pytest.mark.slow
def test_spike_association_recalls_both_pairs():
    a = Association("spike", epochs=3, dt=2e-4, seed=1).fit(CUES, TARGETS)
    assert np.all(a.rates_before_ == 0.0)
    # STDP with the teacher: paired weight near the bound (measured 0.99), other unchanged (0.054)
    assert a.weights_[0, 0] > 0.8
    assert a.weights_[1, 0] < 0.15
    rates = a.recall_rates(CUES)
    assert rates[0, 0] > 30.0      # measured 50 Hz
    assert rates[1, 0] == 0.0
    np.testing.assert_array_equal((rates > a.threshold_hz).astype(int), TARGETS)


@pytest.mark.slow  # 16 s: P = 1 and P = 20 pattern pairs trained to the end
def test_hetero_recall_falls_as_pairs_grow():
    curve = capacity_curve([2, 32], 40, 40, 4, 4, seed=0, theta=3.0, m=1, m_t=1,
                           rule=default_rule("rate", "hebb", 0.01))
    assert curve["recall_accuracy"][0] == 1.0
    assert curve["recall_accuracy"][1] < 0.6          # measured 0.28 (Willshaw crosstalk)
    assert curve["bit_accuracy"][1] > 0.85            # errors are few spurious bits (0.94)


def test_model_file_and_cli_entry(models_dir):
    model, params = load_task(models_dir / "association.toml", backend="rate")
    assert model.task == "association"
    params = dict(params, hetero=False)
    res = run(params, Context(backend="rate", seed=0, quick=True))
    assert res.metrics["recall_accuracy"] == 1.0
    assert res.metrics["cs_response_after_hz"] > 30 > 1 > res.metrics["cs_response_before_hz"]
    assert {"weights", "cue_response"} <= set(res.figures)
    assert {f.name for f in PARAMS} >= {"epochs", "rate_rule", "hetero_p"}
