"""Builders for projections (connectivity, weights) and plasticity rules.

The projection builder owns connectivity and transmission; a rule builder
only contributes equations and pathway code, so any rule works with any
connectivity.
"""
from dataclasses import dataclass, field

import brian2 as b2
import numpy as np
from brian2.units.fundamentalunits import get_dimensions

from ...model.errors import ModelError
from ...model.rules import DASTDP, PairSTDP, Static, TripletSTDP
from ..base import builder_registry
from ..connectivity import connection_indices, initial_weights
from .populations import TARGET_VARIABLE

RULE_BUILDERS = builder_registry("spike")


@dataclass
class RuleCode:
    """A rule's contribution to a ``brian2.Synapses`` object."""

    model: str = ""
    on_pre: str = ""
    on_post: str = ""
    namespace: dict = field(default_factory=dict)
    post_events: dict = field(default_factory=dict)  # pathway -> (post group event, code)
    setup: object = None  # called with (synapses, ctx) after connect()
    before_transmit: str = ""  # pre pathway code that runs before the spike transmits w


def _stdp_namespace(rule, proj):
    return {"a_plus": rule.a_plus, "a_minus": rule.a_minus, "tau_plus": rule.tau_plus,
            "tau_minus": rule.tau_minus, "w_min": proj.w_min, "w_max": proj.w_max}


@dataclass
class _Coincidence:
    """How a rule's pathways treat a pre and a post spike in the same time step.

    ``coincident = "ignore"`` (as NEST): the pre pathway runs first, so depression
    never sees the post spike of the same step; potentiation uses the pre trace as
    it was before a same-step pre spike (the step's time is stored as ``tpre``):
    the trace less the 1 that spike added (all-to-all), or the trace it replaced,
    ``apre_before`` (nearest). ``"pair"``: potentiation uses the trace with the
    same-step pre spike in it, i.e. the pair counts as pre before post with a lag of 0.
    """

    model: str = ""      # extra synaptic variables
    on_pre: str = ""     # pre pathway: bumps the pre trace (``bump``) and stores what it needs
    on_post: str = ""    # post pathway: defines apre_eff
    apre: str = "apre"   # the pre trace a post spike reads


def _coincidence(rule, nearest=False):
    bump = "apre = 1" if nearest else "apre += 1"
    if rule.coincident == "pair":
        return _Coincidence(on_pre=f"{bump}\n")
    if nearest:
        # ``apre = 1`` rebinds; ``apre_before = apre`` before an in-place ``+=`` would alias
        # the same array on the numpy target, hence the two forms
        return _Coincidence(model="apre_before : 1\ntpre : second\n",
                            on_pre=f"apre_before = apre\ntpre = t\n{bump}\n",
                            on_post="apre_eff = apre + int(tpre == t)*(apre_before - apre)\n", apre="apre_eff")
    return _Coincidence(model="tpre : second\n", on_pre=f"tpre = t\n{bump}\n",
                        on_post="apre_eff = apre - int(tpre == t)\n", apre="apre_eff")


@RULE_BUILDERS.register(Static)
def build_static(rule, proj, ctx, unit):
    return RuleCode()


@RULE_BUILDERS.register(PairSTDP)
def build_pair_stdp(rule, proj, ctx, unit):
    co = _coincidence(rule, nearest=rule.pairing == "nearest")
    bump = "= 1" if rule.pairing == "nearest" else "+= 1"
    if rule.weight_dependence == "additive":
        f_plus, f_minus = "w_max", "w_max"
    else:
        f_plus, f_minus = "(w_max - w)", "w"
    return RuleCode(
        model=("dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
               "dapost/dt = -apost/tau_minus : 1 (event-driven)\n" + co.model),
        on_pre=(f"w = clip(w - a_minus*{f_minus}*apost, w_min, w_max)\n{co.on_pre}"),
        on_post=(f"{co.on_post}w = clip(w + a_plus*{f_plus}*{co.apre}, w_min, w_max)\napost {bump}"),
        namespace=_stdp_namespace(rule, proj))


@RULE_BUILDERS.register(TripletSTDP)
def build_triplet(rule, proj, ctx, unit):
    co = _coincidence(rule)
    ns = {k: getattr(rule, k) for k in ("a2_plus", "a3_plus", "a2_minus", "a3_minus",
                                        "tau_plus", "tau_minus", "tau_x", "tau_y")}
    ns.update(w_min=proj.w_min, w_max=proj.w_max)
    return RuleCode(
        model=("dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
               "dr2/dt = -r2/tau_x : 1 (event-driven)\n"
               "do1/dt = -o1/tau_minus : 1 (event-driven)\n"
               "do2/dt = -o2/tau_y : 1 (event-driven)\n" + co.model),
        # the triplet terms use the other trace just before the current spike (t^-)
        on_pre=(f"w = clip(w - w_max*o1*(a2_minus + a3_minus*r2), w_min, w_max)\n{co.on_pre}r2 += 1"),
        on_post=(f"{co.on_post}w = clip(w + w_max*{co.apre}*(a2_plus + a3_plus*o2), w_min, w_max)\n"
                 "o1 += 1\no2 += 1"),
        namespace=ns)


