"""The spiking classifier (Brian2 builder of the classifier descriptions), numpy target, small sizes."""
import brian2 as b2
import numpy as np
import pytest

from spikehebb.backends import build_classifier
from spikehebb.model.errors import ModelError
from classifier_net import phase, small_network


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(5)
    return rng.random((12, 4, 4)), rng.integers(0, 3, 12)


def test_one_build_serves_many_epochs(images, monkeypatch):
    net = small_network()
    clf = build_classifier(net, "spike", seed=1, target="numpy")
    built = {"networks": 0, "groups": 0}
    for cls, key in ((b2.Network, "networks"), (b2.NeuronGroup, "groups")):
        init = cls.__init__

        def counting(self, *a, _init=init, _key=key, **k):
            built[_key] += 1
            _init(self, *a, **k)
        monkeypatch.setattr(cls, "__init__", counting)
    runs = []
    run = clf.net.run
    monkeypatch.setattr(clf.net, "run", lambda *a, **k: (runs.append(1), run(*a, **k))[1])
    x, labels = images
    p = phase(net, {"image_to_hidden": 1.0, "hidden_to_output": "da"},
              {"population": "output", "distribution": "normal", "scale": 2.0})
    rng = np.random.default_rng(0)
    W0 = clf.weights()
    errors = [clf.train_epoch(x, labels, p, rng) for _ in range(3)]
    pred = clf.predict(x)
    assert built == {"networks": 0, "groups": 0}
    assert len(runs) == 4  # one Network.run per epoch and per predict call
    assert all(0.0 <= e <= 1.0 for e in errors)
    assert pred.shape == (12,) and set(pred) <= {0, 1, 2}
    assert not np.allclose(clf.weights()["image_to_hidden"], W0["image_to_hidden"])
    # 12 images x 3 epochs + 12 predictions, 40 ms each: the simulated time of those runs only
    assert float(clf.net.t) == pytest.approx(48 * 0.040)


def test_zero_dopamine_leaves_weights(images):
    net = small_network()
    clf = build_classifier(net, "spike", seed=2, target="numpy")
    W0 = clf.weights()
    p = phase(net, {"image_to_hidden": 0.0, "hidden_to_output": 0.0},
              {"population": "hidden", "distribution": "uniform", "scale": 5.0})
    clf.train_epoch(*images, p, np.random.default_rng(1))
    for k, W in clf.weights().items():
        np.testing.assert_array_equal(W, W0[k])


def test_rate_weights_round_trip():
    net = small_network()
    clf = build_classifier(net, "spike", seed=3, target="numpy")
    rng = np.random.default_rng(7)
    W = {"image_to_hidden": 1.0 + 3.0 * rng.random((16, 4)), "hidden_to_output": rng.random((4, 3)) / 4}
    clf.set_weights(W)
    back = clf.weights()
    for k in W:
        np.testing.assert_array_equal(back[k], W[k])
    # the synapses hold g log W in the (i, j) layout of W; the inputs g (mean_j log W_ij + shift)
    proj = clf.projections["image_to_hidden"]
    logW = np.log(W["image_to_hidden"])
    np.testing.assert_allclose(np.asarray(proj.syn.wd[:])[proj.index], 0.05 * logW)
    np.testing.assert_allclose(clf.layers["image"].group.c_image_to_hidden[:], 0.05 * (logW.mean(1) - 0.3))
    with pytest.raises(ModelError, match="shape"):
        clf.set_weights({"image_to_hidden": W["image_to_hidden"][:3], "hidden_to_output": W["hidden_to_output"]})
    with pytest.raises(ModelError, match="projections"):
        clf.set_weights({"image_to_hidden": W["image_to_hidden"]})
    st = clf.state()
    other = build_classifier(net, "spike", seed=4, target="numpy")
    other.load_state(st)
    for k, v in other.state().items():
        np.testing.assert_array_equal(v, st[k])


@pytest.mark.parametrize("target", ["cpp_standalone", "fortran"])
def test_bad_target(target):
    with pytest.raises(ModelError, match="target") as info:
        build_classifier(small_network(), "spike", seed=0, target=target)
    assert "\n" not in str(info.value)


def test_conv_model_refused(models_dir):
    from spikehebb.model.classifier import SoftWTA
    layer = SoftWTA(_where="maps", n=2, grid=[4, 4])
    from spikehebb.backends.brian2.wta import LAYER_BUILDERS
    with pytest.raises(ModelError, match="rate"):
        LAYER_BUILDERS.build(layer, "maps", None)


def test_average_change_matches_rate_rule(monkeypatch):
    r"""Over many presentations of one image, the spiking rule's summed change equals the rate rule's.

    With eps small enough that W stays put, the summed change over K
    presentations divided by eps is :math:`\sum_k e^{(k)}/N^{(k)}`; the rate
    rule with the measured shares :math:`s^{(k)}_j = n^{(k)}_j/N^{(k)}` predicts
    :math:`\sum_k s^{(k)}_j (y_i - W_{ij})`. The difference is the
    pre-before-post covariance (an input spike raises the chance of a post
    spike, so the trace read at post spikes is biased towards inputs with a
    large drive weight) plus sampling noise of the Poisson trains. Measured
    with this network (per-presentation terms): 150 presentations, deviation
    6.1 % with a sampling error of 5.0 %; 600 presentations, 3.2 % with 2.6 %
    sampling error, so the covariance bias is about 2 % and the deviation here
    is mostly sampling noise. Tolerance: 8 % of the predicted change
    (relative Frobenius norm; ~1.5 sampling errors above the bias), and a
    correlation of the two matrices above 0.99.
    """
    net = small_network(n_hidden=3, w_inh=0.2)
    net.populations["hidden"].spike.shift = -0.8  # all three neurons share the spikes (0.38, 0.28, 0.34)
    net.projections["image_to_hidden"].rule.eps = 1e-7
    clf = build_classifier(net, "spike", seed=11, target="numpy")
    rng = np.random.default_rng(3)
    W = 1.0 + 2.0 * rng.random((16, 3))
    clf.set_weights({"image_to_hidden": W, "hidden_to_output": clf.weights()["hidden_to_output"]})
    x = np.arange(16.0).reshape(1, 4, 4)
    y = 8.0 * x.ravel() / x.sum() + 1.0  # total 24, offset 1 per pixel
    shares = []
    end = clf._end_image

    def record():
        if clf.job is not None and 0 <= clf.job["k"] < len(clf.job["y"]):
            n = np.array(clf.layers["hidden"].group.count[:])
            shares.append(n / max(n.sum(), 1))
        end()
    monkeypatch.setattr(clf, "_end_image", record)
    K = 150
    p = phase(net, {"image_to_hidden": 1.0})
    clf.train_epoch(np.repeat(x, K, 0), np.zeros(K, int), p, rng)
    spiking = (clf.weights()["image_to_hidden"] - W) / 1e-7
    S = np.sum(shares, 0)
    rate = S[None, :] * (y[:, None] - W)
    assert len(shares) == K and S.min() > 0.1 * K  # every hidden neuron takes part
    rel = np.linalg.norm(spiking - rate) / np.linalg.norm(rate)
    corr = np.corrcoef(spiking.ravel(), rate.ravel())[0, 1]
    print(f"relative deviation {rel:.4f}, correlation {corr:.5f}, shares {S / K}")
    assert rel < 0.08 and corr > 0.99, (rel, corr, S)
