"""Task ``mnist_spiking``: the shallow Hebbian + dopamine network as a spiking
network on Brian2 (Poisson input, LIF winner-take-all, dopamine-gated
STDP-like eligibility), trained on a subset of MNIST and compared with the
rate network of the same size on the same subset.

The classifier layer is the rate classifier of :mod:`.shallow` fed with the
hidden spike counts (normalised to sum 1) and learned by the same rule. The
*greedy* (predicted) choice is the classifier's choice for the hidden neuron
with the largest noise-free expected drive; the action *taken* comes from the
actual spike counts, which in the dopamine phase include a random bias
current U(0, ``explore_noise``) per hidden neuron and image (exploration).
Errors are fractions in [0, 1]. See
:mod:`spikehebb.backends.brian2.mnist_wta` for the network.
"""
import numpy as np

from ...model.errors import ModelError
from ...model.schema import Field
from ...model.units import to_si
from .common import A_IMAGE, DA_CLASS, DA_HIDDEN, check_tables, flat_inputs, images, result
from .hebb import dopamine, hebbian_step, softmax
from .shallow import ShallowNet
from .training import run_epochs

PARAMS = (
    Field("n_hidden", "int", 49, positive=True, doc="hidden LIF neurons"),
    Field("n_train", "int", 1000, positive=True, doc="first n_train official training images"),
    Field("n_test", "int", 500, positive=True, doc="first n_test official test images"),
    Field("epochs_hebb", "int", 2, nonnegative=True),
    Field("epochs_dopa", "int", 1, nonnegative=True),
    Field("t_image", "time", "100 ms", positive=True, doc="presentation time per image"),
    Field("dt", "time", "0.5 ms", positive=True),
    Field("rate_total", "rate", "2000 Hz", positive=True, doc="summed Poisson rate of each image"),
    Field("tau_m", "time", "20 ms", positive=True),
    Field("tau_pre", "time", "20 ms", positive=True, doc="presynaptic trace"),
    Field("tau_theta", "time", "100 s", positive=True, doc="adaptive threshold decay"),
    Field("refractory", "time", "5 ms", nonnegative=True),
    Field("dtheta", "float", 0.05, nonnegative=True, doc="threshold increase per spike"),
    Field("g", "float", 0.8, positive=True, doc="depolarisation per input spike per unit weight"),
    Field("w_inh", "float", 2.0, nonnegative=True, doc="lateral inhibition per hidden spike"),
    Field("eps", "float", 0.1, positive=True, doc="learning rate of the feedforward weights (per image)"),
    Field("eps_class", "float", 0.05, positive=True),
    Field("t", "float", 0.1, positive=True, doc="softmax temperature of the classifier"),
    Field("explore_noise", "float", 1.0, nonnegative=True, doc="U(0, x) bias current (threshold units)"),
    Field("class_noise", "float", 4.0, nonnegative=True),
    Field("da_hidden", "float", DA_HIDDEN, array=True),
    Field("da_class", "float", DA_CLASS, array=True),
    Field("rate_eps", "float", 0.1, positive=True, doc="eps of the rate network compared with"),
    Field("rate_eps_class", "float", 0.05, positive=True),
    Field("quick_n_train", "int", 200, positive=True),
    Field("quick_n_test", "int", 300, positive=True),
    Field("quick_epochs_hebb", "int", 2, nonnegative=True),
    Field("quick_epochs_dopa", "int", 1, nonnegative=True),
)


