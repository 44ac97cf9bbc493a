"""The rate backend's LIF transfer functions: numerics, limits, and Brian2 spiking LIF rates."""
import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import erfcx

from spikehebb.backends import simulate
from spikehebb.backends.rate.input_stats import LIFParams, lif_input_stats, lif_rate_from_inputs
from spikehebb.backends.rate.transfer import lif_rate, relu, siegert, sigmoid
from spikehebb.model import LIF, Network, PoissonInput, Projection

TAU, VTH, VR, TREF = 0.02, 15e-3, 0.0, 2e-3  # volts relative to rest


def siegert_quad(mu, sigma):
    """Textbook form, integrated by scipy: tau sqrt(pi) int e^{u^2}(1 + erf u) du, erfcx(-u) = e^{u^2}(1 + erf u)."""
    integral, _ = quad(lambda u: erfcx(-u), (VR - mu) / sigma, (VTH - mu) / sigma, limit=200)
    return 1 / (TREF + TAU * np.sqrt(np.pi) * integral)


@pytest.mark.parametrize("mu", [5e-3, 12e-3, 15e-3, 20e-3, 40e-3])
@pytest.mark.parametrize("sigma", [1e-3, 4e-3, 10e-3])
def test_siegert_matches_direct_quadrature(mu, sigma):
    expected = siegert_quad(mu, sigma)
    got = siegert(mu, sigma, VTH, VR, TAU, TREF)[()]
    assert got == pytest.approx(expected, rel=1e-5, abs=1e-12)


def test_siegert_tends_to_deterministic_fi_curve():
    mu = np.array([16e-3, 20e-3, 30e-3, 60e-3])
    det = lif_rate(mu, VTH, VR, TAU, TREF)
    # analytic f-I: nu = 1 / (t_ref + tau ln(mu / (mu - theta))) with v_reset = rest
    assert det == pytest.approx(1 / (TREF + TAU * np.log(mu / (mu - VTH))), rel=1e-12)
    assert siegert(mu, 1e-5, VTH, VR, TAU, TREF) == pytest.approx(det, rel=2e-3)
    assert lif_rate(14e-3, VTH, VR, TAU, TREF)[()] == 0.0
    # noise raises the rate below threshold and flattens the curve above it
    assert siegert(14e-3, 2e-3, VTH, VR, TAU, TREF)[()] > 1.0


def test_rate_native_transfer_functions():
    x = np.array([-2.0, 0.0, 3.0])
    assert relu(x, gain=2.0).tolist() == [0.0, 0.0, 6.0]
    assert sigmoid(0.0, r_max=50.0)[()] == pytest.approx(25.0)


def test_conductance_stats_reduce_to_leak_without_input():
    p = LIFParams(n=1, synapse="conductance", tau_m=0.02, r_m=1e8, v_rest=-0.07, v_reset=-0.07,
                  v_th=-0.055, t_ref=0.0, tau_e=5e-3, tau_i=5e-3, e_e=0.0, e_i=-0.08,
                  i_ext=np.array([0.0]), sigma=0.0)
    z = np.zeros(1)
    mu, sig, tau, _ = lif_input_stats(p, z, z, z, z)
    assert (mu[0], sig[0], tau[0]) == (pytest.approx(-0.07), 0.0, pytest.approx(0.02))
    # 10 nS of mean excitatory conductance (= g_L) halves tau and puts mu halfway to E_e
    m = np.array([10e-9 / 5e-3])
    mu, _, tau, _ = lif_input_stats(p, m, m * 1e-12, z, z)
    assert tau[0] == pytest.approx(0.01) and mu[0] == pytest.approx(-0.035)


# --- spiking LIF (Brian2) against the rate backend's transfer function -----------------------

LEVELS_DET = np.array([160.0, 200.0, 300.0, 450.0])      # pA, deterministic: above rheobase (150 pA)
LEVELS_FLUCT = np.array([140.0, 160.0, 190.0, 230.0])   # pA, plus Poisson input noise
PER_LEVEL, BG_RATE, BG_W, TAU_S = 150, 1000.0, 40e-12, 2e-3


@pytest.fixture(scope="module")
def brian_rates():
    """One Brian2 run: deterministic LIF neurons, and LIF neurons with private balanced Poisson input."""
    n = len(LEVELS_FLUCT) * PER_LEVEL
    lif = dict(synapse="current", tau_m="20 ms", r_m="100 Mohm", v_rest="-70 mV", v_reset="-70 mV",
               v_th="-55 mV", t_ref="2 ms", tau_e=f"{TAU_S * 1e3} ms", tau_i=f"{TAU_S * 1e3} ms")
    net = Network(
        name="fi_fluct", duration="2 s", dt="0.1 ms",
        populations={
            "det": LIF(n=len(LEVELS_DET), i_ext=[f"{c} pA" for c in LEVELS_DET], **lif),
            "exc": PoissonInput(n=n, rate=f"{BG_RATE} Hz"), "inh": PoissonInput(n=n, rate=f"{BG_RATE} Hz"),
            "fluct": LIF(n=n, i_ext=[f"{c} pA" for c in np.repeat(LEVELS_FLUCT, PER_LEVEL)], **lif)},
        projections={
            "e": Projection(pre="exc", post="fluct", connectivity="one_to_one", w_init=f"{BG_W * 1e12} pA"),
            "i": Projection(pre="inh", post="fluct", connectivity="one_to_one", receptor="inh",
                            w_init=f"{BG_W * 1e12} pA")},
        record={"spikes": ["det", "fluct"]})
    return simulate(net, "spike", seed=3, target="numpy")


