"""The four literature rules (NeAW, AHL, HPCA, the correlation game) reproduce their papers' claims."""
import numpy as np
import pytest
from brian2 import second

from spikehebb.backends import simulate
from spikehebb.backends.rate.literature_rules import residual_delta_w, simplex_project
from spikehebb.metrics import compute_metrics
from spikehebb.model import load_model
from spikehebb.model.errors import ModelError

from conftest import MODELS


def run(name, overrides=(), seed=0, duration=None):
    net = load_model(MODELS / name, list(overrides)).network
    res = simulate(net, "rate", seed=seed, duration=duration)
    res.info["duration"] = float(duration if duration is not None else net.duration)
    return net, res, compute_metrics(net, res)


@pytest.mark.slow  # 5 s; the fast subset keeps AHL and HPCA
def test_neaw_decorrelates_where_plain_hebb_collapses():
    """Correlated inputs: Hebbian units with the same normalisation all learn one direction
    (target rate out of reach: never anti-Hebbian); NeAW's switch spreads them."""
    _, _, neaw = run("neaw_decorrelation.toml", seed=1)
    _, _, hebb = run("neaw_decorrelation.toml", ["projections.ff.rule.target=1e6 Hz"], seed=1)
    assert hebb["weight_cosine_mean"] > 0.99 and hebb["output_correlation_mean"] > 0.99, hebb
    assert neaw["weight_cosine_mean"] < 0.5 and neaw["output_correlation_mean"] < 0.5, neaw


def test_ahl_code_is_sparse_distributed_and_reconstructs_better_than_oja():
    _, _, ahl = run("ahl_sparse_patches.toml", ["model.duration=200 s"])
    _, _, oja = run("ahl_sparse_patches.toml", [
        "model.duration=200 s", 'projections.ff.rule={type="oja", learning_rate=1e-3}',
        'populations.code={type="rate_units", n=32, transfer="relu", tau="0 ms"}'])
    assert ahl["active_fraction"] == pytest.approx(0.1, abs=0.03)    # sparse: each unit ~ its target
    assert ahl["active_per_input"] > 2                               # distributed: several units per patch
    assert oja["active_fraction"] > 0.9                              # Oja: dense
    assert ahl["reconstruction_error"] < 0.4 < 0.9 < oja["reconstruction_error"]


def test_hpca_filters_are_the_leading_principal_components_of_mnist_patches():
    _, _, m = run("hpca_conv_mnist.toml", ['metrics=[{type="filter_pc_cosine", projection="ff"}]'])
    assert m["filter_pc_cosine_min"] >= 0.95, m


@pytest.mark.slow
def test_hpca_conv_readout_on_mnist():
    """The learned filters as a conv layer with a linear readout (10,000 train / 10,000 test digits)."""
    _, _, m = run("hpca_conv_mnist.toml")
    assert m["readout_test_error"] < 0.08, m


@pytest.mark.slow  # 4 s; the fast subset keeps AHL and HPCA
def test_correlation_game_objective_rises_and_units_learn_distinct_bars():
    net, res, m = run("seung_zung_parts.toml", duration=200 * second)   # the file's quick duration
    assert m["game_objective"] > m["game_objective_before"] + 10, m
    assert m["parts_match_mean"] > 0.9 and m["parts_distinct"] >= 6, m
    w = res.weights["ff"]["final"].reshape(64, 16)
    assert np.allclose(w.sum(axis=0), 1.0, atol=1e-6)              # the resource is conserved
    assert np.mean(w < 0.01) > 0.8                                   # most synapses pruned (w_max 0.15)


@pytest.mark.slow  # 4 s; the fast subset keeps AHL and HPCA
def test_without_anti_hebbian_inhibition_units_share_the_same_bars():
    """The control: lateral learning off (rate ~ 0). The competition alone still makes bar-like
    units, but they do not decorrelate: few distinct bars, and the game's objective falls."""
    _, _, m = run("seung_zung_parts.toml", ["projections.lateral.rule.learning_rate=1e-12"],
                  duration=200 * second)
    assert m["parts_distinct"] <= 3, m
    assert m["game_objective"] < m["game_objective_before"], m


