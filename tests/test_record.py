"""The Brian2 recorder records spike sources (Poisson, given spike times) as well as LIF
neurons, and the figures of such a run show every recorded population."""
import numpy as np
import pytest
from brian2 import second

from spikehebb.backends import simulate
from spikehebb.model import ModelError, load_model
from spikehebb.plots import figures_for

MODEL = """
[model]
name = "record_sources"
duration = "1 s"
dt = "0.1 ms"

[populations.given]
type = "spike_times"
n = 3
indices = [0, 2, 2, 1]
times = ["0.1 s", "0.2 s", "0.5 s", "0.9 s"]

[populations.noise]
type = "poisson"
n = 200
rate = "20 Hz"

[populations.post]
type = "lif"
n = 2
synapse = "current"
tau_m = "20 ms"
r_m = "100 Mohm"
v_rest = "-70 mV"
v_reset = "-70 mV"
v_th = "-55 mV"
t_ref = "2 ms"
tau_e = "2 ms"
tau_i = "2 ms"
i_ext = "160 pA"

[projections.ff]
pre = "noise"
post = "post"
connectivity = "all_to_all"
w_init = "5 pA"

[record]
spikes = ["given", "noise", "post"]
rates = ["given", "noise", "post"]
rate_bin = "100 ms"
"""


def test_spike_sources_are_recorded_on_brian2(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(MODEL)
    net = load_model(path).network
    res = simulate(net, "spike", seed=0, target="numpy", duration=1 * second)
    res.info["duration"] = 1.0
    t, i = res.spikes["given"]
    order = np.argsort(t)
    np.testing.assert_allclose(t[order], [0.1, 0.2, 0.5, 0.9], atol=1e-9)
    np.testing.assert_array_equal(i[order], [0, 2, 2, 1])
    t, i = res.spikes["noise"]
    # 200 x 20 Hz x 1 s = 4000 expected spikes (Poisson: sd 63)
    assert 3700 < len(t) < 4300 and set(np.unique(i)) <= set(range(200))
    assert len(res.spikes["post"][0]) > 0
    tr, rate = res.rates["noise"]
    assert len(tr) == 10 and abs(rate.mean() - 20) < 2
    figs = figures_for(net, res)
    assert {"raster_given", "raster_noise", "raster_post"} <= set(figs)
    assert "100 of 200 neurons, every 2nd" in figs["raster_noise"].axes[0].get_title()
    assert "all 3 neurons" in figs["raster_given"].axes[0].get_title()


def test_spike_neurons_keeps_the_first_k_neurons_only(tmp_path):
    path = tmp_path / "subset.toml"
    path.write_text(MODEL + "spike_neurons = { noise = 30 }\n")
    net = load_model(path).network
    full = simulate(load_model(_write(tmp_path, MODEL)).network, "spike", seed=0, target="numpy",
                    duration=1 * second)
    res = simulate(net, "spike", seed=0, target="numpy", duration=1 * second)
    t, i = res.spikes["noise"]
    ft, fi = full.spikes["noise"]
    # the same seed draws the same spikes; only those of neurons 0-29 are kept
    np.testing.assert_array_equal(np.sort(t), np.sort(ft[fi < 30]))
    assert set(np.unique(i)) <= set(range(30))
    res.info["duration"] = 1.0
    title = figures_for(net, res)["raster_noise"].axes[0].get_title()
    assert "all 30 neurons" in title and "of 200" in title


@pytest.mark.parametrize("table, what", [("{ post = 1 }\nspikes = [\"noise\"]", "not in record.spikes"),
                                         ("{ noise = 0 }", "from 1 to 200"), ("{ noise = 201 }", "from 1 to 200"),
                                         ("{ noise = 2.5 }", "whole number"), ("3", "expected a table")])
def test_spike_neurons_is_checked(tmp_path, table, what):
    text = MODEL.replace('spikes = ["given", "noise", "post"]\n', "") + f"spike_neurons = {table}\n"
    if "spikes" not in table:
        text += 'spikes = ["given", "noise", "post"]\n'
    with pytest.raises(ModelError, match=what) as e:
        load_model(_write(tmp_path, text))
    assert "record.spike_neurons" in str(e.value)


def _write(tmp_path, text, name="m.toml"):
    (tmp_path / name).write_text(text)
    return tmp_path / name
