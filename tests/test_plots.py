"""Plots take data and ``ax=None``, draw onto the given axes and return them."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from spikehebb import plots  # noqa: E402

T = np.linspace(0, 1, 11)
CASES = {
    "raster": ((np.array([0.1, 0.2, 0.5]), np.array([0, 3, 1])), {"window": (0.15, 1.0)}),
    "rate_heatmap": ((T, np.random.default_rng(0).random((11, 4))), {}),
    "population_rate": ((T, np.ones(11)), {}),
    "weight_traces": ((T, np.ones((11, 3)) * 0.5), {"w_max": 1.0}),
    "weight_histogram": ((np.linspace(0, 1, 50),), {"w_max": 1.0}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_plot_uses_given_axes_and_returns_them(name, monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plots must not call show()"))
    args, kw = CASES[name]
    fig, ax = plt.subplots()
    assert getattr(plots, name)(*args, ax=ax, **kw) is ax
    assert ax.has_data()
    new = getattr(plots, name)(*args, **kw)
    assert new is not ax and new.has_data()
    plt.close("all")


def test_raster_window_drops_spikes_outside():
    ax = plots.raster(np.array([0.1, 0.2, 0.5]), np.array([0, 3, 1]), window=(0.15, 1.0))
    xs = ax.lines[0].get_xdata()
    np.testing.assert_array_equal(xs, [0.2, 0.5])
    plt.close("all")
