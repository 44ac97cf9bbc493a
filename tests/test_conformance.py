"""Backend conformance: one set of behavioural tests, run on every backend.

Each test takes the ``backend`` fixture. What a backend cannot do is listed in
:data:`UNSUPPORTED` with the reason; those tests are marked ``xfail(strict=True)``
(cf. Nengo's ``nengo_test_unsupported``), so a backend that gains the feature
makes the suite fail until the entry is removed.
"""
import numpy as np
import pytest

from spikehebb.backends import simulate
from spikehebb.backends.connectivity import connection_indices
from spikehebb.metrics import mean_rate
from spikehebb.model import (DASTDP, LIF, Modulator, Network, PairSTDP, PoissonInput, Projection,
                             SpikeTimes)
from spikehebb.model.errors import ModelError
from spikehebb.model.rate_models import Oja, RateUnits
from spikehebb.tasks.hopfield.capacity import memory_description

BACKENDS = ("spike", "rate")

UNSUPPORTED = {
    ("spike", "test_rate_native_oja_finds_principal_component"):
        "rate-native units and rules (rate_units, oja, ...) have no spiking counterpart",
    ("rate", "test_stdp_depends_on_spike_order"):
        "rates carry no spike timing: the rate rule averages pre-before-post and post-before-pre alike",
    ("spike", "test_modern_and_dense_memories_recall_beyond_hebbian_capacity"):
        "modern and dense memories store patterns, not weights: the spike backend refuses them in one "
        "line naming the rate backend",
    ("spike", "test_classifier_conv_and_pool_layers_run"):
        "conv/pool layers (shared kernels over 784 positions x maps) have no spiking builder yet: "
        "the spike backend refuses them in one line naming the rate backend",
}


@pytest.fixture(params=BACKENDS)
def backend(request):
    reason = UNSUPPORTED.get((request.param, request.node.originalname))
    if reason:
        request.node.add_marker(pytest.mark.xfail(reason=reason, strict=True))
    return request.param


def run(net, backend, seed=1, duration=None):
    return simulate(net, backend, seed=seed, target="numpy", duration=duration)


LIF_KW = dict(synapse="current", tau_m="20 ms", r_m="100 Mohm", v_rest="-70 mV", v_reset="-70 mV",
              v_th="-55 mV", t_ref="2 ms", tau_e="2 ms")


def driven_network(rules=(None, None), duration="1 s", w_init="10 pA", w_init_high=None,
                   weight_synapses=7, modulators=None):
    """50 Poisson inputs each onto two LIF populations, ``low`` (inputs at 20 Hz) and ``high``
    (40 Hz), plus 130 pA (below rheobase, 150 pA: every spike needs the synaptic input)."""
    pops = {"in_low": PoissonInput(n=50, rate="20 Hz"), "in_high": PoissonInput(n=50, rate="40 Hz"),
            "low": LIF(n=5, i_ext="130 pA", **LIF_KW), "high": LIF(n=5, i_ext="130 pA", **LIF_KW)}
    proj = {name: Projection(pre=f"in_{name}", post=name, w_init=w_init, w_init_high=w_init_high,
                             w_max="20 pA", rule=rule) for name, rule in zip(("low", "high"), rules)}
    return Network(name="driven", duration=duration, populations=pops, projections=proj, modulators=modulators,
                   record={"rates": ["low", "high"], "rate_bin": "100 ms", "weights": ["low", "high"],
                           "weight_synapses": weight_synapses, "weight_dt": "250 ms"})


_CACHE = {}


@pytest.fixture
def static_run(backend):
    """One static run per backend, shared by the tests that only read it."""
    if backend not in _CACHE:
        net = driven_network(w_init="5 pA", w_init_high="15 pA", weight_synapses=[0, 3, 49])
        _CACHE[backend] = (net, run(net, backend, seed=7))
    return _CACHE[backend]


def test_output_rate_grows_with_input_rate(static_run):
    net, res = static_run
    low, high = (mean_rate(net, res, p) for p in ("low", "high"))
    assert 0.5 < low < high < 100, (low, high)


