r"""Rate-based plasticity: one pure update function and one builder per rule type.

Every ``delta_w(pre, post, w, params, dt, ...)`` function is pure and
vectorised over synapses: ``pre`` and ``post`` are the rates (Hz) at each
synapse's two ends, ``w`` its weight (SI, or dimensionless onto rate units),
``params`` a dict of SI floats. Stateful rules take and return their state
explicitly. Builders (registered per description class in
:data:`RULE_BUILDERS`) convert a rule's parameters to SI once and return a
:class:`RuleRun` that the network loop calls every step. The rate-native
rules (Hebb, Oja, BCM, ...) live in :mod:`.native_rules`.
"""
import numpy as np

from ...model.rules import DASTDP, PairSTDP, Static, TripletSTDP
from ...model.units import to_si
from ..base import builder_registry

RULE_BUILDERS = builder_registry("rate")


class RuleRun:
    """A built rule: ``step(w, pre, post, dt, net) -> new w`` plus its own state.

    ``trace(state, net) -> {name: values}`` (optional) names the rule's own
    variables that are recorded with the weights (DA-STDP: the eligibility
    ``c`` and the dopamine ``d``), per synapse or one value for all.
    """

    plastic = True

    def __init__(self, step, state=None, trace=None):
        self._step, self.state, self._trace = step, state, trace

    def traces(self, net, idx):
        """The rule's recorded variables at synapses ``idx`` now (empty without ``trace``)."""
        if self._trace is None:
            return {}
        return {k: np.asarray(v, float)[idx].copy() if np.ndim(v) else np.full(len(idx), float(v))
                for k, v in self._trace(self.state, net).items()}

    def step(self, w, pre, post, dt, net):
        dw, self.state = self._step(w, pre, post, dt, self.state, net)
        return w + dw


def stdp_params(rule, proj):
    """SI parameters of a pair or DA STDP rule on ``proj``."""
    return {"a_plus": rule.a_plus, "a_minus": rule.a_minus, "tau_plus": to_si(rule.tau_plus),
            "tau_minus": to_si(rule.tau_minus), "w_min": float(to_si(proj.w_min)),
            "w_max": float(to_si(proj.w_max))}


def pair_stdp_delta_w(pre, post, w, p, dt):
    r"""Rate limit of pair STDP for independent Poisson pre and post trains.

    All-to-all pairing (Kempter, Gerstner & van Hemmen 1999): averaging the
    STDP window over independent Poisson trains gives

    .. math::

        \frac{dw}{dt} = r_{pre}\, r_{post}\, \left(A_+ \tau_+ f_+(w) - A_- \tau_- f_-(w)\right),

    with the spiking rule's weight dependence (additive :math:`f_\pm = w_{max}`;
    multiplicative :math:`f_+ = w_{max} - w`, :math:`f_- = w`) and its bounds
    (the weight is clipped to :math:`[w_{min}, w_{max}]`). Nearest-spike
    pairing: the last spike of the other side lies an exponential time with
    rate :math:`r` back, so :math:`\langle e^{-\Delta/\tau}\rangle = r\tau/(1 + r\tau)`:

    .. math::

        \frac{dw}{dt} = r_{pre}\, r_{post} \left(\frac{A_+ \tau_+ f_+(w)}{1 + r_{pre}\tau_+}
                      - \frac{A_- \tau_- f_-(w)}{1 + r_{post}\tau_-}\right).

    Neglected: the spike-spike correlation term (Kempter et al. 1999, their
    :math:`w_{in} \nu^{in} \int W(s)\,\epsilon(-s)\,ds`): a presynaptic spike
    raises the postsynaptic firing probability for a few ms and so adds
    potentiation proportional to the synapse's own weight. It is small when
    each input is weak against the total drive (many inputs), and it is what
    drives the bimodal split of Song, Miller & Abbott (2000), which this rule
    therefore does not reproduce.

    References
    ----------
    Kempter, Gerstner & van Hemmen (1999) Phys. Rev. E 59:4498.
    Song, Miller & Abbott (2000) Nat. Neurosci. 3:919.
    """
    if p.get("multiplicative"):
        f_plus, f_minus = p["w_max"] - w, w
    else:
        f_plus = f_minus = p["w_max"]
    ltp, ltd = p["a_plus"] * p["tau_plus"] * f_plus, p["a_minus"] * p["tau_minus"] * f_minus
    if p.get("nearest"):
        ltp, ltd = ltp / (1 + pre * p["tau_plus"]), ltd / (1 + post * p["tau_minus"])
    return dt * pre * post * (ltp - ltd)


