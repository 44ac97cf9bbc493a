"""Population descriptions: LIF neurons and input generators."""
import contextvars
import os

import numpy as np

from .errors import ModelError
from .schema import Description, Field, Registry

POPULATIONS = Registry("population type")

#: directory that relative data paths in a model file are read from (set while a file loads)
MODEL_DIR = contextvars.ContextVar("spikehebb_model_dir", default="")


class SpikeSource:
    """Mixin of populations that emit given spikes and take no input.

    They may be the post population of plastic projections: the rule's post side
    follows their spikes (a pairing protocol with given post spikes, a Poisson post
    neuron), and weights onto them are dimensionless numbers since nothing is
    transmitted. A static projection onto them would do nothing and is refused.
    """

    weight_kind = None

    def check_incoming(self, proj, where):
        """Refuse a projection onto this population that could not do anything."""
        if not proj.rule.PLASTIC:
            raise ModelError(f"{where}.post", f"a {self.TYPE} population takes no input: only plastic "
                                              "projections onto it (its spikes drive their rule) make sense")


@POPULATIONS.register
class LIF(Description):
    r"""Leaky integrate-and-fire neurons, current- or conductance-based.

    .. math::

        \tau_m \frac{dv}{dt} = v_{rest} - v + R_m (I_{ext} + I_{syn}) + \sigma \sqrt{2\tau_m}\,\xi(t)

    with, for ``synapse = "current"``, exponentially decaying currents
    :math:`I_{syn} = I_e - I_i`, :math:`\tau_{e} dI_e/dt = -I_e` (a spike adds
    the weight, in amperes), and for ``synapse = "conductance"``
    :math:`I_{syn} = g_e (E_e - v) + g_i (E_i - v)`, :math:`\tau_e dg_e/dt = -g_e`
    (a spike adds the weight, in siemens). A spike is emitted when
    :math:`v > v_{th}`; then :math:`v \leftarrow v_{reset}` and the neuron is
    refractory for :math:`t_{ref}`.

    For constant input and :math:`\sigma = 0` the rate is the analytic f-I curve

    .. math::

        \nu = \left[t_{ref} + \tau_m \ln\frac{R I - (v_{reset} - v_{rest})}{R I - (v_{th} - v_{rest})}\right]^{-1}
        \quad (R I > v_{th} - v_{rest}).
    """

    TYPE = "lif"
    FIELDS = (
        Field("n", "int", positive=True, doc="number of neurons"),
        Field("synapse", "str", "current", choices=("current", "conductance")),
        Field("tau_m", "time", "20 ms", positive=True),
        Field("r_m", "resistance", "100 Mohm", positive=True, doc="membrane resistance"),
        Field("v_rest", "voltage", "-70 mV"),
        Field("v_reset", "voltage", "-70 mV"),
        Field("v_th", "voltage", "-54 mV"),
        Field("t_ref", "time", "0 ms", nonnegative=True),
        Field("tau_e", "time", "5 ms", positive=True, doc="excitatory synaptic time constant"),
        Field("tau_i", "time", "5 ms", positive=True, doc="inhibitory synaptic time constant"),
        Field("e_e", "voltage", "0 mV", doc="excitatory reversal potential (conductance synapses)"),
        Field("e_i", "voltage", "-80 mV", doc="inhibitory reversal potential (conductance synapses)"),
        Field("i_ext", "current", "0 pA", array=True, doc="constant input current, scalar or one per neuron"),
        Field("sigma", "voltage", "0 mV", nonnegative=True, doc="white-noise amplitude of v"),
        Field("v_init", "str", "rest", choices=("rest", "uniform"),
              doc="initial v: v_rest, or uniform in [v_reset, v_th)"),
    )

    def check(self, where):
        if not self.v_th > self.v_reset:
            raise ModelError(f"{where}.v_th", "must be above v_reset")
        if np.ndim(self.i_ext) and len(self.i_ext) != self.n:
            raise ModelError(f"{where}.i_ext", f"expected {self.n} values (one per neuron), got {len(self.i_ext)}")

    @property
    def weight_kind(self):
        """Physical kind of the weights of projections onto this population."""
        return "current" if self.synapse == "current" else "conductance"


