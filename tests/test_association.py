"""Association task: one network description (LIF outputs, pair STDP) on both backends.

The two-cue association recalls both pairs (on both backends:
tests/test_conformance.py); the
hetero-associative memory recalls few pairs perfectly and degrades by
spurious bits (Willshaw crosstalk) as pairs grow; the estimator follows
scikit-learn's conventions. Margins are against values measured with these
seeds (in comments); the readout threshold is 10 Hz.
"""
import json

import numpy as np
import pytest

from spikehebb.model.errors import ModelError
from spikehebb.tasks import Context, load_task
from spikehebb.tasks.association.learners import Association, capacity_curve, pattern_pairs
from spikehebb.tasks.association.task import PARAMS, run

CUES = np.eye(2, dtype=int)
TARGETS = np.array([[1], [0]])


def test_rate_association_recalls_both_pairs():
    a = Association("rate", dt=1e-3, random_state=0).fit(CUES, TARGETS)  # the file's [rate.task] step
    # before learning neither cue alone drives the output (initial weights <= 0.1 w_max)
    assert np.all(a.rates_before_ < 1.0)
    rates = a.recall(CUES)  # weights frozen
    assert rates[0, 0] > 30.0      # measured 55.1 Hz
    assert rates[1, 0] < 1.0       # measured 0.01 Hz
    np.testing.assert_array_equal(a.predict(CUES), TARGETS)
    assert a.score(CUES, TARGETS) == 1.0
    # the STDP drift w_max r_pre r_post (A+ tau+ - A- tau-) > 0 drives the paired synapses to the bound;
    # cue B's synapses see no post activity (the teacher silences the output) and keep their initial value
    assert a.weights_[0, 0] == pytest.approx(1.0)
    # (to 1 %: the silenced output's Siegert rate is 0.01 Hz, not 0; measured 0.0561 -> 0.0566)
    assert a.weights_[1, 0] == pytest.approx(a.weight_trace_[0, 1, 0], rel=0.01) and a.weights_[1, 0] < 0.1


@pytest.mark.slow  # 15-30 s: P = 2 and P = 32 pattern pairs on the rate backend
def test_hetero_recall_falls_as_pairs_grow():
    est = Association("rate", epochs=4, neurons=5, w_max=50e-12, probes=False, dt=1e-3)
    curve = capacity_curve(est, [2, 32], 40, 40, 4, 4, seed=0)
    assert curve["recall_accuracy"][0] == 1.0
    assert curve["recall_accuracy"][1] < 0.5          # measured 0.16 (Willshaw crosstalk)
    assert curve["bit_accuracy"][1] > 0.85            # measured 0.925
    # crosstalk adds spurious 1s; no stored bit is lost
    assert np.all(curve["missed_bits"] == 0)
    # Willshaw estimate: a synapse is set once its bits met in a pair, q = 1 - (1 - (k/n)^2)^P; an
    # output outside the target fires when >= 3 of the cue's k = 4 synapses onto it are set (the mean
    # drive of 3.2 set bits reaches the rheobase, fluctuations fire it at 3), so the spurious bits per
    # pattern are (n - k) P(>= 3 of 4 set): 2.4 at P = 32 (measured 3.0)
    q = 1 - (1 - (4 / 40) ** 2) ** 32
    expected = 36 * (4 * q ** 3 * (1 - q) + q ** 4)
    assert 0.5 * expected < curve["spurious_bits"][1] < 2 * expected


