"""The classifier descriptions on the rate backend: the rule and the dopamine table
by hand, convolution and pooling against hand-computed sums, one epoch replayed
by hand, the model file's layers ([quick], [spike]), and one-line errors."""
import numpy as np
import pytest

from spikehebb.backends import build_classifier
from spikehebb.backends.classify import choice_dopamine, normalise, softmax
from spikehebb.backends.rate.classifier_layers import hebbian_step
from spikehebb.model import load_model
from spikehebb.tasks import load_task, resolve
from spikehebb.model.errors import ModelError

TINY = """
[model]
name = "tiny"
[task]
type = "classification"
batch = 4
[task.phases.hebbian]
epochs = 2
learn = {in_to_hid = 1.0, hid_to_out = "da_class"}
explore = {population = "out", distribution = "normal", scale = 1.0}
[task.phases.dopamine]
epochs = 1
learn = {in_to_hid = "da_hidden"}
explore = {population = "hid", distribution = "uniform", scale = 2.0}
[populations.image]
type = "image"
shape = [3, 2]
total = 8.0
[populations.hid]
type = "soft_wta"
n = 5
temperature = 0.5
[populations.out]
type = "soft_wta"
n = 3
temperature = 0.5
[projections.in_to_hid]
pre = "image"
post = "hid"
w_init = 1.0
w_init_high = 2.0
rule = {type = "normalising_hebb", eps = 0.01}
[projections.hid_to_out]
pre = "hid"
post = "out"
w_init = 0.2
w_init_high = 0.21
rule = {type = "normalising_hebb", eps = 0.001}
[modulators.da_hidden]
source = {type = "choice_reward", population = "out", values = [4.5, 0.02, -0.1, -2.0]}
[modulators.da_class]
source = {type = "choice_reward", population = "out", values = [0.0, 0.2, -0.3, -0.5]}
[quick.task.phases.hebbian]
epochs = 1
[spike.task]
n_test = 7
[spike.quick.task]
n_test = 3
"""


def _tiny(tmp_path, text=TINY, **kw):
    p = tmp_path / "tiny.toml"
    p.write_text(text)
    return load_task(p, **kw)  # (model, validated task parameters)


def test_hebbian_step_equals_hand_computation():
    W = np.array([[1.0, 2.0], [3.0, 0.5], [2.0, 1.5]])  # 3 inputs, 2 units
    pre = np.array([[4.0, 1.0, 1.0], [0.0, 2.0, 4.0]])
    post = np.array([[0.75, 0.25], [0.1, 0.9]])
    da = np.array([2.0, -0.5])
    eps = 0.01
    expect = W.copy()
    for i in range(3):
        for j in range(2):
            expect[i, j] += eps * sum(da[b] * post[b, j] * (pre[b, i] - W[i, j]) for b in range(2))
    np.testing.assert_allclose(hebbian_step(W.copy(), pre, post, eps, da), expect, rtol=1e-13)
    # without dopamine (DA = 1) the rule keeps columns at the input sum A = 6
    W6 = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    np.testing.assert_allclose(hebbian_step(W6, pre, post, 0.05).sum(0), 6.0, rtol=1e-13)
    # the floor: a weight the rule would drive below it stays at it
    low = hebbian_step(np.array([[1e-9], [1.0]]), np.array([[0.0, 1.0]]), np.array([[1.0]]), 1.0)
    assert low[0, 0] == 1e-10


def test_normalise_and_softmax():
    y = normalise(np.array([[0.0, 1.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]]), 10.0)
    np.testing.assert_allclose(y[0], [1.0, 1.0 + 6 * 0.25, 1.0 + 6 * 0.75, 1.0])
    np.testing.assert_allclose(y[1], 2.5)  # blank input: uniform
    np.testing.assert_allclose(softmax(np.array([[0.0, np.log(3.0)]]), 1.0), [[0.25, 0.75]])
    assert softmax(np.array([[0.0, 1.0]]), 0.01)[0, 1] > 0.999


def test_choice_dopamine_all_four_cases():
    #        explored+rewarded  greedy+rewarded  explored+wrong  greedy+wrong
    da, reward = choice_dopamine([1, 3, 5, 7], [2, 3, 6, 7], [2, 3, 0, 0], [4.5, 0.02, -0.1, -2.0])
    assert da.tolist() == [4.5, 0.02, -0.1, -2.0]
    assert reward.tolist() == [True, True, False, False]


