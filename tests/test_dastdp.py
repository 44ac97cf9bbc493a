"""Dopamine-modulated STDP (Izhikevich 2007): eligibility trace times dopamine, analytically."""
import numpy as np
import pytest

from plasticity_net import DT, W_MAX, forced_pairs_network
from spikehebb.backends import simulate
from spikehebb.model import DASTDP, Modulator, Network, PoissonInput, Projection, Schedule
from stdp_reference import da_stdp

A_PLUS, TAU_PLUS, TAU_C, TAU_D, ETA, AMOUNT = 0.5, 0.02, 1.0, 0.2, 2.0, 0.5
T_PRE, LAG = 0.0100, 0.0050  # one pre-before-post pairing


def _network(pulse_times, baseline=0.0):
    # run until the pulse's integral has converged (5e-5 of it left)
    duration = f"{(max(pulse_times, default=0.5) + 1.65) * 1e3:.0f} ms"
    rule = DASTDP(a_plus=A_PLUS, a_minus=0.6, tau_plus="20 ms", tau_minus="20 ms", tau_c="1 s",
                  learning_rate=f"{ETA} Hz")
    mod = Modulator(tau="200 ms", baseline=baseline,
                    source=Schedule(times=[f"{t * 1e3} ms" for t in pulse_times] or ["3000 s"],
                                    amounts=AMOUNT if pulse_times else 0.0))
    return forced_pairs_network([[T_PRE]], [T_PRE + LAG - DT], rule, w0=0.3, duration=duration,
                                modulators={"dopamine": mod})


def _expected_dw(t_pulse):
    """dw = eta w_max c(t_d) a tau_e, 1/tau_e = 1/tau_c + 1/tau_d: the integral of c(t) d(t)."""
    c = A_PLUS * np.exp(-LAG / TAU_PLUS) * np.exp(-(t_pulse - T_PRE - LAG) / TAU_C)
    tau_e = 1 / (1 / TAU_C + 1 / TAU_D)
    return ETA * c * AMOUNT * tau_e


def test_no_dopamine_no_weight_change():
    res = simulate(_network([]), "spike", seed=0, target="numpy")
    assert len(res.spikes["post"][0]) == 1
    assert res.weights["plastic"]["final"][0] / W_MAX == pytest.approx(0.3, abs=1e-12)


@pytest.mark.parametrize("t_pulse", [0.5, pytest.param(0.5053, marks=pytest.mark.slow),
                                     pytest.param(1.5, marks=pytest.mark.slow)])
def test_delayed_dopamine_converts_eligibility_into_weight(t_pulse):
    """After the pulse's integral has converged, the weight has gained all of it (the
    synapses see the pulse one time step late: 1e-4)."""
    tol = 1e-3
    res = simulate(_network([t_pulse]), "spike", seed=0, target="numpy")
    dw = res.weights["plastic"]["final"][0] / W_MAX - 0.3
    assert dw == pytest.approx(_expected_dw(t_pulse), rel=tol)
    assert res.arrays["modulator/dopamine/n_events"][0] == 1


def test_dopamine_before_pairing_acts_on_the_new_eligibility():
    """A pulse before the pairing: dw = eta c0 x(t_post) tau_e, x decayed since the pulse."""
    t_pulse = 0.0
    res = simulate(_network([t_pulse]), "spike", seed=0, target="numpy")
    c0 = A_PLUS * np.exp(-LAG / TAU_PLUS)
    x = AMOUNT * np.exp(-(T_PRE + LAG - t_pulse) / TAU_D)
    tau_e = 1 / (1 / TAU_C + 1 / TAU_D)
    assert res.weights["plastic"]["final"][0] / W_MAX - 0.3 == pytest.approx(ETA * c0 * x * tau_e, rel=2e-3)


@pytest.mark.slow  # minutes on 2 loaded cores: outside the fast subset
def test_later_reward_gives_less_potentiation():
    """The eligibility trace bridges the delay, decaying with tau_c (distal reward)."""
    early, late = (simulate(_network([t]), "spike", seed=0, target="numpy").weights["plastic"]["final"][0]
                   for t in (0.5, 2.0))
    assert (late / W_MAX - 0.3) / (early / W_MAX - 0.3) == pytest.approx(np.exp(-1.5 / TAU_C), rel=1e-3)