@POPULATIONS.register
class PoissonInput(SpikeSource, Description):
    r"""Independent Poisson spike trains.

    The rate is ``rate`` (scalar or one per neuron), or piecewise constant in
    time when ``schedule`` is given: a list of ``[start_time, rate]`` pairs
    (the first start must be ``0 s``). Rates may also be a (steps, n) array
    with ``schedule_dt`` when built from Python. May be the post of plastic
    projections (see :class:`SpikeSource`): at rate :math:`r` the rate backend's
    rules use :math:`r` itself, e.g. the Kempter drift for pair STDP.
    """

    TYPE = "poisson"
    FIELDS = (
        Field("n", "int", positive=True),
        Field("rate", "rate", "0 Hz", nonnegative=True, array=True),
        Field("schedule", "raw", None, doc='[["0 s", "10 Hz"], ["1 s", "20 Hz"]]'),
        Field("schedule_dt", "time", None, positive=True, doc="step of a rate array (Python only)"),
        Field("rates", "raw", None, doc="(steps, n) rates in Hz (Python only)"),
    )

    def check(self, where):
        from .units import parse_value
        if np.ndim(self.rate) and len(self.rate) != self.n:
            raise ModelError(f"{where}.rate", f"expected {self.n} values (one per neuron), got {len(self.rate)}")
        if self.schedule is not None:
            try:
                pairs = [(parse_value(t, "time", f"{where}.schedule[{k}][0]"),
                          parse_value(r, "rate", f"{where}.schedule[{k}][1]"))
                         for k, (t, r) in enumerate(self.schedule)]
            except (TypeError, ValueError) as e:
                if isinstance(e, ModelError):
                    raise
                raise ModelError(f"{where}.schedule", 'expected a list of ["time", "rate"] pairs')
            if float(pairs[0][0]) != 0 or any(b[0] <= a[0] for a, b in zip(pairs, pairs[1:])):
                raise ModelError(f"{where}.schedule", "start times must begin at 0 s and increase")
            if any(float(r) < 0 for _, r in pairs):
                raise ModelError(f"{where}.schedule", "rates must not be negative")
            self.schedule = pairs
        if self.rates is not None:
            arr = np.asarray(self.rates, dtype=float)
            if arr.ndim != 2 or arr.shape[1] != self.n or self.schedule_dt is None or (arr < 0).any():
                raise ModelError(f"{where}.rates", f"expected a (steps, {self.n}) array of non-negative Hz with schedule_dt")
            self.rates = arr

    def rate_array(self, dt_step):
        """Rates in Hz as a (steps, n) array sampled every ``dt_step`` seconds, or None if constant."""
        if self.rates is not None:
            return self.rates, float(self.schedule_dt)
        if self.schedule is not None:
            times = np.array([float(t) for t, _ in self.schedule])
            values = np.array([float(r) for _, r in self.schedule])
            step = float(np.min(np.diff(times))) if len(times) > 1 else 1.0
            n_steps = int(round(times[-1] / step)) + 1
            idx = np.searchsorted(times, np.arange(n_steps) * step + 1e-12, side="right") - 1
            return np.repeat(values[idx][:, None], self.n, axis=1), step
        return None

    def mean_rate(self):
        """Per-neuron rate in Hz (time average over the schedule's steps)."""
        arr = self.rate_array(None)
        if arr is not None:
            return arr[0].mean(axis=0)
        return np.broadcast_to(np.asarray(self.rate, dtype=float), (self.n,)).copy()


@POPULATIONS.register
class SpikeTimes(SpikeSource, Description):
    """Given spikes: ``indices[k]`` fires at ``times[k]`` (e.g. ``"10 ms"``).

    Or from ``file``: a ``.npz`` with arrays ``indices`` and ``times`` (seconds), or a
    ``.npy`` with one row ``[index, time in seconds]`` per spike; a relative path is
    read from the model file's directory. May be the post of plastic projections
    (a pairing protocol with given post spikes, see :class:`SpikeSource`).
    """

    TYPE = "spike_times"
    FIELDS = (
        Field("n", "int", positive=True),
        Field("indices", "ints", None, doc="neuron index of each spike"),
        Field("times", "time", None, array=True, nonnegative=True, doc="time of each spike"),
        Field("file", "str", None, doc=".npz (indices, times in s) or .npy (rows: index, time in s)"),
    )

    def check(self, where):
        if self.file is not None:
            if self.indices is not None or self.times is not None:
                raise ModelError(f"{where}.file", "give either file or indices and times, not both")
            self.indices, self.times = _read_spike_file(self.file, f"{where}.file")
        elif self.indices is None or self.times is None:
            raise ModelError(f"{where}.times", "required: indices and times (or a file)")
        if len(self.indices) != np.size(self.times):
            raise ModelError(f"{where}.times", f"expected {len(self.indices)} times, one per index")
        if len(self.indices) and self.indices.max() >= self.n:
            raise ModelError(f"{where}.indices", f"index {self.indices.max()} out of range for n = {self.n}")


def _read_spike_file(path, where):
    """(indices, times as a :class:`~spikehebb.model.units.Value`) from a ``.npz`` or ``.npy`` spike file."""
    from .units import DIMENSIONS, Value
    full = os.path.join(MODEL_DIR.get(), os.path.expanduser(path))
    try:
        with open(full, "rb") as fh:
            data = np.load(fh, allow_pickle=False)
            if path.endswith(".npz"):
                if not {"indices", "times"} <= set(data.files):
                    raise ModelError(where, f"{path}: expected arrays 'indices' and 'times', found {data.files}")
                idx, times = np.asarray(data["indices"]), np.asarray(data["times"], float)
            else:
                arr = np.asarray(data, float)
                if arr.ndim != 2 or arr.shape[1] != 2:
                    raise ModelError(where, f"{path}: expected rows [index, time in s], got shape {arr.shape}")
                idx, times = arr[:, 0], arr[:, 1]
    except FileNotFoundError:
        raise ModelError(where, f"no such file: {full}") from None
    except (OSError, ValueError) as e:
        raise ModelError(where, f"cannot read {full}: {e}") from None
    if idx.shape != times.shape or idx.ndim != 1:
        raise ModelError(where, f"{path}: indices and times must be 1-D and of equal length")
    if not np.all(np.isfinite(times)) or (times < 0).any() or (idx < 0).any() or np.any(idx != np.round(idx)):
        raise ModelError(where, f"{path}: times must be finite and >= 0 s, indices whole numbers >= 0")
    return idx.astype(int), Value(times, DIMENSIONS["time"])
