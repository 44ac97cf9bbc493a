r"""Dynamics of binary Hopfield networks: updates, energy, overlap, noisy cues.

States are ``(B, N)`` arrays of +-1 (a batch of ``B`` independent networks
sharing the weights), so that many recalls run at once.

.. math::

    s_i \leftarrow \operatorname{sgn}(h_i), \quad h_i = \sum_j W_{ij} s_j, \qquad
    E(s) = -\tfrac{1}{2} \sum_{ij} W_{ij} s_i s_j, \qquad
    m^\mu = \frac{1}{N} \sum_i \xi^\mu_i s_i

A unit whose field is zero (within :data:`TIE`, for rounding) keeps its state. With symmetric weights
and zero diagonal an asynchronous update never increases :math:`E` (a flip
changes it by :math:`-2|h_i|`), so asynchronous dynamics reach a fixed point;
synchronous updates can end in a 2-cycle.

References
----------
.. [1] J. J. Hopfield, PNAS 79, 2554 (1982).
"""
import numpy as np

from ..memory import overlap


def energy(weights, states):
    r"""Energy :math:`E = -\frac12 s^T W s` of each state (``(B,)`` or a scalar)."""
    s = np.asarray(states, dtype=float)
    return -0.5 * np.einsum("...i,ij,...j->...", s, weights, s)


#: fields this close to zero are ties (rounding noise must not flip units back and forth)
TIE = 1e-10


def _sgn(h, current):
    return np.where(h > TIE, 1.0, np.where(h < -TIE, -1.0, current))


def sync_run(weights, states, max_steps=100):
    r"""Synchronous (parallel) updates :math:`s \leftarrow \operatorname{sgn}(W s)` of all units.

    Returns
    -------
    states : ndarray (B, N)
        States after a fixed point or ``max_steps`` updates (2-cycles stop there).
    history : ndarray (steps + 1, B, N)
        All states, the cue first.
    """
    s = np.array(states, dtype=float, ndmin=2)
    hist = [s]
    for _ in range(max_steps):
        new = _sgn(s @ weights.T, s)
        hist.append(new)
        if np.array_equal(new, s):
            break
        s = new
    return hist[-1], np.array(hist)


def async_run(weights, states, rng, max_sweeps=50, targets=None, record=False, groups=None):
    r"""Asynchronous updates, one unit at a time, in a new random order each sweep.

    The whole batch updates the same unit at each step (independent networks
    do not interact), and the fields :math:`h = W s` are updated only in the
    rows where a unit flipped, so that a sweep costs :math:`O(BN)` plus
    :math:`O(N)` per flip instead of :math:`O(BN^2)`.

    Parameters
    ----------
    weights : ndarray (N, N) or (G, N, N)
        Symmetric, zero diagonal; a stack of ``G`` networks with ``groups``.
    states : ndarray (B, N) or (N,)
        Initial states (cues).
    rng : numpy.random.Generator
        Draws the update order.
    max_sweeps : int
        Stop after this many sweeps of all ``N`` units even without convergence.
    targets : ndarray (B, N), optional
        Patterns for the recorded overlap.
    record : bool
        Record energy (and overlap with ``targets``) after every unit update.
    groups : ndarray of int (B,), optional
        Which of the stacked weight matrices each state runs on (many
        independent trials in one loop, for capacity measurements).

    Returns
    -------
    states : ndarray (B, N)
    info : dict
        ``sweeps`` (sweeps run, the last one without any flip if converged),
        ``converged`` (bool), and when ``record``: ``energy`` and ``overlap``
        arrays of shape (updates + 1, B), the cue first.
    """
    w = np.asarray(weights, dtype=float)
    s = np.array(states, dtype=float, ndmin=2)
    n = s.shape[1]
    if w.ndim == 2:
        w, groups = w[None], np.zeros(len(s), dtype=int)
    groups = np.asarray(groups)
    h = np.empty_like(s)
    for g in range(len(w)):  # per group: never materialise one (N, N) matrix per state
        rows = groups == g
        h[rows] = s[rows] @ w[g].T
    e_trace, m_trace = [], []
    if record:
        e = -0.5 * np.sum(h * s, axis=1)
        m = overlap(s, targets) if targets is not None else np.zeros(len(s))
        e_trace.append(e.copy())
        m_trace.append(m.copy())
    converged, sweep = False, 0
    for sweep in range(1, max_sweeps + 1):
        flips = 0
        for i in rng.permutation(n):
            new = _sgn(h[:, i], s[:, i])
            changed = np.flatnonzero(new != s[:, i])
            if changed.size:
                flips += changed.size
                delta = new[changed] - s[changed, i]  # +-2
                if record:
                    e[changed] -= delta * h[changed, i]  # dE = -(s_new - s_old) h_i (zero diagonal)
                    if targets is not None:
                        m[changed] += delta * targets[changed, i] / n
                s[changed, i] = new[changed]
                h[changed] += delta[:, None] * w[groups[changed], i, :]  # row i = column i (symmetric)
            if record:
                e_trace.append(e.copy())
                m_trace.append(m.copy())
        if flips == 0:
            converged = True
            break
    info = {"sweeps": sweep, "converged": converged}
    if record:
        info["energy"], info["overlap"] = np.array(e_trace), np.array(m_trace)
    return s, info
