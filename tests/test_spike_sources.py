"""Spike sources (poisson, spike_times) as the post population of plastic projections,
spike files, and the coincidence convention of the STDP rules."""
import numpy as np
import pytest
from brian2 import second

from spikehebb.backends import simulate
from spikehebb.backends.rate.network import RateNetwork
from spikehebb.model import (DASTDP, Modulator, Network, PairSTDP, PoissonInput, Projection, SpikeTimes,
                             TripletSTDP, load_model)
from spikehebb.model.errors import ModelError
from stdp_reference import da_stdp, pair_stdp, triplet_stdp

A_PLUS, A_MINUS, TAU = 0.002, 0.0024, 0.02


def _kempter_network(dt="1 ms", duration="10 s"):
    """100 Poisson pre neurons (20 Hz) onto 10 Poisson post neurons (30 Hz): independent trains."""
    return Network(name="kempter", dt=dt, duration=duration,
                   populations={"pre": PoissonInput(n=100, rate="20 Hz"), "post": PoissonInput(n=10, rate="30 Hz")},
                   projections={"plastic": Projection(pre="pre", post="post", w_init=0.5, w_max=1.0,
                                                      rule=PairSTDP(a_plus=A_PLUS, a_minus=A_MINUS))},
                   record={"weights": ["plastic"], "weight_synapses": 10, "weight_dt": "1 s"})


def test_poisson_post_gives_the_kempter_drift():
    """Independent Poisson pre and post trains, additive all-to-all pair STDP: the mean drift is
    w_max r_pre r_post (A+ tau+ - A- tau-) (Kempter, Gerstner & van Hemmen 1999). On the spike
    backend with 1 ms steps the pairs of the same step do not pair, which shortens both sides
    of the window by dt/2 (2.5 %); the exact discrete-time drift is asserted within 3 standard
    errors, Kempter's within 5 %. The rate backend gives Kempter's drift exactly."""
    T, dt = 10.0, 1e-3
    kempter = 20 * 30 * (A_PLUS * TAU - A_MINUS * TAU) * T
    net = _kempter_network()
    w = simulate(net, "spike", seed=7, target="numpy").weights["plastic"]["final"]
    lag_sum = 1 / np.expm1(dt / TAU)  # sum over lags k >= 1 of e^{-k dt/tau}
    discrete = 20 * 30 * dt * (A_PLUS - A_MINUS) * lag_sum * T
    # each post train is shared by 100 synapses: the standard error is at least that of the 10 post means
    post_means = np.array([w[np.arange(len(w)) % 10 == j].mean() for j in range(10)])
    sem = max(w.std() / np.sqrt(len(w)), post_means.std(ddof=1) / np.sqrt(10))
    assert abs(w.mean() - 0.5 - discrete) < 3 * sem, (w.mean() - 0.5, discrete, sem)
    assert w.mean() - 0.5 == pytest.approx(kempter, rel=0.05)
    rate = simulate(net, "rate", seed=7).weights["plastic"]["final"]
    np.testing.assert_allclose(rate - 0.5, kempter, rtol=1e-9)


def test_rate_backend_steps_with_the_model_dt():
    """The rate backend runs at the network's dt (no hidden step of its own)."""
    net = _kempter_network(dt="2 ms", duration="1 s")
    assert RateNetwork(net, 0).dt == pytest.approx(2e-3)
    rec = simulate(net, "rate", seed=0).weights["plastic"]
    np.testing.assert_allclose(rec["final"] - 0.5, 20 * 30 * (A_PLUS - A_MINUS) * TAU * 1.0, rtol=1e-9)


# pre and post trains with pairs at +10 ms, -10 ms, 0 (the same step) and +1 step
PRE = [0.100, 0.300, 0.500, 0.700, 0.7001]
POST = [0.110, 0.290, 0.500, 0.7001, 0.900]


def _pairing_network(rule, dt="0.1 ms", modulators=None):
    ms = lambda ts: [f"{t * 1e3:.1f} ms" for t in ts]  # noqa: E731
    return Network(name="pairing", dt=dt, duration="1 s",
                   populations={"pre": SpikeTimes(n=1, indices=[0] * len(PRE), times=ms(PRE)),
                                "post": SpikeTimes(n=1, indices=[0] * len(POST), times=ms(POST))},
                   projections={"plastic": Projection(pre="pre", post="post", w_init=0.5, w_max=1.0, rule=rule)},
                   modulators=modulators,
                   record={"weights": ["plastic"], "weight_synapses": 1, "weight_dt": "0.1 ms"})


