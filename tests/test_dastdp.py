"""Dopamine-modulated STDP (Izhikevich 2007): eligibility trace times dopamine, analytically."""
import numpy as np
import pytest

from plasticity_net import DT, W_MAX, forced_pairs_network
from spikehebb.backends import simulate
from spikehebb.model import DASTDP, Modulator, Schedule

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
    """The event-driven update books the exact integral (one time step of lag: 1e-4)."""
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