def test_residual_rule_ordered_is_sanger():
    rng = np.random.default_rng(0)
    W, x, y = rng.normal(size=(4, 3)), rng.random(4), rng.random(3)
    pre, post = np.repeat(x, 3), np.tile(y, 4)
    i, j = np.repeat(np.arange(4), 3), np.tile(np.arange(3), 4)
    sanger = 0.1 * (x[:, None] - np.cumsum(W * y, axis=1)) * y
    assert np.allclose(residual_delta_w(pre, post, W.ravel(), 1.0, i, j, 4, True, 0.1), sanger.ravel())
    full = 0.1 * (x[:, None] - (W @ y)[:, None]) * y
    assert np.allclose(residual_delta_w(pre, post, W.ravel(), 1.0, i, j, 4, False, 0.1), full.ravel())


def test_simplex_projection_conserves_total_and_bounds():
    rng = np.random.default_rng(2)
    w, j = rng.normal(0.2, 0.3, 40), np.repeat(np.arange(4), 10)
    p = simplex_project(w, j, 4, 1.0, 0.3)
    assert np.allclose(np.bincount(j, weights=p), 1.0) and p.min() >= 0 and p.max() <= 0.3


def test_spike_backend_refuses_literature_models():
    net = load_model(MODELS / "neaw_decorrelation.toml").network
    with pytest.raises(ModelError, match="spike backend does not support"):
        simulate(net, "spike", seed=0, target="numpy", duration=0.01 * second)


def test_bad_literature_inputs_are_one_line_errors():
    with pytest.raises(ModelError, match="target"):
        load_model(MODELS / "ahl_sparse_patches.toml", ["populations.code.target=1.5"])
    with pytest.raises(ModelError, match="metrics.0..lateral: no lateral 'nope'"):
        load_model(MODELS / "seung_zung_parts.toml", ['metrics=[{type="correlation_game", projection="ff", lateral="nope"}]'])
    with pytest.raises(ModelError, match="receptor"):
        simulate(load_model(MODELS / "seung_zung_parts.toml", ['projections.lateral.receptor="exc"']).network,
                 "rate", duration=0.01 * second)


def test_literature_figures_are_made_from_a_run():
    from spikehebb.plots.literature import comparison_bars, literature_figures, weight_mosaic
    net, res, _ = run("seung_zung_parts.toml", duration=10 * second)
    figs = literature_figures(net, res)
    assert list(figs) == ["correlation_game_excitation_ff"]
    assert len(figs["correlation_game_excitation_ff"].axes[1].lines[0].get_xdata()) == 1  # one trace sample (10 s)
    ax = weight_mosaic(np.eye(4), 2)
    assert ax.images[0].get_array().shape == (2, 11)
    ax = comparison_bars({"a": {"x": 1.0, "y": 2.0}, "b": {"x": 0.5, "y": 0.1}})
    assert [p.get_height() for p in ax.patches] == [1.0, 2.0, 0.5, 0.1]


def test_nonlinear_hpca_first_filter_is_still_the_first_component():
    """MNIST patches are non-negative, so is their first component: the rectified unit 1 never
    clips and learns it as the linear one does (Lagani et al.'s nonlinear variant)."""
    _, _, m = run("hpca_conv_mnist.toml", ['projections.ff.rule.nonlinearity="relu"',
                                           'metrics=[{type="filter_pc_cosine", projection="ff"}]'],
                  duration=150 * second)
    assert m["filter_pc_cosine_1"] >= 0.95, m


def test_patches_larger_than_the_images_are_refused():
    net = load_model(MODELS / "ahl_sparse_patches.toml", ["populations.patches.size=700"]).network
    with pytest.raises(ModelError, match="do not fit"):
        simulate(net, "rate", duration=0.01 * second)
