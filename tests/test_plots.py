"""Plots take data and ``ax=None``, draw onto the given axes and return them; figures
say what they show (whole run, which neurons and synapses, what the values are)."""
import os
import subprocess
import sys

import numpy as np
import pytest
from brian2 import second
from matplotlib.figure import Figure

from spikehebb import plots
from spikehebb.backends import simulate
from spikehebb.model import load_model
from spikehebb.plots import figures as pf
from spikehebb.plots import mnist as pm
from spikehebb.plots.network import bin_edges, describe_indices, raster_caption

from conftest import MODELS

T = np.linspace(0, 1, 11)
CASES = {
    "raster": ((np.array([0.1, 0.2, 0.5]), np.array([0, 3, 1])), {"window": (0.15, 1.0)}),
    "rate_heatmap": ((T, np.random.default_rng(0).random((11, 4))), {}),
    "population_rate": ((T, np.ones(11)), {}),
    "weight_traces": ((T, np.ones((11, 3)) * 0.5), {"w_max": 1.0}),
    "weight_histogram": ((np.linspace(0, 1, 50),), {"w_max": 1.0}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_plot_uses_given_axes_and_returns_them(name):
    args, kw = CASES[name]
    ax = Figure().add_subplot()
    assert getattr(plots, name)(*args, ax=ax, **kw) is ax
    assert ax.has_data()
    new = getattr(plots, name)(*args, **kw)
    assert new is not ax and new.has_data()


def test_raster_window_drops_spikes_outside():
    ax = plots.raster(np.array([0.1, 0.2, 0.5]), np.array([0, 3, 1]), window=(0.15, 1.0))
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0.2, 0.5])


def _every_neuron_spikes(n, duration, rng):
    """Spikes of ``n`` neurons over the whole run: each neuron fires at the start, at the end
    and a few times between."""
    t = np.concatenate([np.full(n, 0.01), np.full(n, duration - 0.01), rng.uniform(0, duration, 3 * n)])
    i = np.concatenate([np.arange(n), np.arange(n), rng.integers(0, n, 3 * n)])
    return t, i


@pytest.mark.parametrize("n, max_rows, rows, text", [(1000, 100, 100, "100 of 1000 neurons, every 10th"),
                                                     (1000, 30, 30, "30 of 1000 neurons, every 34th"),
                                                     (1000, 50, 50, "50 of 1000 neurons, every 20th"),
                                                     (40, 100, 40, "all 40 neurons")])
def test_whole_run_raster_has_the_rows_it_states(n, max_rows, rows, text):
    duration = 10.0
    t, i = _every_neuron_spikes(n, duration, np.random.default_rng(1))
    fig = pf.raster_figure(t, i, n, duration, "inputs", max_rows=max_rows, detail_seconds=2.0)
    whole, detail = fig.axes
    y, x = whole.lines[0].get_ydata(), whole.lines[0].get_xdata()
    assert len(np.unique(y)) == rows
    assert text in whole.get_title() and "whole run (10 s)" in whole.get_title()
    assert text in detail.get_title() and "last 2 s" in detail.get_title()
    # the whole run: first and last spikes are drawn and inside the x limits
    assert x.min() < 0.02 and x.max() > duration - 0.02
    assert whole.get_xlim() == (0.0, duration) and detail.get_xlim() == (duration - 2.0, duration)
    # y reads neuron indices: integer ticks within the population
    ticks = [v for v in whole.get_yticks() if whole.get_ylim()[0] <= v <= whole.get_ylim()[1]]
    assert ticks and all(float(v).is_integer() and 0 <= v < n for v in ticks)


def test_single_neuron_raster_ticks_the_neuron():
    fig = pf.raster_figure(np.array([0.5, 1.0]), np.array([0, 0]), 1, 3.0, "post")
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert [v for v in ax.get_yticks() if lo <= v <= hi] == [0]
    assert "1 neuron" in ax.get_title()


def test_captions():
    assert raster_caption(1000, 50) == "50 of 1000 neurons, every 20th"
    assert raster_caption(1000, 500) == "500 of 1000 neurons, every 2nd"
    assert describe_indices(np.arange(20)) == "0-19"
    assert describe_indices(np.arange(0, 1000, 50)) == "0, 50, ..., 950"
    assert describe_indices([3, 7, 12]) == "3, 7, 12"


def test_weight_traces_say_which_synapses():
    w = np.random.default_rng(2).random((5, 20))
    ax = plots.weight_traces(np.arange(5.0), w, w_max=1.0, i=np.arange(20), j=np.zeros(20, int), n_total=1000)
    assert "20 of 1000 synapses: i = 0-19 -> j = 0" in ax.get_title()
    assert len(ax.lines) == 20
    # coloured by final weight: the trace ending highest has the brightest (viridis) colour
    top, bottom = np.argmax(w[-1]), np.argmin(w[-1])
    assert sum(ax.lines[top].get_color()[:3]) > sum(ax.lines[bottom].get_color()[:3])