class _Spiking:
    """Epoch logic around :class:`WTANetwork` (state for checkpoints)."""

    def __init__(self, p, seed, target):
        from ...backends.brian2.mnist_wta import WTANetwork
        self.p = p
        self.wta = WTANetwork(784, p["n_hidden"], p, seed, target)
        self.W_out = (np.random.default_rng([seed, 4]).random((p["n_hidden"], 10)) / 1000 + 1.0) / p["n_hidden"]

    def state(self):
        return {"W": self.wta.weights(), "theta": np.asarray(self.wta.hid.theta[:]), "W_out": self.W_out}

    def load_state(self, st):
        self.wta.set_weights(st["W"], st["theta"])
        self.W_out = np.array(st["W_out"])

    def _hidden(self, counts, drive):
        n = counts.sum()
        if n > 0:
            return counts / n
        return np.eye(len(drive))[np.argmax(drive)]  # silent: fall back on the predicted winner

    def train_epoch(self, rates, labels, dopa, rng):
        p = self.p
        order = rng.permutation(len(rates))
        wrong = [0]
        noise = rng.uniform(0, p["explore_noise"], (len(rates), p["n_hidden"])) if dopa else None

        def cb(k, counts, drive):
            lbl = labels[order[k]]
            logo = np.log(self.W_out)
            s = self._hidden(counts, drive)
            if not dopa:
                greedy = np.argmax(s @ logo)
                so = softmax((s @ logo + rng.normal(0, p["class_noise"], 10))[None], p["t"])
                da_out, _ = dopamine([greedy], [np.argmax(so)], [lbl], p["da_class"])
                hebbian_step(self.W_out, s[None], so, p["eps_class"], da_out)
                wrong[0] += greedy != lbl
                return 1.0
            greedy = np.argmax(logo[np.argmax(drive)])
            taken = np.argmax(s @ logo)
            wrong[0] += greedy != lbl
            return float(dopamine([greedy], [taken], [lbl], p["da_hidden"])[0][0])

        self.wta.present(rates[order], cb, noise)
        return wrong[0] / len(rates)

    def predict(self, rates):
        pred = np.zeros(len(rates), dtype=np.int64)
        logo = np.log(self.W_out)

        def cb(k, counts, drive):
            pred[k] = np.argmax(self._hidden(counts, drive) @ logo)

        self.wta.present(rates, cb, learn=False)
        return pred


def run(params, ctx):
    """Train the spiking network and the rate network on the same subset; test both."""
    target = ctx.target or "numpy"
    if target not in ("numpy", "cython"):
        raise ModelError("--target", "mnist_spiking needs a runtime target (numpy or cython): "
                                     "it learns between images in Python")
    p = {k: to_si(v) for k, v in params.items()}
    check_tables(p)
    if ctx.quick:
        for k in ("n_train", "n_test", "epochs_hebb", "epochs_dopa"):
            p[k] = p[f"quick_{k}"]
    xtr, ltr, xte, lte = images(ctx, p["n_train"])
    xte, lte = xte[:p["n_test"]], lte[:p["n_test"]]

    def rates(x):
        x = x.reshape(len(x), -1)
        return p["rate_total"] * x / x.sum(1, keepdims=True)

    rtr, rte = rates(xtr), rates(xte)
    net = _Spiking(p, ctx.seed, target)
    last = {}

    def test_error():
        # simulating the test images is the expensive part: keep the last answers
        last["pred"] = net.predict(rte)
        return float(np.mean(last["pred"] != lte))

    hist = run_epochs(net, p["epochs_hebb"], p["epochs_dopa"],
                      lambda dopa, rng: net.train_epoch(rtr, ltr, dopa, rng), test_error,
                      ctx, {**p, "seed": ctx.seed, "task": "mnist_spiking", "target": target}, "mnist_spiking")
    pred = last["pred"] if "pred" in last else net.predict(rte)
    # training error: the online (greedy) error of the last epoch, to save simulating 1,000 more images
    train_err = float(hist["train_error"][-1]) if len(hist["train_error"]) else float("nan")
    # the rate network of the same size on the same subset, same epochs
    rp = {**p, "eps": p["rate_eps"], "eps_class": p["rate_eps_class"], "batch": 20, "explore_noise": 50.0}
    rate = ShallowNet(784, p["n_hidden"], 10, rp, np.random.default_rng([ctx.seed, 0]))
    ytr, yte = flat_inputs(xtr, A_IMAGE), flat_inputs(xte, A_IMAGE)
    rrng = np.random.default_rng([ctx.seed, 1])
    for e in range(p["epochs_hebb"] + p["epochs_dopa"]):
        rate.train_epoch(ytr, ltr, e >= p["epochs_hebb"], rrng)
    rate_err = float(np.mean(rate.predict(yte) != lte))
    res = result(hist, pred, lte, train_err, {"receptive_fields": (net.wta.weights() + 1e-3, 28,
                                                                   "spiking hidden receptive fields")},
                 {"n_train": p["n_train"]}, ctx,
                 extra_metrics={"rate_test_error_same_subset": rate_err, "n_test": int(len(lte))},
                 extra_arrays={"W": net.wta.weights(), "W_out": net.W_out})
    res.info["comparison"] = (f"rate network, {p['n_hidden']} hidden, same {p['n_train']} training images, "
                              f"same epochs, first {len(lte)} test images: test error {rate_err:.4f}")
    res.info["target"] = target
    res.info["network"] = f"spiking (Brian2, {target})"
    res.info["backend"] = "spike"
    return res