# -- exact in time: the weight at every sample against an independent integration ---------

DT_P = 1e-3  # Poisson networks: 1 ms steps, as the Izhikevich (2007) model
PARAMS = dict(a_plus=0.1, a_minus=0.12, tau_plus=0.02, tau_minus=0.02, tau_c=1.0, eta=0.5, tau_d=0.2)


def _poisson_network(baseline, pulse_times, duration, coincident="ignore", n_pre=4, w0=0.5,
                     rates=("50 Hz", "40 Hz"), weight_dt="10 ms"):
    """Poisson pre neurons onto one Poisson post neuron (its spikes drive the post side of the
    rule; it takes no input): DA-STDP with tonic dopamine and scheduled pulses."""
    p = PARAMS
    rule = DASTDP(a_plus=p["a_plus"], a_minus=p["a_minus"], tau_plus="20 ms", tau_minus="20 ms",
                  tau_c="1 s", learning_rate=f"{p['eta']} Hz", coincident=coincident)
    times = [f"{t * 1e3:.0f} ms" for t in pulse_times] or [f"{duration + 10} s"]
    mod = Modulator(tau="200 ms", baseline=baseline, source=Schedule(times=times, amounts=AMOUNT))
    return Network(name="da_exact", dt=f"{DT_P * 1e3} ms", duration=f"{duration} s",
                   populations={"pre": PoissonInput(n=n_pre, rate=rates[0]), "post": PoissonInput(n=1, rate=rates[1])},
                   projections={"plastic": Projection(pre="pre", post="post", w_init=w0, w_max=1.0, rule=rule)},
                   modulators={"dopamine": mod},
                   record={"spikes": ["pre", "post"], "weights": ["plastic"], "weight_synapses": n_pre,
                           "weight_dt": weight_dt})


def _reference(res, baseline, pulse_times, coincident="ignore", w0=0.5, end=None):
    """(w, c, d) of each synapse at each sample time, by direct integration.

    The synapses see the modulator one step late: a pulse at t acts from t + dt."""
    rec = res.weights["plastic"]
    t_pre, i_pre = res.spikes["pre"]
    post = list(np.round(res.spikes["post"][0] / DT_P) * DT_P)
    samples = list(np.round(rec["t"] / DT_P) * DT_P) + ([end] if end is not None else [])
    out = []
    for k in range(rec["w"].shape[1]):
        pre = list(np.round(t_pre[i_pre == rec["i"][k]] / DT_P) * DT_P)
        out.append(da_stdp(pre, post, [(t + DT_P, AMOUNT) for t in pulse_times], w0, samples, w_max=1.0,
                           d_base=baseline, coincident=coincident, h=DT_P / 4, **PARAMS))
    return np.transpose(np.array(out), (2, 1, 0))  # (w|c|d, sample, synapse)


def test_pulse_near_the_end_ramps_the_weight_as_the_integral():
    """A pulse 50 ms before the end: the weight at every sample (every 1 ms), eligibility and
    dopamine equal a direct integration of c d up to that time (the old form booked the whole
    future integral at the pulse: 3.9x the change at the end)."""
    pulse, duration = 0.45, 0.5
    res = simulate(_poisson_network(0.0, [pulse], duration, weight_dt="1 ms"), "spike", seed=2, target="numpy")
    rec = res.weights["plastic"]
    # edge case: a pre spike in the very step the synapses see the pulse (before the pulse's own event)
    assert np.isclose(res.spikes["pre"][0], pulse + DT_P).any()
    w_ref, c_ref, d_ref = _reference(res, 0.0, [pulse], end=duration)
    # the final weights are those of the run's end, 0.5 s
    np.testing.assert_allclose(rec["final"][rec["i"]], w_ref[-1], atol=1e-9)
    w_ref, c_ref, d_ref = w_ref[:-1], c_ref[:-1], d_ref[:-1]
    change = np.abs(w_ref[-1] - 0.5).max()
    assert change > 1e-3  # the pulse met a non-zero eligibility
    np.testing.assert_allclose(rec["w"], w_ref, atol=1e-6 * change)
    np.testing.assert_allclose(rec["c"], c_ref, atol=1e-9)
    np.testing.assert_allclose(rec["d"], d_ref, atol=1e-9)


