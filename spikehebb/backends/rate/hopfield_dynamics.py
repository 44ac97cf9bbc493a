r"""Dynamics of binary Hopfield networks: updates, energy, overlap, noisy cues.

States are ``(B, N)`` arrays of +-1 (a batch of ``B`` independent networks
sharing the weights), so that many recalls run at once.

.. math::

    s_i \leftarrow \operatorname{sgn}(h_i), \quad h_i = \sum_j W_{ij} s_j, \qquad
    E(s) = -\tfrac{1}{2} \sum_{ij} W_{ij} s_i s_j, \qquad
    m^\mu = \frac{1}{N} \sum_i \xi^\mu_i s_i

A unit whose field is zero (within :data:`TIE`, for rounding) keeps its state.
For states of +-1 a unit therefore flips exactly when :math:`h_i s_i < -`
:data:`TIE`, the test both dynamics use. With symmetric weights and zero
diagonal an asynchronous update never increases :math:`E` (a flip changes it
by :math:`-2|h_i|`), so asynchronous dynamics reach a fixed point [1]_;
synchronous updates end in a fixed point or a 2-cycle [2]_.

References
----------
.. [1] J. J. Hopfield, PNAS 79, 2554 (1982).
.. [2] E. Goles-Chacc, F. Fogelman-Soulie, D. Pellegrin, "Decreasing energy
   functions as a tool for studying threshold networks", Discrete Appl. Math.
   12, 261 (1985).
"""
import numpy as np

from ...model.errors import ModelError
from ..memory import energy, overlap  # noqa: F401  (energy: re-exported with the dynamics)


#: fields this close to zero are ties (rounding noise must not flip units back and forth)
TIE = 1e-10


def _sgn(h, current):
    return np.where(h > TIE, 1.0, np.where(h < -TIE, -1.0, current))


def _spins(states):
    """``states`` as a new float ``(B, N)`` array, checked to hold only +-1 (the flip test needs it)."""
    s = np.array(states, dtype=float, ndmin=2)
    if not np.all(np.abs(s) == 1):
        raise ModelError("states", "Hopfield states must contain only -1 and +1")
    return s


def sync_run(weights, states, max_steps=100, targets=None, record=False):
    r"""Synchronous (parallel) updates :math:`s \leftarrow \operatorname{sgn}(W s)` of all units.

    Each state (row) stops on its own, as soon as an update leaves it
    unchanged (a fixed point) or returns it to the state two updates back (a
    2-cycle, the only other end of parallel dynamics with symmetric weights
    [2]_); only the rows still moving are updated, and the loop ends when no
    row is left, so that no update is computed after all states have stopped.
    The comparison uses the flips: the state after update :math:`t+1` equals
    the one after update :math:`t-1` exactly when update :math:`t+1` flips the
    same units as update :math:`t`.

    Parameters
    ----------
    weights : ndarray (N, N)
    states : ndarray (B, N) or (N,)
        Initial states (cues), +-1.
    max_steps : int
        Stop every row after this many updates even if it has not stopped.
    targets : ndarray (B, N), optional
        Patterns for the recorded overlap.
    record : bool
        Record the energy (and the overlap with ``targets``) after every update.

    Returns
    -------
    states : ndarray (B, N)
        The final states. For a row in a 2-cycle, the last state computed
        (equal to the state two updates before it).
    info : dict
        ``steps`` (int array (B,): updates computed for each row, including
        the last one, which recognised the fixed point or the 2-cycle),
        ``converged`` (bool (B,): ended at a fixed point), ``cycle`` (bool
        (B,): ended in a 2-cycle); with ``record``, ``energy`` and, with
        ``targets``, ``overlap``: arrays (max(steps) + 1, B), the cue first; a
        row that stopped early keeps its final value.
    """
    w = np.asarray(weights, dtype=float)
    s = _spins(states)
    b = len(s)
    steps = np.zeros(b, dtype=int)
    converged, cycle = np.zeros(b, dtype=bool), np.zeros(b, dtype=bool)
    rows, cur, last_flips = np.arange(b), s.copy(), None
    if record:
        e, e_trace, m_trace = np.empty(b), [], []
        t = np.array(targets, dtype=float, ndmin=2) if targets is not None else None
        m = np.zeros(b)
    for _ in range(max_steps):
        if rows.size == 0:
            break
        hs = cur @ w.T
        np.multiply(hs, cur, out=hs)  # h_i s_i: the unit flips where this is negative beyond a tie
        flips = hs < -TIE
        steps[rows] += 1
        if record:  # the state before this update: its energy comes with its field
            e[rows] = -0.5 * hs.sum(axis=1)
            if t is not None:
                m[rows] = overlap(cur, t[rows])
            e_trace.append(e.copy())
            m_trace.append(m.copy())
        moving = flips.any(axis=1)
        back = np.zeros_like(moving)
        if last_flips is not None:
            back[moving] = np.all(flips[moving] == last_flips[moving], axis=1)
        np.negative(cur, out=cur, where=flips)
        stop = ~moving | back
        if stop.any():
            converged[rows[~moving]] = True
            cycle[rows[back]] = True
            if record and back.any():  # a 2-cycle ends in the state before last: one trace entry back
                done = rows[back]
                e[done] = e_trace[-2][done]
                m[done] = m_trace[-2][done]
            s[rows[stop]] = cur[stop]
            keep = ~stop
            rows, cur, flips = rows[keep], cur[keep], flips[keep]
        last_flips = flips
    s[rows] = cur
    info = {"steps": steps, "converged": converged, "cycle": cycle}
    if record:
        if rows.size:  # rows stopped by max_steps: the last state's values are not known yet
            e[rows] = energy(w, cur)
            if t is not None:
                m[rows] = overlap(cur, t[rows])
        e_trace.append(e)
        m_trace.append(m)
        info["energy"] = np.array(e_trace)
        if t is not None:
            info["overlap"] = np.array(m_trace)
    return s, info