def test_one_dopamine_epoch_replayed_by_hand(tmp_path):
    """A dopamine epoch is exactly the rule with the table's DA, the noisy hidden
    activity, and a frozen classifier."""
    model, params = _tiny(tmp_path)
    net = build_classifier(model.network, "rate", seed=3)
    phase = params["phases"]["dopamine"]
    rng = np.random.default_rng(11)
    x = rng.random((8, 3, 2)) * 255
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    W0, Wo0 = (net.weights()[k].copy() for k in ("in_to_hid", "hid_to_out"))
    r1, r2 = np.random.default_rng(7), np.random.default_rng(7)
    net.train_epoch(x, labels, phase, r1)
    W = W0.copy()
    y = normalise(x.reshape(8, -1), 8.0)
    order = r2.permutation(8)
    for b in (0, 4):
        idx = order[b:b + 4]
        yb, lb = y[idx], labels[idx]
        u = yb @ np.log(W)
        greedy = np.argmax(softmax(u, 0.5) @ np.log(Wo0), 1)
        s_n = softmax(u + r2.uniform(0, 2.0, u.shape), 0.5)
        taken = np.argmax(s_n @ np.log(Wo0), 1)
        da = np.where(taken == lb, np.where(greedy == taken, 0.02, 4.5), np.where(greedy == taken, -2.0, -0.1))
        W = np.maximum(W + 0.01 * (yb.T @ (s_n * da[:, None]) - (s_n * da[:, None]).sum(0) * W), 1e-10)
    np.testing.assert_allclose(net.weights()["in_to_hid"], W, rtol=1e-12)
    np.testing.assert_array_equal(net.weights()["hid_to_out"], Wo0)  # classifier frozen


def test_initial_weights_are_the_same_draw_on_both_sides(tmp_path):
    model, _ = _tiny(tmp_path)
    a = build_classifier(model.network, "rate", seed=4).weights()
    rng = np.random.default_rng([4, 0])
    np.testing.assert_array_equal(a["in_to_hid"], rng.random((6, 5)) * 1.0 + 1.0)
    np.testing.assert_array_equal(a["hid_to_out"], rng.random((5, 3)) * (0.21 - 0.2) + 0.2)


def test_set_weights_checks_names_and_shapes(tmp_path):
    model, _ = _tiny(tmp_path)
    net = build_classifier(model.network, "rate", seed=0)
    W = {k: v * 1.5 for k, v in net.weights().items()}
    net.set_weights(W)
    for k in W:
        np.testing.assert_array_equal(net.weights()[k], W[k])
    with pytest.raises(ModelError, match=r"shape \(6, 4\)"):
        net.set_weights({"in_to_hid": np.ones((6, 4)), "hid_to_out": W["hid_to_out"]})
    with pytest.raises(ModelError, match="projections"):
        net.set_weights({"in_to_hid": W["in_to_hid"]})


def test_quick_and_backend_tables_layer_in_order(tmp_path):
    assert _tiny(tmp_path)[1]["phases"]["hebbian"].epochs == 2
    assert _tiny(tmp_path, quick=True)[1]["phases"]["hebbian"].epochs == 1
    assert _tiny(tmp_path, backend="spike")[1]["n_test"] == 7
    assert _tiny(tmp_path, backend="rate")[1]["n_test"] == 0
    assert _tiny(tmp_path, backend="spike", quick=True)[1]["n_test"] == 3
    _, params = load_task(tmp_path / "tiny.toml", ["task.n_test=5"], quick=True, backend="spike")
    assert params["n_test"] == 5  # --set wins


@pytest.mark.parametrize("old,new,where", [
    ('values = [4.5, 0.02, -0.1, -2.0]', 'values = [4.5, 0.02]', "modulators.da_hidden.source.values"),
    ('learn = {in_to_hid = "da_hidden"}', 'learn = {in_to_hid = "dopa"}', "task.phases.dopamine.learn.in_to_hid"),
    ('learn = {in_to_hid = "da_hidden"}', 'learn = {nowhere = 1.0}', "task.phases.dopamine.learn.nowhere"),
    ('total = 8.0', 'total = 6.0', "populations.image.total"),
    ('population = "hid", distribution = "uniform"', 'population = "hid", distribution = "cauchy"',
     "task.phases.dopamine.explore.distribution"),
])
def test_bad_descriptions_name_the_key(tmp_path, old, new, where):
    with pytest.raises(ModelError) as exc:
        _tiny(tmp_path, TINY.replace(old, new))
    assert exc.value.where == where and "\n" not in str(exc.value)


CONV = """
[model]
name = "tinyconv"
[task]
type = "classification"
[task.phases.filters]
epochs = 1
learn = {image_to_maps = 1.0}
[populations.image]
type = "image"
shape = [6, 6]
[populations.maps]
type = "soft_wta"
n = 3
grid = [6, 6]
[populations.pooled]
type = "normalise"
n = 27
total = 40.0
[populations.out]
type = "soft_wta"
n = 2
[projections.image_to_maps]
pre = "image"
post = "maps"
connectivity = {type = "conv", kernel = 3, stride = 1, padding = 1, patch_total = 20.0, patch_offset = 0.1}
w_init = 1.0
w_init_high = 2.0
rule = {type = "normalising_hebb", eps = 0.001}
[projections.maps_to_pooled]
pre = "maps"
post = "pooled"
connectivity = {type = "pool", size = 4, stride = 2}
w_init = 1.0
[projections.pooled_to_out]
pre = "pooled"
post = "out"
w_init = 1.0
w_init_high = 2.0
rule = {type = "normalising_hebb", eps = 0.001}
"""