def test_result_layout_and_connectivity(static_run):
    net, res = static_run
    t, r = res.rates["low"]
    assert np.allclose(np.diff(t), 0.1) and t.shape == r.shape == (10,)
    rec = res.weights["low"]
    assert np.allclose(rec["t"], [0.0, 0.25, 0.5, 0.75]) and rec["w"].shape == (4, 3)
    # connectivity and initial weights come from the same generator stream on every backend
    i, j = connection_indices(net.projections["low"], net, np.random.default_rng(7))
    assert np.array_equal(rec["final_i"], i) and np.array_equal(rec["final_j"], j)
    assert np.array_equal(rec["i"], i[[0, 3, 49]])
    assert np.all((rec["w"][0] >= 5e-12) & (rec["w"][0] <= 15e-12)) and np.ptp(rec["w"][0]) > 0
    assert rec["w_max"] == pytest.approx(20e-12) and rec["w_min"] == 0.0


def test_static_weights_do_not_change(static_run):
    _, res = static_run
    for rec in res.weights.values():
        assert np.array_equal(rec["w"][-1], rec["w"][0])


def test_silent_without_input(backend):
    net = Network(name="silent", duration="300 ms", populations={"cells": LIF(n=3, **LIF_KW)},
                  record={"rates": ["cells"], "rate_bin": "100 ms"})
    res = run(net, backend)
    assert mean_rate(net, res, "cells") == 0.0


def test_stdp_drift_follows_the_balance_of_the_window(backend):
    """Depression-dominated window onto ``low``, potentiation-dominated onto ``high``."""
    net = driven_network(rules=(PairSTDP(a_plus=0.004, a_minus=0.012), PairSTDP(a_plus=0.012, a_minus=0.004)))
    res = run(net, backend)
    for name, sign in (("low", -1), ("high", 1)):
        rec = res.weights[name]
        assert np.sign(rec["final"].mean() - 10e-12) == sign
        assert np.all((rec["final"] >= 0) & (rec["final"] <= 20e-12 * (1 + 1e-9)))


def test_dopamine_gates_eligibility(backend):
    """Same eligibility, dopamine only onto ``high`` (tonic 2.0); ``low`` sees none and keeps its weights."""
    rule = {"a_plus": 0.01, "a_minus": 0.005, "tau_c": "200 ms", "learning_rate": "5 Hz"}
    late = {"type": "schedule", "times": ["10 s"], "amounts": 1.0}  # after the run: only the baseline acts
    mods = {"none": Modulator(baseline=0.0, source=late), "tonic": Modulator(baseline=2.0, source=late)}
    net = driven_network(rules=(DASTDP(**{**rule, "modulator": "none"}), DASTDP(**{**rule, "modulator": "tonic"})),
                         modulators=mods)
    res = run(net, backend)
    assert res.weights["low"]["final"].mean() - 10e-12 == pytest.approx(0.0, abs=1e-20)
    assert res.weights["high"]["final"].mean() - 10e-12 > 0.05e-12


def test_stdp_depends_on_spike_order(backend):
    """Pre 5 ms before post potentiates; the spiking rule sees the order (the rate rule cannot)."""
    pre_t = [f"{k * 100 + 10} ms" for k in range(10)]
    post_t = [f"{k * 100 + 15} ms" for k in range(10)]
    net = Network(
        name="order", duration="1 s",
        populations={"pre": SpikeTimes(n=1, indices=[0] * 10, times=pre_t),
                     "teacher": SpikeTimes(n=1, indices=[0] * 10, times=post_t),
                     "post": LIF(n=1, synapse="current", tau_e="0.05 ms", t_ref="0.5 ms")},
        projections={"plastic": Projection(pre="pre", post="post", w_init="0.5 pA", w_max="1 pA",
                                           rule=PairSTDP(a_plus=0.01, a_minus=0.01)),
                     "teach": Projection(pre="teacher", post="post", w_init="200 nA")},
        record={"weights": ["plastic"], "weight_synapses": 1})
    res = run(net, backend)
    assert res.weights["plastic"]["final"][0] > 0.5e-12 + 0.05e-12


