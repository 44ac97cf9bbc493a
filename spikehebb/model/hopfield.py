r"""Associative-memory descriptions: Hopfield units, modern and dense memories, stored weights.

A binary Hopfield network is a ``binary_units`` population with one recurrent
projection whose weights are ``stored_patterns``: a storage rule applied, when
the network is fitted, to the patterns it must remember,

.. code-block:: toml

    [populations.memory]
    type = "binary_units"
    n = 100
    update = "async"

    [projections.recurrent]
    pre = "memory"
    post = "memory"
    w_init = { type = "stored_patterns", rule = "hebbian" }

The rate backend runs the units as :math:`\pm 1` spins,
:math:`s_i \leftarrow \operatorname{sgn}(\sum_j W_{ij} s_j)`, synchronously or
asynchronously; the spike backend maps the same weights onto LIF neurons
(the mapping and its parameters: :class:`SpikingHopfield`, the population's
``spike`` table). ``modern_hopfield`` (Ramsauer et al. 2020) and
``dense_memory`` (Krotov & Hopfield 2016) store the patterns themselves, with
no weight matrix; they exist on the rate backend only.

Descriptions only: the storage rules, the dynamics and the LIF mapping are the
backends' (``spikehebb.backends.memory`` and each backend's ``hopfield`` module).
"""
from .classifier import BackendTables
from .neurons import POPULATIONS
from .schema import Description, Field, Registry

#: storage rules that turn patterns into a weight matrix (computed by the backends)
STORAGE_RULES = ("hebbian", "storkey", "pseudo_inverse")
UPDATES = ("async", "sync")

WEIGHT_INITS = Registry("weight initialiser")


@WEIGHT_INITS.register
class StoredPatterns(Description):
    r"""Weights computed from the patterns a memory stores, when it is fitted.

    ``rule``: ``hebbian`` (:math:`W = X^\top X / N`, Hopfield 1982),
    ``storkey`` (Storkey 1997) or ``pseudo_inverse`` (Personnaz, Guyon &
    Dreyfus 1986); zero diagonal in all three. The equations are in
    :mod:`spikehebb.backends.memory`.
    """

    TYPE = "stored_patterns"
    FIELDS = (Field("rule", "str", "hebbian", choices=STORAGE_RULES),)


class SpikingHopfield(Description):
    r"""Spike backend: a ``binary_units`` population as LIF neurons (its ``spike`` table).

    A :math:`\pm 1` state is read as a rate, :math:`s_j = 2\nu_j/\nu_{on} - 1`,
    and neuron :math:`i` gets the current :math:`I_{rh} + \kappa h_i`, with the
    rheobase :math:`I_{rh} = (v_{th} - v_{rest})/R_m`, so that it fires when its
    Hopfield field :math:`h_i = \sum_j W_{ij} s_j` is positive. :math:`\nu_{on}`
    is the LIF rate at :math:`I_{rh} + \kappa`. Recurrent synapses are
    current-based with time constant ``tau_syn`` and weight
    :math:`2\kappa W_{ij}/(\nu_{on}\tau_{syn})` (excitatory where
    :math:`W_{ij} > 0`, inhibitory where negative); the constant part
    :math:`I_{rh} - \kappa\sum_j W_{ij}` is a bias current. A 10 ms refractory
    period saturates the f-I curve so that units are nearly binary.

    The cue is a constant current :math:`\gamma\kappa c_i` for the whole run
    (``cue = "current"``, ``cue_gain`` :math:`\gamma`) or Poisson spikes at
    ``cue_rate`` for ``cue_duration``, excitatory onto +1 and inhibitory onto
    -1 bits (``cue = "rate"``). The recalled bit is +1 where the rate over the
    last ``readout`` fraction of the run exceeds :math:`\nu_{on}/2`.
    ``tau_syn`` defaults to 5 ms with a current cue and 30 ms (NMDA-like, to
    hold the state across refractory periods once the cue is off) with a rate
    cue.
    """

    FIELDS = (
        Field("kappa", "current", "1 nA", positive=True, doc="current per unit of Hopfield field"),
        Field("cue", "str", "current", choices=("current", "rate")),
        Field("cue_gain", "float", 0.5, nonnegative=True, doc="cue current / kappa (cue = current)"),
        Field("cue_rate", "rate", "200 Hz", positive=True, doc="Poisson cue rate (cue = rate)"),
        Field("cue_weight", "current", None, positive=True, doc="cue synapse weight (default kappa)"),
        Field("cue_duration", "time", "50 ms", positive=True),
        Field("tau_syn", "time", None, positive=True, doc="default 5 ms (current cue) or 30 ms (rate cue)"),
        Field("duration", "time", "300 ms", positive=True),
        Field("dt", "time", "0.1 ms", positive=True),
        Field("readout", "float", 0.5, positive=True, doc="fraction of the run read out at its end"),
        Field("tau_m", "time", "20 ms", positive=True),
        Field("r_m", "resistance", "100 Mohm", positive=True),
        Field("v_rest", "voltage", "-70 mV"),
        Field("v_reset", "voltage", "-70 mV"),
        Field("v_th", "voltage", "-50 mV"),
        Field("t_ref", "time", "10 ms", nonnegative=True),
    )

    def synaptic_tau(self):
        """``tau_syn``, or its default for the cue mode."""
        from .units import parse_quantity
        if self.tau_syn is not None:
            return self.tau_syn
        return parse_quantity("5 ms" if self.cue == "current" else "30 ms", "time", "tau_syn")


