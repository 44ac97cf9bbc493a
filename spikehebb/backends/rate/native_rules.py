r"""Rate-native rules (Hebb, Oja, BCM, covariance, Foldiak, Sanger): pure updates and builders.

The equations are in the descriptions' docstrings
(:mod:`spikehebb.model.rate_models`); here each is a pure, vectorised
function of the synapses' pre and post rates. Builders receive ``syn`` (the
built projection: ``i``, ``j``, ``n_pre``, ``n_post``) for rules whose state
lives on units rather than synapses.
"""
import numpy as np

from ...model.errors import ModelError
from ...model.rate_models import BCM, Covariance, Foldiak, Hebb, Oja, Sanger
from ...model.units import to_si
from .rules import RULE_BUILDERS, RuleRun


def hebb_delta_w(pre, post, w, eta, dt):
    r""":math:`\Delta w = \eta\, x\, y\, \Delta t`."""
    return dt * eta * pre * post


def oja_delta_w(pre, post, w, eta, dt):
    r""":math:`\Delta w = \eta\, y (x - y w)\, \Delta t` (Oja 1982)."""
    return dt * eta * post * (pre - post * w)


def bcm_delta_w(pre, post, w, eta, theta, dt):
    r""":math:`\Delta w = \eta\, x\, y (y - \theta)\, \Delta t`; ``theta`` per synapse (its post unit's)."""
    return dt * eta * pre * post * (post - theta)


def bcm_theta_step(theta, y, y0, tau_theta, dt):
    r"""Exact step of :math:`\tau_\theta \dot\theta = y^2/y_0 - \theta` for constant ``y``."""
    decay = np.exp(-dt / tau_theta)
    return theta * decay + (y ** 2 / y0) * (1 - decay)


def covariance_delta_w(pre, post, w, eta, pre_mean, post_mean, dt):
    r""":math:`\Delta w = \eta (x - \bar x)(y - \bar y)\, \Delta t` (Sejnowski 1977)."""
    return dt * eta * (pre - pre_mean) * (post - post_mean)


def foldiak_delta_w(pre, post, w, eta, target, dt):
    r""":math:`\Delta |w| = \eta (y_i y_j - p^2)\, \Delta t` (Foldiak 1990), on inhibitory magnitudes."""
    return dt * eta * (pre * post - target ** 2)


def sanger_delta_w(x, y, W, eta, dt):
    r"""Generalised Hebbian algorithm, :math:`\Delta W_{ij} = \eta\, y_j (x_i - \sum_{k\le j} W_{ik} y_k)\,\Delta t`.

    Parameters
    ----------
    x : ndarray (n_in,)
    y : ndarray (n_out,)
    W : ndarray (n_in, n_out)
        Column ``j`` is output ``j``'s weight vector.
    """
    recon = np.cumsum(W * y[None, :], axis=1)  # sum over k <= j of W_ik y_k
    return dt * eta * (x[:, None] - recon) * y[None, :]


@RULE_BUILDERS.register(Hebb)
def build_hebb(rule, proj, syn):
    eta = rule.learning_rate
    return RuleRun(lambda w, pre, post, dt, s, n: (hebb_delta_w(pre, post, w, eta, dt), s))


@RULE_BUILDERS.register(Oja)
def build_oja(rule, proj, syn):
    eta = rule.learning_rate
    return RuleRun(lambda w, pre, post, dt, s, n: (oja_delta_w(pre, post, w, eta, dt), s))


@RULE_BUILDERS.register(BCM)
def build_bcm(rule, proj, syn):
    eta, y0, tau = rule.learning_rate, to_si(rule.y0), to_si(rule.tau_theta)
    theta0 = to_si(rule.theta_init) if rule.theta_init is not None else y0

    def step(w, pre, post, dt, theta, n):
        dw = bcm_delta_w(pre, post, w, eta, theta[syn.j], dt)
        y = np.zeros(syn.n_post)
        y[syn.j] = post
        return dw, bcm_theta_step(theta, y, y0, tau, dt)
    return RuleRun(step, state=np.full(syn.n_post, float(theta0)))


@RULE_BUILDERS.register(Covariance)
def build_covariance(rule, proj, syn):
    eta, tau = rule.learning_rate, to_si(rule.tau_avg)

    def step(w, pre, post, dt, means, n):
        if means is None:  # start the running means at the first rates: no initial transient
            means = (pre.copy(), post.copy())
        dw = covariance_delta_w(pre, post, w, eta, means[0], means[1], dt)
        a = 1 - np.exp(-dt / tau)
        return dw, (means[0] + a * (pre - means[0]), means[1] + a * (post - means[1]))
    return RuleRun(step)


@RULE_BUILDERS.register(Foldiak)
def build_foldiak(rule, proj, syn):
    if proj.receptor != "inh":
        raise ModelError(proj._where or "rule", "the foldiak rule needs receptor = \"inh\" (weights are magnitudes)")
    eta, p = rule.learning_rate, to_si(rule.target)
    return RuleRun(lambda w, pre, post, dt, s, n: (foldiak_delta_w(pre, post, w, eta, p, dt), s))


@RULE_BUILDERS.register(Sanger)
def build_sanger(rule, proj, syn):
    if proj.connectivity != "all_to_all" or (proj.pre == proj.post):
        raise ModelError(f"{proj._where}.connectivity" if proj._where else "connectivity",
                         "the sanger rule needs all_to_all connectivity between two populations")
    eta, shape = rule.learning_rate, (syn.n_pre, syn.n_post)

    def step(w, pre, post, dt, s, n):
        # all_to_all synapses are ordered by pre then post index: a row-major (n_pre, n_post) matrix
        W = w.reshape(shape)
        x, y = pre.reshape(shape)[:, 0], post.reshape(shape)[0, :]
        return sanger_delta_w(x, y, W, eta, dt).ravel(), s
    return RuleRun(step)
