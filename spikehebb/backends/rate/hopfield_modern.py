r"""Memories beyond 0.138 N: modern Hopfield networks and dense associative memory.

Both store the patterns themselves (rows of ``X``, shape ``(P, N)``) instead
of a weight matrix; their energies are steeper functions of the overlaps
:math:`X s`, which suppresses the crosstalk between memories.

References
----------
.. [1] H. Ramsauer et al., "Hopfield networks is all you need",
   arXiv:2008.02217 (2020); ICLR 2021.
.. [2] D. Krotov, J. J. Hopfield, "Dense associative memory for pattern
   recognition", NIPS 29 (2016), arXiv:1606.01164.
"""
import numpy as np

from .hopfield_dynamics import _sgn


def softmax_rows(z):
    """Row-wise softmax, shifted by the row maximum so that large ``beta`` cannot overflow."""
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def modern_energy(patterns, states, beta):
    r"""Energy of the modern Hopfield network [1]_ (constant terms dropped).

    .. math::

        E(\xi) = -\beta^{-1} \log \sum_\mu \exp(\beta\, x^\mu \cdot \xi) + \tfrac12 \xi \cdot \xi
    """
    z = beta * np.atleast_2d(states) @ np.asarray(patterns, float).T
    zmax = z.max(axis=1)
    lse = zmax + np.log(np.exp(z - zmax[:, None]).sum(axis=1))
    return -lse / beta + 0.5 * np.sum(np.atleast_2d(states) ** 2, axis=1)


def modern_update(patterns, states, beta, binary=True):
    r"""One update of the modern (continuous-state) Hopfield network [1]_.

    .. math::

        \xi^{new} = X^T \operatorname{softmax}(\beta X \xi)

    ``beta`` multiplies the raw dot products :math:`x^\mu \cdot \xi` (for +-1
    patterns these lie in :math:`[-N, N]`). With ``binary`` the result is
    mapped back to +-1 by its sign (a zero keeps the old bit), so that it can
    be compared with binary networks bit by bit.
    """
    x = np.asarray(patterns, dtype=float)
    s = np.array(states, dtype=float, ndmin=2)
    new = softmax_rows(beta * s @ x.T) @ x
    return _sgn(new, s) if binary else new


def modern_run(patterns, states, beta, steps=1):
    """``steps`` binary modern updates (retrieval typically needs one [1]_)."""
    s = np.array(states, dtype=float, ndmin=2)
    for _ in range(steps):
        s = modern_update(patterns, s, beta)
    return s


def dense_energy(patterns, states, degree):
    r"""Energy of the dense associative memory [2]_ with :math:`F(x) = x^n`.

    .. math::

        E(\sigma) = -\sum_\mu F(\xi^\mu \cdot \sigma)
    """
    return -np.sum((np.atleast_2d(states) @ np.asarray(patterns, float).T) ** degree, axis=1)


def dense_async_run(patterns, states, degree, rng, max_sweeps=20):
    r"""Asynchronous updates of the dense associative memory [2]_.

    Unit :math:`i` takes the sign that gives the lower energy, the others fixed:

    .. math::

        \sigma_i \leftarrow \operatorname{sgn} \sum_\mu \Big[ F\big(\xi^\mu_i + r^\mu_i\big)
        - F\big(-\xi^\mu_i + r^\mu_i\big) \Big],
        \qquad r^\mu_i = \sum_{j\ne i} \xi^\mu_j \sigma_j, \qquad F(x) = x^n .

    For :math:`n = 2` this is the Hebbian network; capacity grows as
    :math:`N^{n-1}`. The energy never increases. The overlaps :math:`X\sigma`
    are kept and updated only where a unit flipped, and a state that went
    through a whole sweep without a flip (a fixed point) is dropped from later
    sweeps, which changes neither the results nor the random update orders.

    Returns
    -------
    states : ndarray (B, N)
    info : dict
        ``sweeps`` and ``converged``.
    """
    x = np.asarray(patterns, dtype=float)
    s_all = np.array(states, dtype=float, ndmin=2)
    rows, s = np.arange(len(s_all)), s_all.copy()  # the states still moving
    d = s @ x.T
    converged, sweep = False, 0
    for sweep in range(1, max_sweeps + 1):
        moved = np.zeros(len(rows), dtype=bool)
        for i in rng.permutation(s.shape[1]):
            rest = d - s[:, i:i + 1] * x[:, i][None, :]  # overlaps without unit i
            gain = np.sum((rest + x[:, i]) ** degree - (rest - x[:, i]) ** degree, axis=1)
            new = _sgn(gain, s[:, i])
            changed = np.flatnonzero(new != s[:, i])
            if changed.size:
                moved[changed] = True
                delta = new[changed] - s[changed, i]
                s[changed, i] = new[changed]
                d[changed] += delta[:, None] * x[:, i][None, :]
        if not moved.all():
            s_all[rows[~moved]] = s[~moved]
            rows, s, d = rows[moved], s[moved], d[moved]
        if rows.size == 0:
            converged = True
            break
    s_all[rows] = s
    return s_all, {"sweeps": sweep, "converged": converged}
