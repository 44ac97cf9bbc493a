"""Pair and triplet STDP on Brian2 against the STDP window and an independent reference."""
import numpy as np
import pytest

from plasticity_net import DT, W_MAX, forced_pairs_network
from spikehebb.backends import simulate
from spikehebb.model import PairSTDP, TripletSTDP
from stdp_reference import pair_stdp, triplet_stdp

A_PLUS, A_MINUS, TAU = 0.01, 0.012, 0.02


def _run(net, target="numpy"):
    return simulate(net, "spike", seed=3, target=target)


def test_post_spikes_follow_teacher_by_one_step():
    teacher = [0.010, 0.0305, 0.050]
    res = _run(forced_pairs_network([[0.02]], teacher, PairSTDP()))
    np.testing.assert_allclose(res.spikes["post"][0], np.array(teacher) + DT, atol=DT / 10)


def test_stdp_window_matches_exponentials():
    """Isolated pairs, dt = t_post - t_pre in [-100, 100] ms: A+ e^(-dt/tau+) and -A- e^(dt/tau-)."""
    t_post = 0.2
    lags = np.arange(-100, 101) * 1e-3
    pre = [[round((t_post - lag) / DT) * DT] for lag in lags]
    rule = PairSTDP(a_plus=A_PLUS, a_minus=A_MINUS, tau_plus="20 ms", tau_minus="20 ms")
    res = _run(forced_pairs_network(pre, [t_post - DT], rule, w0=0.5))
    dw = res.weights["plastic"]["final"] / W_MAX - 0.5
    expected = np.where(lags > 0, A_PLUS * np.exp(-lags / TAU),
                        np.where(lags < 0, -A_MINUS * np.exp(lags / TAU), 0.0))
    assert np.abs(dw - expected).max() <= 0.02 * A_PLUS
    assert dw[lags == 0] == pytest.approx(0.0, abs=1e-12)  # coincident spikes do not pair
    assert dw[lags == 0.001] == pytest.approx(A_PLUS * np.exp(-0.05), rel=1e-6)


# Hand-made trains with coincident (same step) and near-coincident (one step apart) spikes,
# bursts, and pairs far apart; post spikes are the teacher's plus one step.
# (post spikes at least a refractory period, 0.5 ms, apart)
POST = [0.0101, 0.0201, 0.0212, 0.0350, 0.0600, 0.0611, 0.1000]
PRE_TRAINS = [
    [0.0101, 0.0201, 0.0212, 0.0600],     # coincident with post spikes
    [0.0100, 0.0202, 0.0211, 0.0599],     # one step before / after post spikes
    [0.0050, 0.0150, 0.0300, 0.0700],     # generic
    [0.0201, 0.0201 + 0.0001 * 5, 0.1000, 0.1001],  # coincident at the end, then after
    [0.0400, 0.0401, 0.0402, 0.0403],     # burst between post spikes
]


@pytest.mark.parametrize("dependence", ["additive", "multiplicative"])
@pytest.mark.parametrize("pairing", ["all_to_all", "nearest"])
def test_pair_stdp_trajectories_match_reference(dependence, pairing):
    # large amplitudes so that clipping at the bounds is exercised too
    rule = PairSTDP(a_plus=0.2, a_minus=0.25, tau_plus="20 ms", tau_minus="15 ms",
                    weight_dependence=dependence, pairing=pairing)
    net = forced_pairs_network(PRE_TRAINS, [t - DT for t in POST], rule, w0=0.5, trace=True)
    res = _run(net)
    post = list(np.round(res.spikes["post"][0] / DT) * DT)
    assert np.allclose(post, POST)
    rec = res.weights["plastic"]
    for k, train in enumerate(PRE_TRAINS):
        ref = pair_stdp(train, POST, 0.5, w_max=1.0, a_plus=0.2, a_minus=0.25, tau_plus=0.02,
                        tau_minus=0.015, dependence=dependence, pairing=pairing)
        # the weight recorded one step after each event time equals the reference after
        # the last event at that time
        for t, w in dict(ref).items():
            step = int(round(t / DT)) + 1
            assert rec["w"][step, k] / W_MAX == pytest.approx(w, abs=1e-9), (k, t)
        assert rec["final"][k] / W_MAX == pytest.approx(ref[-1][1], abs=1e-9)


def test_triplet_stdp_matches_reference():
    params = dict(a2_plus=0.05, a3_plus=0.08, a2_minus=0.07, a3_minus=0.02)
    taus = dict(tau_plus=0.0168, tau_minus=0.0337, tau_x=0.101, tau_y=0.125)
    rule = TripletSTDP(**params, **{k: f"{v * 1e3} ms" for k, v in taus.items()})
    res = _run(forced_pairs_network(PRE_TRAINS, [t - DT for t in POST], rule, w0=0.5))
    for k, train in enumerate(PRE_TRAINS):
        ref = triplet_stdp(train, POST, 0.5, w_max=1.0, **params, **taus)
        assert res.weights["plastic"]["final"][k] / W_MAX == pytest.approx(ref[-1][1], abs=1e-9)
