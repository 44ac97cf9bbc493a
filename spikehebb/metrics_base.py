"""What every metrics module shares: the registry of metric functions and two matrix helpers.

:mod:`spikehebb.metrics` and :mod:`spikehebb.literature_metrics` register
their functions here, so neither imports the other's internals.
"""
import numpy as np

from .registry import Registry

#: metric description class -> function(spec, network, result) -> {name: value}
_COMPUTE = Registry("metrics module", by_class=True)
register = _COMPUTE.register


def principal_components(c):
    """Eigenvectors of the symmetric matrix ``c`` as columns, by decreasing eigenvalue."""
    vals, vecs = np.linalg.eigh(c)
    order = np.argsort(vals)[::-1]
    return vals[order], vecs[:, order]


def weight_matrix(final, i, j, n_pre, n_post):
    """Dense (n_pre, n_post) matrix of a projection's weights (0 where no synapse)."""
    w = np.zeros((n_pre, n_post))
    w[np.asarray(i, int), np.asarray(j, int)] = final
    return w
