"""The shallow Hebbian network with dopamine reward (rate model, numpy).

Input :math:`y` (each image normalised to sum :math:`A`), a hidden layer of
soft winner-take-all units driven by log-weights, and a classifier layer of
the same kind; both learn with the normalising Hebbian rule, gated by
dopamine computed from the reward alone (labels are never used otherwise).

.. math::

    s_j = \\frac{\\exp(u_j/t)}{\\sum_k \\exp(u_k/t)},\\quad
    u_j = \\sum_i y_i \\log W_{ij},\\qquad
    \\Delta W_{ij} = \\epsilon\\, \\mathrm{DA}\\, s_j (y_i - W_{ij})

Phase 1 (Hebbian epochs): the hidden layer learns with DA = 1; the classifier
explores with Gaussian noise on its input and learns from its own dopamine
table. Phase 2 (dopamine epochs): uniform noise U(0, ``explore_noise``) is
added to the hidden input, the noisy hidden activity picks the action, and
the hidden layer learns with the dopamine table; the classifier is frozen,
as in the authors' code.

References
----------
R. Holca-Lamarre, J. Lücke and K. Obermayer (2015). Reward-based learning in
a Hebbian network of cortical neurons (camera-ready code:
github.com/raphaelholca/hebbianRL, ``hebbian_net.py``).
"""
import numpy as np

from .hebb import dopamine, hebbian_step, softmax


class ShallowNet:
    """Weights and the epoch loop of the shallow network.

    Parameters
    ----------
    n_in, n_hidden, n_classes : int
    p : dict
        Task parameters (``t``, ``eps``, ``eps_class``, ``batch``,
        ``da_hidden``, ``da_class``, ``explore_noise``, ``class_noise``).
    rng : numpy.random.Generator
        Used for the initial weights only.
    """

    def __init__(self, n_in, n_hidden, n_classes, p, rng):
        self.p = p
        # as in the authors' code: hidden weights U(1, 2); classifier weights
        # 1/n_hidden with a tiny jitter that breaks the tie between classes
        self.W_hid = rng.random((n_in, n_hidden)) + 1.0
        self.W_out = (rng.random((n_hidden, n_classes)) / 1000 + 1.0) / n_hidden

    def state(self):
        return {"W_hid": self.W_hid, "W_out": self.W_out}

    def load_state(self, st):
        self.W_hid, self.W_out = np.array(st["W_hid"]), np.array(st["W_out"])

    def hidden(self, y):
        """Hidden input ``u`` (before the softmax)."""
        return y @ np.log(self.W_hid)

    def predict(self, y, chunk=5000):
        """Greedy class of each row of ``y`` (already normalised)."""
        logo = np.log(self.W_out)
        out = [np.argmax(softmax(self.hidden(y[i:i + chunk]), self.p["t"]) @ logo, 1)
               for i in range(0, len(y), chunk)]
        return np.concatenate(out)

    def train_epoch(self, y, labels, dopa_phase, rng):
        """One pass over ``y`` in shuffled mini-batches; returns the online
        (greedy) training error of the epoch."""
        p = self.p
        t, bs = p["t"], p["batch"]
        order = rng.permutation(len(y))
        wrong = 0
        for b in range(0, len(y), bs):
            idx = order[b:b + bs]
            yb, lb = y[idx], labels[idx]
            u = self.hidden(yb)
            s = softmax(u, t)
            logo = np.log(self.W_out)
            greedy = np.argmax(s @ logo, 1)
            wrong += int(np.sum(greedy != lb))
            if not dopa_phase:
                o = s @ logo + rng.normal(0.0, p["class_noise"], (len(idx), logo.shape[1]))
                so = softmax(o, t)
                da_out, _ = dopamine(greedy, np.argmax(so, 1), lb, p["da_class"])
                hebbian_step(self.W_hid, yb, s, p["eps"])
                hebbian_step(self.W_out, s, so, p["eps_class"], da_out)
            else:
                s_n = softmax(u + rng.uniform(0.0, p["explore_noise"], u.shape), t)
                taken = np.argmax(s_n @ logo, 1)
                da, _ = dopamine(greedy, taken, lb, p["da_hidden"])
                hebbian_step(self.W_hid, yb, s_n, p["eps"], da)
        return wrong / len(y)
