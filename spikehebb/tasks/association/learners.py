r"""Supervised Hebbian association, scikit-learn style: :class:`Association` and
:class:`HeteroAssociativeMemory`.

During learning a teacher clamps every output: outputs whose target is 1 are
driven by teacher Poisson inputs, outputs whose target is 0 are silenced by
inhibitory ones. The cue->output synapses then see presynaptic activity
:math:`x_i` together with the clamped postsynaptic activity :math:`y_j`, and a
Hebbian rule strengthens co-active pairs (Hebb 1949):

- rate backend, ``oja`` (Hebb with activity-dependent decay, i.e. normalisation;
  Oja 1982), or ``hebb`` (plain Hebb, bounded by ``w_max``):

  .. math:: \dot w_{ij} = \eta\, y_j (x_i - y_j w_{ij}) \qquad\text{or}\qquad \dot w_{ij} = \eta\, x_i y_j

  With the teacher clamping :math:`y`, Oja's rule converges to
  :math:`w_{ij} = \langle y_j x_i\rangle / \langle y_j^2\rangle`: synapses from
  inputs that are silent while the output is driven decay to 0.
- spike backend, additive pair STDP (Song, Miller & Abbott 2000), with a
  potentiation-dominated window (:math:`A_+\tau_+ > A_-\tau_-`) so that
  co-active Poisson trains potentiate at the rate
  :math:`w_{max} r_{pre} r_{post} (A_+\tau_+ - A_-\tau_-)`; silent outputs
  (clamped to 0) have no post spikes, so their synapses stay put.

Recall: each cue is presented alone (no teacher) and an output counts as 1
when its rate exceeds ``threshold_hz``.

References
----------
Hebb (1949) The Organization of Behavior. Oja (1982) J. Math. Biol. 15:267.
Willshaw, Buneman & Longuet-Higgins (1969) Nature 222:960.
Song, Miller & Abbott (2000) Nat. Neurosci. 3:919.
"""
import numpy as np

from ...model import PairSTDP, Static
from ...model.rate_models import Hebb, Oja
from .protocol import NetSpec, Protocol, bit_weights, responses, run_protocol, weight_history, weight_matrix


def default_rule(backend, rate_rule="oja", learning_rate=None, a_plus=0.02, a_minus=0.01):
    """The cue->output rule: Oja or Hebb on rate units, pair STDP on LIF neurons."""
    if backend == "spike":
        return PairSTDP(a_plus=a_plus, a_minus=a_minus)
    if rate_rule == "hebb":
        return Hebb(learning_rate=learning_rate or 1e-3)
    return Oja(learning_rate=learning_rate or 5e-5)


class Association:
    """Learn cue -> output pairs with a teacher, recall them from the cue alone.

    Parameters
    ----------
    backend : {"rate", "spike"}
    rule : model-layer rule description, optional
        Default: :func:`default_rule` for the backend.
    epochs : int
        Presentations of every pair.
    trial, probe, iti : float
        Seconds of a teacher-clamped pair, of a recall probe, and of the
        silent gap after each (lets STDP traces decay between trials).
    threshold_hz : float
        Output rate above which an output counts as 1.
    seed : int
    target : str, optional
        Brian2 target (spike backend); default numpy.
    **spec
        Network parameters (:class:`~spikehebb.tasks.assoc_protocol.NetSpec`).

    Attributes
    ----------
    weights_ : ndarray (n_in, n_out)
        Learned weight of each input bit onto each output (mean over the bit's
        neurons), in units of ``w_max``.
    synapse_weights_ : ndarray (n_in * m, n_out)
        Learned per-synapse weights, SI (amperes) or dimensionless (rate units).
    rates_before_, rates_after_ : ndarray (n_cues, n_out)
        Output rate (Hz) to each cue alone before and after learning (same run).
    weight_times_, weight_trace_ : ndarray
        Per-bit weights over time, (samples, n_in, n_out), in units of ``w_max``.
    result_ : RunResult
        The learning run.
    """

    def __init__(self, backend="rate", *, rule=None, epochs=5, trial=0.5, probe=0.3, iti=0.1,
                 threshold_hz=10.0, shuffle=True, seed=0, target=None, **spec):
        self.backend, self.rule, self.epochs = backend, rule, epochs
        self.trial, self.probe, self.iti = trial, probe, iti
        self.threshold_hz, self.shuffle, self.seed, self.target = threshold_hz, shuffle, seed, target
        self.spec_kw = spec

    def _spec(self, n_in, n_out):
        return NetSpec(n_in=n_in, n_out=n_out, **self.spec_kw)

    def _probes(self, proto, cues, label):
        for c in cues:
            proto.add(self.probe, c, label=label)
            proto.add(self.iti)

    def fit(self, cues, targets):
        """Present every (cue, target) pair ``epochs`` times with the teacher clamping the output.

        Parameters
        ----------
        cues : array (n_pairs, n_in) of 0/1
        targets : array (n_pairs, n_out) of 0/1
        """
        cues, targets = np.atleast_2d(cues).astype(float), np.atleast_2d(targets).astype(int)
        self.spec_ = spec = self._spec(cues.shape[1], targets.shape[1])
        rng = np.random.default_rng(self.seed)
        proto = Protocol(spec.n_in, spec.n_out)
        self._probes(proto, cues, "before")
        for epoch in range(self.epochs):
            order = rng.permutation(len(cues)) if self.shuffle else np.arange(len(cues))
            for k in order:
                proto.add(self.trial, cues[k], np.where(targets[k] > 0, 1, -1), label="train", trial=int(k))
                proto.add(self.iti)
        self._probes(proto, cues, "after")
        rule = self.rule if self.rule is not None else default_rule(self.backend)
        self.rule_, self.protocol_ = rule, proto
        self.result_ = res = run_protocol(spec, proto, self.backend, rule, seed=self.seed, target=self.target)
        entry = res.weights["cue_out"]
        self.synapse_weights_ = weight_matrix(entry, spec)
        self.weights_ = bit_weights(self.synapse_weights_, spec) / float(entry["w_max"])
        self.weight_times_, self.weight_trace_ = weight_history(res, spec)
        self.rates_before_ = responses(res, proto, "before", spec.n_out)
        self.rates_after_ = responses(res, proto, "after", spec.n_out)
        self.rates_train_ = responses(res, proto, "train", spec.n_out)
        return self

    def recall_rates(self, cues, seed=None):
        """Output rates (Hz) to each cue alone with the learned weights frozen: (n_cues, n_out)."""
        cues = np.atleast_2d(cues).astype(float)
        proto = Protocol(self.spec_.n_in, self.spec_.n_out)
        self._probes(proto, cues, "test")
        self.test_protocol_ = proto
        self.test_result_ = res = run_protocol(
            self.spec_, proto, self.backend, Static(), seed=self.seed + 1 if seed is None else seed,
            target=self.target, weights=self.synapse_weights_.ravel())
        return responses(res, proto, "test", self.spec_.n_out)

    def predict(self, cues):
        """Recalled outputs (0/1) for each cue, weights frozen: (n_cues, n_out)."""
        return (self.recall_rates(cues) > self.threshold_hz).astype(int)

    recall = predict

    def score(self, cues, targets):
        """Recall accuracy: fraction of cues whose whole output pattern is recalled."""
        return recall_accuracy(self.predict(cues), targets)