@pytest.mark.parametrize("coincident", ["ignore", "pair"])
def test_tonic_dopamine_weight_follows_the_integral(coincident):
    """Tonic dopamine and a pulse, 3.4 s of 50 Hz / 40 Hz Poisson pre and post spikes (with
    coincident spikes in the same step): weights, eligibility and dopamine at every 10 ms sample
    equal the direct integration (the old booking ran 3.45 % ahead after 3.4 s)."""
    baseline, pulses, duration = 0.1, [1.2], 3.4
    res = simulate(_poisson_network(baseline, pulses, duration, coincident), "spike", seed=4, target="numpy")
    rec = res.weights["plastic"]
    t_pre, _ = res.spikes["pre"]
    coincidences = np.isin(np.round(t_pre / DT_P), np.round(res.spikes["post"][0] / DT_P)).sum()
    assert coincidences >= 10
    w_ref, c_ref, d_ref = _reference(res, baseline, pulses, coincident)
    change = np.abs(w_ref - 0.5).max()
    assert change > 0.01
    np.testing.assert_allclose(rec["w"], w_ref, atol=1e-6 * change)
    np.testing.assert_allclose(rec["c"], c_ref, atol=1e-9)
    np.testing.assert_allclose(rec["d"], d_ref, atol=1e-9)


@pytest.mark.slow
def test_rate_rule_agrees_with_the_spiking_mean_under_tonic_dopamine():
    """The rate backend's three-factor rule against the mean of 400 spiking synapses."""
    net = _poisson_network(1.0, [], 3.0, n_pre=400, w0=0.5, rates=("20 Hz", "30 Hz"))
    spike = simulate(net, "spike", seed=5, target="numpy").weights["plastic"]
    rate = simulate(net, "rate", seed=5).weights["plastic"]
    p = PARAMS
    drift = 20 * 30 * (p["a_plus"] - p["a_minus"]) * 0.02  # r_pre r_post (A+ tau+ - A- tau-)
    # c -> tau_c drift (1 - e^{-t/tau_c}); w - w0 = eta d0 tau_c drift (t - tau_c (1 - e^{-t/tau_c}))
    expected = p["eta"] * 1.0 * p["tau_c"] * drift * (3.0 - p["tau_c"] * (1 - np.exp(-3.0)))
    assert rate["final"].mean() - 0.5 == pytest.approx(expected, rel=0.01)
    sem = spike["final"].std() / np.sqrt(400)
    assert abs(spike["final"].mean() - rate["final"].mean()) < 4 * sem + 0.02 * abs(expected)


def test_a_pre_spike_transmits_the_weight_of_its_own_time():
    """Tonic dopamine after one pairing: a pre spike 0.5 s later puts w(0.5 s) into the post
    current, the weight integrated up to that moment (not its value at the last event)."""
    import brian2 as b2
    from spikehebb.backends.brian2.simulation import Simulation
    rule = DASTDP(a_plus=A_PLUS, a_minus=0.6, tau_plus="20 ms", tau_minus="20 ms", tau_c="1 s",
                  learning_rate=f"{ETA} Hz")
    mod = Modulator(tau="200 ms", baseline=1.0, source=Schedule(times=["3000 s"], amounts=0.0))
    t_late = 0.5
    net = forced_pairs_network([[T_PRE, t_late]], [T_PRE + LAG - DT], rule, w0=0.3, duration="502 ms",
                               modulators={"dopamine": mod})
    with Simulation(net, target="numpy") as sim:
        current = b2.StateMonitor(sim.ctx.groups["post"], "I_e", record=0, when="end", clock=sim.ctx.clock)
        sim.net.add(current)
        sim.net.run(0.502 * b2.second, namespace={})
        sent = current.I_e[0][int(round(t_late / DT))] / b2.amp / W_MAX
    (w, _, _), = da_stdp([T_PRE, t_late], [T_PRE + LAG], [], 0.3, [t_late], w_max=1.0, a_plus=A_PLUS, a_minus=0.6,
                         tau_plus=TAU_PLUS, tau_minus=0.02, tau_c=TAU_C, eta=ETA, tau_d=TAU_D, d_base=1.0)
    assert w - 0.3 > 0.05  # the weight has moved since the pairing
    assert sent == pytest.approx(w, abs=1e-9)