@POPULATIONS.register
class BinaryUnits(BackendTables):
    r"""Binary (:math:`\pm 1`) Hopfield units (Hopfield 1982).

    .. math::

        s_i \leftarrow \operatorname{sgn}(h_i), \quad h_i = \sum_j W_{ij} s_j, \qquad
        E(s) = -\tfrac12 \sum_{ij} W_{ij} s_i s_j

    ``update = "async"``: one unit at a time in a new random order each
    sweep (the energy never increases, so recall ends at a fixed point);
    ``"sync"``: all units at once (a fixed point or a 2-cycle). At most
    ``max_sweeps`` sweeps or steps. A zero field keeps the unit's state. The
    ``spike`` table maps the units onto LIF neurons (:class:`SpikingHopfield`).
    """

    TYPE = "binary_units"
    SPIKE = SpikingHopfield
    FIELDS = (
        Field("n", "int", positive=True, doc="units"),
        Field("update", "str", "async", choices=UPDATES),
        Field("max_sweeps", "int", 50, positive=True, doc="sweeps (async) or steps (sync) at most"),
        Field("spike", "raw", None, doc="spike backend: the LIF mapping (SpikingHopfield)"),
    )
    #: Hopfield weights are dimensionless
    weight_kind = None


@POPULATIONS.register
class ModernHopfield(Description):
    r"""Modern Hopfield network (Ramsauer et al. 2020); rate backend only.

    .. math::

        \xi \leftarrow X^\top \operatorname{softmax}(\beta X \xi), \qquad
        E(\xi) = -\beta^{-1}\log\sum_\mu e^{\beta\, x^\mu\cdot\xi} + \tfrac12 \xi\cdot\xi

    ``beta`` multiplies the raw dot products of :math:`\pm 1` patterns; the
    result is mapped back to :math:`\pm 1` by its sign after each of ``steps``
    updates (one usually suffices).

    References
    ----------
    .. [1] H. Ramsauer et al., "Hopfield networks is all you need", ICLR 2021.
    """

    TYPE = "modern_hopfield"
    RATE_ONLY = True
    FIELDS = (Field("n", "int", positive=True), Field("beta", "float", 1.0, positive=True),
              Field("steps", "int", 1, positive=True))


@POPULATIONS.register
class DenseMemory(Description):
    r"""Dense associative memory (Krotov & Hopfield 2016); rate backend only.

    .. math:: E(\sigma) = -\sum_\mu F(\xi^\mu\cdot\sigma), \qquad F(x) = x^n

    with ``degree`` :math:`n`, updated asynchronously (each unit takes the sign
    of lower energy) for at most ``max_sweeps`` sweeps. :math:`n = 2` is the
    Hebbian network; capacity grows as :math:`N^{n-1}`.

    References
    ----------
    .. [1] D. Krotov, J. J. Hopfield, "Dense associative memory for pattern
       recognition", NIPS 29 (2016).
    """

    TYPE = "dense_memory"
    RATE_ONLY = True
    FIELDS = (Field("n", "int", positive=True), Field("degree", "int", 3, positive=True),
              Field("max_sweeps", "int", 50, positive=True))


#: population types that store patterns (what a ``hopfield`` task fits)
MEMORY_TYPES = (BinaryUnits, ModernHopfield, DenseMemory)


def memory_of(network, where="populations"):
    """The memory of ``network``: ``(name, population, storage)``.

    ``storage`` is the :class:`StoredPatterns` of the recurrent projection onto
    a ``binary_units`` population (None for modern and dense memories). Raises
    :class:`ModelError` unless there is exactly one memory population and, for
    binary units, exactly one recurrent ``stored_patterns`` projection onto it.
    """
    from .errors import ModelError
    names = [k for k, pop in network.populations.items() if type(pop) in MEMORY_TYPES]
    if len(names) != 1:
        kinds = ", ".join(cls.TYPE for cls in MEMORY_TYPES)
        raise ModelError(where, f"a memory needs exactly one population of type {kinds}; found {len(names)}")
    name = names[0]
    pop = network.populations[name]
    if type(pop) is not BinaryUnits:
        return name, pop, None
    stored = [(k, p) for k, p in network.projections.items()
              if p.pre == name and p.post == name and isinstance(p.w_init, StoredPatterns)]
    if len(stored) != 1 or len(network.projections) != 1:
        raise ModelError("projections", f"binary units need exactly one projection, {name!r} onto itself, "
                                        "with w_init = {type = \"stored_patterns\", rule = ...}")
    return name, pop, stored[0][1].w_init
