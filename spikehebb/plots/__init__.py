"""Plots of backend-neutral results. Each takes data and ``ax=None``, returns the axes
(or the figure, for multi-panel figures). No module here chooses a matplotlib backend:
new figures are :class:`matplotlib.figure.Figure` objects, made without pyplot."""
from .figures import figures_for, output_label, weight_axis
from .network import population_rate, raster, rate_heatmap, weight_histogram, weight_traces

__all__ = ["figures_for", "output_label", "population_rate", "raster", "rate_heatmap", "weight_axis",
           "weight_histogram", "weight_traces"]