@pytest.mark.parametrize("coincident", ["ignore", "pair"])
@pytest.mark.parametrize("pairing", ["all_to_all", "nearest"])
def test_given_post_spikes_pair_stdp_matches_reference(coincident, pairing):
    """A pairing protocol with given pre and post spike times, no driver neuron: the weight after
    every event equals the reference's, for both conventions at coincident spikes."""
    kw = dict(a_plus=0.1, a_minus=0.12, tau_plus=0.02, tau_minus=0.02)
    rule = PairSTDP(a_plus=0.1, a_minus=0.12, pairing=pairing, coincident=coincident)
    rec = simulate(_pairing_network(rule), "spike", seed=0, target="numpy").weights["plastic"]
    ref = pair_stdp(PRE, POST, 0.5, w_max=1.0, pairing=pairing, coincident=coincident, **kw)
    for t, w in dict(ref).items():
        assert rec["w"][int(round(t / 1e-4)) + 1, 0] == pytest.approx(w, abs=1e-12), t
    # the coincident pair at 500 ms: potentiation by the full A+ with "pair", nothing with "ignore"
    before = rec["w"][5000, 0]
    jump = rec["w"][5001, 0] - before
    expected_pre = -0.12 * (np.exp(-0.21 / 0.02) if pairing == "nearest" else
                            np.exp(-0.21 / 0.02) + np.exp(-0.39 / 0.02))
    earlier = np.exp(-0.2 / 0.02) if pairing == "nearest" else np.exp(-0.2 / 0.02) + np.exp(-0.4 / 0.02)
    if coincident == "pair":  # the same-step pre spike pairs with lag 0 (nearest: it is the nearest)
        earlier = 1.0 if pairing == "nearest" else 1.0 + earlier
    expected_post = 0.1 * earlier
    assert jump == pytest.approx(expected_pre + expected_post, abs=1e-12)


@pytest.mark.parametrize("coincident", ["ignore", pytest.param("pair", marks=pytest.mark.slow)])
def test_given_post_spikes_triplet_matches_reference(coincident):
    params = dict(a2_plus=0.05, a3_plus=0.08, a2_minus=0.07, a3_minus=0.02)
    taus = dict(tau_plus=0.0168, tau_minus=0.0337, tau_x=0.101, tau_y=0.125)
    rule = TripletSTDP(**params, **{k: f"{v * 1e3} ms" for k, v in taus.items()}, coincident=coincident)
    res = simulate(_pairing_network(rule), "spike", seed=0, target="numpy")
    ref = triplet_stdp(PRE, POST, 0.5, w_max=1.0, coincident=coincident, **params, **taus)
    assert res.weights["plastic"]["final"][0] == pytest.approx(ref[-1][1], abs=1e-12)


def test_spike_times_from_files_next_to_the_model(tmp_path):
    np.savez(tmp_path / "pre.npz", indices=np.array([0, 1, 0]), times=np.array([0.01, 0.02, 0.03]))
    np.save(tmp_path / "post.npy", np.array([[0, 0.015], [0, 0.035]]))
    (tmp_path / "m.toml").write_text(
        '[model]\nduration = "50 ms"\n'
        '[populations.pre]\ntype = "spike_times"\nn = 2\nfile = "pre.npz"\n'
        '[populations.post]\ntype = "spike_times"\nn = 1\nfile = "post.npy"\n'
        '[projections.p]\npre = "pre"\npost = "post"\nw_init = 0.5\nw_max = 1.0\n'
        '[projections.p.rule]\ntype = "pair_stdp"\na_plus = 0.1\na_minus = 0.1\n')
    net = load_model(tmp_path / "m.toml").network
    np.testing.assert_allclose(np.asarray(net.populations["pre"].times) * 1e3, [10, 20, 30])
    np.testing.assert_array_equal(net.populations["post"].indices, [0, 0])
    res = simulate(net, "spike", seed=0, target="numpy")
    w0 = pair_stdp([0.01, 0.03], [0.015, 0.035], 0.5, w_max=1.0, a_plus=0.1, a_minus=0.1, tau_plus=0.02,
                   tau_minus=0.02)[-1][1]
    assert res.weights["p"]["final"][0] == pytest.approx(w0, abs=1e-12)


@pytest.mark.parametrize("bad, message", [
    ({"file": "missing.npz"}, "no such file"),
    ({"file": "bad.npy"}, "expected rows [index, time in s]"),
    ({"file": "pre.npz", "times": ["1 ms"], "indices": [0]}, "either file or indices"),
    ({}, "required"),
])
def test_bad_spike_files_are_one_line_errors(tmp_path, monkeypatch, bad, message):
    np.savez(tmp_path / "pre.npz", indices=np.array([0]), times=np.array([0.01]))
    np.save(tmp_path / "bad.npy", np.zeros(3))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelError, match=message.replace("[", r"\[").replace("]", r"\]")) as e:
        SpikeTimes(n=1, **bad)
    assert "\n" not in str(e.value)


