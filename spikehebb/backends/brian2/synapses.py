"""Builders for projections (connectivity, weights) and plasticity rules.

The projection builder owns connectivity and transmission; a rule builder
only contributes equations and pathway code, so any rule works with any
connectivity.
"""
from dataclasses import dataclass, field

import brian2 as b2
import numpy as np
from brian2.units.fundamentalunits import get_dimensions

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


def _stdp_namespace(rule, proj):
    return {"a_plus": rule.a_plus, "a_minus": rule.a_minus, "tau_plus": rule.tau_plus,
            "tau_minus": rule.tau_minus, "w_min": proj.w_min, "w_max": proj.w_max}


# Coincident pre and post spikes (same time step) do not pair, as in NEST: the
# pre pathway runs first, so depression never sees the post spike of the same
# step; potentiation uses the pre trace as it was before a same-step pre spike
# (apre_before, stored together with the step's time tpre).
_COINCIDENCE_VARS = "apre_before : 1\ntpre : second\n"
_APRE_EFFECTIVE = "apre_eff = apre + int(tpre == t)*(apre_before - apre)"


@RULE_BUILDERS.register(Static)
def build_static(rule, proj, ctx, unit):
    return RuleCode()


@RULE_BUILDERS.register(PairSTDP)
def build_pair_stdp(rule, proj, ctx, unit):
    bump = "= 1" if rule.pairing == "nearest" else "+= 1"
    if rule.weight_dependence == "additive":
        f_plus, f_minus = "w_max", "w_max"
    else:
        f_plus, f_minus = "(w_max - w)", "w"
    return RuleCode(
        model=("dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
               "dapost/dt = -apost/tau_minus : 1 (event-driven)\n" + _COINCIDENCE_VARS),
        on_pre=(f"w = clip(w - a_minus*{f_minus}*apost, w_min, w_max)\n"
                f"apre_before = apre\ntpre = t\napre {bump}"),
        on_post=(f"{_APRE_EFFECTIVE}\nw = clip(w + a_plus*{f_plus}*apre_eff, w_min, w_max)\n"
                 f"apost {bump}"),
        namespace=_stdp_namespace(rule, proj))


@RULE_BUILDERS.register(TripletSTDP)
def build_triplet(rule, proj, ctx, unit):
    ns = {k: getattr(rule, k) for k in ("a2_plus", "a3_plus", "a2_minus", "a3_minus",
                                        "tau_plus", "tau_minus", "tau_x", "tau_y")}
    ns.update(w_min=proj.w_min, w_max=proj.w_max)
    return RuleCode(
        model=("dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
               "dr2/dt = -r2/tau_x : 1 (event-driven)\n"
               "do1/dt = -o1/tau_minus : 1 (event-driven)\n"
               "do2/dt = -o2/tau_y : 1 (event-driven)\n" + _COINCIDENCE_VARS),
        # the triplet terms use the other trace just before the current spike (t^-)
        on_pre=("w = clip(w - w_max*o1*(a2_minus + a3_minus*r2), w_min, w_max)\n"
                "apre_before = apre\ntpre = t\napre += 1\nr2 += 1"),
        on_post=(f"{_APRE_EFFECTIVE}\n"
                 "w = clip(w + w_max*apre_eff*(a2_plus + a3_plus*o2), w_min, w_max)\n"
                 "o1 += 1\no2 += 1"),
        namespace=ns)


@RULE_BUILDERS.register(DASTDP)
def build_da_stdp(rule, proj, ctx, unit):
    """DA-STDP, event-driven: nothing runs between spikes and dopamine pulses.

    Between events, c and the dopamine excess x both decay exponentially, so the
    integral of eta w_max c(t) d(t) that an event starts is known in closed form and is
    booked when the event happens: a change dc of the eligibility at time s adds
    eta w_max dc (x(s) tau_e + d_0 tau_c), a pulse of size a adds eta w_max c a tau_e,
    with 1/tau_e = 1/tau_c + 1/tau_d. The final weights are exact (up to clipping);
    the weight steps at events instead of ramping over tau_e.
    """
    mod = ctx.modulators[rule.modulator]
    ns = _stdp_namespace(rule, proj)
    tau_d = mod.description.tau
    ns.update(tau_c=rule.tau_c, eta=rule.learning_rate, d_base=mod.description.baseline,
              tau_e=1 / (1 / rule.tau_c + 1 / tau_d))
    var = ctx.modulator_var(rule.modulator)
    # the eligibility trace c is stored with the time tc of its last change
    book = ("c = c*exp(-(t - tc)/tau_c) + dc\ntc = t\n"
            f"w = clip(w + eta*w_max*dc*({var}_post*tau_e + d_base*tau_c), w_min, w_max)")
    pulse = (f"w = clip(w + eta*w_max*c*exp(-(t - tc)/tau_c)*{var}_pulse_post*tau_e, w_min, w_max)")

    def setup(syn, ctx):
        syn.tc = 0 * b2.second

    return RuleCode(
        model=("c : 1\ntc : second\n"
               "dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
               "dapost/dt = -apost/tau_minus : 1 (event-driven)\n" + _COINCIDENCE_VARS),
        on_pre=f"dc = -a_minus*apost\n{book}\napre_before = apre\ntpre = t\napre += 1",
        on_post=f"{_APRE_EFFECTIVE}\ndc = a_plus*apre_eff\n{book}\napost += 1",
        post_events={"dopamine": (var, pulse)},
        namespace=ns, setup=setup)


def build_projection(proj, name, ctx):
    """A ``brian2.Synapses`` for ``proj`` with its rule, connectivity and weights."""
    pre, post = ctx.groups[proj.pre], ctx.groups[proj.post]
    post_desc = ctx.network.populations[proj.post]
    unit = "amp" if post_desc.synapse == "current" else "siemens"
    code = RULE_BUILDERS.build(proj.rule, proj, ctx, unit)
    target = TARGET_VARIABLE[(post_desc.synapse, proj.receptor)]
    on_post = {"post": code.on_post} if code.on_post else {}
    on_post.update({path: stmt for path, (_, stmt) in code.post_events.items()})
    syn = b2.Synapses(pre, post, model=f"w : {unit}\n{code.model}",
                      on_pre=f"{target}_post += w\n{code.on_pre}".strip(),
                      on_post=on_post or None, namespace=code.namespace,
                      on_event={path: event for path, (event, _) in code.post_events.items()} or "spike",
                      clock=ctx.clock, name=f"proj_{name}")
    i, j = connection_indices(proj, ctx.network, ctx.rng)
    syn.connect(i=i, j=j)
    syn.w = b2.Quantity(initial_weights(proj, len(i), ctx.rng), dim=get_dimensions(proj.w_init))
    if float(proj.delay) > 0:
        syn.delay = proj.delay
    if "tpre" in syn.variables:
        syn.tpre = -1 * b2.second
    if code.setup:
        code.setup(syn, ctx)
    return syn
