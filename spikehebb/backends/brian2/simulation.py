"""The spiking engine: a :class:`~spikehebb.model.Network` as an explicit ``brian2.Network``.

Every object gets an explicit clock and namespace; the run has its own seed
(Brian2's generators and a ``numpy.random.Generator`` for connectivity and
initial values). No magic ``run()``, no ``defaultclock``, and the device or
target is set only for the duration of :func:`simulate` / :class:`Simulation`.
"""
import contextlib
import time

import brian2 as b2
import numpy as np

from ...interrupts import RunIncomplete
from ..base import check_target
from .device import insert_seed_from_environment, run_standalone, target_context
from .modulators import ModulatorBuild, broadcast_modulator
from .parameters import declare, is_parameter
from .populations import POPULATION_BUILDERS
from .record import Recorder
from .synapses import build_projection

__all__ = ["simulate", "Simulation"]


class BuildContext:
    """What builders share while one network is assembled."""

    def __init__(self, network, seed, standalone=False, duration=None):
        self.network = network
        self.standalone = standalone
        #: ``{group.variable: value}`` the standalone binary reads at start-up (Brian2 ``run_args``)
        self.run_args = {}
        self.clock = b2.Clock(dt=network.dt, name="spikehebb_clock")
        # ticks at the start of the run only (operations that run once: first draws)
        self.once_clock = b2.Clock(dt=duration if duration is not None else network.duration,
                                   name="spikehebb_once")
        self.rng = np.random.default_rng(seed)
        self.groups, self.synapses, self.modulators = {}, {}, {}
        # population -> modulators its synapses read (through a copy held by the population)
        self.modulator_copies = {}
        for proj in (network.projections or {}).values():
            name = getattr(proj.rule, "modulator", None)
            if name is not None:
                self.modulator_copies.setdefault(proj.post, set()).add(name)

    @staticmethod
    def modulator_var(name):
        return f"da_{name}"

    def set_values(self, obj, values):
        """Give ``obj``'s variables their values; in standalone mode at run time.

        Brian2 writes a value set before a standalone run into the generated
        code when it is a single number (a parameter, or the state of a group
        of one); passed as ``run_args`` it is data, so the build does not
        depend on it (see :mod:`.parameters`).
        """
        for name, value in values.items():
            if self.standalone:
                self.run_args[getattr(obj, name)] = value
            else:
                setattr(obj, name, value)

    def parameters(self, namespace):
        """Split ``namespace`` into equation lines declaring its scalar parameters (shared
        constants, see :mod:`.parameters`), their values, and what stays in the namespace."""
        values = {k: v for k, v in namespace.items() if is_parameter(v)}
        return declare(values), values, {k: v for k, v in namespace.items() if k not in values}


class Simulation:
    """One built network that can be run repeatedly (trials) without rebuilding.

    With ``cpp_standalone`` the project is compiled once; each further
    :meth:`run` executes the same binary with a new seed (read from the
    environment) and optional ``run_args``. Use as a context manager: the
    Brian2 device is restored on exit.

    Examples
    --------
    >>> with Simulation(network, target="numpy") as sim:   # doctest: +SKIP
    ...     results = [sim.run(seed=s) for s in range(5)]
    """

    def __init__(self, network, *, target=None, seed=0, duration=None, progress=False, build_dir=None):
        self.network = network
        self.target = check_target(target)
        self.duration = duration if duration is not None else network.duration
        self.progress = progress
        self.seed = seed
        self._stack = contextlib.ExitStack()
        self.build = None
        self.project = self._stack.enter_context(target_context(self.target, build_dir))
        try:
            self._build(seed)
        except BaseException:
            self._stack.close()
            raise
        self.runs = 0

    def _build(self, seed):
        net_desc = self.network
        if self.target == "cpp_standalone":
            insert_seed_from_environment()
        ctx = self.ctx = BuildContext(net_desc, seed, standalone=self.target == "cpp_standalone",
                                      duration=self.duration)
        for name, pop in net_desc.populations.items():
            ctx.groups[name] = POPULATION_BUILDERS.build(pop, name, ctx)
        objects = list(ctx.groups.values())
        for name, mod in net_desc.modulators.items():
            ctx.modulators[name] = ModulatorBuild(name, mod, ctx)
            objects += ctx.modulators[name].objects
        for pop_name, mod_names in ctx.modulator_copies.items():
            for mod_name in sorted(mod_names):
                objects.append(broadcast_modulator(ctx.modulators[mod_name], ctx.modulator_var(mod_name),
                                                   ctx.groups[pop_name], ctx))
        for name, proj in net_desc.projections.items():
            ctx.synapses[name] = build_projection(proj, name, ctx)
        objects += list(ctx.synapses.values())
        self.recorder = Recorder(net_desc, ctx)
        self.net = b2.Network(objects + self.recorder.objects, name="spikehebb_network")
        if self.target != "cpp_standalone":
            b2.seed(seed)
            self.net.store("initial")
        else:
            self.net.run(self.duration, namespace={}, report="stderr" if self.progress else None)

    def run(self, seed=None, run_args=None):
        """Run (again) from the initial state; returns a :class:`RunResult`.

        Parameters
        ----------
        seed : int, optional
            Seed of the spike generators for this trial (default: the build seed).
            Connectivity and initial values stay those of the build.
        run_args : dict, optional
            ``{group.variable: values}`` initial values for this trial
            (Brian2 ``run_args`` in standalone mode).
        """
        seed = self.seed if seed is None else seed
        t0 = time.perf_counter()
        if self.target == "cpp_standalone":
            run_args = {**self.ctx.run_args, **(run_args or {})}
            build = run_standalone(self.project, seed, run_args, first=self.runs == 0, progress=self.progress)
            self.build = build or self.build
            loop = getattr(b2.get_device(), "_last_run_time", None)  # the binary's own timing of its loop
        else:
            self.net.restore("initial")
            b2.seed(seed)
            for view, values in (run_args or {}).items():
                view.set_item(slice(None), values)
            t_loop = time.perf_counter()
            self.net.run(self.duration, namespace={}, report=tqdm_report() if self.progress else None)
            loop = time.perf_counter() - t_loop  # includes code generation on a first run
            done = float(self.net.t) / float(self.duration)
            if done < 1 - 1e-9:  # stopped by Brian2's own Ctrl-C handler (library use)
                raise RunIncomplete(f"the simulation stopped at {100 * done:.0f} % of its duration")
        self.runs += 1
        result = self.recorder.collect(self.network, self.ctx, float(self.duration))
        result.info["sim_seconds"] = time.perf_counter() - t0
        if loop is not None:
            result.info["loop_seconds"] = float(loop)
        if self.build:
            # "compiled", or "cached": the binary came from the build cache; and the build's key
            result.info["build"], result.info["build_key"] = self.build
        return result

    def close(self):
        self._stack.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def simulate(network, *, seed=0, target=None, duration=None, progress=False):
    """Build and run ``network`` once on Brian2; see :func:`spikehebb.backends.simulate`."""
    with Simulation(network, target=target, seed=seed, duration=duration, progress=progress) as sim:
        result = sim.run(seed)
        result.info["target"] = sim.target
        return result


def tqdm_report():
    """A Brian2 ``report`` callable that draws a tqdm bar (percent of the run)."""
    from tqdm.auto import tqdm
    bar = {}

    def report(elapsed, completed, start, duration):
        if "bar" not in bar:
            bar["bar"] = tqdm(total=100, unit="%", desc="simulating", leave=False)
        bar["bar"].n = int(round(100 * completed))
        bar["bar"].refresh()
        if completed >= 1:
            bar["bar"].close()
    return report