def triplet_delta_w(pre, post, w, p, dt):
    r"""Rate limit of minimal all-to-all triplet STDP: a BCM rule (Pfister & Gerstner 2006).

    For independent Poisson trains every trace averages to rate times time constant:

    .. math::

        \frac{dw}{dt} = w_{max}\, r_{pre}\, r_{post} \left(A_2^+\tau_+ + A_3^+\tau_+\tau_y\, r_{post}
                       - A_2^-\tau_- - A_3^-\tau_-\tau_x\, r_{pre}\right)
                     = w_{max} A_3^+\tau_+\tau_y\; r_{pre}\, r_{post}\,(r_{post} - \theta),

    a BCM rule whose threshold follows from the spiking parameters:
    :math:`\theta = (A_2^-\tau_- + A_3^-\tau_-\tau_x r_{pre} - A_2^+\tau_+)/(A_3^+\tau_+\tau_y)`.
    Weights are clipped to the bounds. Correlation terms are neglected as for pair STDP.

    References
    ----------
    Pfister & Gerstner (2006) J. Neurosci. 26:9673.
    """
    drift = (p["a2_plus"] * p["tau_plus"] + p["a3_plus"] * p["tau_plus"] * p["tau_y"] * post
             - p["a2_minus"] * p["tau_minus"] - p["a3_minus"] * p["tau_minus"] * p["tau_x"] * pre)
    return dt * p["w_max"] * pre * post * drift


def bcm_threshold(pre, p):
    """Post rate (Hz) at which the triplet rule's rate limit switches from LTD to LTP."""
    return ((p["a2_minus"] * p["tau_minus"] + p["a3_minus"] * p["tau_minus"] * p["tau_x"] * pre
             - p["a2_plus"] * p["tau_plus"]) / (p["a3_plus"] * p["tau_plus"] * p["tau_y"]))


def da_stdp_delta_w(pre, post, w, p, dt, c, d):
    r"""Rate limit of DA-modulated STDP: a three-factor rule (Izhikevich 2007).

    The eligibility trace keeps the spiking rule's time constant and is driven
    by the pair-STDP rate drift; the weight follows it gated by dopamine
    :math:`d` (the modulator's concentration, i.e. reward minus its expectation
    when the source is ``rpe``):

    .. math::

        \tau_c \frac{dc}{dt} = -c + \tau_c\, r_{pre}\, r_{post}\,(A_+\tau_+ - A_-\tau_-), \qquad
        \frac{dw}{dt} = \eta\, w_{max}\, c\, d.

    Returns ``(dw, c_new)``; ``c`` is integrated exactly over the step for constant drive.

    References
    ----------
    Izhikevich (2007) Cereb. Cortex 17:2443. Fremaux & Gerstner (2016) Front.
    Neural Circuits 9:85.
    """
    drive = pre * post * (p["a_plus"] * p["tau_plus"] - p["a_minus"] * p["tau_minus"])
    decay = np.exp(-dt / p["tau_c"])
    c_new = c * decay + p["tau_c"] * drive * (1 - decay)
    return dt * p["eta"] * p["w_max"] * c_new * d, c_new


@RULE_BUILDERS.register(Static)
def build_static(rule, proj, syn):
    run = RuleRun(None)
    run.plastic = False
    return run


@RULE_BUILDERS.register(PairSTDP)
def build_pair_stdp(rule, proj, syn):
    p = stdp_params(rule, proj)
    p.update(multiplicative=rule.weight_dependence == "multiplicative", nearest=rule.pairing == "nearest")
    return RuleRun(lambda w, pre, post, dt, s, n: (pair_stdp_delta_w(pre, post, w, p, dt), s))


@RULE_BUILDERS.register(TripletSTDP)
def build_triplet(rule, proj, syn):
    p = {k: to_si(getattr(rule, k)) for k in ("a2_plus", "a3_plus", "a2_minus", "a3_minus",
                                              "tau_plus", "tau_minus", "tau_x", "tau_y")}
    p["w_max"] = float(to_si(proj.w_max))
    return RuleRun(lambda w, pre, post, dt, s, n: (triplet_delta_w(pre, post, w, p, dt), s))


@RULE_BUILDERS.register(DASTDP)
def build_da_stdp(rule, proj, syn):
    p = stdp_params(rule, proj)
    p.update(tau_c=to_si(rule.tau_c), eta=to_si(rule.learning_rate))
    name = rule.modulator

    def step(w, pre, post, dt, c, n):
        return da_stdp_delta_w(pre, post, w, p, dt, c, n.modulators[name].concentration)
    # c starts as one 0 for every synapse; the first step makes it an array
    return RuleRun(step, state=np.zeros(len(syn.i)),
                   trace=lambda c, n: {"c": c, "d": n.modulators[name].concentration})
