"""Builders for populations: one per description type."""
import brian2 as b2
import numpy as np

from ...model.errors import ModelError
from ...model.neurons import LIF, PoissonInput, SpikeTimes
from ..base import builder_registry

POPULATION_BUILDERS = builder_registry("spike")

_SYNAPTIC_CURRENT = {
    "current": ("I_e - I_i", "dI_e/dt = -I_e/tau_e : amp\ndI_i/dt = -I_i/tau_i : amp"),
    "conductance": ("g_e*(e_e - v) + g_i*(e_i - v)",
                    "dg_e/dt = -g_e/tau_e : siemens\ndg_i/dt = -g_i/tau_i : siemens"),
}
#: name of the variable a spike increments, by (synapse type, receptor)
TARGET_VARIABLE = {("current", "exc"): "I_e", ("current", "inh"): "I_i",
                   ("conductance", "exc"): "g_e", ("conductance", "inh"): "g_i"}


def lif_equations(pop, extra=""):
    """Brian2 equations of a :class:`~spikehebb.model.LIF` population."""
    i_syn, syn_eqs = _SYNAPTIC_CURRENT[pop.synapse]
    noise = " + sigma*sqrt(2/tau_m)*xi" if float(pop.sigma) > 0 else ""
    return (f"dv/dt = (v_rest - v + r_m*(i_ext + {i_syn}))/tau_m{noise} : volt (unless refractory)\n"
            f"{syn_eqs}\ni_ext : amp\n{extra}")


def modulator_copies(name, ctx):
    """Equations and events of the modulator copies that population ``name`` holds for
    the DA-STDP synapses onto it: level (x) and this step's pulse, which raises an
    event of the copy's name."""
    mods = [ctx.modulator_var(m) for m in sorted(ctx.modulator_copies.get(name, ()))]
    return "".join(f"{var} : 1\n{var}_pulse : 1\n" for var in mods), {var: f"{var}_pulse != 0" for var in mods}


@POPULATION_BUILDERS.register(LIF)
def build_lif(pop, name, ctx):
    params, values, _ = ctx.parameters({k: getattr(pop, k) for k in (
        "tau_m", "r_m", "v_rest", "v_reset", "v_th", "tau_e", "tau_i", "e_e", "e_i", "sigma", "t_ref")})
    extra, events = modulator_copies(name, ctx)
    # exact integration where the equations are linear with constant coefficients
    method = "exact" if pop.synapse == "current" and float(pop.sigma) == 0 else "euler"
    group = b2.NeuronGroup(pop.n, lif_equations(pop, params + extra), threshold="v > v_th", reset="v = v_reset",
                           refractory="t_ref", method=method, namespace={},
                           events=events, clock=ctx.clock, name=f"pop_{name}")
    if pop.v_init == "uniform":
        lo, hi = float(pop.v_reset), float(pop.v_th)
        v0 = lo + (hi - lo) * ctx.rng.random(pop.n)
    else:
        v0 = np.full(pop.n, float(pop.v_rest))
    i_ext = np.broadcast_to(np.asarray(pop.i_ext / b2.amp, float), (pop.n,))
    ctx.set_values(group, {**values, "i_ext": i_ext * b2.amp, "v": v0 * b2.volt})
    return group