def test_rate_native_oja_finds_principal_component(backend):
    """Linear rate unit, Oja's rule, inputs with a known second-moment matrix."""
    rng = np.random.default_rng(0)
    n, steps = 5, 3000
    mix = rng.normal(size=(n, n)) * np.array([3.0, 1.5, 1.0, 0.5, 0.3])
    rates = np.clip(10.0 + rng.normal(size=(steps, n)) @ mix.T, 0.0, None)  # Hz, every 10 ms
    net = Network(name="oja", duration="30 s", dt="1 ms",
                  populations={"x": PoissonInput(n=n, rates=rates, schedule_dt="10 ms"),
                               "y": RateUnits(n=1, transfer="linear", tau="0 ms")},
                  projections={"w": Projection(pre="x", post="y", w_init=0.1, w_min=-10.0, w_max=10.0,
                                               rule=Oja(learning_rate=1e-3))},
                  record={"weights": ["w"], "weight_synapses": n, "rates": ["y"]})
    res = run(net, backend)
    w = res.weights["w"]["final"]
    evals, evecs = np.linalg.eigh(rates.T @ rates / steps)
    assert np.linalg.norm(w) == pytest.approx(1.0, abs=0.02)
    assert abs(evecs[:, -1] @ w) / np.linalg.norm(w) > 0.995


def test_unsupported_description_raises_a_model_error():
    net = Network(name="u", duration="10 ms", populations={"y": RateUnits(n=1)})
    with pytest.raises(ModelError, match="does not support RateUnits"):
        run(net, "spike")


# --- classifier descriptions (soft WTA, normalising Hebbian rule, choice dopamine, conv, pool) ---

def _bars(n, rng):
    """4 x 4 images of one of three bars (two columns or the bottom rows), plus weak noise."""
    x = rng.random((n, 4, 4)) * 0.1
    labels = np.arange(n) % 3
    for k, c in enumerate(labels):
        if c < 2:
            x[k, :, 2 * c:2 * c + 2] += 1.0
        else:
            x[k, 2:, :] += 1.0
    return x, labels


def test_classifier_hebbian_epoch_normalises_and_predicts(backend):
    """One DA = 1 epoch on both backends: every hidden column that learns moves its weight sum
    toward the input total A (the rule's fixed point: sum_i W_ij = A), the classifier predicts a class
    for every image, and the weights round-trip through set_weights."""
    from classifier_net import phase, small_network

    from spikehebb.backends import build_classifier
    net = small_network()
    clf = build_classifier(net, backend, seed=1, target="numpy")
    x, labels = _bars(30, np.random.default_rng(0))
    W0 = clf.weights()["image_to_hidden"].copy()  # U(1, 2): column sums near 24 = A, spread by the draw
    W0 = W0 * (np.array([0.6, 0.8, 1.2, 1.4]) * 24 / W0.sum(0))  # sums 14.4 ... 33.6: off A both ways
    clf.set_weights({"image_to_hidden": W0, "hidden_to_output": clf.weights()["hidden_to_output"]})
    clf.train_epoch(x, labels, phase(net, {"image_to_hidden": 1.0}), np.random.default_rng(2))
    W1 = clf.weights()["image_to_hidden"]
    # the units that won some images learned, and each of them moved toward A (the winners differ by
    # backend: the softmax shares every image, the spiking race gives it to a few units)
    changed = W1.sum(0) != W0.sum(0)
    moved = np.abs(W1.sum(0) - 24) < np.abs(W0.sum(0) - 24)
    assert changed.any() and moved[changed].all(), (W0.sum(0), W1.sum(0))
    pred = clf.predict(x)
    assert pred.shape == (30,) and set(pred) <= {0, 1, 2}
    back = {k: v.copy() for k, v in clf.weights().items()}
    clf.set_weights(back)
    for k, v in clf.weights().items():
        np.testing.assert_array_equal(v, back[k])


