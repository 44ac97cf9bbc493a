"""Plots of backend-neutral results. Each takes data and ``ax=None``, returns the axes."""
from .network import (figures_for, population_rate, raster, rate_heatmap, weight_histogram,
                      weight_traces)

__all__ = ["figures_for", "population_rate", "raster", "rate_heatmap", "weight_histogram", "weight_traces"]