def _params(levels):
    return LIFParams(n=len(levels), synapse="current", tau_m=TAU, r_m=1e8, v_rest=-0.07, v_reset=-0.07,
                     v_th=-0.055, t_ref=TREF, tau_e=TAU_S, tau_i=TAU_S, e_e=0.0, e_i=-0.08,
                     i_ext=levels * 1e-12, sigma=0.0)


def test_deterministic_lif_rate_matches_brian2(brian_rates):
    t, i = brian_rates.spikes["det"]
    measured = np.array([1 / np.mean(np.diff(t[i == k])) for k in range(len(LEVELS_DET))])
    z = np.zeros(len(LEVELS_DET))
    predicted = lif_rate_from_inputs(_params(LEVELS_DET), z, z, z, z)
    rel = np.abs(predicted - measured) / measured
    print(f"\ndeterministic f-I: measured {np.round(measured, 3)} Hz, relative errors {np.round(rel, 4)}")
    assert rel.max() <= 0.05, f"relative errors {np.round(rel, 4)}"


def test_siegert_rate_matches_brian2_with_poisson_input(brian_rates):
    """Fluctuation-driven regime: mean drive from 14 to 23 mV (threshold 15 mV), sigma_B = 2.5 mV."""
    t, i = brian_rates.spikes["fluct"]
    keep = t >= 0.2  # skip the transient from v_rest
    counts = np.bincount(i[keep], minlength=len(LEVELS_FLUCT) * PER_LEVEL) / (2.0 - 0.2)
    measured = counts.reshape(len(LEVELS_FLUCT), PER_LEVEL).mean(axis=1)
    m = np.full(len(LEVELS_FLUCT), BG_RATE * BG_W)
    p = _params(LEVELS_FLUCT)
    predicted = lif_rate_from_inputs(p, m, m * BG_W, m, m * BG_W)
    _, sigma_b, _, _ = lif_input_stats(p, m, m * BG_W, m, m * BG_W)
    assert sigma_b[0] == pytest.approx(2.53e-3, rel=0.01)   # really the fluctuating regime
    # without noise the lowest level would be silent: the rate there is noise-driven
    assert lif_rate(p.v_rest + 1e8 * LEVELS_FLUCT[0] * 1e-12, p.v_th, p.v_reset, TAU, TREF)[()] == 0.0
    rel = np.abs(predicted - measured) / measured
    print(f"\nSiegert: measured {np.round(measured, 3)} Hz, predicted {np.round(predicted, 3)} Hz, "
          f"relative errors {np.round(rel, 4)}")
    assert rel.max() <= 0.05, f"measured {np.round(measured, 2)}, predicted {np.round(predicted, 2)}"


def test_conductance_based_rate_matches_brian2():
    """Conductance synapses through their effective mean, variance and time constant:
    private Poisson trains (exc 1000 Hz x 0.5 nS, inh 500 Hz x 1 nS, tau_s = 2 ms) plus I_ext."""
    levels, per, we, wi, r_e, r_i = np.array([115.0, 135.0, 175.0]), 100, 0.5e-9, 1e-9, 1000.0, 500.0
    n = len(levels) * per
    cells = LIF(n=n, synapse="conductance", tau_m="20 ms", r_m="100 Mohm", v_rest="-70 mV", v_reset="-70 mV",
                v_th="-55 mV", t_ref="2 ms", tau_e="2 ms", tau_i="2 ms", e_e="0 mV", e_i="-80 mV",
                i_ext=[f"{c} pA" for c in np.repeat(levels, per)])
    net = Network(name="cond", duration="2 s", dt="0.1 ms",
                  populations={"e": PoissonInput(n=n, rate=f"{r_e} Hz"), "i": PoissonInput(n=n, rate=f"{r_i} Hz"),
                               "cells": cells},
                  projections={"pe": Projection(pre="e", post="cells", connectivity="one_to_one", w_init="0.5 nS"),
                               "pi": Projection(pre="i", post="cells", connectivity="one_to_one", w_init="1 nS",
                                                receptor="inh")},
                  record={"spikes": ["cells"]})
    t, i = simulate(net, "spike", seed=2, target="numpy").spikes["cells"]
    keep = t >= 0.2
    measured = (np.bincount(i[keep], minlength=n) / 1.8).reshape(len(levels), per).mean(axis=1)
    p = LIFParams(n=len(levels), synapse="conductance", tau_m=TAU, r_m=1e8, v_rest=-0.07, v_reset=-0.07,
                  v_th=-0.055, t_ref=TREF, tau_e=2e-3, tau_i=2e-3, e_e=0.0, e_i=-0.08, i_ext=levels * 1e-12, sigma=0.0)
    m_e, m_i = np.full(len(levels), r_e * we), np.full(len(levels), r_i * wi)
    predicted = lif_rate_from_inputs(p, m_e, m_e * we, m_i, m_i * wi)
    rel = np.abs(predicted - measured) / measured
    print(f"\nconductance: measured {np.round(measured, 3)} Hz, predicted {np.round(predicted, 3)} Hz, "
          f"relative errors {np.round(rel, 4)}")
    assert rel.max() <= 0.05