def test_classifier_conv_and_pool_layers_run(backend, tmp_path):
    from test_classifier import CONV

    from spikehebb.backends import build_classifier
    from spikehebb.model import load_model
    path = tmp_path / "conv.toml"
    path.write_text(CONV)
    model = load_model(path)
    clf = build_classifier(model.network, backend, seed=0, target="numpy")
    x, labels = _bars(6, np.random.default_rng(1))
    assert clf.predict(np.repeat(np.repeat(x, 2, 1), 2, 2)[:, :6, :6] * 255).shape == (6,)


def _cued(p, n, flip, seed):
    from spikehebb.tasks.hopfield.patterns import flip_bits, random_patterns
    rng = np.random.default_rng(seed)
    x = random_patterns(p, n, rng)
    return x, flip_bits(x, flip, rng)


@pytest.mark.parametrize("rule", ["hebbian", "storkey", "pseudo_inverse"])
def test_hopfield_memory_corrects_flipped_bits(backend, rule):
    # the same description (binary units, weights stored from the patterns) on both backends:
    # spins on the rate backend, LIF neurons on the spike backend; 3 patterns of 64 bits, 10 % flipped
    from spikehebb.backends import build_memory
    from spikehebb.backends.memory import overlap
    x, cues = _cued(3, 64, 0.1, seed=5)
    mem = build_memory(memory_description(rule, 64, spike={"duration": "200 ms"}), backend, seed=0,
                       target="numpy").fit(x)
    states, _ = mem.recall(cues, targets=x)
    assert np.all(overlap(states, x) >= 0.95), overlap(states, x)
    np.testing.assert_allclose(mem.weights_, mem.weights_.T, atol=1e-12)  # storage is the backends' shared code


@pytest.mark.parametrize("kind, kw", [("modern", {"beta": 1.0}), ("dense", {"degree": 3})])
def test_modern_and_dense_memories_recall_beyond_hebbian_capacity(backend, kind, kw):
    # 50 patterns of 50 bits (load 1, seven times the Hebbian 0.138) from 10 %-flipped cues
    from spikehebb.backends import build_memory
    from spikehebb.backends.memory import overlap
    x, cues = _cued(50, 50, 0.1, seed=6)
    mem = build_memory(memory_description(kind, 50, **kw), backend, seed=0, target="numpy").fit(x)
    states, _ = mem.recall(cues)
    assert np.mean(overlap(states, x) == 1.0) >= 0.9



# the association family's tasks: one network description, each backend at its own step
_TASK_DT = {"spike": "0.2 ms", "rate": "1 ms"}


@pytest.mark.slow  # spike side: a Brian2 run of 5 s of network time and a recall run
def test_association_task_recalls_both_pairs(backend):
    # teacher-clamped pair STDP: cue A's synapses grow towards w_max, cue B's see a silenced output
    from spikehebb.tasks.association.learners import Association
    cues, targets = np.eye(2, dtype=int), np.array([[1], [0]])
    a = Association(backend, epochs=3, dt=_TASK_DT[backend], random_state=1).fit(cues, targets)
    np.testing.assert_array_equal(a.predict(cues), targets)
    assert a.weights_[0, 0] > 0.8 and a.weights_[1, 0] < 0.15  # measured 0.99 / 0.054 (spike), 1.0 / 0.054 (rate)


@pytest.mark.slow  # spike side: a Brian2 run of 6.6 s of network time
def test_conditioning_task_raises_cs_response(backend):
    # classical (delay) conditioning by pair STDP: the CS alone drives the output only after the pairings
    from spikehebb.tasks.association.conditioning import Conditioning
    c = Conditioning(backend, "pair_stdp", trials=6, iti="300 ms", dt=_TASK_DT[backend], random_state=1).fit()
    assert c.cs_response_before_ < 1.0 and c.trial_responses_[0] < 1.0
    assert c.cs_response_after_ > 25.0 and c.weight_after_ > 0.6  # measured 59 Hz / 0.99 (spike), 51 Hz / 1.0 (rate)