def recall_accuracy(recalled, targets):
    """Fraction of rows of ``recalled`` equal to the rows of ``targets``."""
    return float(np.mean(np.all(np.asarray(recalled) == np.asarray(targets), axis=1)))


def bit_accuracy(recalled, targets):
    """Fraction of output bits recalled correctly."""
    return float(np.mean(np.asarray(recalled) == np.asarray(targets)))


def random_patterns(p, n, k, rng):
    """``p`` random binary patterns of length ``n`` with exactly ``k`` ones each."""
    out = np.zeros((p, n), int)
    for row in out:
        row[rng.choice(n, k, replace=False)] = 1
    return out


class HeteroAssociativeMemory(Association):
    r"""P random sparse input patterns mapped to P random output patterns.

    With plain Hebb bounded by ``w_max`` this is the Willshaw net (Willshaw et
    al. 1969): a synapse saturates once its input and output were active
    together in any pair, and an output fires when at least ``theta`` of the
    cue's active input bits have saturated synapses onto it. Recall degrades as
    stored pairs fill the weight matrix (crosstalk). ``fit(cues, targets)`` and
    ``recall(cues)`` as for :class:`Association`.
    """

    def __init__(self, backend="rate", **kw):
        kw.setdefault("epochs", 2)
        kw.setdefault("trial", 0.3)
        kw.setdefault("probe", 0.2)
        if backend == "rate":
            kw.setdefault("rule", default_rule("rate", "hebb", learning_rate=0.01))
        super().__init__(backend, **kw)


def capacity_curve(p_values, n_in, n_out, k_in, k_out, backend="rate", seed=0, **kw):
    """Recall accuracy of a :class:`HeteroAssociativeMemory` as the number of pairs grows.

    Recall is read from the probes after learning in the learning run.

    Returns
    -------
    dict with ``p`` and per-P ``recall_accuracy``, ``bit_accuracy``, ``seconds``.
    """
    import time
    rng = np.random.default_rng(seed)
    out = {"p": [], "recall_accuracy": [], "bit_accuracy": [], "seconds": []}
    for p in p_values:
        x, y = random_patterns(p, n_in, k_in, rng), random_patterns(p, n_out, k_out, rng)
        t0 = time.perf_counter()
        mem = HeteroAssociativeMemory(backend, seed=seed, **kw).fit(x, y)
        got = (mem.rates_after_ > mem.threshold_hz).astype(int)
        out["p"].append(int(p))
        out["recall_accuracy"].append(recall_accuracy(got, y))
        out["bit_accuracy"].append(bit_accuracy(got, y))
        out["seconds"].append(time.perf_counter() - t0)
    return {k: np.asarray(v) for k, v in out.items()}
