"""Checks before a network is built: does it fit in memory, and does ``dt`` resolve it?

Both are read from the description alone (nothing is allocated), so a network
that cannot run is refused in one line instead of allocating for minutes and
dying with ``MemoryError``, or running at a step that silently loses spikes
and learning.
"""
import os

import numpy as np

from .errors import ModelError
from .units import DIMENSIONS, Value, format_quantity, to_si

#: ``dt`` may be at most this fraction of the smallest time constant a backend integrates.
#: Brian2 integrates linear equations exactly, but spikes, resets and traces land on the
#: grid, and the rate backend's explicit Euler steps are accurate only for dt << tau; the
#: bundled models use at most 1/5 (Izhikevich 2007: dt 1 ms, tau_e 5 ms).
DT_PER_TAU = 0.25
#: largest expected spike count per Poisson input per step (``dt * rate``) on the spike
#: backend: a neuron fires at most once per step, so about half of this fraction of the
#: spikes is lost (bundled models: at most 0.13, MNIST images at 1 ms).
MAX_SPIKES_PER_STEP = 0.2
#: bytes per synapse and per neuron each backend needs at its peak while building and
#: running, measured (ru_maxrss) on song2000_stdp.toml with 2e6 synapses onto 100 neurons
#: and with 2e6 Poisson inputs onto one (numpy target): spike 145 per synapse and 180 per
#: Poisson neuron, rate 107 and 16. Brian2 keeps int32 indices, weight, traces and
#: lastupdate per synapse next to the shared builder's int64 indices and weights; the rate
#: backend int64 indices, weights, their initial copy, a CSR order and two sparse matrices.
BYTES_PER_SYNAPSE = {"spike": 144, "rate": 104}
BYTES_PER_NEURON = {"spike": 176, "rate": 16}
#: extra bytes per (pre, post) pair while connecting: a boolean mask, plus the uniform
#: draw of every pair for fixed_probability
BYTES_PER_PAIR = {"all_to_all": 1, "fixed_probability": 9}
#: a recorded sample (spike: time + index; rate or weight: value + time)
BYTES_PER_SAMPLE = 16

#: time constants each backend integrates step by step, by description class. The rate
#: backend averages the STDP windows and the synaptic filters analytically, so only the
#: membrane relaxation and slow traces are stepped there. Classes not listed contribute
#: every positive time field whose name starts with ``tau``.
INTEGRATED = {
    "spike": {"LIF": ("tau_m", "tau_e", "tau_i"), "PairSTDP": ("tau_plus", "tau_minus"),
              "TripletSTDP": ("tau_plus", "tau_minus", "tau_x", "tau_y"),
              "DASTDP": ("tau_plus", "tau_minus", "tau_c"), "Modulator": ("tau",),
              "WTASpiking": ("tau_m",), "HebbSpiking": ("tau_pre",)},
    "rate": {"LIF": ("tau_m",), "RateUnits": ("tau",), "PatternInput": ("period",),
             "PairSTDP": (), "TripletSTDP": (), "DASTDP": ("tau_c",), "BCM": ("tau_theta",),
             "Covariance": ("tau_avg",), "Modulator": ("tau",)},
}


def check_resources(network, backend, *, allow_coarse_dt=False, duration=None, file=None):
    """Refuse a network that will not fit in memory or whose ``dt`` is too coarse.

    Parameters
    ----------
    network : spikehebb.model.Network
        A validated description (nothing is built).
    backend : {"spike", "rate"}
    allow_coarse_dt : bool
        Skip the time-step check (``--allow-coarse-dt``).
    duration : float or Quantity, optional
        Run length in seconds (default ``network.duration``), for recorded traces.
    file : str, optional
        Model file named in the error.

    Raises
    ------
    ModelError
        ``model.dt`` (or a classifier's ``spike.dt``) against the smallest
        integrated time constant (at most :data:`DT_PER_TAU` of it) and, on the
        spike backend, the fastest Poisson input (``dt * rate`` at most
        :data:`MAX_SPIKES_PER_STEP`); the largest item of a memory estimate
        above the memory available, with both figures.
    """
    try:
        if not allow_coarse_dt:
            check_dt(network, backend)
        check_memory(network, backend, duration)
    except ModelError as e:
        e.file = e.file or file
        raise