def test_static_projection_onto_a_spike_source_is_refused():
    with pytest.raises(ModelError, match="takes no input"):
        Network(populations={"a": PoissonInput(n=1, rate="5 Hz"), "b": PoissonInput(n=1, rate="5 Hz")},
                projections={"p": Projection(pre="a", post="b", w_init=0.5)})


def test_da_stdp_pairing_protocol_with_given_post_spikes():
    """DA-STDP onto given post spikes (the population holds the modulator copies): pairings at
    +10 ms, -10 ms, 0 and +1 step, tonic dopamine and a pulse at 600 ms; the weight at every
    0.1 ms sample equals a direct integration of eta w_max c d (the pulse acts one step late)."""
    p = dict(a_plus=0.1, a_minus=0.12, tau_plus=0.02, tau_minus=0.02, tau_c=1.0, eta=2.0, tau_d=0.2)
    rule = DASTDP(a_plus=0.1, a_minus=0.12, tau_c="1 s", learning_rate="2 Hz")
    mod = Modulator(tau="200 ms", baseline=0.2, source={"type": "schedule", "times": ["600 ms"], "amounts": 0.8})
    res = simulate(_pairing_network(rule, modulators={"dopamine": mod}), "spike", seed=0, target="numpy")
    rec = res.weights["plastic"]
    samples = list(np.round(rec["t"] / 1e-4) * 1e-4)
    grid = lambda ts: [round(t / 1e-4) * 1e-4 for t in ts]  # noqa: E731  (the samples' float times)
    ref = np.array(da_stdp(grid(PRE), grid(POST), [(grid([0.6001])[0], 0.8)], 0.5, samples + [1.0], w_max=1.0,
                           d_base=0.2, h=2.5e-5, **p))
    assert np.abs(ref[:, 0] - 0.5).max() > 0.01
    np.testing.assert_allclose(rec["w"][:, 0], ref[:-1, 0], atol=1e-9)
    np.testing.assert_allclose(rec["c"][:, 0], ref[:-1, 1], atol=1e-12)
    assert rec["final"][0] == pytest.approx(ref[-1, 0], abs=1e-9)


def test_given_spike_times_fire_in_the_same_steps_as_a_generator():
    """As the post of DA-STDP, given spike times are a NeuronGroup; its spikes are the
    SpikeGeneratorGroup's, step for step (times that fall between steps included)."""
    rng = np.random.default_rng(0)
    times, idx = np.round(rng.uniform(0, 0.3, 100), 7), rng.integers(0, 4, 100)
    steps = ((times + 1e-7) / 1e-4).astype(int)
    keep = np.unique(np.stack([idx, steps]), axis=1, return_index=True)[1]  # one spike per neuron and step
    mod = Modulator(source={"type": "schedule", "times": ["10 ms"], "amounts": 1.0})
    spikes = []
    for rule in (DASTDP(), PairSTDP()):
        net = Network(name="steps", duration="310 ms", dt="0.1 ms", modulators={"dopamine": mod},
                      populations={"pre": SpikeTimes(n=1, indices=[0], times=["1 ms"]),
                                   "post": SpikeTimes(n=4, indices=idx[keep], times=times[keep] * second)},
                      projections={"p": Projection(pre="pre", post="post", w_init=0.5, w_max=1.0, rule=rule)},
                      record={"spikes": ["post"]})
        t, i = simulate(net, "spike", seed=0, target="numpy").spikes["post"]
        order = np.lexsort((i, t))
        spikes.append((np.round(t[order] / 1e-4).astype(int), i[order]))
    assert len(spikes[0][0]) == len(keep)
    for a, b in zip(*spikes):
        np.testing.assert_array_equal(a, b)


def test_da_stdp_onto_time_varying_poisson_is_refused_in_one_line():
    mod = Modulator(source={"type": "schedule", "times": ["10 ms"], "amounts": 1.0})
    net = Network(name="da", duration="50 ms", modulators={"dopamine": mod},
                  populations={"pre": PoissonInput(n=1, rate="10 Hz"),
                               "post": PoissonInput(n=1, schedule=[["0 s", "5 Hz"], ["20 ms", "10 Hz"]])},
                  projections={"plastic": Projection(pre="pre", post="post", w_init=0.5, w_max=1.0, rule=DASTDP())})
    with pytest.raises(ModelError, match="cannot be the post of da_stdp") as e:
        simulate(net, "spike", seed=0, target="numpy")
    assert "\n" not in str(e.value)


def test_kempter_model_file_rate_backend(models_dir):
    """models/kempter_poisson.toml: the rate backend gives the drift of its header exactly."""
    net = load_model(models_dir / "kempter_poisson.toml", backend="rate").network
    w = simulate(net, "rate", seed=0).weights["stdp"]["final"]
    np.testing.assert_allclose(w, 0.5 + 20 * 30 * (0.002 - 0.0024) * 0.02 * 10, rtol=1e-9)
