"""Rate rules: spiking-rule rate limits against event simulations, and the classic Hebbian results."""
import numpy as np
import pytest

from spikehebb.backends.rate.native_rules import (bcm_delta_w, bcm_theta_step, foldiak_delta_w,
                                                  oja_delta_w, sanger_delta_w)
from spikehebb.backends.rate.rules import (bcm_threshold, da_stdp_delta_w, pair_stdp_delta_w,
                                           triplet_delta_w)

STDP = {"a_plus": 0.01, "a_minus": 0.012, "tau_plus": 0.02, "tau_minus": 0.03, "w_min": 0.0, "w_max": 1.0}


def poisson_train(rng, rate, duration):
    return np.sort(rng.uniform(0, duration, rng.poisson(rate * duration)))


def event_pair_stdp(pre, post, p, nearest):
    """Independent event-driven pair STDP (additive, w_max = 1): total weight change."""
    events = sorted([(t, 0) for t in pre] + [(t, 1) for t in post])
    apre = apost = 0.0
    last = 0.0
    dw = 0.0
    for t, kind in events:
        apre *= np.exp(-(t - last) / p["tau_plus"])
        apost *= np.exp(-(t - last) / p["tau_minus"])
        last = t
        if kind == 0:
            dw -= p["a_minus"] * apost
            apre = 1.0 if nearest else apre + 1.0
        else:
            dw += p["a_plus"] * apre
            apost = 1.0 if nearest else apost + 1.0
    return dw


@pytest.mark.parametrize("nearest", [False, True])
def test_pair_stdp_rate_limit_matches_poisson_event_simulation(nearest):
    rng = np.random.default_rng(0)
    r_pre, r_post, duration = 30.0, 20.0, 2000.0
    dw = event_pair_stdp(poisson_train(rng, r_pre, duration), poisson_train(rng, r_post, duration), STDP, nearest)
    predicted = pair_stdp_delta_w(r_pre, r_post, 0.5, dict(STDP, nearest=nearest), duration)
    # potentiation and depression each ~ a*tau*r_pre*r_post*T; the drift is their difference
    gross = STDP["a_minus"] * STDP["tau_minus"] * r_pre * r_post * duration
    assert abs(dw - predicted) <= 0.05 * gross, (dw, predicted)
    assert np.sign(dw) == np.sign(predicted) == -1


def test_pair_stdp_multiplicative_fixed_point():
    """Multiplicative rule: A+ tau+ (1 - w) = A- tau- w, i.e. w* = A+tau+ / (A+tau+ + A-tau-)."""
    p = dict(STDP, multiplicative=True)
    w_star = 0.01 * 0.02 / (0.01 * 0.02 + 0.012 * 0.03)
    assert pair_stdp_delta_w(10.0, 10.0, w_star, p, 1.0) == pytest.approx(0.0, abs=1e-15)
    assert pair_stdp_delta_w(10.0, 10.0, w_star - 0.1, p, 1.0) > 0 > pair_stdp_delta_w(10.0, 10.0, w_star + 0.1, p, 1.0)


TRIPLET = {"a2_plus": 5e-10, "a3_plus": 6.2e-3, "a2_minus": 7e-3, "a3_minus": 2.3e-4, "tau_plus": 0.0168,
           "tau_minus": 0.0337, "tau_x": 0.101, "tau_y": 0.125, "w_max": 1.0}


def event_triplet(pre, post, p):
    events = sorted([(t, 0) for t in pre] + [(t, 1) for t in post])
    r1 = r2 = o1 = o2 = 0.0
    last, dw = 0.0, 0.0
    for t, kind in events:
        d = t - last
        r1 *= np.exp(-d / p["tau_plus"]); r2 *= np.exp(-d / p["tau_x"])
        o1 *= np.exp(-d / p["tau_minus"]); o2 *= np.exp(-d / p["tau_y"])
        last = t
        if kind == 0:
            dw -= o1 * (p["a2_minus"] + p["a3_minus"] * r2)
            r1 += 1; r2 += 1
        else:
            dw += r1 * (p["a2_plus"] + p["a3_plus"] * o2)
            o1 += 1; o2 += 1
    return dw