def test_conv_and_pooling_against_hand_computed_sums(tmp_path):
    model, _ = _tiny(tmp_path, CONV)
    net = build_classifier(model.network, "rate", seed=1)
    x = np.random.default_rng(2).random((2, 6, 6)) * 255
    acts, drives = net._forward({"image": net.layers["image"].activate(x)})
    Wc = net.weights()["image_to_maps"]
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    for (b, r, c) in [(0, 0, 0), (1, 3, 5), (0, 5, 2)]:
        patch = xp[b, r:r + 3, c:c + 3].ravel() + 0.1 * 255 + 1e-5  # offset in units of full intensity
        y = (20.0 - 9) * patch / patch.sum() + 1  # each patch sums to patch_total, offset 1 per pixel
        u = y @ np.log(Wc)
        np.testing.assert_allclose(drives["maps"].reshape(2, 6, 6, 3)[b, r, c], u, rtol=1e-12)
        np.testing.assert_allclose(acts["maps"].reshape(2, 6, 6, 3)[b, r, c], softmax(u[None], 0.1)[0], rtol=1e-10)
    # 4 x 4 windows every 2 positions, zero-padded by (4 - 2) / 2 = 1: a 3 x 3 grid per map
    s = np.pad(acts["maps"].reshape(2, 6, 6, 3), ((0, 0), (1, 1), (1, 1), (0, 0)))
    pooled = drives["pooled"].reshape(2, 3, 3, 3)
    for (r, c) in [(0, 0), (1, 2), (2, 1)]:
        np.testing.assert_allclose(pooled[:, r, c], s[:, 2 * r:2 * r + 4, 2 * c:2 * c + 4].sum((1, 2)), rtol=1e-12)
    np.testing.assert_allclose(acts["pooled"].sum(1), 40.0, rtol=1e-6)  # normalised to total
    np.testing.assert_allclose(acts["pooled"], normalise(drives["pooled"], 40.0), rtol=1e-6)


def test_conv_filter_epoch_learns_shared_kernels(tmp_path):
    model, params = _tiny(tmp_path, CONV)
    net = build_classifier(model.network, "rate", seed=1)
    x = np.zeros((4, 6, 6))
    x[:, 1:5, 2:4] = 255  # vertical bars
    W0 = net.weights()["image_to_maps"].copy()
    err = net.train_epoch(x, np.zeros(4, int), params["phases"]["filters"], np.random.default_rng(0))
    assert np.isnan(err)  # the filter phase never asks for the classifier's choice
    W1 = net.weights()["image_to_maps"]
    assert W1.shape == (9, 3) and not np.array_equal(W0, W1)
    # columns relax toward the patch sum 20 (they start near 13.5)
    assert np.all(np.abs(W1.sum(0) - 20) < np.abs(W0.sum(0) - 20))


@pytest.mark.parametrize("old,new,match", [
    ("size = 4, stride = 2", "size = 3, stride = 2", "stride"),
    ("n = 27", "n = 28", "n = 27"),
    ("grid = [6, 6]", "grid = [5, 5]", r"grid \[6, 6\]"),
])
def test_conv_and_pool_shapes_are_checked(tmp_path, old, new, match):
    with pytest.raises(ModelError, match=match):
        _tiny(tmp_path, CONV.replace(old, new))


@pytest.mark.parametrize("quick", [False, True])
@pytest.mark.parametrize("backend", [None, "rate", "spike"])
def test_every_shipped_model_loads_in_every_layering(models_dir, backend, quick):
    for path in sorted(models_dir.glob("*.toml")):
        model = load_model(path, quick=quick, backend=backend)
        assert model.name, path
        if model.task is not None:
            resolve(model)


def test_a_rule_without_a_batched_step_is_refused_in_one_line(tmp_path):
    text = TINY.replace('rule = {type = "normalising_hebb", eps = 0.001}',
                        'w_max = 1.0\nrule = {type = "pair_stdp"}').replace(', hid_to_out = "da_class"', "")
    model, _ = _tiny(tmp_path, text)
    with pytest.raises(ModelError) as exc:
        build_classifier(model.network, "rate")
    assert "projections.hid_to_out.rule" in str(exc.value) and "PairSTDP" in str(exc.value)
