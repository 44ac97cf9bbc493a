"""Helpers every plot module shares: "given axes, or new ones", and the label of a population's values."""
from matplotlib.figure import Figure


def axes_or_new(ax, figsize=(6, 3.5)):
    """``ax``, or the axes of a new :class:`~matplotlib.figure.Figure` (made directly: no backend is chosen)."""
    return ax if ax is not None else Figure(figsize=figsize).add_subplot()


def output_label(pop):
    """What a population's recorded values are: ``"rate (Hz)"``, or, for linear
    rate units (:math:`y = g\\,w^\\top x + b`, signed), ``"output y (linear, signed)"``."""
    if getattr(pop, "TYPE", None) == "rate_units" and pop.transfer == "linear":
        return "output y (linear, signed)"
    return "rate (Hz)"