def test_several_pulses_in_one_eligibility_window_read_between_events():
    """One pairing, then two pulses 200 ms apart inside one eligibility window (tau_c = 1 s), the
    weight read at every step between events, against the analytic value (NEST's edge cases):

    .. math:: w(t) = w_0 + \\eta \\sum_{k: T_k \\le t} c_0 e^{-(T_k - t_{post})/\\tau_c}\\, a\\, \\tau_e
              \\left(1 - e^{-(t - T_k)/\\tau_e}\\right), \\qquad 1/\\tau_e = 1/\\tau_c + 1/\\tau_d,

    with :math:`T_k` the step at which the synapses see pulse k (one step after it)."""
    pulses = [0.2, 0.4]
    rule = DASTDP(a_plus=A_PLUS, a_minus=0.6, tau_plus="20 ms", tau_minus="20 ms", tau_c="1 s",
                  learning_rate=f"{ETA} Hz")
    mod = Modulator(tau="200 ms", baseline=0.0,
                    source=Schedule(times=[f"{t * 1e3} ms" for t in pulses], amounts=AMOUNT))
    net = forced_pairs_network([[T_PRE]], [T_PRE + LAG - DT], rule, w0=0.3, duration="800 ms", trace=True,
                               modulators={"dopamine": mod})
    res = simulate(net, "spike", seed=0, target="numpy")
    rec = res.weights["plastic"]
    t, w = np.asarray(rec["t"]), np.asarray(rec["w"])[:, 0] / W_MAX
    t_post, c0 = T_PRE + LAG, A_PLUS * np.exp(-LAG / TAU_PLUS)
    tau_e = 1 / (1 / TAU_C + 1 / TAU_D)
    expected = np.full_like(t, 0.3)
    for seen in np.asarray(pulses) + DT:
        after = t >= seen
        expected[after] += (ETA * c0 * np.exp(-(seen - t_post) / TAU_C) * AMOUNT * tau_e
                            * (1 - np.exp(-(t[after] - seen) / tau_e)))
    assert np.all(w[t < pulses[0]] == 0.3)  # eligibility without dopamine changes nothing
    change = expected[-1] - 0.3
    assert change > 0.05
    # at every step: between the pulses, just after each, after both (measured: 7e-16)
    np.testing.assert_allclose(w, expected, atol=1e-12)
    assert np.all(np.diff(w) >= 0)  # both pulses meet a positive eligibility: the weight only grows


def test_rate_backend_records_eligibility_and_dopamine_with_the_weights():
    """c and d come with the weight traces on the rate backend too: d is the modulator (tonic 0.1
    plus a pulse of 0.5 decaying with 200 ms, seen one step after it, as on the spike backend),
    c relaxes to tau_c times the drift of the pair window, and each weight step is eta w_max c d dt."""
    baseline, pulse = 0.1, 0.3
    net = _poisson_network(baseline, [pulse], 0.6, weight_dt="0.1 ms")
    rec = simulate(net, "rate", seed=0).weights["plastic"]
    assert rec["c"].shape == rec["w"].shape == rec["d"].shape
    t, d = rec["t"], rec["d"][:, 0]
    after = t > pulse + 2 * DT_P
    np.testing.assert_allclose(d[t < pulse], baseline)
    np.testing.assert_allclose(d[after], baseline + AMOUNT * np.exp(-(t[after] - pulse - DT_P) / 0.2), rtol=1e-9)
    p = PARAMS
    # w(t + dt) - w(t) = eta w_max c(t + dt) d(t + dt) dt: a step advances c and d, then the weight
    dw = np.diff(rec["w"], axis=0)
    np.testing.assert_allclose(dw, p["eta"] * 1.0 * rec["c"][1:] * rec["d"][1:] * DT_P, rtol=1e-9, atol=1e-15)
    # constant drive r_pre r_post (A+ tau+ - A- tau-) = 50 x 40 x (-4e-4): c = tau_c drive (1 - e^{-t/tau_c})
    drive = 50 * 40 * (p["a_plus"] * p["tau_plus"] - p["a_minus"] * p["tau_minus"])
    np.testing.assert_allclose(rec["c"][:, 0], p["tau_c"] * drive * (1 - np.exp(-t / p["tau_c"])), atol=1e-12)
