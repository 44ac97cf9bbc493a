"""The one "given axes, or new ones" helper of the plot modules."""
from matplotlib.figure import Figure


def axes_or_new(ax, figsize=(6, 3.5)):
    """``ax``, or the axes of a new :class:`~matplotlib.figure.Figure` (made directly: no backend is chosen)."""
    return ax if ax is not None else Figure(figsize=figsize).add_subplot()
