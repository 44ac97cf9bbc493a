"""LIF neurons on Brian2 against the analytic f-I curve (cf. nengo test_lif)."""
import numpy as np
import pytest

from spikehebb.backends import simulate
from spikehebb.model import LIF, Network

TAU_M, R_M, V_TH, V_RESET, T_REF = 0.02, 1e8, 15e-3, 0.0, 2e-3  # SI, relative to v_rest


def analytic_rate(i_ext):
    """nu = 1 / (t_ref + tau ln((RI - v_reset)/(RI - v_th))), zero below rheobase."""
    drive = R_M * np.asarray(i_ext)
    out = np.zeros_like(drive)
    above = drive > V_TH
    out[above] = 1 / (T_REF + TAU_M * np.log((drive[above] - V_RESET) / (drive[above] - V_TH)))
    return out


@pytest.mark.parametrize("synapse", ["current", "conductance"])
def test_lif_rate_matches_analytic_fi_curve(synapse):
    currents = np.linspace(160e-12, 600e-12, 12)  # 1.07 to 4 times rheobase (150 pA)
    pop = LIF(n=len(currents), synapse=synapse, tau_m="20 ms", r_m="100 Mohm", v_rest="-70 mV",
              v_reset="-70 mV", v_th="-55 mV", t_ref="2 ms", i_ext=list(f"{c * 1e12:.6f} pA" for c in currents))
    net = Network(name="fi", duration="1 s", dt="0.05 ms", populations={"cells": pop},
                  record={"spikes": ["cells"]})
    res = simulate(net, "spike", seed=1, target="numpy")
    t, i = res.spikes["cells"]
    # rate from inter-spike intervals: independent of where the first spike falls
    measured = np.array([1 / np.mean(np.diff(t[i == k])) for k in range(len(currents))])
    expected = analytic_rate(currents)
    rel = np.abs(measured - expected) / expected
    assert rel.max() <= 0.02, f"max relative error {rel.max():.4f}"


def test_lif_is_silent_below_rheobase():
    pop = LIF(n=3, synapse="current", v_rest="-70 mV", v_reset="-70 mV", v_th="-55 mV",
              i_ext=["0 pA", "100 pA", "149 pA"])
    net = Network(name="sub", duration="1 s", populations={"cells": pop}, record={"spikes": ["cells"]})
    res = simulate(net, "spike", seed=1, target="numpy")
    assert len(res.spikes["cells"][0]) == 0
