"""Dopamine: a one-neuron group holding the concentration, driven by its source.

The group's ``x`` is the concentration above baseline; it decays with
``tau`` and jumps at reward events. Plastic synapses read it through a
copy in their post-synaptic group, kept current by a summed variable
(Brian2 synapses cannot read a third group directly). Everything is event-driven or
runs in ``run_regularly`` operations, so it compiles in every target,
standalone included.
"""
import brian2 as b2
import numpy as np

from ...model.modulators import Pairing, RewardPrediction, Schedule
from ..base import builder_registry

SOURCE_BUILDERS = builder_registry("spike")

_FAR = 1e9  # seconds: "no reward pending"


class ModulatorBuild:
    """The Brian2 objects of one modulator."""

    def __init__(self, name, description, ctx):
        self.name, self.description = name, description
        # pulse: what arrived in this time step, seen by the plastic synapses next step
        eqs = ("dx/dt = -x/tau : 1\npulse : 1\nt_reward : second\ntpre : second\n"
               "count : 1\nrbar : 1\nn_rewards : 1\n")
        params, values, _ = ctx.parameters({"tau": description.tau,
                                            "amount": getattr(description.source, "amount", 0.0)})
        self.group = b2.NeuronGroup(1, eqs + params, threshold="t >= t_reward",
                                    reset="t_reward = far\nx += amount\npulse += amount\nn_rewards += 1",
                                    method="exact", clock=ctx.clock, name=f"mod_{name}",
                                    namespace={"far": _FAR * b2.second})
        ctx.set_values(self.group, values)
        self.group.t_reward = _FAR * b2.second
        self.group.tpre = -_FAR * b2.second
        self.group.run_regularly("pulse = 0", when="before_synapses", name=f"mod_{name}_clear")
        self.objects = [self.group]
        self.objects += SOURCE_BUILDERS.build(description.source, self, ctx) or []


@SOURCE_BUILDERS.register(Schedule)
def build_schedule(source, mod, ctx):
    k = np.size(source.times)
    gen = b2.SpikeGeneratorGroup(k, np.arange(k), np.atleast_1d(source.times), clock=ctx.clock,
                                 name=f"mod_{mod.name}_schedule")
    syn = b2.Synapses(gen, mod.group, "a : 1", on_pre="x_post += a\npulse_post += a\nn_rewards_post += 1",
                      clock=ctx.clock, name=f"mod_{mod.name}_schedule_syn")
    syn.connect(i=np.arange(k), j=0)
    ctx.set_values(syn, {"a": np.asarray(source.amounts, float)})
    return [gen, syn]


@SOURCE_BUILDERS.register(Pairing)
def build_pairing(source, mod, ctx):
    pop = ctx.groups[source.population]
    params, values, _ = ctx.parameters({"window": source.window, "delay_min": source.delay_min,
                                        "delay_span": source.delay_max - source.delay_min})
    pre = b2.Synapses(pop, mod.group, on_pre="tpre_post = t", clock=ctx.clock,
                      name=f"mod_{mod.name}_pairing_pre")
    pre.connect(i=source.pre, j=0)
    # a post spike within the window after the pre spike schedules one reward, unless one is pending
    post = b2.Synapses(pop, mod.group, params, namespace={"far": _FAR * b2.second}, clock=ctx.clock,
                       name=f"mod_{mod.name}_pairing_post",
                       on_pre=("armed = int(t - tpre_post <= window and t > tpre_post and t_reward_post > far/2)\n"
                               "t_reward_post = armed*(t + delay_min + rand()*delay_span) + (1 - armed)*t_reward_post"))
    post.connect(i=source.post, j=0)
    ctx.set_values(post, values)
    return [pre, post]


@SOURCE_BUILDERS.register(RewardPrediction)
def build_rpe(source, mod, ctx):
    pop = ctx.groups[source.population]
    n = ctx.network.populations[source.population].n
    counter = b2.Synapses(pop, mod.group, on_pre="count_post += 1", clock=ctx.clock,
                          name=f"mod_{mod.name}_counter")
    counter.connect(i=np.arange(n), j=0)
    sign = 1 if source.direction == "above" else -1
    # evaluated at the end of each period (the first call, at t = 0, has no period behind it)
    mod.group.run_regularly(
        "valid = int(t > 0*second)\n"
        "R = valid*int(rpe_sign*(count/(n_pop*period) - target)*period >= 0)\n"
        "x += valid*amount*(R - rbar)\npulse += valid*amount*(R - rbar)\n"
        "rbar += valid*alpha*(R - rbar)\nn_rewards += R\ncount = 0",
        dt=source.period, when="end", name=f"mod_{mod.name}_rpe")
    # compiled in (the group's parameters are declared before its source is built): a new
    # value of these rebuilds; ``amount`` is the group's own run-time parameter
    mod.group.namespace.update(rpe_sign=sign, n_pop=n, period=source.period, target=source.target_rate,
                               alpha=source.alpha)
    return [counter]


def broadcast_modulator(mod, var, group, ctx):
    """Keep ``group.var`` (and ``group.var_pulse``) equal to the modulator's level above
    baseline (and to the pulse of the last step)."""
    syn = b2.Synapses(mod.group, group, f"{var}_post = x_pre : 1 (summed)\n"
                      f"{var}_pulse_post = pulse_pre : 1 (summed)", clock=ctx.clock,
                      name=f"mod_{mod.name}_to_{group.name}")
    syn.connect(i=0, j=np.arange(len(group)))
    return syn
