"""Learning metrics of the rate-native models: principal-component cosines (Oja, Sanger)
and BCM selectivity."""
import numpy as np
import pytest
from brian2 import second

from spikehebb import metrics as M  # registers the metric types before any model file is read
from spikehebb.backends import simulate
from spikehebb.model import load_model
from spikehebb.results import RunResult

from conftest import MODELS


def _declare(net, spec):
    """The network with ``spec`` in its metrics list, as a ``[[metrics]]`` entry would put it."""
    net.metrics = [m for m in net.metrics if type(m) is not type(spec)] + [spec]
    return net


def _pca():
    return _declare(load_model(MODELS / "hebbian_pca.toml").network, M.PCCosine(projection="ff"))


def test_second_moment_matches_sampled_inputs():
    """The exact <x x^T> (rectified noisy patterns) against 200 000 seeded samples of the
    very process the rate backend runs: pattern + noise, clipped at 0 Hz."""
    pop = _pca().populations["inputs"]
    rng = np.random.default_rng(0)
    p = pop.patterns[rng.integers(len(pop.patterns), size=200_000)]
    x = np.maximum(p + 2.0 * rng.standard_normal(p.shape), 0.0)
    exact = M.pattern_second_moment(pop)
    np.testing.assert_allclose(exact, x.T @ x / len(x), rtol=0.01, atol=0.05)
    # the noise matters: without it the inputs that are 0 Hz in every pattern... have no power
    assert exact[5, 5] > np.mean(pop.patterns[:, 5] ** 2) + 1.0


def test_leading_eigenvector_has_cosine_one():
    c = M.pattern_second_moment(_pca().populations["inputs"])
    vals, vecs = M.principal_components(c)
    assert np.all(np.diff(vals) <= 0)
    np.testing.assert_allclose(c @ vecs[:, 0], vals[0] * vecs[:, 0], atol=1e-9)
    # Sanger: unit j against PC j; any scale and sign
    w = vecs[:, :3] * np.array([2.0, -0.5, 1.0])
    np.testing.assert_allclose(M.pc_cosines(w, vecs, "sanger"), 1.0, atol=1e-12)
    # Oja: every unit against PC 1, so units 2 and 3 holding PCs 2 and 3 score 0
    np.testing.assert_allclose(M.pc_cosines(w, vecs, "oja"), [1.0, 0.0, 0.0], atol=1e-12)
    # a vector half-way between PC 1 and PC 2: cos 45 degrees
    mix = (vecs[:, 0] + vecs[:, 1])[:, None]
    np.testing.assert_allclose(M.pc_cosines(mix, vecs, "sanger"), np.sqrt(0.5), atol=1e-12)


def test_pc_cosine_metric_reads_the_final_weights():
    net = _pca()
    _, vecs = M.principal_components(M.pattern_second_moment(net.populations["inputs"]))
    i, j = np.meshgrid(np.arange(8), np.arange(3), indexing="ij")
    w = vecs[:, :3].copy()
    w[:, 2] = vecs[:, 3]  # unit 2 learnt the wrong component
    result = RunResult(weights={"ff": {"final": w.ravel(), "final_i": i.ravel(), "final_j": j.ravel(),
                                         "w_min": -2.0, "w_max": 2.0}})
    out = M.compute_metrics(net, result)
    assert set(out) == {"pc_cosine_1", "pc_cosine_2", "pc_cosine_3"}
    assert out["pc_cosine_1"] == pytest.approx(1) and out["pc_cosine_2"] == pytest.approx(1)
    assert out["pc_cosine_3"] == pytest.approx(0, abs=1e-12)


def test_sanger_model_learns_the_components():
    """A seeded 120 s run of models/hebbian_pca.toml: every unit ends within 0.96 of its
    component, having started far from it (random initial weights)."""
    net = _pca()
    res = simulate(net, "rate", seed=0)
    res.info["duration"] = float(net.duration)
    out = M.compute_metrics(net, res)
    assert [out[f"pc_cosine_{k}"] for k in (1, 2, 3)] == pytest.approx([1, 1, 1], abs=0.04), out
    t, cos = M.pc_cosine_trace(net, res, "ff")
    assert t[0] == 0 and cos[0].max() < 0.5
    # the last trace sample is 1 s before the end (samples at 0, 1, ..., 119 s)
    assert t[-1] == 119.0
    np.testing.assert_allclose(cos[-1], [out[f"pc_cosine_{k}"] for k in (1, 2, 3)], atol=0.01)


def test_selectivity_index():
    assert M.selectivity_index(np.full((4, 1), 7.0))[0] == 0.0  # unselective
    one_hot = np.eye(4)  # unit k answers stimulus k only
    np.testing.assert_allclose(M.selectivity_index(one_hot), 0.75)
    assert np.isnan(M.selectivity_index(np.zeros((3, 1)))[0])  # silent: undefined


def test_bcm_model_becomes_selective():
    net = _declare(load_model(MODELS / "bcm_selectivity.toml").network, M.Selectivity(projection="ff"))
    res = simulate(net, "rate", seed=1, duration=net.quick_duration)
    res.info["duration"] = float(net.quick_duration)
    out = M.compute_metrics(net, res)
    # nearly equal initial weights: both patterns drive the unit alike
    assert out["selectivity_before_0"] < 0.05
    # after 30 s one pattern drives it, the other hardly (0.5 is complete selectivity for 2 patterns)
    assert out["selectivity_0"] > 0.4 and out["selectivity_mean"] == out["selectivity_0"]
    responses = M.pattern_responses(net, "ff", res.weights["ff"]["final"], res.weights["ff"]["final_i"],
                                    res.weights["ff"]["final_j"])
    np.testing.assert_allclose(responses[:, 0], net.populations["inputs"].patterns @ res.weights["ff"]["final"])


@pytest.mark.parametrize("spec", [M.PCCosine(projection="ff"), M.Selectivity(projection="ff")])
def test_metrics_need_pattern_inputs(spec):
    net = _declare(load_model(MODELS / "rate_vs_spike_drift.toml").network, spec)
    res = simulate(net, "rate", seed=0, duration=0.05 * second)
    with pytest.raises(ValueError, match="rate_patterns"):
        M.compute_metrics(net, res)


def test_model_files_may_declare_the_metrics():
    """The ``[[metrics]]`` entries the rate-native model files are to carry load and validate
    (once spikehebb.metrics is imported: see the note at PCCosine)."""
    for name, table in (("hebbian_pca.toml", {"type": "pc_cosine", "projection": "ff"}),
                        ("bcm_selectivity.toml", {"type": "selectivity", "projection": "ff"})):
        net = load_model(MODELS / name).network
        from spikehebb.model.measures import build_measures
        (spec,) = build_measures([table], net)
        assert spec.projection == "ff"