def test_rate_heatmap_cells_span_their_bins():
    centres = np.arange(4) + 0.5  # bins [0, 1), [1, 2), ... recorded at their centres
    np.testing.assert_allclose(bin_edges(centres), [0, 1, 2, 3, 4])
    ax = plots.rate_heatmap(centres, np.arange(8.0).reshape(4, 2))
    xy = ax.collections[0].get_coordinates()
    np.testing.assert_allclose(xy[0, :, 0], [0, 1, 2, 3, 4])
    np.testing.assert_allclose(xy[:, 0, 1], [-0.5, 0.5, 1.5])
    # cell (time bin 2, unit 1) holds rates[2, 1]
    np.testing.assert_allclose(ax.collections[0].get_array().reshape(2, 4)[1, 2], 5.0)


def test_labels_follow_the_description():
    pca, bcm = (load_model(MODELS / f).network for f in ("hebbian_pca.toml", "bcm_selectivity.toml"))
    song = load_model(MODELS / "song2000_stdp.toml").network
    assert pf.output_label(pca.populations["pcs"]) == "output y (linear, signed)"
    assert pf.output_label(bcm.populations["unit"]) == "rate (Hz)"
    assert pf.output_label(song.populations["post"]) == "rate (Hz)"
    rec = {"w_min": -2.0, "w_max": 2.0}
    assert pf.weight_axis(pca, "ff", rec)[:2] == (1.0, "w (dimensionless)")
    w_max = float(song.projections["input_to_post"].w_max)
    assert pf.weight_axis(song, "input_to_post", {"w_min": 0.0, "w_max": w_max})[:2] == (w_max, "w / w_max")


def test_figures_of_a_pca_run():
    net = load_model(MODELS / "hebbian_pca.toml").network
    res = simulate(net, "rate", seed=0, duration=3 * second)
    res.info["duration"] = 3.0
    figs = plots.figures_for(net, res)
    assert {"rates_inputs", "rates_pcs", "weights_ff", "weight_hist_ff", "pc_cosine_ff"} <= set(figs)
    labels = [ax.get_ylabel() for ax in figs["rates_pcs"].axes]
    assert "output y (linear, signed)" in labels and "rate (Hz)" not in labels
    assert "w (dimensionless)" == figs["weights_ff"].axes[0].get_ylabel()
    assert "w / w_max" not in [ax.get_xlabel() for ax in figs["weight_hist_ff"].axes]
    # the PC figure comes from the rule (Sanger), whether or not the file declares the metric
    assert [ax.get_ylabel() for ax in figs["pc_cosine_ff"].axes][0] == "|cos(w, PC)|"


def test_figures_of_a_bcm_run():
    net = load_model(MODELS / "bcm_selectivity.toml").network
    res = simulate(net, "rate", seed=0, duration=1 * second)
    res.info["duration"] = 1.0
    figs = plots.figures_for(net, res)
    assert {"rates_inputs", "rates_unit", "selectivity_ff"} <= set(figs)
    ax = figs["selectivity_ff"].axes[0]
    assert len(ax.patches) == 4  # two patterns, before and after
    assert any("SEL" in t.get_text() for t in ax.get_legend().get_texts())


def test_mnist_learning_curve_in_fractions():
    test, train = np.array([0.2, np.nan, 0.08]), np.array([0.3, 0.15, 0.1])
    ax = pm.learning_curve(test, train, np.array([0, 0, 1]))
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.2, 0.08])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), train)
    assert ax.get_ylabel() == "error (fraction)"
    cm = np.array([[9, 1], [0, 10]])
    ax = pm.confusion_matrix(cm)
    assert ax.images[0].get_array().max() == 1.0 and "fraction" in ax.images[0].colorbar.ax.get_ylabel()


def test_importing_plots_leaves_the_backend_alone():
    code = ("import matplotlib, importlib, pkgutil, spikehebb.plots as p\n"
            "for m in pkgutil.iter_modules(p.__path__): importlib.import_module('spikehebb.plots.' + m.name)\n"
            "from spikehebb.plots import figures, hopfield, compare, mnist\n"
            "hopfield.pattern_image([1, -1, 1, -1]); compare.comparison_figure({}, {}, {})\n"
            "print(matplotlib.get_backend())")
    env = dict(os.environ, MPLBACKEND="svg")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().lower() == "svg"


def test_no_plot_module_chooses_a_backend():
    import spikehebb.plots as p
    for name in os.listdir(os.path.dirname(p.__file__)):
        if name.endswith(".py"):
            src = open(os.path.join(os.path.dirname(p.__file__), name)).read()
            assert "matplotlib.use(" not in src and "pyplot" not in src.replace("without pyplot", ""), name


def test_weight_traces_that_end_alike_get_no_colour_bar():
    ax = plots.weight_traces(np.arange(3.0), np.full((3, 4), 0.25), w_max=1.0, i=np.arange(4), j=np.zeros(4, int))
    assert len(ax.figure.axes) == 1 and len(ax.lines) == 4