# --- time step ---------------------------------------------------------------------

def _step(network, backend):
    """``(where, dt in s)`` of the step the backend runs, or None when it runs no time steps."""
    images = [(n, p) for n, p in network.populations.items() if p.TYPE == "image"]
    if not images:
        return "model.dt", float(network.dt)
    if backend != "spike":
        return None  # the rate classifier presents mini-batches: no time step
    name, image = images[0]
    return f"populations.{name}.spike.dt", float(image.spike.dt)


def _parts(network):
    """``(where, description)`` of every description in the network, nested ones included."""
    for kind in ("populations", "projections", "modulators"):
        for name, item in (getattr(network, kind) or {}).items():
            yield from _walk(item, f"{kind}.{name}")


def _walk(obj, where):
    from .schema import Description
    yield where, obj
    for f in obj.FIELDS:
        value = getattr(obj, f.name, None)
        if isinstance(value, Description):
            yield from _walk(value, f"{where}.{f.name}")


def time_constants(network, backend):
    """``[(where, seconds)]`` of every positive time constant ``backend`` integrates."""
    table = INTEGRATED[backend]
    out = []
    for where, obj in _parts(network):
        cls = type(obj).__name__
        if backend == "rate" and where.endswith(".spike"):
            continue  # a spike-only parameter table
        names = table.get(cls, [f.name for f in obj.FIELDS if f.kind == "time" and f.name.startswith("tau")])
        for n in names:
            value = getattr(obj, n, None)
            if value is not None and np.ndim(value) == 0 and float(value) > 0:
                out.append((f"{where}.{n}", float(value)))
    return out


def fastest_input(network):
    """``(where, Hz)`` of the highest rate any single Poisson input (or image pixel, on
    average) is asked to fire at, or None without such inputs."""
    best = None
    for name, pop in network.populations.items():
        if pop.TYPE == "poisson":
            hz, key = float(np.max(_poisson_rates(pop))), f"populations.{name}.rate"
        elif pop.TYPE == "image" and pop.spike is not None:
            hz, key = float(pop.spike.rate_total) / pop.n, f"populations.{name}.spike.rate_total"
        else:
            continue
        if best is None or hz > best[1]:
            best = (key, float(hz))
    return best


def _poisson_rates(pop):
    """The rates (Hz) a Poisson population is given: its ``rate`` field, or every step of
    its schedule; never ``n`` values (``pop.mean_rate()`` would allocate them)."""
    if pop.rates is not None:
        return np.asarray(pop.rates, float).ravel()
    if pop.schedule is not None:
        return np.array([float(r) for _, r in pop.schedule])
    return np.atleast_1d(np.asarray(to_si(pop.rate), float))


def check_dt(network, backend):
    """Raise :class:`ModelError` naming the step if it is too coarse for ``network`` on ``backend``."""
    step = _step(network, backend)
    if step is None:
        return
    where, dt = step
    taus = time_constants(network, backend)
    if taus:
        key, tau = min(taus, key=lambda kv: kv[1])
        if dt > DT_PER_TAU * tau * (1 + 1e-9):
            raise ModelError(where, f"{_s(dt)} is too coarse for {key} = {_s(tau)}: the step must be at most "
                                    f"{DT_PER_TAU:g} of the smallest time constant ({_s(DT_PER_TAU * tau)}); "
                                    "use a smaller dt, or pass --allow-coarse-dt to run anyway")
    fast = fastest_input(network) if backend == "spike" else None
    if fast is not None and dt * fast[1] > MAX_SPIKES_PER_STEP:
        key, hz = fast
        raise ModelError(where, f"{_s(dt)} is too coarse for {key} = {hz:g} Hz: dt * rate = {dt * hz:.3g} "
                                f"spikes per step, at most {MAX_SPIKES_PER_STEP:g} (a Poisson input fires at "
                                "most once per step); use a smaller dt, or pass --allow-coarse-dt to run anyway")


def _s(seconds):
    return format_quantity(Value(seconds, DIMENSIONS["time"]))


# --- memory ------------------------------------------------------------------------

def _size(pop):
    size = getattr(pop, "size", None)  # soft_wta layers with a grid
    return int(size if size is not None else pop.n)