@RULE_BUILDERS.register(DASTDP)
def build_da_stdp(rule, proj, ctx, unit):
    """DA-STDP, event-driven and exact in time: nothing runs between events.

    Each synapse stores its weight ``w``, eligibility ``c`` and the dopamine excess
    ``xc`` it saw at the time ``tc`` of its last update. Between events c and the
    excess decay exponentially, so every event (a pre spike before it transmits, a post
    spike, a dopamine pulse) first advances w to now by the closed-form integral of
    eta w_max c d (:class:`~spikehebb.model.DASTDP`), then applies itself. Recordings and
    final weights are advanced to their own times by :func:`read_synapses`.
    """
    var = ctx.modulator_var(rule.modulator)
    if var not in ctx.groups[proj.post].variables:  # the population builders refuse first
        raise ModelError(f"populations.{proj.post}", "cannot be the post of da_stdp on the spike backend")
    co = _coincidence(rule)
    ns = _stdp_namespace(rule, proj)
    ns.update(_da_params(rule, ctx.network))
    # w first (it needs c and xc as they were at tc), then c, the excess and tc. The excess
    # part of the integral, c xc tau_cx (1 - e^{-(t - tc)/tau_cx}) with 1/tau_cx = 1/tau_c + 1/tau_d,
    # uses the excess just before now, x(t^-) = xc e^{-(t - tc)/tau_d} (the copy less a pulse that arrives now: no pulse
    # comes in between, each one is an event), so that one exponential serves c and the excess.
    # A second event in the same step (tc = t) finds xc already past the pulse: nothing to add.
    advance = ("e_c = exp(-(t - tc)/tau_c)\n"
               "w = clip(w + eta*w_max*c*(d_base*tau_c*(1 - e_c)"
               f" + tau_cx*(xc - e_c*({var}_post - int(tc < t)*{var}_pulse_post))), w_min, w_max)\n"
               f"c = c*e_c\nxc = {var}_post\ntc = t\n")
    return RuleCode(
        model=("c : 1\nxc : 1\ntc : second\n"
               "dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
               "dapost/dt = -apost/tau_minus : 1 (event-driven)\n" + co.model),
        before_transmit=advance,
        on_pre=f"c += -a_minus*apost\n{co.on_pre}",
        on_post=f"{advance}{co.on_post}c += a_plus*{co.apre}\napost += 1",
        post_events={"dopamine": (var, advance)},
        namespace=ns)


def _da_params(rule, network):
    mod = network.modulators[rule.modulator]
    return {"tau_c": rule.tau_c, "eta": rule.learning_rate, "d_base": mod.baseline, "tau_d": mod.tau,
            "tau_cx": 1 / (1 / rule.tau_c + 1 / mod.tau)}


def read_synapses(proj, network, state, t):
    """Weights (SI floats) of synapses at time ``t`` (s), from their stored ``state``.

    ``state`` maps the synaptic variables to arrays (SI floats; a row per sample time
    for traces, with ``t`` a column). For DA-STDP the stored weight is that of the
    synapse's last event; it is advanced to ``t`` (see :func:`build_da_stdp`), and
    the eligibility ``c`` and the dopamine ``d`` the synapse sees at ``t`` come
    with it. Returns a dict with ``w`` (and ``c``, ``d``).
    """
    rule = proj.rule
    if not isinstance(rule, DASTDP):
        return {"w": state["w"]}
    p = {k: float(v) for k, v in _da_params(rule, network).items()}
    w_min, w_max = float(proj.w_min), float(proj.w_max)
    lag = np.maximum(t - state["tc"], 0.0)
    c0, x0 = state["c"], state["xc"]
    dw = float(rule.learning_rate) * w_max * c0 * (p["d_base"] * p["tau_c"] * -np.expm1(-lag / p["tau_c"])
                                                   + x0 * p["tau_cx"] * -np.expm1(-lag / p["tau_cx"]))
    return {"w": np.clip(state["w"] + dw, w_min, w_max), "c": c0 * np.exp(-lag / p["tau_c"]),
            "d": p["d_base"] + x0 * np.exp(-lag / p["tau_d"])}


def state_variables(proj):
    """The synaptic variables :func:`read_synapses` needs for ``proj``'s rule."""
    return ("w", "c", "xc", "tc") if isinstance(proj.rule, DASTDP) else ("w",)


def build_projection(proj, name, ctx):
    """A ``brian2.Synapses`` for ``proj`` with its rule, connectivity and weights."""
    pre, post = ctx.groups[proj.pre], ctx.groups[proj.post]
    post_desc = ctx.network.populations[proj.post]
    synapse = getattr(post_desc, "synapse", None)
    if synapse is None:
        # a spike source (given times, Poisson): its spikes drive the rule's post
        # pathway; it takes no input, so nothing is transmitted (weights dimensionless)
        unit, transmit = "1", ""
    else:
        unit = "amp" if synapse == "current" else "siemens"
        transmit = f"{TARGET_VARIABLE[(synapse, proj.receptor)]}_post += w\n"
    code = RULE_BUILDERS.build(proj.rule, proj, ctx, unit)
    on_post = {"post": code.on_post} if code.on_post else {}
    on_post.update({path: stmt for path, (_, stmt) in code.post_events.items()})
    params, values, namespace = ctx.parameters(code.namespace)
    syn = b2.Synapses(pre, post, model=f"w : {unit}\n{code.model}{params}",
                      on_pre=f"{code.before_transmit}{transmit}{code.on_pre}".strip() or None,
                      on_post=on_post or None, namespace=namespace,
                      on_event={path: event for path, (event, _) in code.post_events.items()} or "spike",
                      clock=ctx.clock, name=f"proj_{name}")
    i, j = connection_indices(proj, ctx.network, ctx.rng)
    syn.connect(i=i, j=j)
    w0 = initial_weights(proj, len(i), ctx.rng)
    values["w"] = b2.Quantity(w0, dim=get_dimensions(proj.w_init)) if unit != "1" else np.asarray(w0, float)
    ctx.set_values(syn, values)
    if float(proj.delay) > 0:  # compiled in: Brian2 cannot set a pathway's delay from run_args
        syn.delay = proj.delay
    if "tpre" in syn.variables:
        syn.tpre = -1 * b2.second
    if code.setup:
        code.setup(syn, ctx)
    return syn