@pytest.mark.parametrize("r_post", [5.0, 40.0])
def test_triplet_rate_limit_is_bcm_and_matches_event_simulation(r_post):
    rng = np.random.default_rng(1)
    r_pre, duration = 10.0, 1000.0
    theta = bcm_threshold(r_pre, TRIPLET)
    assert 5.0 < theta < 40.0  # LTD below the threshold, LTP above: the BCM shape
    predicted = triplet_delta_w(r_pre, r_post, 0.5, TRIPLET, duration)
    assert np.sign(predicted) == np.sign(r_post - theta)
    assert triplet_delta_w(r_pre, theta, 0.5, TRIPLET, 1.0) == pytest.approx(0.0, abs=1e-12)
    dw = event_triplet(poisson_train(rng, r_pre, duration), poisson_train(rng, r_post, duration), TRIPLET)
    assert dw == pytest.approx(predicted, rel=0.1)


def test_da_stdp_eligibility_reaches_its_steady_state():
    p = dict(STDP, tau_c=1.0, eta=2.0)
    c, total = 0.0, 0.0
    for _ in range(10000):  # 10 s in 1 ms steps, constant rates and dopamine
        dw, c = da_stdp_delta_w(20.0, 10.0, 0.5, p, 1e-3, c, 0.5)
        total += dw
    c_inf = p["tau_c"] * 20.0 * 10.0 * (0.01 * 0.02 - 0.012 * 0.03)
    assert c == pytest.approx(c_inf, rel=1e-4)
    assert dw / 1e-3 == pytest.approx(2.0 * 1.0 * c_inf * 0.5, rel=1e-3)  # dw/dt = eta w_max c d
    _, c0 = da_stdp_delta_w(20.0, 10.0, 0.5, p, 1e-3, c, 0.0)
    assert da_stdp_delta_w(20.0, 10.0, 0.5, p, 1e-3, c0, 0.0)[0] == 0.0  # no dopamine, no change


def _covariance(rng, n):
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return q @ np.diag(np.geomspace(4.0, 0.2, n)) @ q.T


def test_oja_converges_to_unit_principal_eigenvector():
    rng = np.random.default_rng(2)
    n = 6
    cov = _covariance(rng, n)
    x = rng.multivariate_normal(np.zeros(n), cov, size=40000)
    w = rng.normal(scale=0.1, size=n)
    for k, xk in enumerate(x):
        eta = 0.01 if k < 30000 else 0.001  # anneal to shrink the sampling jitter
        w = w + oja_delta_w(xk, w @ xk, w, eta, 1.0)
    evals, evecs = np.linalg.eigh(cov)
    top = evecs[:, -1]
    assert np.linalg.norm(w) == pytest.approx(1.0, abs=0.02)
    assert abs(w @ top) / np.linalg.norm(w) > 0.995


def test_sanger_recovers_top_components_in_order():
    rng = np.random.default_rng(3)
    n, k = 8, 3
    cov = _covariance(rng, n)
    x = rng.multivariate_normal(np.zeros(n), cov, size=60000)
    W = rng.normal(scale=0.1, size=(n, k))
    for i, xi in enumerate(x):
        eta = 0.005 if i < 45000 else 0.0005
        W = W + sanger_delta_w(xi, xi @ W, W, eta, 1.0)
    evals, evecs = np.linalg.eigh(cov)
    top = evecs[:, ::-1][:, :k]
    overlap = np.abs(top.T @ W)  # (true component, learned column)
    assert np.all(np.diag(overlap) > 0.98), np.round(overlap, 3)
    assert np.allclose(np.linalg.norm(W, axis=0), 1.0, atol=0.03)
    assert np.all(overlap[~np.eye(k, dtype=bool)] < 0.15)


