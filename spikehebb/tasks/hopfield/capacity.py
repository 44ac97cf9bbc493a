r"""Capacity measurements: recalled fraction against load :math:`\alpha = P/N`.

Protocol (also written into the capacity JSON): store :math:`P` random
patterns, start the dynamics at every stored pattern (optionally with a
fraction ``flip`` of its bits flipped), run to a fixed point, and count a
pattern as recalled when the final state has at most ``max_error`` (1 %) wrong
bits. The critical load :math:`\alpha_c` is where the recalled fraction first
falls below 1/2, linearly interpolated between the measured loads.

Theory to compare with: retrieval states with about 1.6 % wrong bits vanish
at :math:`\alpha_c \approx 0.138` for Hebbian storage and large :math:`N` [1]_;
every pattern is an exact fixed point with high probability only up to
:math:`P \approx N / (2 \ln N)` [2]_; with Storkey storage all patterns are
exact fixed points up to :math:`P \approx N / \sqrt{2 \ln N}` [3]_; with
the pseudo-inverse rule every pattern is an exact fixed point for any
:math:`P < N` [4]_.

Exact fixed points need no dynamics: a pattern :math:`\xi` is one when
:math:`\xi_i h_i \ge 0` for every unit (ties keep the state), which
:func:`all_fixed_probability` checks for all stored patterns at once.

References
----------
.. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, PRL 55, 1530 (1985).
.. [2] R. J. McEliece, E. C. Posner, E. R. Rodemich, S. S. Venkatesh,
   "The capacity of the Hopfield associative memory",
   IEEE Trans. Inf. Theory 33, 461 (1987).
.. [3] A. Storkey, "Increasing the capacity of a Hopfield network without
   sacrificing functionality", ICANN 1997, LNCS 1327, 451-456.
.. [4] L. Personnaz, I. Guyon, G. Dreyfus, Phys. Rev. A 34, 4217 (1986).
"""
import numpy as np

from ...model import Network
from ...model.errors import ModelError
from ...model.hopfield import STORAGE_RULES, memory_of
from .memory import HopfieldMemory, recalled_fraction
from .patterns import flip_bits, random_patterns

ALPHA_HEBBIAN = 0.138


def memory_description(rule, n, update="async", max_sweeps=50, beta=1.0, degree=3, steps=1, spike=None):
    """The :class:`~spikehebb.model.Network` of an ``n``-unit memory stored with ``rule``.

    ``rule`` is a storage rule (``hebbian``, ``storkey``, ``pseudo_inverse``:
    binary units with a ``stored_patterns`` recurrent projection) or
    ``modern`` / ``dense`` (a ``modern_hopfield`` / ``dense_memory`` population).
    ``spike`` is the binary units' spike table (the LIF mapping; defaults otherwise).
    """
    if rule not in STORAGE_RULES + ("modern", "dense"):
        raise ModelError("rule", f"expected one of {', '.join(STORAGE_RULES + ('modern', 'dense'))}; got {rule!r}")
    if rule == "modern":
        pop = {"type": "modern_hopfield", "n": n, "beta": beta, "steps": steps}
    elif rule == "dense":
        pop = {"type": "dense_memory", "n": n, "degree": degree, "max_sweeps": max_sweeps}
    else:
        pop = {"type": "binary_units", "n": n, "update": update, "max_sweeps": max_sweeps, "spike": spike}
    proj = ({"recurrent": {"pre": "memory", "post": "memory", "w_init": {"type": "stored_patterns", "rule": rule}}}
            if rule in STORAGE_RULES else None)
    return Network(name=f"{rule}_memory", populations={"memory": pop}, projections=proj)


def exact_recall_alpha(n):
    r"""Load :math:`1 / (2 \ln N)` up to which a stored pattern is an exact fixed point."""
    return 1.0 / (2.0 * np.log(n))


def storkey_exact_alpha(n):
    r"""Load :math:`1 / \sqrt{2 \ln N}` up to which Storkey storage keeps all patterns exact fixed points [3]_."""
    return 1.0 / np.sqrt(2.0 * np.log(n))


def all_fixed_probability(rule, n, loads, trials, rng):
    r"""Fraction of ``trials`` networks in which every stored pattern is an exact fixed point.

    For each load :math:`P/N` in ``loads``: store :math:`P` random patterns
    with ``rule`` and make one synchronous update from every stored pattern:
    a pattern is a fixed point when no unit flips, :math:`\xi^\mu_i h_i(\xi^\mu) \ge 0`
    for all :math:`i` (a zero field keeps the unit).

    Returns
    -------
    ndarray
        One probability per load.
    """
    one_step = memory_description(rule, n, update="sync", max_sweeps=1)
    out = []
    for alpha in loads:
        p = max(1, int(round(alpha * n)))
        ok = 0
        for _ in range(trials):
            x = random_patterns(p, n, rng)
            ok += bool(np.array_equal(HopfieldMemory(one_step).fit(x).recall(x), x))
        out.append(ok / trials)
    return np.array(out)