def test_pattern_pairs_depend_on_seed_and_p_only():
    x, y = pattern_pairs(8, 40, 40, 4, 4, seed=3)
    assert x.shape == y.shape == (8, 40) and np.all(x.sum(1) == 4) and np.all(y.sum(1) == 4)
    x2, y2 = pattern_pairs(8, 40, 40, 4, 4, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(x, pattern_pairs(8, 40, 40, 4, 4, seed=4)[0])


def test_sklearn_clone_and_params():
    base = pytest.importorskip("sklearn.base")
    a = Association("spike", epochs=2, trial="300 ms", random_state=5)
    params = a.get_params()
    assert params["epochs"] == 2 and params["trial"] == "300 ms" and params["random_state"] == 5
    assert set(params) >= {"backend", "rule", "threshold_hz", "w_max", "dt", "target"}
    b = base.clone(a)
    assert b is not a and b.get_params() == params
    assert a.set_params(epochs=4) is a and a.epochs == 4 and b.epochs == 2
    with pytest.raises(ModelError, match="not a parameter"):
        a.set_params(learning_rate=1.0)
    # a clone of a fitted estimator is unfitted: learned attributes end in "_" and are not copied
    fitted = Association("rate", epochs=1, dt=1e-3, probes=False).fit(CUES, TARGETS)
    assert hasattr(fitted, "weights_") and not hasattr(base.clone(fitted), "weights_")
    assert "epochs=1" in repr(fitted)


def test_bad_inputs_are_one_line_errors():
    with pytest.raises(ModelError, match="X: expected a non-empty 2-d array of 0/1"):
        Association("rate").fit([[0.5, 1]], [[1]])
    with pytest.raises(ModelError, match="one target per cue"):
        Association("rate").fit(CUES, [[1]])
    with pytest.raises(ModelError, match="not fitted"):
        Association("rate").predict(CUES)
    with pytest.raises(ModelError, match="backend"):
        Association("gpu").fit(CUES, TARGETS)
    with pytest.raises(ModelError, match="random_state"):
        Association("rate", random_state="x", dt=1e-3, epochs=1).fit(CUES, TARGETS)


@pytest.mark.parametrize("value, match", [("[0, 2]", "hetero_p: expected a non-empty list of positive ints"),
                                          ("'many'", "hetero_p: expected a non-empty list")])
def test_bad_model_values(models_dir, value, match):
    with pytest.raises(ModelError, match=match):
        load_task(models_dir / "association.toml", [f"task.hetero_p={value}"], backend="rate")


def test_one_parameter_set_for_both_backends(models_dir):
    """The backend tables change only the step (rate) and the P values run (spike)."""
    (_, rate), (_, spike) = (load_task(models_dir / "association.toml", backend=b) for b in ("rate", "spike"))
    differ = {k for k in rate if rate[k] != spike[k]}
    assert differ == {"dt", "hetero_p"}
    assert set(spike["hetero_p"]) <= set(rate["hetero_p"])
    names = {f.name for f in PARAMS}
    assert not [n for n in names if "spike" in n] and not names & {"rate_rule", "theta", "hetero_theta"}


def test_model_file_and_cli_entry(models_dir):
    model, params = load_task(models_dir / "association.toml", backend="rate")
    assert model.task == "association"
    res = run(dict(params, hetero_p=[2]), Context(backend="rate", seed=0, quick=True))
    m = res.metrics
    assert m["recall_accuracy"] == 1.0
    assert m["cs_response_after_hz"] > 30 > 1 > m["cs_response_before_hz"]
    assert m["hetero_recall_accuracy_p2"] == 1.0 and m["hetero_spurious_bits_p2"] == 0.0
    assert {"weights", "cue_response", "capacity"} <= set(res.figures)


@pytest.mark.slow  # 90 s: both backends, Brian2 runs of about 20 s of network time
def test_cli_compare_same_cues_both_backends(models_dir, tmp_path, capsys):
    from spikehebb import cli
    out = tmp_path / "cmp"
    sets = ["task.epochs=3", "task.hetero_p=[2, 8]"]  # --set applies after the [spike] table
    code = cli.main(["compare", str(models_dir / "association.toml"), "--seed", "0", "--out", str(out),
                     "--no-progress"] + [a for s in sets for a in ("--set", s)])
    assert code == 0
    report = json.loads((out / "compare.json").read_text())
    assert list(report) == ["rate", "spike", "agreement"]
    assert set(report["rate"]) == set(report["spike"])  # the same metric names on both backends
    assert report["rate"]["recall_accuracy"] == report["spike"]["recall_accuracy"] == 1.0
    ag = report["agreement"]
    assert ag["recall_agree"] == 1.0
    # Siegert rate against the simulated LIF neuron, same weights: measured 55.1 against 60.7 Hz (0.092)
    assert ag["recall_rate_a_rel_error"] < 0.2
    assert abs(ag["weight_a_diff"]) < 0.1              # both at the bound: measured 1.0 / 0.983
    # the same pattern pairs on both backends: measured 1.0 and 0.997 (one spurious bit of 320, rate side)
    assert ag["hetero_bit_agreement_p2"] == 1.0 and ag["hetero_bit_agreement_p8"] > 0.95
    assert (out / "compare.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "rate" / "summary.json").exists() and (out / "spike" / "summary.json").exists()
    assert "recall_agree=1" in capsys.readouterr().out