def test_bcm_develops_selectivity_to_one_of_two_patterns():
    rng = np.random.default_rng(4)
    patterns = np.array([[20.0, 20.0, 2.0, 2.0], [2.0, 2.0, 20.0, 20.0]])  # Hz, overlapping
    w = 0.05 + 0.01 * rng.random(4)
    theta, eta, y0, dt = 5.0, 2e-5, 10.0, 1e-2
    for step in range(60000):
        x = patterns[rng.integers(2)]
        y = max(w @ x, 0.0)
        w = np.maximum(w + bcm_delta_w(x, y, w, eta, theta, dt), 0.0)
        theta = bcm_theta_step(theta, y, y0, 0.05, dt)
    responses = np.maximum(patterns @ w, 0.0)
    pref = int(np.argmax(responses))
    own = patterns[pref] > 10
    # the inputs of the other pattern are pruned: the unit now responds to one pattern only
    assert w[~own].max() < 0.05 * w[own].min(), w
    assert 1 - responses.min() / responses.max() > 0.85, responses
    # BCM fixed point with two equiprobable patterns: y_pref = theta = <y^2>/y0 = y_pref^2/(2 y0)
    assert responses[pref] == pytest.approx(2 * y0, rel=0.15)


def _mutual_inhibition(x, w):
    """Steady state of y = relu(x - w y_other) for two units, 0 <= w < 1."""
    y = (x - w * x[::-1]) / (1 - w ** 2)
    if (y < 0).any():  # one unit is silenced: the other sees no inhibition
        y = np.where(x == x.max(), x, 0.0)
    return y


def test_foldiak_lateral_inhibition_decorrelates_to_target():
    """Two units with a shared input learn mutual inhibition until <y1 y2> = p^2 (Foldiak 1990)."""
    rng = np.random.default_rng(5)
    p_target, eta, dt = 8.0, 1e-4, 1e-2
    w_lat = 0.0  # magnitude of the (symmetric) inhibitory weight
    products = []
    for step in range(20000):
        x = rng.exponential(10.0) + rng.exponential(3.0, size=2)
        y = _mutual_inhibition(x, w_lat)
        w_lat = float(np.clip(w_lat + foldiak_delta_w(y[0], y[1], w_lat, eta, p_target, dt), 0.0, 0.99))
        products.append(y[0] * y[1])
    late = np.mean(products[-5000:])
    assert 0.05 < w_lat < 0.95
    assert late == pytest.approx(p_target ** 2, rel=0.15)
    assert np.mean(products[:200]) > 2.5 * late  # started strongly correlated


def test_covariance_rule_separates_correlated_from_anticorrelated_inputs_where_hebb_cannot():
    """All rates are positive, so Hebb grows every weight; the covariance rule grows only the
    weight of the input that co-varies with the output and shrinks the anti-correlated one."""
    from brian2 import second
    from spikehebb.backends import simulate
    from spikehebb.model import Network, Projection
    from spikehebb.model.rate_models import Covariance, Hebb, PatternInput, RateUnits
    pops = {"x": PatternInput(patterns=[[20.0, 0.0], [0.0, 20.0]], period="50 ms"),
            "y_cov": RateUnits(n=1, transfer="relu", tau="5 ms"),
            "y_hebb": RateUnits(n=1, transfer="relu", tau="5 ms")}
    proj = {f"to_{k}": Projection(pre="x", post=f"y_{k}", w_init=[0.5, 0.2], w_max=5.0, rule=rule)
            for k, rule in (("cov", Covariance(learning_rate=1e-3, tau_avg="2 s")),
                            ("hebb", Hebb(learning_rate=1e-5)))}
    net = Network(name="cov", duration="20 s", dt="1 ms", populations=pops, projections=proj,
                  record={"weights": list(proj), "weight_synapses": 2})
    res = simulate(net, "rate", seed=2, duration=20 * second)
    cov, hebb = res.weights["to_cov"]["final"], res.weights["to_hebb"]["final"]
    assert cov[0] > 0.6 and cov[1] < 0.1, cov
    assert hebb[0] > 0.5 and hebb[1] > 0.2, hebb