def synapse_count(proj, network):
    """``(synapses, pairs looked at while connecting)`` of one projection, without building it."""
    n_pre, n_post = _size(network.populations[proj.pre]), _size(network.populations[proj.post])
    conn = proj.connectivity
    pairs = n_pre * n_post
    self_pairs = n_pre if proj.pre == proj.post and not proj.autapses else 0
    if conn == "all_to_all":
        return pairs - self_pairs, pairs
    if conn == "fixed_probability":
        return int(proj.p * (pairs - self_pairs)), pairs
    if conn == "one_to_one":
        return n_pre, 0
    if conn == "indices":
        return len(proj.i), 0
    if getattr(conn, "TYPE", None) == "conv":  # shared kernels: one weight matrix for all positions
        return conn.kernel ** 2 * network.populations[proj.post].n, 0
    return 0, 0  # pool: no weights


def memory_estimate(network, backend, duration=None):
    """Bytes a run of ``network`` on ``backend`` needs, by item: ``{where: bytes}``.

    A lower bound for what the description fixes: synapses (and the pairs
    looked at while connecting them), neurons and recorded traces. Spikes of
    neurons whose rate only the run decides are not counted.
    """
    duration = float(network.duration if duration is None else duration)
    steps = duration / float(network.dt)
    items = {}
    for name, proj in network.projections.items():
        n_syn, pairs = synapse_count(proj, network)
        per_pair = BYTES_PER_PAIR.get(proj.connectivity, 0) if isinstance(proj.connectivity, str) else 0
        items[f"projections.{name}"] = n_syn * BYTES_PER_SYNAPSE[backend] + pairs * per_pair
    for name, pop in network.populations.items():
        items[f"populations.{name}"] = _size(pop) * BYTES_PER_NEURON[backend]
    rec = network.record
    for name in rec.weights:
        n_syn, _ = synapse_count(network.projections[name], network)
        traced = min(rec.weight_synapses, n_syn) if isinstance(rec.weight_synapses, int) else len(rec.weight_synapses)
        items[f"record.weights.{name}"] = traced * (duration / float(rec.weight_dt) + 1) * BYTES_PER_SAMPLE
    for name in rec.rates:
        if backend == "spike":  # Brian2's population rate monitor keeps every step
            items[f"record.rates.{name}"] = steps * BYTES_PER_SAMPLE
        else:  # the rate backend keeps every unit's binned rate
            items[f"record.rates.{name}"] = _size(network.populations[name]) * (
                duration / float(rec.rate_bin) + 1) * BYTES_PER_SAMPLE
    if backend == "spike":
        for name in rec.spikes:
            pop = network.populations[name]
            if pop.TYPE == "poisson":
                hz = _poisson_rates(pop)
                kept = rec.spike_count(name, _size(pop))
                items[f"record.spikes.{name}"] = kept * float(np.mean(hz)) * duration * BYTES_PER_SAMPLE
    return items


def available_memory():
    """Bytes this process may still allocate: ``MemAvailable`` (else physical memory),
    capped by an address-space limit (``ulimit -v``) when one is set."""
    avail = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    if avail is None:
        try:
            avail = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None  # unknown: nothing to compare with
    try:
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            avail = min(avail, soft)
    except (ImportError, ValueError, OSError):
        pass
    return avail


def check_memory(network, backend, duration=None, available=None):
    """Raise :class:`ModelError` (naming the largest item) if the estimate exceeds ``available`` bytes
    (default :func:`available_memory`)."""
    items = memory_estimate(network, backend, duration)
    total = sum(items.values())
    available = available_memory() if available is None else available
    if available is None or total <= available:
        return
    key = max(items, key=items.get)
    what = ""
    if key.startswith("projections."):
        n_syn, _ = synapse_count(network.projections[key.split(".", 1)[1]], network)
        what = f", {n_syn:.3g} synapses"
    elif key.startswith("populations."):
        what = f", {_size(network.populations[key.split('.', 1)[1]]):.3g} neurons"
    raise ModelError(key, f"the network needs about {format_bytes(total)} of memory on the {backend} backend "
                          f"({format_bytes(items[key])} here{what}) but {format_bytes(available)} is "
                          "available; make it smaller")


def format_bytes(n):
    """``1.5 GB``: decimal units, three significant digits."""
    n = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.3g} {unit}"
        n /= 1000