def async_run(weights, states, rng, max_sweeps=50, targets=None, record=False, groups=None):
    r"""Asynchronous updates, one unit at a time, in a new random order each sweep.

    The whole batch updates the same unit at each step (independent networks
    do not interact), and the fields :math:`h = W s` are updated only in the
    rows where a unit flipped, so that a sweep costs :math:`O(BN)` plus
    :math:`O(N)` per flip instead of :math:`O(BN^2)`. A row that went
    through a whole sweep without a flip is at a fixed point and is dropped
    from later sweeps; the sweeps and their random orders are the same as
    if every row were updated to the end, and so are the results.

    Parameters
    ----------
    weights : ndarray (N, N) or (G, N, N)
        Symmetric, zero diagonal; a stack of ``G`` networks with ``groups``.
    states : ndarray (B, N) or (N,)
        Initial states (cues), +-1.
    rng : numpy.random.Generator
        Draws the update order (one permutation of the ``N`` units per sweep).
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
    s_all = _spins(states)
    n = s_all.shape[1]
    single = w.ndim == 2
    groups = np.zeros(len(s_all), dtype=int) if single else np.asarray(groups)
    h = np.empty_like(s_all)
    if single:
        h[:] = s_all @ w.T
    else:
        for g in range(len(w)):  # per group: never materialise one (N, N) matrix per state
            sel = groups == g
            h[sel] = s_all[sel] @ w[g].T
    e_trace, m_trace = [], []
    if record:
        e = -0.5 * np.sum(h * s_all, axis=1)
        m = overlap(s_all, targets) if targets is not None else np.zeros(len(s_all))
        e_trace.append(e.copy())
        m_trace.append(m.copy())
    rows, s = np.arange(len(s_all)), s_all.copy()  # the rows still moving, and their states
    converged, sweep = False, 0
    for sweep in range(1, max_sweeps + 1):
        moved = np.zeros(len(rows), dtype=bool)
        for i in rng.permutation(n):
            changed = np.flatnonzero(h[:, i] * s[:, i] < -TIE)  # field against the state: flip
            if changed.size:
                moved[changed] = True
                delta = -2.0 * s[changed, i]  # s_new - s_old
                if record:
                    r = rows[changed]
                    e[r] -= delta * h[changed, i]  # dE = -(s_new - s_old) h_i (zero diagonal)
                    if targets is not None:
                        m[r] += delta * targets[r, i] / n
                s[changed, i] = -s[changed, i]
                # row i = column i (symmetric); a plain row of W for one network, no gather
                h[changed] += delta[:, None] * (w[i] if single else w[groups[changed], i, :])
            if record:
                e_trace.append(e.copy())
                m_trace.append(m.copy())
        if not moved.all():  # a sweep without a flip: a fixed point, nothing more to update
            s_all[rows[~moved]] = s[~moved]
            rows, s, h, groups = rows[moved], s[moved], h[moved], groups[moved]
        if rows.size == 0:
            converged = True
            break
    s_all[rows] = s
    info = {"sweeps": sweep, "converged": converged}
    if record:
        info["energy"], info["overlap"] = np.array(e_trace), np.array(m_trace)
    return s_all, info