@POPULATION_BUILDERS.register(PoissonInput)
def build_poisson(pop, name, ctx):
    r"""Poisson inputs; at fixed rates, event-driven: each neuron draws the number of steps to
    its next spike when it fires instead of a random number every step.

    .. math:: k = \left\lceil \frac{\ln(1 - u)}{\ln(1 - r\,dt)} \right\rceil, \quad u \sim U[0, 1)

    is geometric with :math:`p = r\,dt`: the same Bernoulli process per step that
    ``PoissonGroup`` draws (a spike with probability :math:`r\,dt` in each step), at one random
    number per spike instead of one per neuron and step. Time-varying rates (``schedule``,
    ``rates``) use ``PoissonGroup`` with a ``TimedArray``.

    A fixed-rate population may be the post of plastic projections (DA-STDP included:
    it holds the modulator copies its synapses read); it receives no input.
    """
    table = pop.rate_array(None)
    if table is None:
        # the first interval is drawn at the start of the run's first step (memoryless: as if
        # running since long before), from the run's own seed, by an operation on a clock that
        # ticks once, so that nothing but the threshold runs per step. Firing at the first step
        # with t >= t + x dt takes the ceiling of x = ln(1 - u) / ln(1 - r dt) itself.
        draw = "t_next = t + log(1 - rand()) / log_q * dt"
        extra, events = modulator_copies(name, ctx)
        group = b2.NeuronGroup(pop.n, f"log_q : 1 (constant)\nt_next : second\n{extra}",
                               threshold="t >= t_next", reset=draw, events=events, clock=ctx.clock,
                               namespace={}, name=f"pop_{name}")
        # (there ``dt`` is the once-clock's own: the step is named)
        group.run_regularly(draw.replace("* dt", "* step"), when="start", clock=ctx.once_clock,
                            name=f"pop_{name}_first_draw")
        group.namespace["step"] = ctx.clock.dt
        p = np.broadcast_to(np.asarray(pop.rate / b2.Hz, float), (pop.n,)) * float(ctx.clock.dt / b2.second)
        log_q = np.full(pop.n, -1e-300)  # 0 Hz: an interval of ~1e300 steps, i.e. never
        with np.errstate(divide="ignore"):  # p >= 1: ln 0 = -inf, an interval of 0 (every step)
            log_q[p > 0] = np.log1p(-np.minimum(p[p > 0], 1.0))  # log1p: exact for small p
        ctx.set_values(group, {"log_q": log_q})
        return group
    rates, step = table
    _no_modulator_copies(pop, name, ctx, "time-varying rates")
    timed = b2.TimedArray(rates * b2.Hz, dt=step * b2.second, name=f"rates_{name}")
    return b2.PoissonGroup(pop.n, rates=f"rates_{name}(t, i)", namespace={f"rates_{name}": timed},
                           clock=ctx.clock, name=f"pop_{name}")


def _no_modulator_copies(pop, name, ctx, what):
    if ctx.modulator_copies.get(name):
        raise ModelError(f"populations.{name}", f"a {pop.TYPE} population with {what} cannot be the post of "
                                                "da_stdp on the spike backend (lif, spike_times and constant-rate "
                                                "poisson can)")


@POPULATION_BUILDERS.register(SpikeTimes)
def build_spike_times(pop, name, ctx):
    """Given spike times: a ``SpikeGeneratorGroup``; as the post of DA-STDP, which needs the
    modulator copies in the post group, a ``NeuronGroup`` that fires in the same steps."""
    if not ctx.modulator_copies.get(name):
        return b2.SpikeGeneratorGroup(pop.n, pop.indices, pop.times, clock=ctx.clock, name=f"pop_{name}")
    dt = float(ctx.clock.dt)
    # the steps a SpikeGeneratorGroup fires in (it shifts the times by 1e-3 dt, then floors)
    steps = ((np.asarray(pop.times / b2.second, float) + 1e-3 * dt) / dt).astype(np.int64)
    order = np.lexsort((steps, pop.indices))
    idx, steps = np.asarray(pop.indices)[order], steps[order]
    if np.any((np.diff(steps) == 0) & (np.diff(idx) == 0)):
        raise ModelError(f"populations.{name}.times", "two spikes of one neuron in the same time step")
    counts = np.bincount(idx, minlength=pop.n)
    # table[k, i]: step of neuron i's k-th spike; a last row that is never reached
    table = np.full((counts.max(initial=0) + 1, pop.n), 2.0 ** 62)
    rank = np.arange(len(idx)) - np.repeat(np.cumsum(counts) - counts, counts)
    table[rank, idx] = steps
    extra, events = modulator_copies(name, ctx)
    spike_steps = b2.TimedArray(table, dt=1 * b2.second, name=f"spike_steps_{name}")
    group = b2.NeuronGroup(pop.n, f"k : 1\n{extra}", threshold="t_in_timesteps >= spike_steps(k*second, i)",
                           reset="k += 1", events=events, namespace={"spike_steps": spike_steps},
                           clock=ctx.clock, name=f"pop_{name}")
    return group
