r"""Rate builders of the literature rules (NeAW, AHL, HPCA, the correlation game) and their populations.

Equations are in the descriptions' docstrings
(:mod:`spikehebb.model.literature_rules`). Each ``*_delta_w`` is pure and
vectorised over synapses (``pre``, ``post``: rates at each synapse's two ends;
``i``, ``j``: its pre and post indices); builders convert parameters to SI once.
"""
import numpy as np

from ...datasets.patches import SampleSource
from ...model.errors import ModelError
from ...model.literature_rules import (AHL, HPCA, AdaptiveThresholdUnits, CorrelationGameExcitation,
                                       CorrelationGameInhibition, ImageSamples, NeAW)
from ...model.units import to_si
from .native_rules import foldiak_delta_w
from .populations import POPULATION_BUILDERS, Units
from .rules import RULE_BUILDERS, RuleRun


def _per_post(values, j, n_post):
    return np.bincount(j, weights=values, minlength=n_post)


def neaw_step(pre, post, w, eta, sign, j, n_post, dt):
    r"""New weights of NeAW: :math:`w_j + \eta s_j y_j x \Delta t`, renormalised to unit norm per post unit.

    ``sign`` is :math:`s_j` per synapse (its post unit's). Returns the new weights, not a difference.
    """
    w = w + dt * eta * sign * pre * post
    norm = np.sqrt(_per_post(w ** 2, j, n_post))
    return w / np.where(norm > 0, norm, 1.0)[j]


def residual_delta_w(pre, post, w, eta, i, j, n_pre, ordered, dt):
    r""":math:`\Delta w_{ij} = \eta f_j (x_i - \sum_{k} w_{ik} f_k)\,\Delta t` over all ``k`` (AHL)
    or ``k <= j`` (``ordered``: HPCA/Sanger); ``post`` holds :math:`f(y_j)` per synapse."""
    if not ordered:
        recon = np.bincount(i, weights=w * post, minlength=n_pre)[i]
    else:
        # all_to_all synapses are ordered by pre then post index: a row-major (n_pre, n_post) matrix
        n_post = len(w) // n_pre
        recon = np.cumsum((w * post).reshape(n_pre, n_post), axis=1).ravel()
    return dt * eta * post * (pre - recon)


def simplex_project(w, j, n_post, total, w_max, rounds=20):
    r"""Subtract a common amount from each post unit's surviving synapses so that they sum to
    ``total`` within ``[0, w_max]`` (the correlation game's resource constraint); synapses
    pushed to 0 are eliminated from later rounds."""
    w = np.clip(w, 0.0, w_max)
    for _ in range(rounds):
        excess = _per_post(w, j, n_post) - total
        # too much: take from every surviving synapse; too little: give to those below w_max
        alive = np.where((excess > 0)[j], w > 0, w < w_max)
        count = _per_post(alive.astype(float), j, n_post)
        if np.all(np.abs(excess) < 1e-12 * total) or not count.any():
            break
        w = np.clip(w - alive * (excess / np.where(count > 0, count, 1.0))[j], 0.0, w_max)
    return w


def _all_to_all(proj, what):
    if proj.connectivity != "all_to_all" or proj.pre == proj.post:
        raise ModelError(f"{proj._where}.connectivity" if proj._where else "connectivity",
                         f"the {what} rule needs all_to_all connectivity between two populations")


@RULE_BUILDERS.register(NeAW)
def build_neaw(rule, proj, syn):
    eta, target, tau = rule.learning_rate, float(to_si(rule.target)), float(to_si(rule.tau_avg))

    def step(w, pre, post, dt, avg, n):
        y = _per_post(post, syn.j, syn.n_post) / np.maximum(np.bincount(syn.j, minlength=syn.n_post), 1)
        avg = avg + (1 - np.exp(-dt / tau)) * (y - avg)
        sign = np.where(avg <= target, 1.0, -1.0)[syn.j]
        return neaw_step(pre, post, w, eta, sign, syn.j, syn.n_post, dt) - w, avg
    return RuleRun(step, state=np.zeros(syn.n_post))


@RULE_BUILDERS.register(AHL)
def build_ahl(rule, proj, syn):
    eta = rule.learning_rate
    return RuleRun(lambda w, pre, post, dt, s, n: (
        residual_delta_w(pre, post, w, eta, syn.i, syn.j, syn.n_pre, False, dt), s))


@RULE_BUILDERS.register(HPCA)
def build_hpca(rule, proj, syn):
    _all_to_all(proj, "hpca")
    eta, relu = rule.learning_rate, rule.nonlinearity == "relu"
    return RuleRun(lambda w, pre, post, dt, s, n: (
        residual_delta_w(pre, np.maximum(post, 0) if relu else post, w, eta, syn.i, syn.j, syn.n_pre, True, dt), s))


@RULE_BUILDERS.register(CorrelationGameExcitation)
def build_cg_excitation(rule, proj, syn):
    if proj.receptor == "inh":
        raise ModelError(proj._where or "rule", "correlation_game_excitation needs an excitatory projection")
    eta, total = rule.learning_rate, rule.total
    w_max = float(to_si(proj.w_max)) if proj.w_max is not None else np.inf
    return RuleRun(lambda w, pre, post, dt, s, n: (
        simplex_project(w + dt * eta * pre * post, syn.j, syn.n_post, total, w_max) - w, s))


@RULE_BUILDERS.register(CorrelationGameInhibition)
def build_cg_inhibition(rule, proj, syn):
    if proj.receptor != "inh":
        raise ModelError(proj._where or "rule",
                         "correlation_game_inhibition needs receptor = \"inh\" (weights are magnitudes)")
    eta, bound = rule.learning_rate, float(to_si(rule.bound))
    return RuleRun(lambda w, pre, post, dt, s, n: (foldiak_delta_w(pre, post, w, eta, bound, dt), s))


class ImageUnits(Units):
    """One sample of an :class:`~spikehebb.datasets.patches.SampleSource` per period."""

    def __init__(self, pop, rng):
        super().__init__(pop.n)
        self.source, self.period, self.rng, self.shown = SampleSource(pop), float(to_si(pop.period)), rng, -1

    def update(self, t, dt, drive):
        k = int(np.floor(t / self.period + 1e-9))
        if k != self.shown:
            self.shown = k
            self.rate = self.source.draw(1, self.rng)[0]


class ThresholdUnits(Units):
    """Instantaneous rectified units with homeostatic thresholds (AHL's code)."""

    receives = "sum"

    def __init__(self, pop):
        super().__init__(pop.n)
        self.p, self.tau = pop.target, float(to_si(pop.tau_theta))
        self.step_scale = float(to_si(pop.theta_scale))
        self.theta = np.full(pop.n, float(to_si(pop.theta_init)))

    def update(self, t, dt, drive):
        u = drive.get(("exc", 1), 0.0) - drive.get(("inh", 1), 0.0) + np.zeros(self.n)
        self.rate = np.maximum(u - self.theta, 0.0)
        self.theta = self.theta + dt * self.step_scale * ((self.rate > 0) - self.p) / self.tau


POPULATION_BUILDERS.register(ImageSamples)(ImageUnits)
POPULATION_BUILDERS.register(AdaptiveThresholdUnits)(lambda pop, rng: ThresholdUnits(pop))