def finite_size_fit(ns, alphas):
    r"""Least-squares fit of :math:`\alpha_c(N) = \alpha_\infty + a N^{-b}` to measured crossings.

    The exponent :math:`b` is fitted, not taken from theory (the shift of
    a finite-size crossing depends on the criterion); with three sizes the fit
    is an exact solve.

    Returns
    -------
    dict
        ``alpha_inf``, ``a``, ``b`` and their standard errors (``*_err``, from
        the scatter of the points about the fit; zero for three sizes).
    """
    import warnings
    from scipy.optimize import OptimizeWarning, curve_fit
    ns, alphas = np.asarray(ns, float), np.asarray(alphas, float)
    model = lambda n, a_inf, a, b: a_inf + a * n ** -b  # noqa: E731
    with warnings.catch_warnings():  # three points: no covariance, which is expected
        warnings.simplefilter("ignore", OptimizeWarning)
        params, cov = curve_fit(model, ns, alphas, p0=(alphas[-1] - 0.01, 1.0, 0.7), maxfev=10000)
    errs = np.sqrt(np.diag(cov)) if len(ns) > 3 and np.all(np.isfinite(cov)) else np.zeros(3)
    return {"alpha_inf": float(params[0]), "a": float(params[1]), "b": float(params[2]),
            "alpha_inf_err": float(errs[0]), "a_err": float(errs[1]), "b_err": float(errs[2])}


def recall_trials(network, p, trials, rng, flip=0.0, max_cues=None, backend="rate", target=None):
    """Store ``p`` random patterns in each of ``trials`` networks of ``network``; recall from them.

    The cues of each network are its stored patterns (with ``max_cues``, a
    random subset of that many), with a fraction ``flip`` of their bits
    flipped. All networks are fitted as one stack and recalled in one batch
    (``groups``: the network of each cue). ``rng`` draws, in this order, the
    patterns of every network, the subsets, the flipped bits, and then the
    dynamics (asynchronous update order): the ``hopfield`` task's
    ``networks`` / ``max_cues`` runs call this with the generator of their
    seed, so a run gives what this function gives in-process.

    Returns
    -------
    patterns : ndarray (trials, p, N)
    targets : ndarray (trials * m, N)
        The tested stored patterns, network by network (``m = min(p, max_cues)``).
    cues : ndarray (trials * m, N)
    states : ndarray (trials * m, N)
        The recalled states.
    """
    n = memory_of(network)[1].n
    xs = [random_patterns(p, n, rng) for _ in range(trials)]
    m = p if max_cues is None else min(p, max_cues)
    tested = [x[rng.choice(p, m, replace=False)] if m < p else x for x in xs]
    cues = [flip_bits(t, flip, rng) if flip else t for t in tested]
    mem = HopfieldMemory(network, backend=backend, target=target, random_state=rng)
    states = mem.fit(np.stack(xs)).recall(np.concatenate(cues), groups=np.repeat(np.arange(trials), m))
    return np.stack(xs), np.concatenate(tested), np.concatenate(cues), states


def recalled_vs_load(rule, n, alphas, trials, rng, max_error=0.01, flip=0.0, max_cues=None, backend="rate",
                     **network_kw):
    """Recalled fraction (over ``trials`` x P patterns) at each load in ``alphas``.

    With ``max_cues``, only that many stored patterns per network (a random
    subset; an unbiased estimate) are used as start states, which bounds the
    cost at large loads.

    The memory is :func:`memory_description` (``network_kw``: ``update``,
    ``max_sweeps``, ``beta``, ``degree``) run by :class:`~.memory.HopfieldMemory`
    on ``backend``; each load is one :func:`recall_trials` (all trials as one
    stack of networks, recalled in one batch), all loads drawing from ``rng``
    in turn.

    Returns
    -------
    fractions : ndarray
        One per load.
    patterns : ndarray of int
        Patterns tested per load (for binomial error bars).
    """
    network = memory_description(rule, n, **network_kw)
    fractions, counts = [], []
    for alpha in alphas:
        p = max(1, int(round(alpha * n)))
        _, tested, _, final = recall_trials(network, p, trials, rng, flip, max_cues, backend)
        fractions.append(recalled_fraction(final, tested, max_error))
        counts.append(len(tested))
    return np.array(fractions), np.array(counts)


def critical_alpha(alphas, fractions, level=0.5):
    """Load where ``fractions`` first drops below ``level`` (linear interpolation).

    Returns NaN when the fraction never drops below ``level`` in the range,
    and the first load when it is already below there.
    """
    a, f = np.asarray(alphas, float), np.asarray(fractions, float)
    below = np.flatnonzero(f < level)
    if below.size == 0:
        return float("nan")
    k = below[0]
    if k == 0:
        return float(a[0])
    return float(a[k - 1] + (f[k - 1] - level) * (a[k] - a[k - 1]) / (f[k - 1] - f[k]))
